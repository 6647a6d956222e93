"""Wellbeing reminder rules at chosen clock times, on a real journal, in Europe/Berlin.

Berlin's clocks go forward on 2026-03-29 (02:00 → 03:00) and back on 2026-10-25 (03:00 → 02:00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from relationjournal.core.clock import QuietHours, days_later, snooze_until
from relationjournal.core.errors import InvalidInput
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft, ReflectionDraft
from relationjournal.core.vocabulary import Channel, Context, ReminderKind, Status
from tests.conftest import BERLIN, at


def person(journal: Journal, name: str, *, now: datetime, **fields) -> int:
    return journal.add_person(PersonDraft(name, **fields), now=now).id


def talk(journal: Journal, person_id: int, when: datetime, **fields) -> int:
    fields.setdefault("channel", Channel.email)
    return journal.log_interaction(person_id, InteractionDraft(occurred_at=when, **fields), now=when).id


def due(journal: Journal, now: datetime, kind: ReminderKind | None = None) -> list[tuple[str | None, ReminderKind]]:
    return [
        (d.reminder.person_name, d.reminder.kind)
        for d in journal.due_reminders(now=now)
        if kind is None or d.reminder.kind is kind
    ]


def test_stay_in_touch_is_ordered_by_how_overdue_relative_to_the_cadence(berlin: Journal) -> None:
    start = at("2025-01-01 10:00")
    weekly = person(berlin, "Weekly Wanda", now=start, cadence_days=7)
    yearly = person(berlin, "Yearly Yusuf", now=start, cadence_days=365)
    monthly = person(berlin, "Monthly Mo", now=start, cadence_days=30)
    by_tag = person(berlin, "Tagged Tess", now=start, tags=("client",))
    berlin.set_tag_cadence("client", 30)
    person(berlin, "No Cadence Nia", now=start)
    now = at("2026-11-20 12:00")
    talk(berlin, weekly, now - timedelta(days=17))  # 10 days past a weekly cadence
    talk(berlin, yearly, now - timedelta(days=385))  # 20 days past a yearly cadence
    talk(berlin, monthly, now - timedelta(days=5))  # not due
    talk(berlin, by_tag, now - timedelta(days=40))  # the tag's 30 days apply
    assert due(berlin, now, ReminderKind.stay_in_touch) == [
        ("Weekly Wanda", ReminderKind.stay_in_touch),
        ("Tagged Tess", ReminderKind.stay_in_touch),
        ("Yearly Yusuf", ReminderKind.stay_in_touch),
    ]
    talk(berlin, weekly, now - timedelta(hours=1))  # logging contact resets the cycle
    assert ("Weekly Wanda", ReminderKind.stay_in_touch) not in due(berlin, now)
    assert ("Weekly Wanda", ReminderKind.stay_in_touch) in due(berlin, now + timedelta(days=8))


def test_today_and_the_people_list_agree_on_who_is_most_overdue_with_a_default_cadence(berlin: Journal) -> None:
    from relationjournal.core.records import PeopleFilter

    start = at("2026-01-01 10:00")
    berlin.set_setting("default_cadence_days", 7)
    on_default = person(berlin, "Default Dana", now=start)  # no cadence of her own: the default's 7 days
    yearly = person(berlin, "Yearly Yusuf", now=start, cadence_days=365)
    weekly = person(berlin, "Weekly Wanda", now=start, cadence_days=7)
    now = at("2026-03-01 10:00")
    talk(berlin, on_default, now - timedelta(days=60))  # 8.6 times her cadence
    talk(berlin, yearly, now - timedelta(days=400))  # 1.1 times
    talk(berlin, weekly, now - timedelta(days=14))  # 2 times
    today = [name for name, _ in due(berlin, now, ReminderKind.stay_in_touch)]
    listed = berlin.person_summaries(berlin.person_ids(PeopleFilter(order="overdue"), now=now))
    assert today == ["Default Dana", "Weekly Wanda", "Yearly Yusuf"]
    assert [p.display_name for p in listed] == today


def test_done_or_dismissed_stay_in_touch_does_not_return_in_the_same_cycle(berlin: Journal) -> None:
    start = at("2026-01-01 10:00")
    ada = person(berlin, "Ada", now=start, cadence_days=14)
    now = at("2026-02-01 10:00")
    [item] = berlin.due_reminders(now=now)
    berlin.dismiss_reminder(item.reminder.id, now=now)
    assert due(berlin, now + timedelta(days=3)) == []
    talk(berlin, ada, now + timedelta(days=4))
    assert due(berlin, now + timedelta(days=4 + 15)) == [("Ada", ReminderKind.stay_in_touch)]


def test_follow_up_comes_due_on_its_date_and_a_later_conversation_closes_it(berlin: Journal) -> None:
    now = at("2026-11-10 14:00")
    grace = person(berlin, "Grace", now=now)
    talk(berlin, grace, now, summary="Asked about the job offer", follow_up_on=date(2026, 11, 17))
    assert due(berlin, at("2026-11-17 07:59")) == []  # quiet hours end at 08:00
    assert due(berlin, at("2026-11-17 08:00")) == [("Grace", ReminderKind.follow_up)]
    [item] = berlin.due_reminders(now=at("2026-11-17 08:00"))
    assert "Asked about the job offer" in item.reminder.text
    talk(berlin, grace, at("2026-11-16 18:00"), summary="She got the job!")
    assert due(berlin, at("2026-11-17 09:00")) == []


def test_a_new_follower_gets_a_personal_welcome_within_a_day(berlin: Journal) -> None:
    now = at("2026-11-10 14:00")
    mia = person(berlin, "Mia", now=now, source="new follower", remember="Runs a bakery in Porto")
    person(berlin, "Old Client", now=now, source="client")
    [item] = berlin.due_reminders(now=now)
    assert item.reminder.kind is ReminderKind.welcome and item.group == "welcome"
    assert item.remember == "Runs a bakery in Porto"  # what is known, to write something personal
    assert "personally" in item.reminder.text
    talk(berlin, mia, now + timedelta(hours=2), summary="Welcomed her, asked about the bakery")
    assert due(berlin, now + timedelta(hours=3)) == []


def test_hard_event_scenario_end_to_end(berlin: Journal) -> None:
    """A follower suffers a tragedy; the user logs it in the evening, inside quiet hours."""
    start = at("2026-11-01 10:00")
    lena = person(berlin, "Lena", now=start, source="new follower")
    others = [person(berlin, f"Follower {i}", now=start) for i in range(3)]
    business = talk(
        berlin, lena, start, summary="Campaign brief", context=Context.business, follow_up_on=date(2026, 11, 12)
    )
    logged = at("2026-11-10 22:30")
    event = talk(berlin, lena, logged, summary="Her father died; sent our condolences", hard_event=True)
    scheduled = {(r.kind, r.due_at.astimezone(BERLIN).strftime("%m-%d %H:%M")) for r in berlin.reminders_from(event)}
    assert scheduled == {
        (ReminderKind.self_care, "11-11 08:00"),  # logged in quiet hours: when they end
        (ReminderKind.self_care, "11-12 08:00"),  # a gentle follow-up the next day
        (ReminderKind.check_in, "11-13 08:00"),  # 2 days later, out of quiet hours
        (ReminderKind.check_in, "11-25 08:00"),  # 2 weeks
        (ReminderKind.check_in, "02-09 08:00"),  # 90 days: 8 Feb 22:30 is in quiet hours
    }
    assert due(berlin, at("2026-11-11 07:59")) == []
    morning = berlin.due_reminders(now=at("2026-11-11 08:00"))
    assert [(d.group, d.reminder.kind) for d in morning] == [("self_care", ReminderKind.self_care)]

    reflection = berlin.save_reflection(
        ReflectionDraft(mine_to_carry="Sending a kind, honest message", not_mine_to_carry="Fixing her grief",
                        who_else_supports="Her sister and her team", who_i_can_talk_to="Priya, my manager"),
        reminder_id=morning[0].reminder.id, now=at("2026-11-11 08:30"),
    )  # fmt: skip
    assert berlin.reflections()[0].not_mine_to_carry == "Fixing her grief"
    assert reflection.person_name == "Lena"
    assert all(e.kind != "reflection" for e in berlin.timeline(lena))  # the user's own, not on her page
    assert due(berlin, at("2026-11-11 09:00")) == []
    assert due(berlin, at("2026-11-12 08:00")) == [("Lena", ReminderKind.self_care)]

    # The business follow-up on the 12th waits: business pauses for 30 days after the hard event.
    assert ("Lena", ReminderKind.follow_up) not in due(berlin, at("2026-11-13 09:00"))
    assert ("Lena", ReminderKind.check_in) in due(berlin, at("2026-11-13 08:00"))
    assert ("Lena", ReminderKind.check_in) in due(berlin, at("2026-11-25 08:00"))
    assert ("Lena", ReminderKind.follow_up) in due(berlin, at("2026-12-11 09:00"))
    assert business

    # Emotional load: the fourth hard event within 14 days brings the suggestion to step back.
    for i, other in enumerate(others):
        talk(berlin, other, at(f"2026-11-1{2 + i} 12:00"), summary="A hard day", hard_event=True)
        load = berlin.emotional_load(now=at(f"2026-11-1{2 + i} 12:00"))
        assert load.hard_events == i + 2
        assert load.heavy is (i == 2)
    assert "step back" in load.message() and "colleague" in load.message()
    assert not berlin.emotional_load(now=at("2026-11-30 12:00")).heavy  # the window moves on


def test_a_hard_event_note_also_schedules_care(berlin: Journal) -> None:
    now = at("2026-11-10 12:00")
    sam = person(berlin, "Sam", now=now)
    berlin.add_note(sam, "Sam's partner is in hospital", hard_event=True, now=now)
    kinds = [d.reminder.kind for d in berlin.due_reminders(now=at("2026-11-10 18:00"))]
    assert kinds == [ReminderKind.self_care]  # that evening
    assert berlin.emotional_load(now=now).hard_events == 1


def test_quiet_hours_across_midnight_and_daylight_saving() -> None:
    quiet = QuietHours()  # 21:00–08:00
    assert quiet.contains(at("2026-03-28 23:30"), BERLIN) and quiet.contains(at("2026-03-29 07:59"), BERLIN)
    assert not quiet.contains(at("2026-03-29 08:00"), BERLIN) and not quiet.contains(at("2026-03-28 20:59"), BERLIN)
    # The night the clocks go forward: 08:00 CEST is 06:00 UTC, not 07:00.
    assert quiet.next_allowed(at("2026-03-28 22:00"), BERLIN) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    # The night they go back: 08:00 CET is 07:00 UTC.
    assert quiet.next_allowed(at("2026-10-24 23:00"), BERLIN) == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    # Two days later keeps the wall clock across the change (47 hours apart, not 48).
    before = at("2026-03-28 12:00")
    assert days_later(before, 2, BERLIN).astimezone(BERLIN).hour == 12
    assert days_later(before, 2, BERLIN) - before.astimezone(UTC) == timedelta(hours=47)
    daytime = QuietHours(start=at("2026-01-01 13:00").time(), end=at("2026-01-01 14:00").time())
    assert daytime.contains(at("2026-01-01 13:30"), BERLIN) and not daytime.contains(at("2026-01-01 23:00"), BERLIN)


def test_hard_event_check_ins_across_the_dst_change(berlin: Journal) -> None:
    logged = at("2026-03-27 12:00")
    kai = person(berlin, "Kai", now=logged)
    event = talk(berlin, kai, logged, hard_event=True)
    check_ins = [r.due_at.astimezone(BERLIN) for r in berlin.reminders_from(event) if r.kind is ReminderKind.check_in]
    assert check_ins[0].strftime("%Y-%m-%d %H:%M %Z") == "2026-03-29 12:00 CEST"


def test_snoozing(berlin: Journal) -> None:
    now = at("2026-11-10 14:00")
    zone, quiet = BERLIN, QuietHours()
    assert snooze_until("1h", now, zone, quiet) == at("2026-11-10 15:00").astimezone(UTC)
    assert snooze_until("evening", now, zone, quiet) == at("2026-11-10 18:00").astimezone(UTC)
    assert snooze_until("evening", at("2026-11-10 20:30"), zone, quiet) == at("2026-11-11 08:00").astimezone(UTC)
    assert snooze_until("tomorrow", now, zone, quiet) == at("2026-11-11 08:00").astimezone(UTC)
    assert snooze_until("next-week", now, zone, quiet) == at("2026-11-17 08:00").astimezone(UTC)
    assert snooze_until("2026-11-12T23:00", now, zone, quiet) == at("2026-11-13 08:00").astimezone(UTC)
    with pytest.raises(InvalidInput, match="already passed"):
        snooze_until("2026-11-01T10:00", now, zone, quiet)

    ada = person(berlin, "Ada", now=now, source="new follower")
    [item] = berlin.due_reminders(now=now)
    berlin.snooze_reminder(item.reminder.id, "evening", now=now)
    assert due(berlin, at("2026-11-10 17:59")) == []
    assert due(berlin, at("2026-11-10 18:00")) == [("Ada", ReminderKind.welcome)]
    assert ada


def test_programme_review_keep_rotate_out_and_dont_leave_them_hanging(berlin: Journal) -> None:
    start = at("2026-06-01 10:00")
    noor = person(berlin, "Noor", now=start)
    joined = berlin.add_membership(noor, "Brand advocates", date(2026, 6, 1), review_on=date(2026, 9, 1))
    talk(berlin, noor, at("2026-08-25 10:00"))
    assert due(berlin, at("2026-09-01 08:00")) == [("Noor", ReminderKind.programme_review)]
    berlin.keep_in_programme(joined.id, date(2026, 12, 1))
    assert due(berlin, at("2026-09-02 08:00")) == []
    # 21 days after the last contact: don't leave them hanging.
    assert due(berlin, at("2026-09-15 12:00"), ReminderKind.programme_contact) == [
        ("Noor", ReminderKind.programme_contact)
    ]
    with pytest.raises(InvalidInput, match="Record what you told them"):
        berlin.rotate_out(joined.id, record="  ")
    berlin.rotate_out(
        joined.id, record="Thanked her personally; told her the perks end in March.", left_on=date(2026, 9, 16)
    )
    assert berlin.memberships(noor)[0].left_on == date(2026, 9, 16)
    notes = [e.item.body for e in berlin.timeline(noor) if e.kind == "note"]
    assert notes and "Rotated out of Brand advocates" in notes[0] and "perks end in March" in notes[0]
    assert due(berlin, at("2026-12-01 09:00")) == []  # no reviews or nudges for someone who left


def test_archived_people_get_no_reminders_and_recurring_ones_return(berlin: Journal) -> None:
    now = at("2026-11-10 10:00")
    ola = person(berlin, "Ola", now=now, cadence_days=7)
    assert due(berlin, at("2026-11-20 10:00")) == [("Ola", ReminderKind.stay_in_touch)]
    berlin.archive_person(ola)
    assert due(berlin, at("2026-11-20 10:00")) == []
    berlin.edit_person(ola, {"status": Status.active})

    water = berlin.add_reminder(ReminderKind.custom, at("2026-11-10 12:00"), "Drink water", recurrence_days=1)
    assert any("Drink water" in d.reminder.text for d in berlin.due_reminders(now=at("2026-11-10 12:00")))
    berlin.complete_reminder(water.id, now=at("2026-11-10 12:05"))
    again = [
        d.reminder for d in berlin.due_reminders(now=at("2026-11-11 12:05")) if d.reminder.kind is ReminderKind.custom
    ]
    assert len(again) == 1 and again[0].id != water.id and again[0].text == "Drink water"


def test_every_setting_that_feeds_a_rule_reaches_it_when_changed(journal: Journal) -> None:
    """The settings are declared once; the rules read each from its declaration (none is forgotten)."""
    from dataclasses import fields

    from relationjournal.core.settings import SETTINGS

    texts = {"default_cadence_days": "45", "quiet_hours": "22:30-07:15", "timezone": "Pacific/Auckland",
             "check_in_days": "1,5", "business_pause_days": "9", "load_window_days": "10", "load_threshold": "7",
             "programme_silence_days": "40"}  # fmt: skip
    fed = {s.rule for s in SETTINGS.values() if s.rule}
    assert fed == {f.name for f in fields(journal.rules())}  # every rule has its setting
    before = journal.rules()
    for key, text in texts.items():
        setting = SETTINGS[key]
        journal.set_setting(key, setting.parse(text))
        changed = getattr(journal.rules(), setting.rule)
        assert changed != getattr(before, setting.rule), key
        assert changed == setting.rule_value(setting.parse(text)), key
    assert journal.rules().quiet == QuietHours.parse(["22:30", "07:15"])
    assert journal.rules().zone == ZoneInfo("Pacific/Auckland")
