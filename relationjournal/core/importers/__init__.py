"""Reading other platforms' exports: LinkedIn, X, Instagram, Facebook, Google Contacts and vCard.

This package only reads. It turns each export, as downloaded (the .zip, its unpacked folder or
one file), into a stream of plain records (`records.py`): no Qt, no SQLAlchemy, no journal. The
import engine matches the records against the journal and writes them.

    with open_source(path) as source:          # detect.py: what the export is, by content
        print(source.kinds)                     # (Kind.linkedin,) …
        for record in read(source):             # streamed: a 100 MB messages.csv is never whole in memory
            ...                                 # ImportedOwner | ImportedPerson | ImportedMessage | Skipped

For the engine:

- Order, per platform: the owner (if the export names one) before its messages; people; then
  messages in file order (LinkedIn's are grouped by conversation, newest first; X's by
  conversation, in the archive's order). Group per conversation and day, and sort, in the engine.
- Idempotence: `ImportedPerson.source_key` and `ImportedMessage.source_key` are stable across
  downloads of the same account; store them and skip what is already there. The same person may
  come several times in one stream (follower and following): one key, several relations.
- Matching: automatic only on strong keys (`handles`, `emails`, `phones`, `account_id`, the
  source key); a name only ever suggests, and never when `name_is_real` is False.
- New followers: every export holds the complete followers list of its platform; compare the
  `Relation.follower` keys with the previous import's.
- Messages: `owner_is_sender` gives the direction; None means the owner is unknown (ask in the
  preview; `ImportedOwner.certain` False means it was guessed). LinkedIn message participants
  are keyed by the profile address in messages.csv, which may be a member id
  (`/in/ACoAA…`) rather than the address in Connections.csv: match them by name as a suggestion.
- Errors: a file that cannot be read at all raises `InvalidInput` with one line naming the file and
  line or entry (nothing should be written then: read everything before writing, or roll back);
  a record that cannot be used is a `Skipped` with its reason, and the rest goes on.
- Untrusted text: names, notes and messages are plain text, HTML already turned into text;
  addresses are text too, never links: the app opens only http(s), mailto and tel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from relationjournal.core.importers.detect import Source, open_source
from relationjournal.core.importers.files import ExportFile
from relationjournal.core.importers.records import (
    ImportedMessage,
    ImportedOwner,
    ImportedPerson,
    Kind,
    MonthDay,
    Participant,
    Record,
    Relation,
    Skipped,
)

__all__ = [
    "ImportedMessage",
    "ImportedOwner",
    "ImportedPerson",
    "Kind",
    "MonthDay",
    "Participant",
    "Record",
    "Relation",
    "Skipped",
    "Source",
    "open_source",
    "read",
]


def read(source: Source) -> Iterator[Record]:
    """Every record of every export in `source`, platform by platform (in `Kind` order)."""
    for kind in source.kinds:
        yield from _reader(kind)(source.files_of(kind))


def _reader(kind: Kind) -> Callable[[tuple[ExportFile, ...]], Iterator[Record]]:
    """The reader of one platform, imported when needed (vobject only for vCard); imported by
    name, not computed, so that the app's bundle finds every reader."""
    from relationjournal.core.importers import facebook, google, instagram, linkedin, vcard, x

    readers = {
        Kind.linkedin: linkedin.read,
        Kind.x: x.read,
        Kind.instagram: instagram.read,
        Kind.facebook: facebook.read,
        Kind.google: google.read,
        Kind.vcard: vcard.read,
    }
    return readers[kind]
