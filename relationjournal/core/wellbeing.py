"""Wellbeing reminder rules: stay in touch, follow up, welcome personally, programmes, hard events.

The rules only schedule reminders; the app never sends anything and offers no canned messages.
Each rule takes the session, the moment it runs (`now`) and the user's `Rules` (time zone, quiet
hours, defaults), so it can be tested at any chosen time. Rules never commit; the service that
calls them does, in the same transaction as the action that triggered them.

Two kinds of reminder are materialised when they come due rather than when something happens:
stay-in-touch (last contact + cadence) and "don't leave them hanging" for programme members.
One row is made per person and cycle, so done, dismissed and snoozed stick, and logging contact
starts a new cycle.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from relationjournal.core import queries
from relationjournal.core.clock import EVENING, QuietHours, at_local, days_later
from relationjournal.core.markdown import plain_from_markdown
from relationjournal.core.models import Interaction, Note, Person, PersonDate, ProgrammeMembership, Reminder
from relationjournal.core.settings import SETTINGS
from relationjournal.core.vocabulary import Context, ReminderKind, ReminderState, Status

OPEN_STATES = (ReminderState.open, ReminderState.snoozed)
FOLLOWER_WORDS = ("follower", "new follow")


def _declared(rule: str) -> Any:
    """A rule's default: its setting's declared default, as the rule takes it."""
    (setting,) = (s for s in SETTINGS.values() if s.rule == rule)
    return setting.rule_value(None)


@dataclass(frozen=True)
class Rules:
    """The user's choices that the rules follow. Each field is fed by one declared setting
    (`core/settings.py`, its `rule`), which also gives its default: the two never drift."""

    zone: tzinfo = field(default_factory=lambda: _declared("zone"))
    quiet: QuietHours = field(default_factory=lambda: _declared("quiet"))
    check_in_days: tuple[int, ...] = _declared("check_in_days")
    business_pause_days: int = _declared("business_pause_days")
    load_window_days: int = _declared("load_window_days")
    load_threshold: int = _declared("load_threshold")
    programme_silence_days: int = _declared("programme_silence_days")
    default_cadence_days: int | None = _declared("default_cadence_days")
    dates_days_ahead: int = _declared("dates_days_ahead")
    hard_event_anniversaries: bool = _declared("hard_event_anniversaries")

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Rules:
        """The rules for the journal's stored settings (by key), each read as its declaration says."""
        return cls(**{s.rule: s.rule_value(settings.get(s.key)) for s in SETTINGS.values() if s.rule})

    def morning(self, day: datetime) -> datetime:
        """The start of the user's day (when quiet hours end) on the local day of `day`, as UTC."""
        return at_local(day, self.quiet.end, self.zone)

    def on_date(self, day: date) -> datetime:
        """A reminder "on a date" comes due at the start of that local day."""
        return self.quiet.next_allowed(
            at_local(datetime.combine(day, time(12), tzinfo=self.zone), self.quiet.end, self.zone), self.zone
        )


@dataclass(frozen=True)
class EmotionalLoad:
    hard_events: int
    window_days: int
    threshold: int

    @property
    def heavy(self) -> bool:
        return self.hard_events > self.threshold

    def message(self) -> str:
        if not self.heavy:
            return ""
        return (
            f"You have logged {self.hard_events} hard events in the last {self.window_days} days. That is a lot "
            "to carry. It may be time to step back for a while, share the load with a colleague, or take a break. "
            "Caring for your community includes caring for yourself."
        )


def _name(session: Session, person_id: int) -> str:
    return queries.person_name(session, person_id) or "them"


def _add(session: Session, **values: Any) -> Reminder:
    reminder = Reminder(state=ReminderState.open, **values)
    session.add(reminder)
    return reminder


# Rules that run when something happens ---------------------------------------------------------
def on_person_added(session: Session, person: Person, now: datetime, rules: Rules) -> list[Reminder]:
    """A new follower gets a reminder to welcome them personally, within a day."""
    source = person.source.casefold()
    if not any(word in source for word in FOLLOWER_WORDS):
        return []
    return [
        _add(session, person_id=person.id, kind=ReminderKind.welcome, due_at=rules.quiet.next_allowed(now, rules.zone),
             text=f"Welcome {person.display_name} personally, within a day: in your own words, about them.")
    ]  # fmt: skip


def on_interaction_logged(session: Session, interaction: Interaction, now: datetime, rules: Rules) -> list[Reminder]:
    """Contact starts a new cycle; a follow-up date schedules a follow-up; a hard event, care."""
    person_id = interaction.person_id
    # Contact closes what it answers: follow-ups of earlier conversations in the same context (a word
    # of comfort does not settle a business follow-up), and this cycle's stay-in-touch and programme nudges.
    earlier = select(Interaction.id).where(
        Interaction.person_id == person_id,
        Interaction.occurred_at < interaction.occurred_at,
        Interaction.context == interaction.context,
    )
    session.execute(
        update(Reminder)
        .where(Reminder.person_id == person_id, Reminder.state.in_(OPEN_STATES))
        .where(
            or_(
                Reminder.kind.in_([ReminderKind.stay_in_touch, ReminderKind.programme_contact, ReminderKind.welcome]),
                (Reminder.kind == ReminderKind.follow_up) & Reminder.source_interaction_id.in_(earlier),
            )
        )
        .values(state=ReminderState.done, closed_at=now)
    )
    made = []
    if interaction.follow_up_on is not None:
        made.append(_follow_up(session, interaction, interaction.follow_up_on, rules))
    if interaction.hard_event:
        made.extend(on_hard_event(session, person_id, interaction.occurred_at, now, rules, interaction.id))
    return made


def _follow_up(session: Session, interaction: Interaction, on: date, rules: Rules) -> Reminder:
    return _add(
        session,
        person_id=interaction.person_id,
        kind=ReminderKind.follow_up,
        due_at=rules.on_date(on),
        business=interaction.context is Context.business,
        source_interaction_id=interaction.id,
        text=_follow_up_text(session, interaction, rules),
    )


def _follow_up_text(session: Session, interaction: Interaction, rules: Rules) -> str:
    return (
        f"Follow up with {_name(session, interaction.person_id)}: {interaction.summary or 'your conversation'}"
        f" ({interaction.occurred_at.astimezone(rules.zone):%d %b})."
    )


def on_interaction_edited(
    session: Session, interaction: Interaction, was: tuple[datetime, date | None, bool], now: datetime, rules: Rules
) -> None:
    """Keep what a conversation scheduled in step with an edit of it (`was`: its time, follow-up date
    and hard-event flag before). Closed reminders are history and stay as they were.

    A new follow-up date moves the open follow-up (a snooze of the old date no longer applies), or
    schedules one if none is open; a cleared date deletes the open one. Its text and business flag
    follow the summary and context. Marked a hard event: the care it asks for is scheduled; no longer
    one: its open check-ins and self-care go. A hard event moved in time moves its open check-ins.
    """
    occurred_at, follow_up_on, hard_event = was
    mine = select(Reminder).where(Reminder.source_interaction_id == interaction.id, Reminder.state.in_(OPEN_STATES))
    follow_ups = session.scalars(mine.where(Reminder.kind == ReminderKind.follow_up)).all()
    wanted = interaction.follow_up_on
    for reminder in follow_ups:
        if wanted is None:
            session.delete(reminder)
            continue
        reminder.text = _follow_up_text(session, interaction, rules)
        reminder.business = interaction.context is Context.business
        if wanted != follow_up_on:
            reminder.due_at = rules.on_date(wanted)
            reminder.state, reminder.snoozed_until = ReminderState.open, None
    if wanted is not None and wanted != follow_up_on and not follow_ups:
        _follow_up(session, interaction, wanted, rules)

    if not (interaction.hard_event and interaction.anniversary):
        drop_anniversary(session, "interaction", interaction.id)
    if interaction.hard_event and not hard_event:
        on_hard_event(session, interaction.person_id, interaction.occurred_at, now, rules, interaction.id)
    elif hard_event and not interaction.hard_event:
        care = mine.where(Reminder.kind.in_([ReminderKind.check_in, ReminderKind.self_care]))
        for reminder in session.scalars(care).all():
            session.delete(reminder)
    elif interaction.hard_event and interaction.occurred_at != occurred_at:
        shift = interaction.occurred_at - occurred_at
        for reminder in session.scalars(mine.where(Reminder.kind == ReminderKind.check_in)).all():
            reminder.due_at = rules.quiet.next_allowed(reminder.due_at + shift, rules.zone)
    session.flush()


def on_note_added(session: Session, note: Note, now: datetime, rules: Rules) -> list[Reminder]:
    return on_hard_event(session, note.person_id, note.created_at, now, rules) if note.hard_event else []


def on_hard_event(
    session: Session, person_id: int, when: datetime, now: datetime, rules: Rules, interaction_id: int | None = None
) -> list[Reminder]:
    """Check-ins for the person, a pause on business, and care for the user: today and tomorrow."""
    name = _name(session, person_id)
    made = []
    for days in rules.check_in_days:
        due = rules.quiet.next_allowed(days_later(when, days, rules.zone), rules.zone)
        made.append(
            _add(
                session,
                person_id=person_id,
                kind=ReminderKind.check_in,
                due_at=due,
                source_interaction_id=interaction_id,
                text=f"Check in on {name}, {_span(days)} after the hard news. Ask how they are; no agenda.",
            )
        )
    person = session.get(Person, person_id)
    if person is not None:
        pause = now + timedelta(days=rules.business_pause_days)
        if person.business_paused_until is None or person.business_paused_until < pause:
            person.business_paused_until = pause
    # The same evening (or now, if it is later), never inside quiet hours; then the next morning.
    # One of each per day, however many hard events it brought (see `_evening_reflection`).
    reflect_at = reflection_time(now, rules)
    made.append(_evening_reflection(session, person_id, name, reflect_at, rules, interaction_id))
    morning = rules.morning(days_later(reflect_at, 1, rules.zone))
    made.append(_day_after(session, person_id, morning, rules, interaction_id))
    return made


REFLECT_START = "Take ten minutes for yourself"
DAY_AFTER_TEXT = "A gentle check on you, the day after: how are you today? Who could you talk to?"
_ONE_NAME = re.compile(r"Take ten minutes for yourself after (.+)'s hard news: ")
_NAMES = re.compile(r"Take ten minutes for yourself: today you heard hard news from (.+)\. What is yours")


def reflection_time(now: datetime, rules: Rules) -> datetime:
    """When the reflection after hard news heard at `now` comes: that evening, or now if later, past quiet hours."""
    return rules.quiet.next_allowed(max(now, at_local(now, EVENING, rules.zone)), rules.zone)


def reflection_text(names: Sequence[str]) -> str:
    """The evening's one reflection reminder, naming everyone whose hard news it follows (names only, no notes)."""
    if len(names) == 1:
        return f"{REFLECT_START} after {names[0]}'s hard news: what is yours to carry, and what is not?"
    heard = and_list(names)
    return f"{REFLECT_START}: today you heard hard news from {heard}. What is yours to carry, and what is not?"


def and_list(items: Sequence[str]) -> str:
    """Items joined as a sentence says them: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _names_in(text: str) -> list[str]:
    """The names a reflection reminder's text was made from (`reflection_text` read backwards)."""
    if found := _ONE_NAME.match(text):
        return [found.group(1)]
    if found := _NAMES.match(text):
        head, _, last = found.group(1).rpartition(" and ")
        return [*head.split(", "), last] if head else [last]
    return []


def _pending_self_care(session: Session, day: datetime, rules: Rules, text: Any) -> Reminder | None:
    """An open self-care reminder due on the local day of `day` whose text matches `text` (a SQL condition)."""
    start = at_local(day, time(0), rules.zone)
    end = at_local(days_later(day, 1, rules.zone), time(0), rules.zone)
    return session.scalars(
        select(Reminder)
        .where(Reminder.kind == ReminderKind.self_care, Reminder.state.in_(OPEN_STATES), text)
        .where(Reminder.due_at >= start, Reminder.due_at < end)
        .order_by(Reminder.due_at, Reminder.id)
    ).first()


def _evening_reflection(
    session: Session, person_id: int, name: str, due: datetime, rules: Rules, interaction_id: int | None
) -> Reminder:
    """One reflection per evening: a second hard event the same day adds its person's name to the first's.

    Four pieces of hard news in a day are one evening to look after yourself, not four identical
    reminders. It names people only: what happened stays in their notes.
    """
    pending = _pending_self_care(session, due, rules, Reminder.text.startswith(REFLECT_START, autoescape=True))
    if pending is None:
        return _add(session, person_id=person_id, kind=ReminderKind.self_care, due_at=due,
                    source_interaction_id=interaction_id, text=reflection_text([name]))  # fmt: skip
    names = _names_in(pending.text)
    if name not in names:
        pending.text = reflection_text([*names, name])
    _share(pending, person_id, interaction_id)
    return pending


def _day_after(session: Session, person_id: int, due: datetime, rules: Rules, interaction_id: int | None) -> Reminder:
    """One gentle check on the user the morning after, however many hard events came the day before."""
    pending = _pending_self_care(session, due, rules, Reminder.text == DAY_AFTER_TEXT)
    if pending is None:
        return _add(session, person_id=person_id, kind=ReminderKind.self_care, due_at=due,
                    source_interaction_id=interaction_id, text=DAY_AFTER_TEXT)  # fmt: skip
    _share(pending, person_id, interaction_id)
    return pending


def _share(reminder: Reminder, person_id: int, interaction_id: int | None) -> None:
    """A self-care reminder that follows several people's hard news belongs to none of them alone."""
    if reminder.person_id != person_id:
        reminder.person_id = None  # (and deleting one of them does not delete it)
    if interaction_id is not None:
        reminder.source_interaction_id = interaction_id  # so "what did logging this schedule?" lists it


def close_covered_self_care(session: Session, now: datetime, rules: Rules) -> None:
    """A reflection written at `now` answers the self-care reminders due up to that evening's reflection."""
    session.execute(
        update(Reminder)
        .where(Reminder.kind == ReminderKind.self_care, Reminder.state.in_(OPEN_STATES))
        .where(Reminder.due_at <= reflection_time(now, rules))
        .values(state=ReminderState.done, closed_at=now)
    )


# Saying when, in the journal's time zone (English day and month names, like the rest of the app) --------
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day: date, today: date) -> str:
    """A day as Upcoming heads it, "Thu 3 Dec", with the year when it is not this year's."""
    text = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


def day_heading(moment: datetime, now: datetime, zone: tzinfo) -> str:
    """The heading of the day `moment` falls on: "Today", "Tomorrow", "Yesterday" or "Thu 3 Dec"."""
    day, today = moment.astimezone(zone).date(), now.astimezone(zone).date()
    relative = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}.get((day - today).days)
    return relative or short_date(day, today)


def shows_at(reminder: Reminder, paused_until: datetime | None, rules: Rules) -> datetime:
    """When a reminder will show on Today: `visible_at`, or later while business with them is paused."""
    moment = visible_at(reminder, rules)
    if reminder.business and paused_until is not None and paused_until > moment:
        return rules.quiet.next_allowed(paused_until, rules.zone)
    return moment


def scheduled_sentence(reminders: Sequence[Any], now: datetime, zone: tzinfo) -> str:
    """What logging a hard event scheduled, said calmly in one sentence (empty if nothing).

    "I'll remind you to check in on Zoë on Thu 3 Dec and Mon 7 Dec, and to look after yourself
    this evening at 18:00 and tomorrow morning at 08:00." Names and dates only, never what happened.
    """
    today = now.astimezone(zone).date()

    def days(moments: list[datetime]) -> str:
        relative, dates = [], []
        for moment in moments:
            day = moment.astimezone(zone).date()
            if day <= today:
                relative.append("today")
            elif day == today + timedelta(days=1):
                relative.append("tomorrow")
            else:
                dates.append(short_date(day, today))
        words = list(dict.fromkeys(relative)) + ([f"on {dates[0]}", *dates[1:]] if dates else [])
        return and_list(words)

    def moment_words(moment: datetime) -> str:
        local = moment.astimezone(zone)
        clock, day = f"{local:%H:%M}", local.date()
        if moment <= now:
            return "now"
        if day == today:
            return f"this evening at {clock}" if local.hour >= 17 else f"today at {clock}"
        if day == today + timedelta(days=1):
            return f"tomorrow morning at {clock}" if local.hour < 12 else f"tomorrow at {clock}"
        return f"on {short_date(day, today)} at {clock}"

    ordered = sorted(reminders, key=lambda r: (r.due_at, r.id))
    parts: list[str] = []
    for kind, verb in ((ReminderKind.check_in, "check in on"), (ReminderKind.follow_up, "follow up with")):
        by_person: dict[str, list[datetime]] = {}
        for r in ordered:
            if r.kind is kind:
                by_person.setdefault(r.person_name or "them", []).append(r.due_at)
        parts.extend(f"{verb} {name} {days(moments)}" for name, moments in by_person.items())
    care = [moment_words(r.due_at) for r in ordered if r.kind is ReminderKind.self_care]
    if care:
        parts.append(f"look after yourself {and_list(list(dict.fromkeys(care)))}")
    if not parts:
        return ""
    phrases = [f"to {part}" for part in parts]
    joined = phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])}, and {phrases[-1]}"
    return f"I'll remind you {joined}."


def on_membership_added(session: Session, membership: ProgrammeMembership, rules: Rules) -> list[Reminder]:
    if membership.review_on is None:
        return []
    return [schedule_review(session, membership, rules)]


def schedule_review(session: Session, membership: ProgrammeMembership, rules: Rules) -> Reminder:
    assert membership.review_on is not None
    name = _name(session, membership.person_id)
    return _add(
        session,
        person_id=membership.person_id,
        kind=ReminderKind.programme_review,
        business=True,
        due_at=rules.on_date(membership.review_on),
        text=f"Review {name}'s place in {membership.programme}: keep them, or rotate them out gracefully.",
    )


def _span(days: int) -> str:
    if days % 30 == 0 or days >= 60:
        months = round(days / 30)
        return f"{months} month{'s' if months != 1 else ''}"
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


# Rules that run when reminders are listed -----------------------------------------------------
def materialise_due(session: Session, now: datetime, rules: Rules) -> None:
    """Make rows for stay-in-touch and programme nudges that have come due and have none yet."""
    cadence = queries.effective_cadence(rules.default_cadence_days)
    since = queries.contact_since()
    # In SQL, a day early (a daylight-saving change moves the wall clock by an hour); exactly below.
    nearly_due = queries.days_since_contact(now) >= cadence - 1
    # Most people that far along have their nudge for this stretch already: one due within a day of
    # (last contact + cadence). They are left out in SQL (an index search each), so only the few
    # without one are timed exactly in Python and looked up again below.
    near_due = func.julianday(since) + cadence
    nudged = (
        select(Reminder.id)
        .where(Reminder.person_id == Person.id, Reminder.kind == ReminderKind.stay_in_touch)
        .where(Reminder.due_at.between(_utc_text(near_due - 1), _utc_text(near_due + 1)))
        .correlate(Person)
        .exists()
    )
    people = session.execute(
        select(Person.id, Person.display_name, cadence, since).where(
            Person.status != Status.archived, cadence.is_not(None), nearly_due, ~nudged
        )
    ).all()
    wanted: dict[tuple[int, datetime], tuple[str, int]] = {}
    for person_id, name, days, last in people:
        last_dt = last if isinstance(last, datetime) else datetime.fromisoformat(last)
        due = days_later(last_dt, days, rules.zone)
        if due <= now:
            wanted[(person_id, due)] = (name, days)
    _insert_missing(session, ReminderKind.stay_in_touch, wanted, now, rules,
                    lambda name, days: f"Stay in touch with {name}: it has been over {_span(days)}.")  # fmt: skip

    members = session.execute(
        select(ProgrammeMembership.person_id, Person.display_name, ProgrammeMembership.programme,
               ProgrammeMembership.joined_on, queries.last_contact())
        .join(Person, Person.id == ProgrammeMembership.person_id)
        .where(ProgrammeMembership.left_on.is_(None), Person.status != Status.archived)
    ).all()  # fmt: skip
    silent: dict[tuple[int, datetime], tuple[str, int]] = {}
    for person_id, name, programme, joined_on, last in members:
        start = last or rules.on_date(joined_on)
        due = days_later(start, rules.programme_silence_days, rules.zone)
        if due <= now:
            silent[(person_id, due)] = (f"{name} ({programme})", rules.programme_silence_days)
    _insert_missing(session, ReminderKind.programme_contact, silent, now, rules,
                    lambda name, days: f"Don't leave {name} hanging: no contact for {_span(days)}. "
                                       "Tell them where they stand.", business=True)  # fmt: skip
    materialise_dates(session, now, rules)
    materialise_anniversaries(session, now, rules)


def materialise_dates(session: Session, now: datetime, rules: Rules) -> None:
    """Make the reminder of each birthday and person date coming within `dates_days_ahead` days.

    One row per occurrence (`Reminder.occasion`), so done and dismissed stick and next year brings
    a new one; it shows from `dates_days_ahead` days before, and its text says "Today" on the day.
    People are picked in SQL by month and day, so this costs one scan however many there are. A
    29 February falls on 28 February in a year without one.
    """
    today = now.astimezone(rules.zone).date()
    on: dict[tuple[int, int], date] = {}  # (month, day) -> the day it falls on in the window
    for ahead in range(rules.dates_days_ahead + 1):
        day = today + timedelta(days=ahead)
        on[(day.month, day.day)] = day
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            on[(2, 29)] = day
    wanted: dict[str, tuple[int, str, str, date]] = {}  # occasion -> person, name, what, the day
    birthdays = session.execute(
        select(Person.id, Person.display_name, Person.birthday).where(
            Person.status != Status.archived,
            Person.birthday.is_not(None),
            func.substr(Person.birthday, 6, 5).in_([f"{m:02d}-{d:02d}" for m, d in on]),
        )
    )
    for person_id, name, birthday in birthdays:
        assert birthday is not None  # (picked by it)
        day = on[(birthday.month, birthday.day)]
        wanted[f"birthday:{person_id}:{day.isoformat()}"] = (person_id, name, "birthday", day)
    dates = session.execute(
        select(PersonDate.id, PersonDate.person_id, Person.display_name, PersonDate.label, PersonDate.month,
               PersonDate.day)
        .join(Person, Person.id == PersonDate.person_id)
        .where(Person.status != Status.archived, tuple_(PersonDate.month, PersonDate.day).in_(list(on)))
    )  # fmt: skip
    for date_id, person_id, name, label, month, day_of_month in dates:
        day = on[(month, day_of_month)]
        wanted[f"date:{date_id}:{day.isoformat()}"] = (person_id, name, _date_phrase(label), day)
    if not wanted:
        return
    existing = {
        row.occasion: row
        for row in session.execute(
            select(Reminder.id, Reminder.occasion, Reminder.state, Reminder.text).where(
                Reminder.occasion.in_(list(wanted))
            )
        )
    }
    for occasion, (person_id, name, what, day) in wanted.items():
        text = date_text(name, what, day, today)
        row = existing.get(occasion)
        if row is None:
            due = rules.on_date(day - timedelta(days=rules.dates_days_ahead))
            _add(session, person_id=person_id, kind=ReminderKind.follow_up, due_at=due, text=text, occasion=occasion)
        elif row.state in OPEN_STATES and row.text != text and day == today:  # "Today is ..."
            session.execute(update(Reminder).where(Reminder.id == row.id).values(text=text))
    session.flush()


def date_text(name: str, what: str, day: date, today: date) -> str:
    """The text ahead of the day ("Zoë's birthday is on Thu 3 Dec.") and on it ("Today is Zoë's birthday.")."""
    if day == today:
        return f"Today is {name}'s {what}."
    return f"{name}'s {what} is on {short_date(day, today)}."


def one_year_after(day: date) -> date:
    """The same day a year later; 29 February is remembered on 28 February in a year without one."""
    return day.replace(year=day.year + 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year + 1)


ANNIVERSARY = "anniversary:"  # the occasion of a hard event's anniversary: `anniversary:interaction:12:2025-12-01`
ANNIVERSARY_TODAY = "A year ago today"
ANNIVERSARY_END = "A short, kind message may mean a lot."


def anniversary_occasions(kind: str, entry_id: int) -> Any:
    """A SQL condition for the anniversary reminders of one conversation or note (`kind`), by a
    range over the occasion's index (a LIKE would read every reminder)."""
    prefix = f"{ANNIVERSARY}{kind}:{entry_id}:"
    return (Reminder.occasion >= prefix) & (Reminder.occasion < prefix[:-1] + ";")


def drop_anniversary(session: Session, kind: str, entry_id: int) -> None:
    """An event's anniversary turned off (or no longer a hard event): its open reminder goes; one
    already done or dismissed stays, as history."""
    session.execute(delete(Reminder).where(anniversary_occasions(kind, entry_id), Reminder.state.in_(OPEN_STATES)))


def materialise_anniversaries(session: Session, now: datetime, rules: Rules) -> None:
    """A year after a hard event, on the local day it happened, Today gently says so: once per event.

    The event's own words say what it was (a conversation's summary, or the first line of a note,
    plain): the app cannot turn free text into "lost her brother", and it writes no message for
    you. Events are found by their time on partial indexes of hard events only (migration 0010),
    so this is an index search of one day, however many conversations there are. Turned off for
    all (the `hard_event_anniversaries` setting), open ones go as well.
    """
    if not rules.hard_event_anniversaries:
        everything = (Reminder.occasion >= ANNIVERSARY) & (Reminder.occasion < ANNIVERSARY[:-1] + ";")
        session.execute(delete(Reminder).where(everything, Reminder.state.in_(OPEN_STATES)))
        return
    today = now.astimezone(rules.zone).date()
    days = [today.replace(year=today.year - 1) if (today.month, today.day) != (2, 29) else date(today.year - 1, 2, 28)]
    if (today.month, today.day) == (2, 28) and calendar.isleap(today.year - 1):
        days.append(date(today.year - 1, 2, 29))  # remembered on the 28th this year
    start = at_local(datetime.combine(days[0], time(12), tzinfo=rules.zone), time(0), rules.zone)
    end = at_local(datetime.combine(days[-1] + timedelta(days=1), time(12), tzinfo=rules.zone), time(0), rules.zone)
    wanted: dict[str, tuple[int, int | None, str, str]] = {}  # occasion -> person, source, name, what
    for kind, model, moment in (("interaction", Interaction, Interaction.occurred_at), ("note", Note, Note.created_at)):
        words = (model.summary, model.body) if model is Interaction else (Note.body, Note.body)
        rows = session.execute(
            select(model.id, model.person_id, Person.display_name, moment, *words)
            .join(Person, Person.id == model.person_id)
            .where(model.hard_event == True, moment >= start, moment < end)  # noqa: E712 (as the index says)
            .where(model.anniversary.is_(True), Person.status != Status.archived)
        )  # fmt: skip
        for entry_id, person_id, name, when, first, second in rows:
            day = when.astimezone(rules.zone).date()
            source = entry_id if kind == "interaction" else None
            what = _first_line(first) or _first_line(second)
            wanted[f"{ANNIVERSARY}{kind}:{entry_id}:{day.isoformat()}"] = (person_id, source, name, what)
    if not wanted:
        return
    made = set(session.scalars(select(Reminder.occasion).where(Reminder.occasion.in_(list(wanted)))))
    for occasion, (person_id, source, name, what) in wanted.items():
        if occasion not in made:
            _add(session, person_id=person_id, kind=ReminderKind.check_in, due_at=rules.on_date(today),
                 source_interaction_id=source, occasion=occasion,
                 text=anniversary_text(ANNIVERSARY_TODAY, name, what))  # fmt: skip
    session.flush()


def anniversary_text(head: str, name: str, what: str) -> str:
    """ "A year ago today you logged hard news from Fran: “Her brother died”. A short, kind message may
    mean a lot." Only the user's own words, quoted; nothing to send."""
    said = f": “{what}”" if what else ""
    return f"{head} you logged hard news from {name}{said}. {ANNIVERSARY_END}"


def _first_line(text: str) -> str:
    """The first line of what was written, plain (no Markdown), short enough to quote in a sentence."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    return plain_from_markdown(line, limit=100).rstrip(".")


def shown_text(text: str, occasion: str | None, today: date) -> str:
    """A yearly reminder's text as it reads on `today`: left open past its day, "Today is Zoë's
    birthday." becomes "Zoë's birthday was on Thu 3 Dec.", and "A year ago today…" says the day."""
    if not occasion:
        return text
    day = _occasion_day(occasion)
    if day is None:
        return text
    if occasion.startswith(ANNIVERSARY):
        if one_year_after(day) < today and text.startswith(ANNIVERSARY_TODAY):
            return f"A year ago, on {day.day} {_MONTHS[day.month - 1]} {day.year}," + text[len(ANNIVERSARY_TODAY) :]
        return text
    if day >= today or " was on " in text:
        return text
    what = text[len("Today is ") :] if text.startswith("Today is ") else text.rsplit(" is on ", 1)[0]
    return f"{what.rstrip('.')} was on {short_date(day, today)}."


def _occasion_day(occasion: str) -> date | None:
    try:
        return date.fromisoformat(occasion.rsplit(":", 1)[-1])
    except ValueError:
        return None


def _date_phrase(label: str) -> str:
    """A label as it reads inside a sentence: "Work anniversary" -> "work anniversary" (not "NASA day")."""
    first = label.split(" ", 1)[0]
    return label[:1].lower() + label[1:] if first[1:] == first[1:].lower() else label


def _utc_text(julian_day: Any) -> Any:
    """A Julian day as the stored UTC text (`UtcDateTime`), for comparing with stored times in SQL."""
    return func.strftime("%Y-%m-%dT%H:%M:%fZ", julian_day)


def _insert_missing(session: Session, kind: ReminderKind, wanted: dict[tuple[int, datetime], tuple[str, int]],
                    now: datetime, rules: Rules, text: Any, business: bool = False) -> None:  # fmt: skip
    if not wanted:
        return
    keys = list(wanted)
    existing: set[int] = set()
    for start in range(0, len(keys), _PAIRS_PER_QUERY):  # only the nudges asked about; ids come back, no times
        pairs = tuple_(Reminder.person_id, Reminder.due_at).in_(keys[start : start + _PAIRS_PER_QUERY])
        existing.update(session.scalars(select(Reminder.person_id).where(Reminder.kind == kind, pairs)))
    for (person_id, due), (name, days) in wanted.items():
        if person_id not in existing:  # (one wanted nudge a person: the id names it)
            _add(session, person_id=person_id, kind=kind, due_at=due, business=business, text=text(name, days))
    session.flush()


_PAIRS_PER_QUERY = 400  # two bound values each, well inside SQLite's limit


def visible_at(reminder: Any, rules: Rules) -> datetime:
    """When a reminder shows: its due (or snooze) time, moved past quiet hours."""
    moment = (
        reminder.snoozed_until
        if reminder.state is ReminderState.snoozed and reminder.snoozed_until
        else reminder.due_at
    )
    return rules.quiet.next_allowed(moment, rules.zone)


def due_now(session: Session, now: datetime, rules: Rules) -> list[tuple[Any, Any, float]]:
    """Open reminders showing now, with what helps act on them (the person's name, what to remember,
    why they matter) and how overdue they are (for stay-in-touch ordering).

    Each reminder comes as a row of its columns, not an ORM object: a thousand due reminders cost
    33 ms to build as objects (all of them read, none changed), 3 ms as rows."""
    materialise_due(session, now, rules)
    effective = func.coalesce(Reminder.snoozed_until, Reminder.due_at)
    rows = session.execute(
        select(
            *Reminder.__table__.c, Person.display_name, Person.remember, Person.why_it_matters,
            Person.business_paused_until, queries.effective_cadence(rules.default_cadence_days).label("cadence"),
        )
        .outerjoin(Person, Person.id == Reminder.person_id)
        .where(Reminder.state.in_(OPEN_STATES), effective <= now)
        .where(or_(Person.id.is_(None), Person.status != Status.archived))
    ).all()  # fmt: skip
    result = []
    today = now.astimezone(rules.zone).date()
    for row in rows:
        reminder: Any = row
        cadence = row.cadence
        if row.occasion is not None and (text := shown_text(row.text, row.occasion, today)) != row.text:
            session.execute(update(Reminder).where(Reminder.id == row.id).values(text=text))  # once: it stays so
            reminder = SimpleNamespace(**{**row._mapping, "text": text})
        person = reminder if reminder.person_id is not None else None
        if visible_at(reminder, rules) > now:
            continue
        if reminder.business and row.business_paused_until and row.business_paused_until > now:
            continue
        overdue = 0.0
        if reminder.kind is ReminderKind.stay_in_touch and cadence:
            started = days_later(reminder.due_at, -cadence, rules.zone)
            overdue = (now - started).total_seconds() / 86400 / cadence
        result.append((reminder, person, overdue))
    return result


def emotional_load(session: Session, now: datetime, rules: Rules) -> EmotionalLoad:
    since = now - timedelta(days=rules.load_window_days)
    interactions = session.scalar(
        select(func.count(Interaction.id)).where(
            Interaction.hard_event.is_(True), Interaction.occurred_at >= since, Interaction.occurred_at <= now
        )
    )
    notes = session.scalar(
        select(func.count(Note.id)).where(Note.hard_event.is_(True), Note.created_at >= since, Note.created_at <= now)
    )
    return EmotionalLoad((interactions or 0) + (notes or 0), rules.load_window_days, rules.load_threshold)
