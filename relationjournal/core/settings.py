"""The journal's settings, declared once: name, type, default and what each means.

They live inside the encrypted journal (one may be your name on the team); Qt's settings file
only ever holds window geometry. Values are read from and shown as text the same way in the CLI
and the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from relationjournal.core import fields
from relationjournal.core.clock import QuietHours, local_zone, parse_clock
from relationjournal.core.errors import InvalidInput


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

    def rule_value(self, stored: Any) -> Any:
        """The rule's value for a stored value; a value never set (or emptied) is the default."""
        return self.as_rule(self.default if stored is None or stored == [] else stored)


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


SETTINGS = {
    s.key: s
    for s in (
        Setting("me", "", "your name on the team, for “who reached out”", str.strip, label="&Me on the team"),
        Setting(
            "default_cadence_days",
            None,
            "stay-in-touch cadence for people without their own or their tags'",
            fields.cadence_days,
            label="Default check-in &cadence (days)",
            rule="default_cadence_days",
            as_rule=lambda v: None if v is None else int(v),
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
        ),  # fmt: skip
        Setting(
            "timezone",
            None,
            "IANA time zone for reminders (empty: the system's)",
            _zone,
            lambda v: v or f"system ({getattr(local_zone(), 'key', 'local')})",
            "&Time zone",
            rule="zone",
            as_rule=local_zone,
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
        ),  # fmt: skip
        Setting(
            "business_pause_days",
            30,
            "days business reminders pause after a hard event",
            _count("days"),
            label="&Pause business after a hard event (days)",
            rule="business_pause_days",
            as_rule=int,
        ),  # fmt: skip
        Setting(
            "load_window_days",
            14,
            "days counted for the emotional load",
            _count("days"),
            label="Emotional load &window (days)",
            rule="load_window_days",
            as_rule=int,
        ),  # fmt: skip
        Setting(
            "load_threshold",
            3,
            "hard events in that window above which the app suggests stepping back",
            _count("threshold"),
            label="Emotional load th&reshold",
            rule="load_threshold",
            as_rule=int,
        ),  # fmt: skip
        Setting(
            "programme_silence_days",
            21,
            "days without contact before “don't leave them hanging”",
            _count("days"),
            label="Programme: nudge after (&days)",
            rule="programme_silence_days",
            as_rule=int,
        ),  # fmt: skip
    )
}


def declared(key: str) -> Setting:
    if key not in SETTINGS:
        raise InvalidInput(f"Unknown setting {key!r}; known: {', '.join(SETTINGS)}.")
    return SETTINGS[key]
