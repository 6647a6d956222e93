"""How times and choices read in the app: "3 weeks ago", "X / Twitter", "They reached out"."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from relationjournal.core.clock import journal_zone, wall_clock
from relationjournal.core.markdown import plain_from_markdown
from relationjournal.core.vocabulary import CHANNEL_LABELS, TONE_WORDS, Context, Direction, Platform, channel_label

# (here too: the UI's one place for how text reads)
__all__ = ["CHANNEL_LABELS", "channel_label", "plain_from_markdown"]

PLATFORM_LABELS = {
    Platform.x: "X / Twitter", Platform.linkedin: "LinkedIn", Platform.instagram: "Instagram",
    Platform.facebook: "Facebook", Platform.email: "Email", Platform.phone: "Phone", Platform.website: "Website",
    Platform.other: "Other",
}  # fmt: skip
DIRECTION_LABELS = {Direction.outgoing: "I reached out", Direction.incoming: "They reached out"}
TONE_LABELS = {tone: word.capitalize() for tone, word in TONE_WORDS.items()}  # the CLI's and CSV's words
ME = frozenset({"me", "i", "myself"})  # who reached out, when it was the user
CONTEXT_LABELS = {Context.personal: "Personal", Context.business: "Business"}


class Zoned(Protocol):
    """A journal, as far as its clock goes."""

    def setting(self, key: str, default: Any = None) -> Any: ...


# The zone each open journal shows its times in, read once from its settings. Per journal, not one
# for the app: two windows on two clients' journals each show their own clock.
_zones: WeakKeyDictionary[object, tzinfo] = WeakKeyDictionary()


def zone(journal: Zoned) -> tzinfo:
    """The zone `journal`'s times are shown (and typed) in: its `timezone` setting, else the system's.
    Read once, then kept for the many paints that ask, until `follow_zone` reads it again."""
    found = _zones.get(journal)
    return found if found is not None else follow_zone(journal)


def follow_zone(journal: Zoned) -> tzinfo:
    """Read `journal`'s zone again (it was just opened, or its settings changed)."""
    found = _zones[journal] = journal_zone(journal)
    return found


def ago(moment: datetime | None, zone: tzinfo, now: datetime | None = None) -> str:
    """A calm, rounded relative time: "today", "yesterday", "3 weeks ago", "2 years ago" (calendar
    days in the journal's time zone, `zone`)."""
    if moment is None:
        return "never"
    now = now or datetime.now(UTC)
    days = (now.astimezone(zone).date() - moment.astimezone(zone).date()).days
    if days < 0:
        return "in the future"
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    for size, unit in ((365, "year"), (30, "month"), (7, "week"), (1, "day")):
        if days >= size:
            count = days // size
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return "today"


def local_time(moment: datetime, zone: tzinfo) -> str:
    """`23 Nov 2026, 08:00`, on the journal's clock (`zone(journal)`)."""
    return wall_clock(moment, zone, "%d %b %Y, %H:%M")


def clock_time(moment: datetime, zone: tzinfo) -> str:
    """`08:00`, on the journal's clock."""
    return wall_clock(moment, zone, "%H:%M")


def local_naive(moment: datetime, zone: tzinfo) -> datetime:
    """`moment` on the journal's clock, without its zone: what a Qt date-time edit shows."""
    return moment.astimezone(zone).replace(tzinfo=None)


def from_local(wall: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time typed into the app (naive, as a Qt edit gives it) as an aware time in the
    journal's zone."""
    return wall.replace(tzinfo=zone)


def handle_link(platform: Platform, value: str) -> str | None:
    """A URL for a handle where one is obvious, so the person page can make it clickable."""
    bare = value.lstrip("@")
    if value.startswith(("http://", "https://")):
        return value
    links = {
        Platform.x: f"https://x.com/{bare}", Platform.instagram: f"https://www.instagram.com/{bare}",
        Platform.linkedin: f"https://www.linkedin.com/in/{bare}", Platform.facebook: f"https://www.facebook.com/{bare}",
        Platform.email: f"mailto:{value}", Platform.phone: f"tel:{value.replace(' ', '')}",
        Platform.website: f"https://{value}",
    }  # fmt: skip
    return links.get(platform)


def html_text(value: str, *, breaks: bool = False) -> str:
    """Plain text made safe inside Qt rich text, in an element or a (double-quoted) attribute: names,
    notes and handles may hold `<`, `&` or quotes. With `breaks`, line breaks are kept as `<br>`."""
    escaped = html.escape(value, quote=True)
    return escaped.replace("\n", "<br>") if breaks else escaped


def rich(value: str) -> str:
    """Plain text for where Qt guesses whether text is rich (a tooltip): given as escaped rich text,
    so that nothing in it is read as markup, or loads an image it names; long lines wrap."""
    return f"<p>{html_text(value, breaks=True)}</p>"


def reached_out(direction: Direction, by: str = "") -> str:
    """Who reached out, in words: "I reached out", "Zoë from the team reached out", "They reached
    out", "They reached out to Zoë". `by` is who on the team took part (often the user, as "me")."""
    by = " ".join(by.split())
    mine = not by or by.casefold() in ME
    if direction is Direction.outgoing:
        return "I reached out" if mine else f"{by} from the team reached out"
    if not by:
        return "They reached out"
    return "They reached out to me" if mine else f"They reached out to {by}"


def on_day(day: date, today: date) -> str:
    """A day to come, said the way a person would: "today", "tomorrow", "in 12 days" (up to a
    month ahead), then the date ("3 Mar 2027")."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if 1 < days <= 31:
        return f"in {days} days"
    return f"{day.day} {day:%b %Y}"


def next_birthday(birthday: date, today: date) -> date:
    """The next time `birthday` comes round, today included (29 February: 28 February in other years)."""
    for year in (today.year, today.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:  # 29 February in a year without one
            day = date(year, 2, 28)
        if day >= today:
            return day
    raise AssertionError("unreachable: a birthday comes round within a year")


def birthday_text(birthday: date, today: date) -> str:
    """ "14 March 1990 (age 36)", or when it is soon "12 December 1990, turns 36 in 12 days"."""
    coming = next_birthday(birthday, today)
    turns = coming.year - birthday.year
    days = (coming - today).days
    if days == 0:
        return f"{birthday.day} {birthday:%B %Y}, turns {turns} today"
    if days <= 31:
        return f"{birthday.day} {birthday:%B %Y}, turns {turns} {on_day(coming, today)}"
    return f"{birthday.day} {birthday:%B %Y} (age {turns - 1})"


_LONG_WORD = re.compile(r"\S{30,}")


def breakable(value: str) -> str:
    """Plain text whose very long words (an address, a name without spaces) may break across lines:
    a zero-width space every 20 characters, so a label wraps rather than widening the window."""
    return _LONG_WORD.sub(lambda m: "\u200b".join(m.group(0)[i : i + 20] for i in range(0, len(m.group(0)), 20)), value)
