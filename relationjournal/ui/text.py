"""How times and choices read in the app: "3 weeks ago", "X / Twitter", "They reached out"."""

from __future__ import annotations

import html
from datetime import UTC, datetime, tzinfo

from relationjournal.core.clock import local_zone, wall_clock
from relationjournal.core.vocabulary import Channel, Context, Direction, Platform, Tone

CHANNEL_LABELS = {
    Channel.x: "X / Twitter", Channel.linkedin: "LinkedIn", Channel.instagram: "Instagram",
    Channel.facebook: "Facebook", Channel.email: "Email", Channel.phone: "Phone", Channel.meeting: "Meeting",
    Channel.chat: "Company chat", Channel.other: "Other",
}  # fmt: skip
PLATFORM_LABELS = {
    Platform.x: "X / Twitter", Platform.linkedin: "LinkedIn", Platform.instagram: "Instagram",
    Platform.facebook: "Facebook", Platform.email: "Email", Platform.phone: "Phone", Platform.website: "Website",
    Platform.other: "Other",
}  # fmt: skip
DIRECTION_LABELS = {Direction.outgoing: "I reached out", Direction.incoming: "They reached out"}
TONE_LABELS = {Tone.positive: "Positive", Tone.neutral: "Neutral", Tone.negative: "Difficult"}
CONTEXT_LABELS = {Context.personal: "Personal", Context.business: "Business"}


_zone: tzinfo | None = None  # the journal's time zone, as the app shows times; None: the system's


def use_zone(zone: tzinfo | None) -> None:
    """Show every time in `zone` from now on: the window sets the journal's zone (`clock.journal_zone`)
    when it opens the journal and again when its settings change; None is the system's zone."""
    global _zone
    _zone = zone


def shown_zone() -> tzinfo:
    """The zone the app shows times in (and reads times typed into it in)."""
    return _zone or local_zone()


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """A calm, rounded relative time: "today", "yesterday", "3 weeks ago", "2 years ago" (calendar
    days in the journal's time zone)."""
    if moment is None:
        return "never"
    now = now or datetime.now(UTC)
    zone = shown_zone()
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


def local_time(moment: datetime) -> str:
    """`23 Nov 2026, 08:00`, on the journal's clock."""
    return wall_clock(moment, shown_zone(), "%d %b %Y, %H:%M")


def clock_time(moment: datetime) -> str:
    """`08:00`, on the journal's clock."""
    return wall_clock(moment, shown_zone(), "%H:%M")


def local_naive(moment: datetime) -> datetime:
    """`moment` on the journal's clock, without its zone: what a Qt date-time edit shows."""
    return moment.astimezone(shown_zone()).replace(tzinfo=None)


def from_local(wall: datetime) -> datetime:
    """A wall-clock time typed into the app (naive, as a Qt edit gives it) as an aware time in the
    journal's zone."""
    return wall.replace(tzinfo=shown_zone())


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
