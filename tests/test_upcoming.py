"""Upcoming and the notice after hard news, end to end through the real shortcuts, dialogs and buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel, ReminderKind
from relationjournal.core.wellbeing import short_date
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import (
    QDate,
    QDateTime,
    QDialogButtonBox,
    QMessageBox,
    Qt,
    QTime,
)
from relationjournal.ui.upcoming import EMPTY, MoveDialog
from tests.dialogs import MessageBoxes, in_next_dialog

CTRL = Qt.KeyboardModifier.ControlModifier


pytestmark = pytest.mark.usefixtures("nothing_left_behind")  # (tests/conftest.py)


def zone_where_it_is(hour: int) -> str:
    """A fixed-offset zone where the wall clock now shows `hour` o'clock (give or take the minutes)."""
    offset = (hour - datetime.now(UTC).hour + 12) % 24 - 12
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # POSIX signs


def press(qtbot, window: MainWindow, key: Qt.Key) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, key, CTRL)


def groups(window: MainWindow) -> dict[str, list[tuple[str, str, str]]]:
    tree = window.upcoming.tree
    return {
        tree.topLevelItem(i).text(0): [
            tuple(tree.topLevelItem(i).child(j).text(c) for c in range(3))
            for j in range(tree.topLevelItem(i).childCount())
        ]
        for i in range(tree.topLevelItemCount())
    }


def select(window: MainWindow, heading: str) -> None:
    tree = window.upcoming.tree
    group = next(
        tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == heading
    )
    tree.setCurrentItem(group.child(0))


def test_log_hard_news_see_what_was_scheduled_then_move_and_remove_in_upcoming(
    qtbot, window: MainWindow, journal: Journal
) -> None:
    zone_name = zone_where_it_is(10)  # mid-morning: the reflection comes this evening, at 18:00
    journal.set_setting("timezone", zone_name)
    zone = ZoneInfo(zone_name)
    today = datetime.now(zone).date()
    zoe = journal.add_person(PersonDraft("Zoë"))
    window.open_person(zoe.id)

    def log_the_loss(dialog) -> None:
        qtbot.keyClicks(dialog.summary, "Her mother died")
        # Heard three days late, at this hour on the journal's clock (the dialog reads its times there),
        # not the machine's: in the evening there, the check-ins would wait for the morning after.
        then = datetime.now(zone) - timedelta(days=3)
        dialog.when.setDateTime(QDateTime(QDate(then.year, then.month, then.day), QTime(then.hour, then.minute)))
        qtbot.mouseClick(dialog.hard_event, Qt.MouseButton.LeftButton)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    in_next_dialog(log_the_loss)
    press(qtbot, window, Qt.Key.Key_L)
    notice = window.notice.text.text()
    assert window.notice.isVisible()
    assert notice == (
        f"I'll remind you to check in on Zoë today, on {short_date(today + timedelta(days=11), today)} and "
        f"{short_date(today + timedelta(days=87), today)}, and to look after yourself this evening at 18:00 and "
        "tomorrow morning at 08:00."
    )
    assert "mother" not in notice  # names and dates only
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day (1)", timeout=10_000)  # the check-in is due

    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        qtbot.mouseClick(window.notice.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.upcoming and not window.notice.isVisible()
    later = [short_date(today + timedelta(days=days), today) for days in (11, 87)]
    shown = groups(window)
    assert list(shown) == ["Due now (1)", "Today (1)", "Tomorrow (1)", f"{later[0]} (1)", f"{later[1]} (1)"]
    assert shown["Due now (1)"][0][1:] == ("Zoë", "Check in on Zoë, 2 days after the hard news. Ask how they are; "
                                                   "no agenda.")  # fmt: skip
    assert shown["Today (1)"][0][:2] == ("18:00", "You") and "after Zoë's hard news" in shown["Today (1)"][0][2]
    assert shown["Tomorrow (1)"][0][:2] == ("08:00", "You")

    # Move the check-in that is due to five days from now, through the dialog: it leaves Today.
    select(window, "Due now (1)")
    moved_to = today + timedelta(days=5)

    def five_days_on(dialog: MoveDialog) -> None:
        dialog.when.setDateTime(QDateTime(QDate(moved_to.year, moved_to.month, moved_to.day), QTime(11, 0)))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    in_next_dialog(five_days_on, MoveDialog)
    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        qtbot.mouseClick(window.upcoming.move_button, Qt.MouseButton.LeftButton)
    heading = f"{short_date(moved_to, today)} (1)"
    assert list(groups(window)) == ["Today (1)", "Tomorrow (1)", heading, f"{later[0]} (1)", f"{later[1]} (1)"]
    assert groups(window)[heading][0][:2] == ("11:00", "Zoë")
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day", timeout=10_000)
    press(qtbot, window, Qt.Key.Key_3)
    assert window.today.empty.isVisible()  # nothing due any more

    # Back with the shortcut; remove tomorrow's check on you: asked first, Cancel is the default.
    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        press(qtbot, window, Qt.Key.Key_5)
    assert window.stack.currentWidget() is window.upcoming
    select(window, "Tomorrow (1)")
    boxes = MessageBoxes()
    boxes.answer(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(window.upcoming.remove_button, Qt.MouseButton.LeftButton)
    assert "Tomorrow (1)" in groups(window) and boxes.default_was_cancel == [True]
    boxes.answer(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        qtbot.mouseClick(window.upcoming.remove_button, Qt.MouseButton.LeftButton)
    assert list(groups(window)) == ["Today (1)", heading, f"{later[0]} (1)", f"{later[1]} (1)"]
    assert "gentle check on you" in boxes.said[-1]


def test_upcoming_says_calmly_when_nothing_is_scheduled(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        window.act_upcoming.trigger()
    assert window.upcoming.empty.isVisible() and not window.upcoming.tree.isVisible()
    assert window.upcoming.empty.text() == EMPTY
    assert not window.upcoming.move_button.isEnabled() and not window.upcoming.remove_button.isEnabled()


def test_four_hard_events_in_a_day_are_one_self_care_card_on_today(qtbot, window: MainWindow, journal: Journal) -> None:
    journal.set_setting("timezone", zone_where_it_is(19))  # the evening: the reflection is due now
    for name in ("Zoë", "Sam", "Ana", "Ravi"):
        person = journal.add_person(PersonDraft(name))
        journal.log_interaction(person.id, InteractionDraft(Channel.phone, summary="Hard news", hard_event=True))
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day (1)", timeout=10_000)
    press(qtbot, window, Qt.Key.Key_3)
    assert window.today.section_titles() == ["Take care of yourself (1)"]
    assert window.today.card(1).due.reminder.text == (  # (row 0 is the heading)
        "Take ten minutes for yourself: today you heard hard news from Zoë, Sam, Ana and "
        "Ravi. What is yours to carry, and what is not?"
    )


def test_the_cli_lists_what_is_upcoming_by_day(journal: Journal) -> None:
    from tests.conftest import run_cli

    empty = run_cli("reminders", "upcoming")
    assert empty.returncode == 0 and empty.stdout.strip() == EMPTY
    journal.set_setting("timezone", zone_where_it_is(10))
    zoe = journal.add_person(PersonDraft("Zoë"))
    journal.log_interaction(zoe.id, InteractionDraft(Channel.phone, summary="Her mother died", hard_event=True))
    listed = run_cli("reminders", "upcoming")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line for line in lines if line and not line.startswith("  ")][:2] == ["Today:", "Tomorrow:"]
    assert any(line.endswith("18:00  you: Take ten minutes for yourself after Zoë's hard news: what is yours to "
                             "carry, and what is …") for line in lines)  # fmt: skip
    assert sum("Zoë: Check in on Zoë" in line for line in lines) == 3 and "mother" not in listed.stdout


def test_moving_to_a_time_already_past_is_refused_in_the_dialog_and_nothing_changes(
    qtbot, window: MainWindow, journal: Journal
) -> None:
    journal.set_setting("timezone", zone_where_it_is(10))
    kai = journal.add_person(PersonDraft("Kai"))
    due = datetime.now(UTC) + timedelta(days=3)
    journal.add_reminder(ReminderKind.custom, due, "Ask Kai about the move", person_id=kai.id)
    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        press(qtbot, window, Qt.Key.Key_5)
    window.upcoming.tree.setCurrentItem(window.upcoming.tree.topLevelItem(0).child(0))
    said: list[str] = []

    def yesterday(dialog: MoveDialog) -> None:
        dialog.when.setDateTime(QDateTime.currentDateTime().addDays(-1))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        said.append(dialog.error.text() if dialog.error.isVisible() else "")
        dialog.reject()

    in_next_dialog(yesterday, MoveDialog)
    qtbot.mouseClick(window.upcoming.move_button, Qt.MouseButton.LeftButton)
    assert said == ["move: that time has already passed; choose a later one."]
    assert [r.due_at for r in journal.reminders()] == [due]


def test_a_long_due_now_folds_away_so_what_is_to_come_shows_and_the_users_choice_is_kept(
    qtbot, window: MainWindow, journal: Journal
) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=90)
    for i in range(7):  # seven people overdue: "Due now" is Today's list
        journal.add_person(PersonDraft(f"Person {i}", cadence_days=30), now=long_ago)
    later = journal.add_person(PersonDraft("Zoë"))
    journal.add_reminder(ReminderKind.follow_up, datetime.now(UTC) + timedelta(days=3), "Ask about the move",
                         person_id=later.id)  # fmt: skip
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day (7)", timeout=10_000)  # the nudges are made
    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        window.act_upcoming.trigger()
    tree = window.upcoming.tree
    due_now, coming = tree.topLevelItem(0), tree.topLevelItem(1)
    assert due_now.text(0) == "Due now (7)" and not due_now.isExpanded()
    assert coming.isExpanded() and coming.child(0).text(2) == "Ask about the move"
    tree.expandItem(due_now)  # the user opens it
    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        window.upcoming.reload()
    assert tree.topLevelItem(0).isExpanded()  # and it stays open when the list is read again
