"""The journal's words: the fixed choices a person, a conversation or a reminder can take.

Kept apart from the ORM models so that the CLI's argument parser and the app's first window can
use them without importing SQLAlchemy (a third of a second at start-up).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

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
    """Where a conversation happened."""

    x = "x"
    linkedin = "linkedin"
    instagram = "instagram"
    facebook = "facebook"
    email = "email"
    phone = "phone"
    meeting = "meeting"
    chat = "chat"
    other = "other"


class Direction(enum.StrEnum):
    incoming = "in"  # they reached out
    outgoing = "out"  # I (or the team) reached out


class Tone(enum.StrEnum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


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
