"""What a user does all day, end to end through the real shortcuts, buttons and dialogs.

Each flow asserts what the user sees (texts, counts, selection). Dialogs are filled in as a user
would, by typing into their fields and clicking their buttons, from a timer while they are open.
"""

from __future__ import annotations

import csv
import gc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from relationjournal.core.journal import Journal
from relationjournal.core.records import PersonDraft
from relationjournal.core.vocabulary import ReminderKind
from relationjournal.ui.cards import Card, Header
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import (
    QDateTime,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    Qt,
)
from tests.dialogs import in_next_dialog
from tests.test_gui import answer_next_message_box

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


pytestmark = pytest.mark.usefixtures("nothing_left_behind")  # (tests/conftest.py)


def press(qtbot, window: MainWindow, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """A shortcut, typed into the main window once it is the active window again (after a dialog)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, key, modifiers)


def save(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def evening_zone() -> str:
    """A fixed-offset zone where it is about 19:00 now: self-care comes "that evening", outside quiet hours."""
    offset = (19 - datetime.now(UTC).hour + 12) % 24 - 12  # -12..+11 hours from UTC
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # POSIX signs


def today_items(window: MainWindow) -> dict[str, list[str]]:
    """Today's sections ("Check-ins (1)") and the text of each card shown in them."""
    shown: dict[str, list[str]] = {}
    for row in window.today.cards.card_model.rows:
        if isinstance(row, Header):
            shown[row.label] = []
        elif isinstance(row, Card):
            shown[list(shown)[-1]].append(row.due.reminder.text)
    return shown


def click_card_button(qtbot, window: MainWindow, kind: ReminderKind, key: str) -> None:
    """Click the painted button `key` ("done", "snooze", …) on Today's first card of `kind`."""
    view = window.today.cards
    rows = view.card_model.rows
    number = next(n for n, r in enumerate(rows) if isinstance(r, Card) and r.due.reminder.kind is kind)
    view.scrollTo(view.card_model.index(number, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.button_rect(number, key).center())


@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_add_a_person_log_a_hard_event_then_care_for_them_and_yourself(
    qtbot, window: MainWindow, journal: Journal
) -> None:
    journal.set_setting("timezone", evening_zone())

    def add_lena(dialog) -> None:
        qtbot.keyClicks(dialog.name, "Lena Okafor")
        save(dialog)

    in_next_dialog(add_lena)
    press(qtbot, window, Qt.Key.Key_N, CTRL | SHIFT)
    assert "Lena Okafor" in window.person_page.header.text()
    assert window.people.model.rowCount() == 1 and window.people.selected_id() is not None

    def log_the_loss(dialog) -> None:
        qtbot.keyClicks(dialog.summary, "Her father died")
        dialog.when.setDateTime(QDateTime.currentDateTime().addDays(-3))  # three days ago
        qtbot.mouseClick(dialog.hard_event, Qt.MouseButton.LeftButton)
        save(dialog)

    in_next_dialog(log_the_loss)
    press(qtbot, window, Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day (2)", timeout=10_000)  # by itself, no timer
    press(qtbot, window, Qt.Key.Key_3, CTRL)  # Today
    assert window.stack.currentWidget() is window.today
    due = today_items(window)
    assert list(due)[0].startswith("Take care of yourself")  # care for yourself comes first
    assert any("Lena Okafor" in item for items in due.values() for item in items if "check in" in item.lower())
    count = sum(len(items) for items in due.values())
    assert window.act_today.text() == f"To&day ({count})" and count == 2

    click_card_button(qtbot, window, ReminderKind.self_care, "snooze")  # the self-care card's Snooze
    menu = window.today.snooze_menu
    qtbot.waitUntil(menu.isVisible)
    snooze_an_hour = menu.actions()[0]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(snooze_an_hour).center())
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day (1)", timeout=10_000)
    click_card_button(qtbot, window, ReminderKind.check_in, "done")
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day", timeout=10_000)
    assert today_items(window) == {}
    assert window.today.empty.isVisible()


def test_search_with_ctrl_k_and_open_a_hit_with_enter(qtbot, window: MainWindow, journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    journal.add_note(ada.id, "Her daughter starts school in September.")
    press(qtbot, window, Qt.Key.Key_K, CTRL)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "daught")
    with qtbot.waitSignal(window.search_page.searched, timeout=10_000):
        qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.search_page.tree.topLevelItem(0).text(0) == "Notes (1)"
    window.search_page.tree.setFocus()
    qtbot.keyClick(window.search_page.tree, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.person_page
    assert "Her daughter starts school" in window.person_page.detail.toPlainText()


def test_a_default_cadence_set_in_settings_changes_today(qtbot, window: MainWindow, journal: Journal) -> None:
    journal.add_person(PersonDraft("Grace Hopper"), now=datetime.now(UTC) - timedelta(days=30))
    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):
        window.changes.flush()
        window.refresh_due()
    assert window.act_today.text() == "To&day"  # no cadence anywhere: nothing to be reminded of

    def weekly(dialog) -> None:
        edit = dialog.edits["default_cadence_days"]
        edit.selectAll()
        qtbot.keyClicks(edit, "7")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    in_next_dialog(weekly)
    press(qtbot, window, Qt.Key.Key_Comma, CTRL)
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day (1)", timeout=10_000)
    assert "Grace Hopper" in " ".join(sum(today_items(window).values(), []))


def test_export_then_import_into_another_journal_through_the_file_menu(
    qtbot, window: MainWindow, journal: Journal, tmp_path: Path
) -> None:
    journal.add_person(PersonDraft("Ada Lovelace", tags=("client",)))
    folder = tmp_path / "export"
    folder.mkdir()

    def choose(dialog) -> None:
        dialog.setDirectory(str(folder))  # go into the folder, then Choose
        dialog.accept()

    answer_next_message_box(QMessageBox.StandardButton.Yes)  # "CSV files are not encrypted"
    in_next_dialog(choose, QFileDialog)
    window.act_export.trigger()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Exported to"), timeout=10_000)
    [folder] = folder.iterdir()  # the export's own dated folder inside the one chosen
    with (folder / "people.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["display_name"] for row in csv.DictReader(handle)] == ["Ada Lovelace"]

    journal.delete_tag("client")
    journal.archive_person(journal.find_person("Ada Lovelace").id)
    with (folder / "people.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["id"], rows[0]["display_name"] = "", "Ada Byron"
    with (folder / "people.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    in_next_dialog(lambda d: (d.setTextValue("CSV files (an export of Relation Journal)"), d.accept()), QInputDialog)
    in_next_dialog(choose, QFileDialog)
    window.act_import.trigger()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Imported"), timeout=10_000)
    window.changes.flush()

    def names() -> set[str]:
        return {window.people.model.index(r, 0).data() for r in range(window.people.model.rowCount())}

    qtbot.waitUntil(lambda: "Ada Byron" in names(), timeout=10_000)  # the list follows the import by itself
    assert gc.isenabled()  # the cycle collector, paused while the import ran, runs again
    assert "client" in journal.tag_names()
