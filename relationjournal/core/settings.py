"""The journal's settings, declared once: name, type, default and what each means.

They live inside the encrypted journal (one may be your name on the team); Qt's settings file
only ever holds window geometry. Values are read from and shown as text the same way in the CLI
and the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from relationjournal.core import fields
from relationjournal.core.clock import QuietHours, local_zone, parse_clock
from relationjournal.core.errors import InvalidInput


class Kind(StrEnum):
    """The control the app edits a setting with (the CLI reads and shows every kind as text)."""

    text = "text"  # a line of text
    clock_range = "clock range"  # from-to wall-clock times, or off (quiet hours)
    time_zone = "time zone"  # an IANA zone, or the system's
    day_list = "day list"  # whole numbers of days, like 2,14,90
    whole_number = "whole number"  # between `minimum` and `maximum`; with `blank`, none at all too
    switch = "switch"  # on or off (a check box)


@dataclass(frozen=True)
class Setting:
    """One setting: how the CLI names it, the app labels it, text becomes its value, and which of the
    wellbeing rules (`wellbeing.Rules`) it feeds, as what."""

    key: str
    default: Any
    description: str
    parse: Callable[[str], Any]
    show: Callable[[Any], str] = lambda value: "" if value is None else str(value)
    label: str = ""  # the app's label, with its mnemonic (&); the CLI names it by `key`
    rule: str = ""  # the `Rules` field it sets ("" for none)
    as_rule: Callable[[Any], Any] = lambda value: value  # the stored value (or default) as that field's value
    kind: Kind = Kind.text  # the app's control; every kind's control hands `parse` the text the CLI would take
    minimum: int = 1  # a whole number's range in the app
    maximum: int = 3660
    blank: str = ""  # a whole number: what "none" reads as, offered below `minimum` (parsed from "")
    suffix: str = ""  # a whole number's unit, e.g. " days"

    def rule_value(self, stored: Any) -> Any:
        """The rule's value for a stored value; a value never set (or emptied) is the default."""
        return self.as_rule(self.default if stored is None or stored == [] else stored)


def _whole(name: str, maximum: int) -> Callable[[str], int]:
    """A whole number from 0 to `maximum`."""

    def parse(text: str) -> int:
        if not text.strip().isdigit() or int(text) > maximum:
            raise InvalidInput(f"{name}: {text!r} is not a whole number from 0 to {maximum}.")
        return int(text)

    return parse


def _switch(name: str) -> Callable[[str], bool]:
    """On or off: on, off, yes, no, true, false."""

    def parse(text: str) -> bool:
        word = text.strip().lower()
        if word not in ("on", "yes", "true", "off", "no", "false"):
            raise InvalidInput(f"{name}: {text!r} is not on or off.")
        return word in ("on", "yes", "true")

    return parse


def _quiet(text: str) -> list[str]:
    if text.strip().lower() in ("off", "none", ""):
        return ["00:00", "00:00"]
    start, sep, end = text.partition("-")
    if not sep:
        raise InvalidInput("quiet_hours: give them like 21:00-08:00, or off.")
    return [parse_clock(start).strftime("%H:%M"), parse_clock(end).strftime("%H:%M")]


def _days_list(text: str) -> list[int]:
    try:
        days = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise InvalidInput(f"check_in_days: {text!r} should be days like 2,14,90.") from None
    if not days or any(d < 1 for d in days):
        raise InvalidInput("check_in_days: give one or more positive numbers of days, like 2,14,90.")
    return days


def _zone(text: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not text.strip():
        return None
    try:
        ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"timezone: {text!r} is not a time zone like Europe/Berlin.") from None
    return text.strip()


def _count(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.strip().isdigit() or int(text) < 1:
            raise InvalidInput(f"{name}: {text!r} is not a positive whole number.")
        return int(text)

    return parse


def _between(name: str, minimum: int, maximum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.strip().isdigit() or not minimum <= int(text) <= maximum:
            raise InvalidInput(f"{name}: {text!r} is not a whole number from {minimum} to {maximum}.")
        return int(text)

    return parse


SETTINGS = {
    s.key: s
    for s in (
        Setting("me", "", "your name on the team, for “who reached out”", str.strip, label="&Me on the team"),
        Setting(
            "default_cadence_days",
            None,
            "stay-in-touch cadence for people without their own or their tags'",
            fields.cadence_days,
            label="Default check-in &cadence",
            rule="default_cadence_days",
            as_rule=lambda v: None if v is None else int(v),
            kind=Kind.whole_number,
            blank="No default check-in",
            suffix=" days",
        ),  # fmt: skip
        Setting(
            "quiet_hours",
            ["21:00", "08:00"],
            "no reminders shown or notified between these times (or off)",
            _quiet,
            lambda v: "off" if v[0] == v[1] else f"{v[0]}-{v[1]}",
            "&Quiet hours",
            rule="quiet",
            as_rule=QuietHours.parse,
            kind=Kind.clock_range,
        ),  # fmt: skip
        Setting(
            "timezone",
            None,
            "IANA time zone every time is shown and read in, by the app and the CLI (empty: the system's)",
            _zone,
            lambda v: v or f"system ({getattr(local_zone(), 'key', 'local')})",
            "&Time zone",
            rule="zone",
            as_rule=local_zone,
            kind=Kind.time_zone,
        ),  # fmt: skip
        Setting(
            "check_in_days",
            [2, 14, 90],
            "check-ins after a hard event, in days",
            _days_list,
            lambda v: ",".join(str(d) for d in v),
            "Check-ins after a &hard event (days)",
            rule="check_in_days",
            as_rule=lambda v: tuple(int(d) for d in v),
            kind=Kind.day_list,
        ),  # fmt: skip
        Setting(
            "business_pause_days",
            30,
            "days business reminders pause after a hard event",
            _count("days"),
            label="&Pause business after a hard event",
            rule="business_pause_days",
            as_rule=int,
            kind=Kind.whole_number,
            maximum=365,
            suffix=" days",
        ),  # fmt: skip
        Setting(
            "load_window_days",
            14,
            "days counted for the emotional load",
            _count("days"),
            label="Emotional load &window",
            rule="load_window_days",
            as_rule=int,
            kind=Kind.whole_number,
            maximum=365,
            suffix=" days",
        ),  # fmt: skip
        Setting(
            "load_threshold",
            3,
            "hard events in that window above which the app suggests stepping back",
            _count("threshold"),
            label="Emotional load th&reshold",
            rule="load_threshold",
            as_rule=int,
            kind=Kind.whole_number,
            maximum=100,
            suffix=" hard events",
        ),  # fmt: skip
        Setting(
            "programme_silence_days",
            21,
            "days without contact before “don't leave them hanging”",
            _count("days"),
            label="Programme: nudge &after",
            rule="programme_silence_days",
            as_rule=int,
            kind=Kind.whole_number,
            maximum=365,
            suffix=" days",
        ),  # fmt: skip
        Setting(
            "dates_days_ahead",
            3,
            "days before a birthday or another date that Today shows it (0: on the day only)",
            _whole("dates_days_ahead", 60),
            label="&Dates: show ahead by",
            rule="dates_days_ahead",
            as_rule=int,
            kind=Kind.whole_number,
            minimum=0,
            maximum=60,
            suffix=" days",
        ),  # fmt: skip
        Setting(
            "one_sided_after",
            5,
            "Insights lists a relationship as one-sided when its last this many conversations were started by "
            "the same side",
            _between("one_sided_after", 2, 100),
            label="&One-sided after",
            kind=Kind.whole_number,
            minimum=2,
            maximum=100,
            suffix=" conversations",
        ),  # fmt: skip
        # The anniversary of a hard event (issue 15): on for every event unless turned off here (all)
        # or on the event itself (`anniversary`).
        Setting(
            "hard_event_anniversaries",
            True,
            "a year after a hard event you logged, Today says so, once (off: never)",
            _switch("hard_event_anniversaries"),
            show=lambda value: "on" if value else "off",
            label="Remind me a &year after a hard event",
            rule="hard_event_anniversaries",
            as_rule=bool,
            kind=Kind.switch,
        ),  # fmt: skip
    )
}


def declared(key: str) -> Setting:
    if key not in SETTINGS:
        raise InvalidInput(f"Unknown setting {key!r}; known: {', '.join(SETTINGS)}.")
    return SETTINGS[key]
