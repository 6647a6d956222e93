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

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from relationjournal.core import queries
from relationjournal.core.clock import EVENING, QuietHours, at_local, days_later, local_zone
from relationjournal.core.models import Interaction, Note, Person, ProgrammeMembership, Reminder
from relationjournal.core.settings import SETTINGS
from relationjournal.core.vocabulary import Context, ReminderKind, ReminderState, Status

OPEN_STATES = (ReminderState.open, ReminderState.snoozed)
FOLLOWER_WORDS = ("follower", "new follow")


@dataclass(frozen=True)
class Rules:
    """The user's choices that the rules follow; defaults are the product's."""

    # The defaults are the ones declared with the settings (core/settings.py), so the two never drift.
    zone: tzinfo = field(default_factory=local_zone)
    quiet: QuietHours = field(default_factory=lambda: QuietHours.parse(SETTINGS["quiet_hours"].default))
    check_in_days: tuple[int, ...] = tuple(SETTINGS["check_in_days"].default)
    business_pause_days: int = SETTINGS["business_pause_days"].default
    load_window_days: int = SETTINGS["load_window_days"].default
    load_threshold: int = SETTINGS["load_threshold"].default
    programme_silence_days: int = SETTINGS["programme_silence_days"].default
    default_cadence_days: int | None = SETTINGS["default_cadence_days"].default

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Rules:
        values: dict[str, Any] = {"zone": local_zone(settings.get("timezone"))}
        if "quiet_hours" in settings:
            values["quiet"] = QuietHours.parse(settings["quiet_hours"])
        for name in ("business_pause_days", "load_window_days", "load_threshold", "programme_silence_days",
                     "default_cadence_days"):  # fmt: skip
            if settings.get(name) is not None:
                values[name] = int(settings[name])
        if settings.get("check_in_days"):
            values["check_in_days"] = tuple(int(d) for d in settings["check_in_days"])
        return cls(**values)

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
    evening = max(now, at_local(now, EVENING, rules.zone))
    reflect_at = rules.quiet.next_allowed(evening, rules.zone)
    made.append(
        _add(session, person_id=person_id, kind=ReminderKind.self_care, due_at=reflect_at,
             source_interaction_id=interaction_id,
             text=f"Take ten minutes for yourself after {name}'s hard news: what is yours to carry, and what is not?")
    )  # fmt: skip
    made.append(
        _add(session, person_id=person_id, kind=ReminderKind.self_care,
             due_at=rules.morning(days_later(reflect_at, 1, rules.zone)), source_interaction_id=interaction_id,
             text="A gentle check on you, the day after: how are you today? Who could you talk to?")
    )  # fmt: skip
    return made


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
    people = session.execute(
        select(Person.id, Person.display_name, cadence, since).where(
            Person.status != Status.archived, cadence.is_not(None), nearly_due
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


def _insert_missing(session: Session, kind: ReminderKind, wanted: dict[tuple[int, datetime], tuple[str, int]],
                    now: datetime, rules: Rules, text: Any, business: bool = False) -> None:  # fmt: skip
    if not wanted:
        return
    earliest = min(due for _, due in wanted)
    existing = {
        (person_id, due)
        for person_id, due in session.execute(
            select(Reminder.person_id, Reminder.due_at).where(Reminder.kind == kind, Reminder.due_at >= earliest)
        )
    }
    for (person_id, due), (name, days) in wanted.items():
        if (person_id, due) not in existing:
            _add(session, person_id=person_id, kind=kind, due_at=due, business=business, text=text(name, days))
    session.flush()


def visible_at(reminder: Reminder, rules: Rules) -> datetime:
    """When a reminder shows: its due (or snooze) time, moved past quiet hours."""
    moment = (
        reminder.snoozed_until
        if reminder.state is ReminderState.snoozed and reminder.snoozed_until
        else reminder.due_at
    )
    return rules.quiet.next_allowed(moment, rules.zone)


def due_now(session: Session, now: datetime, rules: Rules) -> list[tuple[Reminder, Any, float]]:
    """Open reminders showing now, with what helps act on them (the person's name, what to remember,
    why they matter) and how overdue they are (for stay-in-touch ordering)."""
    materialise_due(session, now, rules)
    effective = func.coalesce(Reminder.snoozed_until, Reminder.due_at)
    rows = session.execute(
        select(
            Reminder, Person.display_name, Person.remember, Person.why_it_matters, Person.business_paused_until,
            queries.effective_cadence(rules.default_cadence_days).label("cadence"),
        )
        .outerjoin(Person, Person.id == Reminder.person_id)
        .where(Reminder.state.in_(OPEN_STATES), effective <= now)
        .where(or_(Person.id.is_(None), Person.status != Status.archived))
    ).all()  # fmt: skip
    result = []
    for row in rows:
        reminder, cadence = row.Reminder, row.cadence
        person = row if reminder.person_id is not None else None
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
