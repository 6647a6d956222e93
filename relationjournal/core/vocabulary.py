"""The journal's words: the fixed choices a person, a conversation or a reminder can take.

Kept apart from the ORM models so that the CLI's argument parser and the app's first window can
use them without importing SQLAlchemy (a third of a second at start-up).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from relationjournal.core.folding import fold

UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> datetime:
    return datetime.now(UTC)


class Status(enum.StrEnum):
    active = "active"
    dormant = "dormant"
    archived = "archived"


class Platform(enum.StrEnum):
    """Where a person can be reached; the order is the order shown."""

    x = "x"
    linkedin = "linkedin"
    instagram = "instagram"
    facebook = "facebook"
    email = "email"
    phone = "phone"
    website = "website"
    other = "other"


class Channel(enum.StrEnum):
    """Where a conversation happened (the built-in channels; a user adds their own: `CustomChannel`).

    The order is the order shown; "other" stays last.
    """

    x = "x"
    linkedin = "linkedin"
    instagram = "instagram"
    facebook = "facebook"
    email = "email"
    phone = "phone"
    meeting = "meeting"
    chat = "chat"
    whatsapp = "whatsapp"
    telegram = "telegram"
    signal = "signal"
    slack = "slack"
    teams = "teams"
    discord = "discord"
    mastodon = "mastodon"
    bluesky = "bluesky"
    tiktok = "tiktok"
    youtube = "youtube"
    other = "other"


@dataclass(frozen=True)
class CustomChannel:
    """A channel the user added ("Workplace", "Intranet"): stored in its own table, named as typed."""

    id: int
    name: str

    @property
    def value(self) -> str:
        """What the command line and CSV files write for it, as `Channel.value` for a built-in one."""
        return self.name


AnyChannel = Channel | CustomChannel


# Other names people use for each channel (the GUI's labels among them), for the command line and
# CSV files. Only names that can mean nothing else.
CHANNEL_ALIASES: dict[Channel, tuple[str, ...]] = {
    Channel.x: ("twitter", "tweet", "x/twitter", "x.com"),
    Channel.linkedin: ("li",),
    Channel.instagram: ("ig", "insta"),
    Channel.facebook: ("fb",),
    Channel.email: ("mail", "e-mail"),
    Channel.phone: ("call", "phone call", "tel", "telephone"),
    Channel.meeting: ("meet", "in person", "irl", "face to face", "f2f"),
    Channel.chat: ("company chat",),
    Channel.whatsapp: ("wa",),
    Channel.telegram: ("tg",),
    Channel.signal: ("signal messenger",),
    Channel.slack: (),
    Channel.teams: ("ms teams", "microsoft teams"),
    Channel.discord: (),
    Channel.mastodon: ("fediverse",),
    Channel.bluesky: ("bsky",),
    Channel.tiktok: (),  # "Tik Tok" and "WhatsApp" read the same: spaces and case never count
    Channel.youtube: ("yt",),
    Channel.other: (),
}


# How the app and Insights name each built-in channel ("Microsoft Teams"); a user's own channel is named as typed.
CHANNEL_LABELS: dict[Channel, str] = {
    Channel.x: "X / Twitter", Channel.linkedin: "LinkedIn", Channel.instagram: "Instagram",
    Channel.facebook: "Facebook", Channel.email: "Email", Channel.phone: "Phone", Channel.meeting: "Meeting",
    Channel.chat: "Company chat", Channel.whatsapp: "WhatsApp", Channel.telegram: "Telegram",
    Channel.signal: "Signal", Channel.slack: "Slack", Channel.teams: "Microsoft Teams", Channel.discord: "Discord",
    Channel.mastodon: "Mastodon", Channel.bluesky: "Bluesky", Channel.tiktok: "TikTok", Channel.youtube: "YouTube",
    Channel.other: "Other",
}  # fmt: skip


def channel_label(channel: AnyChannel) -> str:
    """A channel as the app names it: "Microsoft Teams", or the name the user gave their own (plain text)."""
    return CHANNEL_LABELS[channel] if isinstance(channel, Channel) else channel.name


def name_key(text: str) -> str:
    """A name as compared: folded (case and accents), letters and digits only ("E-Mail" is "email")."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


_CHANNEL_NAMES = {name_key(name): channel for channel in Channel for name in (channel.value, *CHANNEL_ALIASES[channel])}


def channel_named(text: str) -> Channel | None:
    """The channel called `text` (its value or an alias, in any case, accents, spaces or hyphens), or None."""
    return _CHANNEL_NAMES.get(name_key(text))


def channel_names() -> str:
    """Every accepted name, for an error message: "x (twitter, tweet, …), linkedin (li), …"."""
    return ", ".join(c.value + (f" ({', '.join(CHANNEL_ALIASES[c])})" if CHANNEL_ALIASES[c] else "") for c in Channel)


class Direction(enum.StrEnum):
    incoming = "in"  # they reached out
    outgoing = "out"  # I (or the team) reached out


class Tone(enum.StrEnum):
    """How a conversation felt. The journal file stores these values; people read and type the
    words of `TONE_WORDS` (a "negative" conversation is called "difficult" everywhere they look)."""

    positive = "positive"
    neutral = "neutral"
    negative = "negative"


# The one word for each tone in the app, on the command line and in CSV files.
TONE_WORDS: dict[Tone, str] = {Tone.positive: "positive", Tone.neutral: "neutral", Tone.negative: "difficult"}
# Every name a tone is read by: its word, and its stored value (which older CSV exports wrote).
_TONE_NAMES = {name: tone for tone in Tone for name in (TONE_WORDS[tone], tone.value)}


def tone_named(text: str) -> Tone | None:
    """The tone called `text` ("difficult", or "negative" as older exports wrote), in any case; or None."""
    return _TONE_NAMES.get(text.strip().casefold())


def tone_words() -> str:
    """The words a tone can be given as, for help and error messages: "positive, neutral, difficult"."""
    return ", ".join(TONE_WORDS.values())


class Context(enum.StrEnum):
    personal = "personal"
    business = "business"


class ReminderKind(enum.StrEnum):
    stay_in_touch = "stay_in_touch"
    follow_up = "follow_up"
    check_in = "check_in"
    self_care = "self_care"
    welcome = "welcome"
    programme_review = "programme_review"
    programme_contact = "programme_contact"
    custom = "custom"


class ReminderState(enum.StrEnum):
    open = "open"
    snoozed = "snoozed"
    done = "done"
    dismissed = "dismissed"
