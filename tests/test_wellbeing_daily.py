"""One evening to look after yourself per day of hard news, and Upcoming, on a real journal in Europe/Berlin."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from relationjournal.core.errors import InvalidInput
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft, ReflectionDraft
from relationjournal.core.vocabulary import Channel, ReminderKind, ReminderState
from relationjournal.core.wellbeing import day_heading, scheduled_sentence
from tests.conftest import BERLIN, at


def hard_news(journal: Journal, name: str, now: datetime, summary: str = "A loss in the family") -> int:
    """Add `name` and log a hard event with them at `now`; returns the conversation's id."""
    person = journal.add_person(PersonDraft(name), now=now - timedelta(days=30))
    draft = InteractionDraft(Channel.phone, occurred_at=now, summary=summary, hard_event=True)
    return journal.log_interaction(person.id, draft, now=now).id


def open_self_care(journal: Journal) -> list[tuple[str, str]]:
    return [(r.due_at.astimezone(BERLIN).strftime("%m-%d %H:%M"), r.text) for r in journal.reminders()
            if r.kind is ReminderKind.self_care]  # fmt: skip


def test_four_hard_events_in_a_day_give_one_evening_reflection_that_names_them_all(berlin: Journal) -> None:
    hard_news(berlin, "Zoë", at("2026-12-01 09:00"), "Her mother died")
    hard_news(berlin, "Sam", at("2026-12-01 11:30"), "Sam is in crisis")
    hard_news(berlin, "Ana", at("2026-12-01 14:00"), "Ana lost her job")
    ravi = berlin.add_person(PersonDraft("Ravi"), now=at("2026-11-01 09:00"))
    berlin.add_note(ravi.id, "Ravi's dog died", hard_event=True, now=at("2026-12-01 16:00"))

    evening, morning = open_self_care(berlin)
    assert evening == ("12-01 18:00", "Take ten minutes for yourself: today you heard hard news from Zoë, Sam, Ana "
                                      "and Ravi. What is yours to carry, and what is not?")  # fmt: skip
    assert morning[0] == "12-02 08:00" and morning[1].startswith("A gentle check on you")
    assert not any(word in evening[1] for word in ("mother", "crisis", "job", "dog"))  # names only, no notes
    # Today that evening: one card to look after yourself (and the check-ins are for later).
    due = berlin.due_reminders(now=at("2026-12-01 18:00"))
    assert [d.reminder.kind for d in due] == [ReminderKind.self_care]
    assert due[0].reminder.person_id is None  # it follows four people's news, not one person's
    assert [d.reminder.kind for d in berlin.due_reminders(now=at("2026-12-02 08:00"))] == [ReminderKind.self_care] * 2
    # One person's news twice in a day names them once; hard news the next day is the next evening's.
    hard_news(berlin, "Zoë B", at("2026-12-01 17:00"))
    assert open_self_care(berlin)[0][1].count("Zoë B") == 1
    assert len(open_self_care(berlin)) == 2
    hard_news(berlin, "Lena", at("2026-12-02 10:00"))
    assert [when for when, _ in open_self_care(berlin)] == ["12-01 18:00", "12-02 08:00", "12-02 18:00", "12-03 08:00"]
    assert open_self_care(berlin)[2][1] == ("Take ten minutes for yourself after Lena's hard news: what is yours "
                                            "to carry, and what is not?")  # fmt: skip


def test_a_single_hard_event_keeps_its_person_and_its_wording(berlin: Journal) -> None:
    event = hard_news(berlin, "Lena", at("2026-11-10 22:30"))  # in quiet hours: the reflection waits for morning
    care = [r for r in berlin.reminders_from(event) if r.kind is ReminderKind.self_care]
    assert [r.due_at.astimezone(BERLIN).strftime("%m-%d %H:%M") for r in care] == ["11-11 08:00", "11-12 08:00"]
    assert care[0].person_name == "Lena" and "after Lena's hard news" in care[0].text


def test_writing_a_reflection_closes_the_self_care_it_covers(berlin: Journal) -> None:
    hard_news(berlin, "Zoë", at("2026-12-01 09:00"))
    hard_news(berlin, "Sam", at("2026-12-01 10:00"))
    # Written in the afternoon, from My reflections (no reminder): this evening's reflection is answered.
    berlin.save_reflection(ReflectionDraft(feeling="Tired, but steady"), now=at("2026-12-01 15:00"))
    left = [r for r in berlin.reminders() if r.kind is ReminderKind.self_care]
    assert [r.due_at.astimezone(BERLIN).strftime("%m-%d %H:%M") for r in left] == ["12-02 08:00"]  # tomorrow's stays
    assert berlin.due_reminders(now=at("2026-12-01 18:30")) == []
    closed = [r for r in berlin.reminders(include_closed=True) if r.state is ReminderState.done]
    assert [r.closed_at for r in closed] == [at("2026-12-01 15:00")]
    # The next morning, the reflection written from that card closes it.
    card = berlin.due_reminders(now=at("2026-12-02 08:00"))[0].reminder
    berlin.save_reflection(ReflectionDraft(feeling="Better"), reminder_id=card.id, now=at("2026-12-02 08:10"))
    assert [r for r in berlin.reminders() if r.kind is ReminderKind.self_care] == []


def test_what_logging_a_hard_event_scheduled_is_said_in_one_calm_sentence(berlin: Journal) -> None:
    now = at("2026-12-01 10:00")  # a Tuesday
    event = hard_news(berlin, "Zoë", now)
    sentence = scheduled_sentence(berlin.reminders_from(event), now, BERLIN)
    assert sentence == ("I'll remind you to check in on Zoë on Thu 3 Dec, Tue 15 Dec and Mon 1 Mar 2027, and to look "
                        "after yourself this evening at 18:00 and tomorrow morning at 08:00.")  # fmt: skip
    # The second hard news of the day shares the evening: logging it lists the same evening.
    sam = hard_news(berlin, "Sam", at("2026-12-01 19:00"))
    assert scheduled_sentence(berlin.reminders_from(sam), at("2026-12-01 19:00"), BERLIN).endswith(
        "and to look after yourself now and tomorrow morning at 08:00."
    )
    assert day_heading(at("2026-12-02 09:00"), now, BERLIN) == "Tomorrow"
    assert day_heading(at("2026-12-03 09:00"), now, BERLIN) == "Thu 3 Dec"
    assert day_heading(at("2026-12-01 23:00"), now, BERLIN) == "Today"


def test_upcoming_lists_open_reminders_by_when_they_show_and_they_move_and_go(berlin: Journal) -> None:
    now = at("2026-12-01 10:00")
    hard_news(berlin, "Zoë", now)
    custom = berlin.add_reminder(ReminderKind.custom, at("2026-12-01 23:30"), "Call the florist")  # in quiet hours
    upcoming = berlin.upcoming_reminders()
    whens = [u.when for u in upcoming]
    assert whens == sorted(whens) and len(upcoming) == 6
    assert next(u for u in upcoming if u.reminder.id == custom.id).when == at("2026-12-02 08:00")

    check_in = next(u.reminder for u in upcoming if u.reminder.kind is ReminderKind.check_in)
    moved = berlin.move_reminder(check_in.id, at("2026-12-05 11:00"), now=now)
    assert moved.due_at == at("2026-12-05 11:00")
    assert [u.reminder.id for u in berlin.upcoming_reminders()].index(check_in.id) == 3  # after 1 and 2 Dec
    with pytest.raises(InvalidInput, match="already passed"):
        berlin.move_reminder(check_in.id, at("2026-11-30 11:00"), now=now)
    with pytest.raises(InvalidInput, match="timezone"):
        berlin.move_reminder(check_in.id, datetime(2026, 12, 9, 11, 0), now=now)
    berlin.dismiss_reminder(custom.id)
    assert custom.id not in [u.reminder.id for u in berlin.upcoming_reminders()]


def test_moving_a_stay_in_touch_nudge_does_not_make_its_cycle_again(berlin: Journal) -> None:
    start = at("2026-10-01 10:00")
    kai = berlin.add_person(PersonDraft("Kai", cadence_days=30), now=start)
    berlin.log_interaction(kai.id, InteractionDraft(Channel.email, occurred_at=start, summary="Hello"), now=start)
    now = at("2026-11-05 10:00")
    nudge = berlin.due_reminders(now=now)[0].reminder
    berlin.move_reminder(nudge.id, at("2026-11-09 10:00"), now=now)
    assert berlin.due_reminders(now=at("2026-11-06 10:00")) == []  # not made again for the same cycle
    assert [d.reminder.id for d in berlin.due_reminders(now=at("2026-11-09 10:00"))] == [nudge.id]
