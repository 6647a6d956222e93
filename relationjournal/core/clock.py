"""Local time, quiet hours and snooze times, correct across midnight and daylight-saving changes.

Everything takes the current time and the user's time zone as parameters, so every rule can be
tested at chosen moments. Stored times are UTC; "the evening" and "08:00" are the user's wall
clock, computed with IANA zone rules (zoneinfo), never with a fixed UTC offset.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
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
