"""Insights: the shape of the past months, computed in SQL for the Insights page and `relationjournal insights`.

This module holds the records both front ends read; the computation (`compute`) fills them. Every
number is for a period of local days on the journal's clock (`Rules.zone`), weeks start on Monday,
and the same measures as Today are used (the cadence and overdue ratio of `queries`, the emotional
load of `wellbeing`), so the page never disagrees with what Today shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class InsightsFilter:
    """What the user narrowed the page to; `None` means all. `since` defaults to a year before `until`
    (today), both inclusive local days."""

    since: date | None = None
    until: date | None = None
    tag: str | None = None
    channel: str | None = None  # a channel's name as the user reads it ("LinkedIn", "Workplace")
    programme: str | None = None


@dataclass(frozen=True)
class RhythmCell:
    """Conversations in one week on one channel in one context: one segment of a stacked bar."""

    week: date  # the Monday the week starts on
    channel: str  # the channel's display name
    context: str  # "personal" or "business"
    conversations: int


@dataclass(frozen=True)
class ReachCount:
    """Who started the conversations: `they` (incoming) against `me` (outgoing, me or the team)."""

    key: str  # a person's name, or a tag's name
    person_id: int | None  # set for a person, None for a tag
    they: int
    me: int


@dataclass(frozen=True)
class OneSided:
    """A relationship whose last `run` conversations were all started by the same side."""

    person_id: int
    name: str
    started_by: str  # "me" or "they"
    run: int  # how many of the latest conversations in a row (at least the setting's N)
    last_contact: date


@dataclass(frozen=True)
class Slipping:
    """A person with a cadence: how far along their stay-in-touch cadence they are (Today's measure)."""

    person_id: int
    name: str
    days_since: int
    cadence_days: int
    ratio: float  # days since contact / cadence; above 1 is late

    @property
    def band(self) -> str:
        """ "on time" below 1, "late" below 2, "very late" from twice the cadence."""
        return "on time" if self.ratio < 1 else "late" if self.ratio < 2 else "very late"


@dataclass(frozen=True)
class LoadWeek:
    """The user's own load in one week: hard events logged, reflections written, and the emotional
    load Today measured at the week's end (hard events in the load window); `heavy` when over the
    threshold, exactly when Today would have suggested stepping back."""

    week: date
    hard_events: int
    reflections: int
    load: int
    heavy: bool


@dataclass(frozen=True)
class ProgrammeMember:
    person_id: int
    name: str
    days_since_contact: int | None  # None: never in touch since joining
    review_on: date | None


@dataclass(frozen=True)
class ProgrammeView:
    programme: str
    members: list[ProgrammeMember]  # longest silence first ("don't leave them hanging")


@dataclass(frozen=True)
class Insights:
    since: date
    until: date
    rhythm: list[RhythmCell] = field(default_factory=list)
    reach_people: list[ReachCount] = field(default_factory=list)  # most conversations first
    reach_tags: list[ReachCount] = field(default_factory=list)
    one_sided_after: int = 5  # the setting N
    one_sided: list[OneSided] = field(default_factory=list)
    slipping: list[Slipping] = field(default_factory=list)  # highest ratio first
    load: list[LoadWeek] = field(default_factory=list)  # every week of the period, oldest first
    load_threshold: int = 0
    load_window_days: int = 0
    programmes: list[ProgrammeView] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to draw: no conversations, no cadences, no hard events, no programmes."""
        return not (self.rhythm or self.slipping or any(w.hard_events or w.reflections for w in self.load)
                    or self.programmes)  # fmt: skip
