"""Local time, quiet hours and snooze times, correct across midnight and daylight-saving changes.

Everything takes the current time and the user's time zone as parameters, so every rule can be
tested at chosen moments. Stored times are UTC; "the evening" and "08:00" are the user's wall
clock, computed with IANA zone rules (zoneinfo), never with a fixed UTC offset.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from relationjournal.core.errors import InvalidInput

EVENING = time(18, 0)


def local_zone(name: str | None = None) -> tzinfo:
    """The named IANA zone, else the system's (TZ, then /etc/localtime), else a fixed offset."""
    for candidate in (name, os.environ.get("TZ", "").lstrip(":"), _system_zone_name()):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return datetime.now().astimezone().tzinfo or UTC


class _HasSettings(Protocol):
    def setting(self, key: str, default: Any = None) -> Any: ...


def journal_zone(journal: _HasSettings) -> tzinfo:
    """The zone every time of this journal is shown and read in, in the app and the CLI alike: its
    `timezone` setting, else the system's. (The same zone as `Rules.zone`, read with one query.)"""
    return local_zone(journal.setting("timezone"))


def zone_name(zone: tzinfo) -> str:
    """An IANA name for `zone` where it has one ("Europe/Berlin"), else what it calls itself."""
    return str(getattr(zone, "key", None) or zone.tzname(datetime.now(UTC)) or "local")


def zone_names() -> list[str]:
    """Every IANA zone this machine knows, sorted (for the app's time-zone picker)."""
    return sorted(name for name in available_timezones() if "/" in name or name == "UTC")


def wall_clock(moment: datetime, zone: tzinfo, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """`moment` as the clock on the wall shows it in `zone` (stored times are UTC)."""
    return moment.astimezone(zone).strftime(pattern)


def _system_zone_name() -> str | None:
    try:
        target = Path("/etc/localtime").resolve()
    except OSError:
        return None
    parts = target.parts
    return "/".join(parts[parts.index("zoneinfo") + 1 :]) if "zoneinfo" in parts else None


def parse_clock(value: str, field: str = "time") -> time:
    try:
        hours, minutes = (int(part) for part in value.strip().split(":"))
        return time(hours, minutes)
    except ValueError:
        raise InvalidInput(f"{field}: {value!r} is not a time like 21:00.") from None


def at_local(day: datetime, clock: time, zone: tzinfo) -> datetime:
    """`clock` o'clock on the local calendar day of `day`, as UTC (a time skipped by DST moves on)."""
    local = datetime.combine(day.astimezone(zone).date(), clock, tzinfo=zone)
    return _normalise(local).astimezone(UTC)


def _normalise(local: datetime) -> datetime:
    """A wall time that does not exist (skipped by a DST change) becomes the first valid time after."""
    round_trip = local.astimezone(UTC).astimezone(local.tzinfo)
    return round_trip if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None) else local


@dataclass(frozen=True)
class QuietHours:
    """No notifications between `start` and `end` (wall clock); may span midnight, e.g. 21:00–08:00."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    @classmethod
    def parse(cls, values: list[str] | tuple[str, str]) -> QuietHours:
        return cls(parse_clock(values[0], "quiet hours start"), parse_clock(values[1], "quiet hours end"))

    def contains(self, moment: datetime, zone: tzinfo) -> bool:
        clock = moment.astimezone(zone).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def next_allowed(self, moment: datetime, zone: tzinfo) -> datetime:
        """`moment` itself, or when the quiet period it falls in ends."""
        if not self.contains(moment, zone):
            return moment.astimezone(UTC)
        local = moment.astimezone(zone)
        end_day = local if local.time() < self.end else local + timedelta(days=1)
        return at_local(end_day, self.end, zone)


def days_later(moment: datetime, days: int, zone: tzinfo) -> datetime:
    """The same wall-clock time `days` calendar days later (23 or 25 hours across a DST change)."""
    local = moment.astimezone(zone)
    return _normalise((local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=zone)).astimezone(UTC)


SNOOZE_CHOICES = ("1h", "evening", "tomorrow", "next-week")


def snooze_until(choice: str, now: datetime, zone: tzinfo, quiet: QuietHours) -> datetime:
    """When a snooze ends: 1h, this evening (18:00), tomorrow morning, next week, or an ISO time."""
    if choice == "1h":
        target = now + timedelta(hours=1)
    elif choice == "evening":
        evening = at_local(now, EVENING, zone)
        target = evening if evening > now else now + timedelta(hours=1)
    elif choice == "tomorrow":
        target = at_local(days_later(now, 1, zone), quiet.end, zone)
    elif choice == "next-week":
        target = at_local(days_later(now, 7, zone), quiet.end, zone)
    else:
        from relationjournal.core.fields import iso_datetime

        target = iso_datetime(choice, "snooze until", local=zone)
        if target <= now:
            raise InvalidInput("snooze until: that time has already passed.")
    return quiet.next_allowed(target, zone)


MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec"),
), start=1) for name in names}  # fmt: skip
NUMERIC_ORDERS = ("dmy", "mdy", "ymd")


def parse_day(
    value: str,
    field: str = "date",
    *,
    numeric_order: str = "dmy",
    month_names: dict[str, int] | None = None,
    today: date | None = None,
) -> date | None:
    """A calendar day as people type it; None for empty text.

    Accepted: ISO (`2026-12-07`), a day and a month name in either order (`7 Dec 2026`,
    `7 December 2026`, `December 7, 2026`), and three numbers (`12/7/26`) read in `numeric_order`,
    the order of the user's locale ("dmy", "mdy" or "ymd"), except that `7.12.2026` is always
    day first and `2026/12/07` year first. A two-digit year is the nearest one not more than 20
    years ahead. `month_names` adds names (lower case) in the user's
    language. Anything else raises `InvalidInput`, saying what would be understood.
    """
    text = value.strip()
    if not text:
        return None
    refused = InvalidInput(f"{field}: {value.strip()!r} is not a date; type it like 2026-12-07 or 7 Dec 2026.")
    names = {**MONTHS, **(month_names or {})}
    ordinals = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.casefold())  # "Dec 7th"
    words = re.findall(r"\d+|[^\W\d_]+", ordinals)  # "07Dec2026" is three words too
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            year, month, day = (int(part) for part in text.split("-"))
        elif len(words) == 3 and sum(w in names for w in words) == 1 and sum(w.isdigit() for w in words) == 2:
            month = names[next(w for w in words if w in names)]
            day_text, year_text = (w for w in words if w.isdigit())
            if len(day_text) > 2:  # "2026 Dec 7"
                day_text, year_text = year_text, day_text
            day, year = int(day_text), _full_year(year_text, today)
        elif len(words) == 3 and all(w.isdigit() for w in words):
            order = numeric_order if numeric_order in NUMERIC_ORDERS else "dmy"
            if len(words[0]) == 4:
                order = "ymd"  # 2026.12.07 is read one way everywhere
            elif "." in text:
                order = "dmy"  # so is 7.12.2026
            parts = dict(zip(order, words, strict=True))
            day, month, year = int(parts["d"]), int(parts["m"]), _full_year(parts["y"], today)
        else:
            raise refused
        return date(year, month, day)
    except ValueError:
        raise refused from None


def _full_year(text: str, today: date | None) -> int:
    if len(text) not in (2, 4):
        raise ValueError(text)
    year = int(text)
    if len(text) == 2:
        this_year = (today or date.today()).year
        year += this_year - this_year % 100
        if year > this_year + 20:
            year -= 100
    return year
