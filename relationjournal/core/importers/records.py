"""What every importer yields: one plain, immutable intermediate, whatever the platform.

The readers (one module per platform) turn an export into a stream of these records, in file
order; the import engine matches them against the journal and writes them. Nothing here knows
the database, Qt or the journal's rules: a record says what the export said, tidied (names
repaired, dates read, profile addresses normalised), and nothing more.

A stream from one export holds, in this order:

1. at most one `ImportedOwner` per platform (whose export it is, for the direction of messages),
   before any message of that platform;
2. `ImportedPerson`s: the same person may come more than once (someone who follows you and whom
   you follow: one record per relation, with the same `source_key`);
3. `ImportedMessage`s, in file order (not sorted: group and sort them by conversation and day);
4. `Skipped` records wherever the export held something that cannot be imported, with the reason.

Source keys (`source_key`, `conversation_key`, `Participant.key`) are stable across downloads of
the same account's export: the engine stores them to make re-import idempotent. Their shape is
`<platform>:<kind>:<value>`, e.g. `x:id:12345`, `linkedin:url:https://www.linkedin.com/in/ada`,
`instagram:user:ada`, or `<platform>:hash:<hex>` where the export has no id (a hash of what
identifies the record). They are opaque: compare them, never parse or show them.

Text is untrusted. Names, notes and messages come from other people; addresses (`urls`,
`handles`) are kept as text and never made into links here: the app decides what may open.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from relationjournal.core.vocabulary import Channel, Platform


class Kind(enum.StrEnum):
    """Which platform an export comes from (the CLI's `--from` names, less `auto` and `journal`)."""

    linkedin = "linkedin"
    x = "x"
    instagram = "instagram"
    facebook = "facebook"
    google = "google"
    vcard = "vcard"


class Relation(enum.StrEnum):
    """How the person relates to the owner on that platform.

    A followers list is complete in every export: someone in a newer list who was not in the
    previous one is a new follower (the engine's business; the reader does not compare).
    """

    follower = "follower"  # follows the owner (X, Instagram, Facebook)
    following = "following"  # the owner follows them (X, Instagram, Facebook)
    friend = "friend"  # Facebook friend
    connection = "connection"  # LinkedIn connection
    contact = "contact"  # address book entry (Google Contacts, vCard)
    correspondent = "correspondent"  # known only from messages (LinkedIn, X)


class MonthDay(NamedTuple):
    """A birthday without a year (`--03-07` in Google Contacts and vCard)."""

    month: int
    day: int


@dataclass(frozen=True, slots=True)
class ImportedPerson:
    """One person as one export knows them.

    `name` is never empty: where the export gives no name, it is made from what it does give
    (an Instagram user name, "X account 12345", an e-mail address) and `name_is_real` is False,
    so the engine never matches or suggests on it.

    `handles` are social profiles: (Platform.x, "@ada"), (Platform.instagram, "@ada"),
    (Platform.linkedin or Platform.facebook, normalised profile address), (Platform.other,
    "skype:ada") for messenger ids. E-mail addresses and phone numbers are in `emails` and
    `phones` only (the engine makes them email/phone handles). `urls` are other web addresses.
    """

    source_key: str
    kind: Kind
    relation: Relation
    name: str
    where: str  # "Connections.csv:12" or "follower.js: entry 3", for the preview and skips
    name_is_real: bool = True
    first_name: str = ""
    last_name: str = ""
    organisation: str = ""
    role: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    handles: tuple[tuple[Platform, str], ...] = ()
    urls: tuple[str, ...] = ()
    birthday: date | MonthDay | None = None
    notes: str = ""
    labels: tuple[str, ...] = ()  # Google labels, vCard categories: candidates for tags
    connected_on: date | None = None  # when the relation began (UTC day), where the export says
    account_id: str = ""  # the platform's own id for the account (X), where the export gives one


class Participant(NamedTuple):
    """Someone in a conversation: `key` is the same `source_key` their `ImportedPerson` would have."""

    key: str
    name: str  # as the export names them; "" when it does not (X)
    url: str = ""  # normalised profile address, where given


@dataclass(frozen=True, slots=True)
class ImportedMessage:
    """One message of a conversation (LinkedIn messages, X direct messages), in file order.

    `owner_is_sender` is None when the owner is not known (no account.js, or LinkedIn messages
    where no one appears in every conversation); the preview then asks.
    """

    source_key: str  # the platform's message id, or a hash of conversation, time, sender and text
    kind: Kind
    channel: Channel
    conversation_key: str
    sender: Participant
    recipients: tuple[Participant, ...]
    owner_is_sender: bool | None
    when: datetime  # aware, UTC
    text: str  # plain text: HTML is turned into text, never kept
    where: str
    subject: str = ""
    title: str = ""  # the conversation's title, where the export has one (LinkedIn groups)


@dataclass(frozen=True, slots=True)
class ImportedOwner:
    """Whose export this is. `certain` is False when it was guessed (LinkedIn, from messages)
    and the preview should let the user confirm it."""

    kind: Kind
    key: str  # the owner's Participant.key in this export's messages
    name: str
    certain: bool
    where: str
    handle: str = ""  # "@ada" on X
    account_id: str = ""


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something in the export that is not imported, and why (the engine counts these by `kind`
    and `reason` for the summary; `where` is for the details: file and line or entry)."""

    kind: str  # "connection", "message", "contact", "follower"...
    where: str
    reason: str


Record = ImportedOwner | ImportedPerson | ImportedMessage | Skipped
