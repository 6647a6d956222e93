"""Birthdays and other dates on a person, repeating yearly: shown on Today ahead and on the day.

Real journals on Berlin's clock; quiet hours are the default 21:00-08:00.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from relationjournal.core.errors import InvalidInput, NotFound
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.settings import declared
from relationjournal.core.vocabulary import Channel
from tests.conftest import at, run_cli
from tests.test_cli import cli_ok, init_journal, one_line_error


def texts(journal: Journal, now: datetime) -> list[str]:
    return [d.reminder.text for d in journal.due_reminders(now=now) if d.reminder.kind.value == "follow_up"]


def test_a_birthday_shows_three_days_ahead_and_says_today_on_the_day(berlin: Journal) -> None:
    zoe = berlin.add_person(PersonDraft("Zoë", birthday=date(1986, 12, 3)), now=at("2026-11-01 10:00")).id
    assert texts(berlin, at("2026-11-29 12:00")) == []  # four days ahead: not yet
    assert texts(berlin, at("2026-11-30 07:00")) == []  # three days ahead, but inside quiet hours
    assert texts(berlin, at("2026-11-30 09:00")) == ["Zoë's birthday is on Thu 3 Dec."]
    assert texts(berlin, at("2026-12-03 09:00")) == ["Today is Zoë's birthday."]
    (shown,) = berlin.due_reminders(now=at("2026-12-03 09:00"))
    assert shown.reminder.person_id == zoe and shown.group == "follow_up"


def test_the_days_ahead_are_a_setting(berlin: Journal) -> None:
    berlin.add_person(PersonDraft("Zoë", birthday=date(1986, 12, 3)), now=at("2026-11-01 10:00"))
    berlin.set_setting("dates_days_ahead", declared("dates_days_ahead").parse("0"))
    assert texts(berlin, at("2026-12-02 12:00")) == []
    assert texts(berlin, at("2026-12-03 09:00")) == ["Today is Zoë's birthday."]
    with pytest.raises(InvalidInput, match="dates_days_ahead"):
        declared("dates_days_ahead").parse("-1")


def test_a_date_without_a_year_comes_every_year(berlin: Journal) -> None:
    fran = berlin.add_person(PersonDraft("Fran"), now=at("2026-01-01 10:00")).id
    added = berlin.add_person_date(fran, "Work anniversary", (3, 7))
    assert (added.year, added.when) == (None, "--03-07")
    assert texts(berlin, at("2026-03-05 09:00")) == ["Fran's work anniversary is on Sat 7 Mar."]
    assert texts(berlin, at("2027-03-07 09:00"))[-1] == "Today is Fran's work anniversary."


def test_29_february_falls_on_28_february_in_a_year_without_one(berlin: Journal) -> None:
    leap = berlin.add_person(PersonDraft("Leap"), now=at("2026-01-01 10:00")).id
    berlin.add_person_date(leap, "Birthday", date(2000, 2, 29), no_year=True)
    assert texts(berlin, at("2027-02-27 09:00")) == ["Leap's birthday is on Sun 28 Feb."]
    assert texts(berlin, at("2027-02-28 09:00")) == ["Today is Leap's birthday."]


def test_one_reminder_a_year_done_sticks_and_next_year_brings_a_new_one(berlin: Journal) -> None:
    zoe = berlin.add_person(PersonDraft("Zoë"), now=at("2026-01-01 10:00")).id
    berlin.add_person_date(zoe, "Wedding", date(2015, 6, 20))
    for day in ("2026-06-17 09:00", "2026-06-18 09:00", "2026-06-20 09:00"):
        assert len(texts(berlin, at(day))) == 1
    (due,) = berlin.due_reminders(now=at("2026-06-20 09:00"))
    berlin.complete_reminder(due.reminder.id, now=at("2026-06-20 10:00"))
    assert texts(berlin, at("2026-06-20 12:00")) == []
    assert texts(berlin, at("2027-06-17 09:00")) == ["Zoë's wedding is on Sun 20 Jun."]
    assert len([r for r in berlin.reminders(include_closed=True) if "wedding" in r.text]) == 2


def test_removing_a_date_removes_its_open_reminder(berlin: Journal) -> None:
    zoe = berlin.add_person(PersonDraft("Zoë"), now=at("2026-01-01 10:00")).id
    kept = berlin.add_person_date(zoe, "Programme anniversary", date(2024, 5, 2))
    gone = berlin.add_person_date(zoe, "Work anniversary", date(2019, 5, 2))
    assert len(texts(berlin, at("2026-05-01 09:00"))) == 2
    assert [d.label for d in berlin.person_dates(zoe)] == ["Programme anniversary", "Work anniversary"]
    berlin.remove_person_date(gone.id)
    assert texts(berlin, at("2026-05-01 09:00")) == ["Zoë's programme anniversary is on Sat 2 May."]
    assert [d.id for d in berlin.person_dates(zoe)] == [kept.id]
    with pytest.raises(NotFound):
        berlin.remove_person_date(gone.id)


def test_an_archived_person_and_bad_dates_are_left_out(berlin: Journal) -> None:
    zoe = berlin.add_person(PersonDraft("Zoë"), now=at("2026-01-01 10:00")).id
    with pytest.raises(InvalidInput):
        berlin.add_person_date(zoe, "Nothing", (2, 30))
    with pytest.raises(InvalidInput):
        berlin.add_person_date(zoe, "  ", date(2020, 1, 1))
    berlin.add_person_date(zoe, "Wedding", date(2015, 6, 20))
    berlin.archive_person(zoe)
    assert texts(berlin, at("2026-06-20 09:00")) == []


def test_the_cli_adds_lists_and_removes_dates(sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Zoë Müller")
    assert "--03-07" in cli_ok("person", "date", "add", "zoë müller", "Work anniversary", "03-07")
    added = cli_ok("person", "date", "add", "Zoë Müller", "Wedding", "2015-06-20")
    assert "2015-06-20" in added
    assert "--02-29" in cli_ok("person", "date", "add", "Zoë Müller", "Birthday", "2000-02-29", "--no-year")
    listed = json.loads(cli_ok("person", "date", "list", "Zoë Müller", "--format", "json"))
    assert [(d["label"], d["when"]) for d in listed] == [
        ("Birthday", "--02-29"), ("Work anniversary", "--03-07"), ("Wedding", "2015-06-20"),
    ]  # fmt: skip
    table = cli_ok("person", "date", "list", "Zoë Müller")
    assert "Work anniversary" in table and "--03-07" in table
    removed = cli_ok("person", "date", "remove", str(listed[0]["id"]))
    assert "Birthday" in removed
    assert len(json.loads(cli_ok("person", "date", "list", "Zoë Müller", "--format", "json"))) == 2
    refused = run_cli("person", "date", "add", "Zoë Müller", "X", "02-30")
    assert refused.returncode == 2 and "'02-30' is not a month and a day" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "no date with id" in one_line_error(run_cli("person", "date", "remove", "999"))


def test_merging_people_keeps_the_dates_of_the_one_merged_away(berlin: Journal) -> None:
    keep = berlin.add_person(PersonDraft("Zoë Müller"), now=at("2026-01-01 10:00")).id
    other = berlin.add_person(PersonDraft("Zoe Mueller"), now=at("2026-01-01 10:00")).id
    berlin.add_person_date(other, "Work anniversary", (3, 7))
    berlin.merge_people(keep, other, {})
    assert [(d.person_id, d.label) for d in berlin.person_dates(keep)] == [(keep, "Work anniversary")]


# The anniversary of a hard event ------------------------------------------------------------------
def hard_news(journal: Journal, when: str, *, anniversary: bool = True) -> int:
    """Fran's brother died: logged as a hard event on the Berlin day `when` (late in the evening)."""
    fran = journal.find_person("Fran").id if journal.count_people() else journal.add_person(
        PersonDraft("Fran"), now=at("2025-01-01 10:00")).id  # fmt: skip
    draft = InteractionDraft(Channel.phone, occurred_at=at(when), summary="**Her brother** died", hard_event=True,
                             anniversary=anniversary)  # fmt: skip
    return journal.log_interaction(fran, draft, now=at(when)).id


def anniversaries(journal: Journal, now: datetime) -> list[str]:
    return [d.reminder.text for d in journal.due_reminders(now=now) if d.reminder.text.startswith("A year ago")]


A_YEAR_AGO = (
    "A year ago today you logged hard news from Fran: “Her brother died”. A short, kind message may mean a lot."
)


def test_a_year_after_a_hard_event_today_says_so_once(berlin: Journal) -> None:
    hard_news(berlin, "2025-12-01 23:30")  # late in Berlin: already 2 December nowhere else matters
    assert anniversaries(berlin, at("2026-11-30 12:00")) == []
    assert anniversaries(berlin, at("2026-12-01 07:30")) == []  # the day, but inside quiet hours
    assert anniversaries(berlin, at("2026-12-01 08:00")) == [A_YEAR_AGO]
    (due,) = [d for d in berlin.due_reminders(now=at("2026-12-01 09:00")) if d.reminder.text == A_YEAR_AGO]
    assert due.group == "check_in" and due.reminder.person_name == "Fran"
    berlin.dismiss_reminder(due.reminder.id, now=at("2026-12-01 09:05"))
    assert anniversaries(berlin, at("2026-12-01 18:00")) == []
    assert anniversaries(berlin, at("2027-12-01 09:00")) == []  # once: not every year
    assert len([r for r in berlin.reminders(include_closed=True) if r.text.startswith("A year ago")]) == 1


def test_left_open_it_says_the_day_not_today(berlin: Journal) -> None:
    hard_news(berlin, "2025-12-01 10:00")
    assert anniversaries(berlin, at("2026-12-01 09:00")) == [A_YEAR_AGO]
    assert anniversaries(berlin, at("2026-12-03 09:00")) == [
        "A year ago, on 1 Dec 2025, you logged hard news from Fran: “Her brother died”. "
        "A short, kind message may mean a lot."
    ]  # fmt: skip


def test_an_anniversary_turned_off_on_the_event_or_for_all_says_nothing(berlin: Journal) -> None:
    hard_news(berlin, "2025-12-01 10:00", anniversary=False)
    assert anniversaries(berlin, at("2026-12-01 09:00")) == []
    second = hard_news(berlin, "2025-12-02 10:00")
    assert len(anniversaries(berlin, at("2026-12-02 09:00"))) == 1
    berlin.set_anniversary("conversation", second, False)  # turned off afterwards: the open one goes
    assert anniversaries(berlin, at("2026-12-02 09:30")) == []
    third = hard_news(berlin, "2025-12-03 10:00")
    berlin.set_setting("hard_event_anniversaries", declared("hard_event_anniversaries").parse("off"))
    assert anniversaries(berlin, at("2026-12-03 09:00")) == []
    berlin.set_setting("hard_event_anniversaries", True)
    assert len(anniversaries(berlin, at("2026-12-03 09:00"))) == 1
    with pytest.raises(InvalidInput, match="not on or off"):
        declared("hard_event_anniversaries").parse("maybe")
    assert third


def test_a_hard_note_is_remembered_by_its_first_line_and_29_february_on_the_28th(berlin: Journal) -> None:
    fran = berlin.add_person(PersonDraft("Fran"), now=at("2024-01-01 10:00")).id
    berlin.add_note(fran, "# Lost her job\n\nThe whole team was let go.", hard_event=True, now=at("2024-02-29 15:00"))
    assert anniversaries(berlin, at("2025-02-28 09:00")) == [
        "A year ago today you logged hard news from Fran: “Lost her job”. A short, kind message may mean a lot."
    ]  # fmt: skip
    quiet = berlin.add_note(fran, "Her father is ill", hard_event=True, now=at("2024-03-05 15:00"))
    berlin.update_note(quiet.id, anniversary=False)
    assert [t for t in anniversaries(berlin, at("2025-03-05 09:00")) if "father" in t] == []


def test_an_event_no_longer_hard_or_deleted_takes_its_open_anniversary_along(berlin: Journal) -> None:
    first = hard_news(berlin, "2025-12-01 10:00")
    assert len(anniversaries(berlin, at("2026-12-01 09:00"))) == 1
    berlin.delete_interaction(first)
    assert anniversaries(berlin, at("2026-12-01 09:30")) == []


def test_the_cli_logs_a_hard_event_without_an_anniversary_and_turns_one_off(sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Fran")
    logged = cli_ok("log", "Fran", "--channel", "phone", "--summary", "Her brother died", "--hard-event",
                    "--no-anniversary")  # fmt: skip
    assert "Logged #1" in logged
    cli_ok("note", "add", "Fran", "Lost her job", "--hard-event")
    assert "will not come back" in cli_ok("anniversary", "off", "note", "1")
    assert "Today will remind you" in cli_ok("anniversary", "on", "conversation", "1")
    cli_ok("log", "Fran", "--channel", "phone", "--summary", "Coffee")
    assert "not a hard event" in one_line_error(run_cli("anniversary", "off", "conversation", "2"))
    assert "no conversation with id" in one_line_error(run_cli("anniversary", "off", "conversation", "99"))


# Known gaps: a date's text on later days, and a birthday changed --------------------------------------
def test_a_birthday_reminder_left_open_says_it_was_on_that_day(berlin: Journal) -> None:
    berlin.add_person(PersonDraft("Zoë", birthday=date(1986, 12, 3)), now=at("2026-11-01 10:00"))
    assert texts(berlin, at("2026-12-03 09:00")) == ["Today is Zoë's birthday."]
    assert texts(berlin, at("2026-12-05 09:00")) == ["Zoë's birthday was on Thu 3 Dec."]


def test_a_birthday_changed_replaces_its_open_reminder(berlin: Journal) -> None:
    zoe = berlin.add_person(PersonDraft("Zoë", birthday=date(1986, 12, 3)), now=at("2026-11-01 10:00")).id
    assert texts(berlin, at("2026-12-01 09:00")) == ["Zoë's birthday is on Thu 3 Dec."]
    berlin.edit_person(zoe, {"birthday": date(1986, 12, 2)})
    assert texts(berlin, at("2026-12-01 09:10")) == ["Zoë's birthday is on Wed 2 Dec."]
    berlin.edit_person(zoe, {"birthday": None})
    assert texts(berlin, at("2026-12-01 09:20")) == []
