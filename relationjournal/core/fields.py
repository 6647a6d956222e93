"""Reading and checking field values, shared by the service, the CLI, the app and CSV import.

Each parser takes text as a user typed it and returns a value, or raises `InvalidInput` with one
sentence that names the field and what would be accepted.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, tzinfo
from typing import TypeVar

from relationjournal.core.errors import InvalidInput
from relationjournal.core.vocabulary import Platform

MAX_NAME = 500
MAX_TEXT = 20_000_000  # characters; a 10 MB note is fine, an accidental 1 GB paste is not
E = TypeVar("E", bound=enum.StrEnum)

PLATFORM_ALIASES = {"twitter": Platform.x, "mail": Platform.email, "tel": Platform.phone, "web": Platform.website}


def clean_text(value: str, field: str, *, max_length: int = MAX_TEXT) -> str:
    """Text as given, minus NUL characters that SQLite and CSV readers mishandle."""
    if "\x00" in value:
        raise InvalidInput(f"{field}: contains a NUL character, which cannot be stored.")
    if len(value) > max_length:
        raise InvalidInput(f"{field}: is {len(value):,} characters long; at most {max_length:,} are allowed.")
    return value


def person_name(value: str, field: str = "name") -> str:
    name = clean_text(value.strip(), field, max_length=MAX_NAME)
    if not name:
        raise InvalidInput(f"{field}: a person needs a name.")
    if "\n" in name or "\r" in name:
        raise InvalidInput(f"{field}: must be on one line.")
    return name


def tag_name(value: str) -> str:
    tag = value.strip()
    if not tag:
        raise InvalidInput("tag: must not be empty.")
    if any(ch in tag for ch in ",\n\r\x00"):
        raise InvalidInput(f"tag: {tag!r} may not contain commas or line breaks.")
    return clean_text(tag, "tag", max_length=100)


def choice(kind: type[E], value: str, field: str) -> E:
    try:
        return kind(value.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidInput(f"{field}: {value!r} is not one of {allowed}.") from None


def handle(value: str) -> tuple[Platform, str]:
    """`PLATFORM:HANDLE`, e.g. `x:@ada`, `linkedin:ada-l`, `email:ada@example.org`."""
    platform_text, sep, handle_text = value.partition(":")
    if not sep or not handle_text.strip():
        raise InvalidInput(f"handle: {value!r} should look like PLATFORM:HANDLE, e.g. x:@ada or email:ada@example.org.")
    key = platform_text.strip().lower()
    platform = PLATFORM_ALIASES.get(key) or choice(Platform, key, "handle platform")
    return platform, handle_value(handle_text, platform)


def handle_value(value: str, platform: Platform) -> str:
    text = clean_text(value.strip(), f"{platform.value} handle", max_length=2000)
    if not text or "\n" in text or "\r" in text:
        raise InvalidInput(f"{platform.value} handle: must be one non-empty line.")
    return text


def cadence_days(value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"cadence: {value!r} is not a whole number of days.") from None
    if not 1 <= days <= 3660:
        raise InvalidInput(f"cadence: {days} days is outside 1 to 3660.")
    return days


def iso_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{field}: {value!r} is not a date like 2026-11-23.") from None


def optional_date(value: str | None, field: str) -> date | None:
    return None if value is None or not value.strip() else iso_date(value, field)


def iso_datetime(value: str, field: str, *, local: tzinfo | None = None) -> datetime:
    """An ISO-8601 time; one without an offset is taken as local time (or `local`)."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{field}: {value!r} is not a time like 2026-11-23T14:30 or 2026-11-23T14:30+01:00."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local) if local else moment.astimezone()
    return moment.astimezone(UTC)


def flag(value: str, field: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "y"):
        return True
    if text in ("0", "false", "no", "n", ""):
        return False
    raise InvalidInput(f"{field}: {value!r} is not true or false.")
