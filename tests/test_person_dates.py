"""Birthdays and other dates on a person, repeating yearly: shown on Today ahead and on the day.

Real journals on Berlin's clock; quiet hours are the default 21:00-08:00.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from relationjournal.core.errors import InvalidInput, NotFound
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.settings import declared
from relationjournal.core.vocabulary import Channel
from relationjournal.ui import dates, dialogs
from relationjournal.ui.qt import QCheckBox, QDate, QMessageBox, Qt
from tests.conftest import at, run_cli
from tests.dialogs import MessageBoxes, in_next_dialog
from tests.test_cli import cli_ok, init_journal, one_line_error
from tests.test_dialog_bugs import button, open_log_dialog


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
    gone = berlin.delete_interaction(first)
    assert anniversaries(berlin, at("2026-12-01 09:30")) == []
    berlin.restore_entry(gone)  # an undo: it comes back, once, still of that day
    assert anniversaries(berlin, at("2026-12-01 09:40")) == [A_YEAR_AGO]


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


# In the app -----------------------------------------------------------------------------------------
def test_the_person_page_lists_dates_and_the_app_adds_and_removes_one(qtbot, window, journal: Journal) -> None:
    today = date.today()
    soon = today + timedelta(days=12)
    zoe = journal.add_person(PersonDraft("Zoë")).id
    journal.add_person_date(zoe, "Work <b>anniversary</b>", (soon.month, soon.day))
    window.changes.flush()
    window.open_person(zoe)
    header = window.person_page.header.text()
    assert f"{soon.day} {soon:%B}, in 12 days" in header and "Work &lt;b&gt;anniversary&lt;/b&gt;" in header
    said = MessageBoxes()

    def add(listing: dates.PersonDatesDialog) -> None:
        def fill(dialog: dates.DateDialog) -> None:
            assert dialog.label.itemText(1) == "Wedding anniversary"  # suggested; any words will do
            dialog.label.setEditText("Wedding anniversary")
            dialog.day.setDate(QDate(2015, 6, 20))
            qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)

        in_next_dialog(fill, dates.DateDialog)
        qtbot.mouseClick(listing.add, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: listing.dates.count() == 2)
        rows = [listing.dates.item(i).text() for i in range(listing.dates.count())]
        listing.dates.setCurrentRow(next(i for i, row in enumerate(rows) if row.startswith("Work")))
        shown = listing.dates.currentItem().text()
        said.answer(QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(listing.remove, Qt.MouseButton.LeftButton)
        listing.shown = shown  # type: ignore[attr-defined]
        listing.after = [listing.dates.item(i).text() for i in range(listing.dates.count())]  # type: ignore[attr-defined]
        listing.accept()

    seen: list[dates.PersonDatesDialog] = []
    in_next_dialog(lambda d: (seen.append(d), add(d)), dates.PersonDatesDialog)
    window.act_dates.trigger()
    assert seen[0].shown.startswith("Work <b>anniversary</b>: ")  # a label is shown as typed, never as markup
    assert "Remove “Work <b>anniversary</b>” from Zoë's dates?" in said.said[0]
    (left,) = seen[0].after
    assert left.startswith("Wedding anniversary: 20 June 2015")
    assert [(d.label, d.when) for d in journal.person_dates(zoe)] == [("Wedding anniversary", "2015-06-20")]
    window.changes.flush()
    assert "Wedding anniversary" in window.person_page.header.text()
    assert "Work &lt;b&gt;" not in window.person_page.header.text()


def test_the_log_dialog_remembers_a_hard_day_unless_told_not_to(qtbot, window, journal: Journal) -> None:
    seen: dict[str, bool] = {}

    def fill(dialog: dialogs.InteractionDialog) -> None:
        seen["greyed out until hard"] = not dialog.anniversary.isEnabled()
        qtbot.keyClicks(dialog.summary, "Her brother died")
        dialog.hard_event.setChecked(True)
        seen["checked by default"] = dialog.anniversary.isEnabled() and dialog.anniversary.isChecked()
        dialog.anniversary.click()  # (a click on the box itself, wherever the form put it)
        qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)

    fran = open_log_dialog(qtbot, window, journal, fill)
    assert seen == {"greyed out until hard": True, "checked by default": True}
    logged = journal.timeline(fran)[0].item
    assert logged.hard_event and not logged.anniversary


def test_the_settings_turn_every_anniversary_off_with_a_check_box(qtbot, journal: Journal) -> None:
    shown = dialogs.SettingsDialog(journal)
    qtbot.addWidget(shown)
    box = shown.edits["hard_event_anniversaries"]
    assert isinstance(box, QCheckBox) and box.isChecked()
    box.setChecked(False)
    qtbot.mouseClick(button(shown, "Save"), Qt.MouseButton.LeftButton)
    assert journal.setting("hard_event_anniversaries") is False
    assert journal.rules().hard_event_anniversaries is False


def test_the_person_page_says_how_many_years_a_date_with_a_year_marks(qtbot, window, journal: Journal) -> None:
    today = date.today()
    soon, later = today + timedelta(days=14), today + timedelta(days=100)
    zoe = journal.add_person(PersonDraft("Zoë")).id
    journal.add_person_date(
        zoe, "Work anniversary", date(soon.year - 8, soon.month, soon.day)
    )  # (29 Feb: a leap year too)
    journal.add_person_date(zoe, "Wedding anniversary", date(later.year - 12, later.month, later.day))
    journal.add_person_date(zoe, "Name day", (soon.month, soon.day))
    window.changes.flush()
    window.open_person(zoe)
    header = window.person_page.header.text()
    assert f"{soon.day} {soon:%B} {soon.year - 8}, 8 years in 14 days" in header
    assert f"{later.day} {later:%B} {later.year - 12} (11 years)" in header  # so far, as a birthday's age
    assert f"{soon.day} {soon:%B}, in 14 days" in header  # no year: no count


@pytest.mark.parametrize(
    ("year", "month", "day", "said"),
    [
        (2019, 12, 14, "14 December 2019, 7 years in 14 days"),
        (2025, 11, 30, "30 November 2025, 1 year today"),
        (2016, 12, 1, "1 December 2016, 10 years tomorrow"),
        (2015, 6, 20, "20 June 2015 (11 years)"),
        (2026, 3, 1, "1 March 2026"),  # not a year yet
        (2026, 12, 24, "24 December 2026, in 24 days"),  # the first one is still to come
        (2028, 6, 1, "1 June 2028"),  # a day in the future
        (None, 6, 3, "3 June"),
        (None, 12, 7, "7 December, in 7 days"),
    ],
)
def test_date_words(year: int | None, month: int, day: int, said: str) -> None:
    from relationjournal.core.records import PersonDateRecord

    found = PersonDateRecord(1, 1, "Zoë", "Work anniversary", month, day, year, datetime(2020, 1, 1))
    assert dates.date_words(found, date(2026, 11, 30)) == said
