"""Settings with real controls, built from their declarations; every time on the journal's clock.

The journal's time zone is Europe/Berlin while the machine's (TZ) is New York: an 08:00 Berlin
follow-up must read 08:00 in the CLI and in the app, never 02:00.
"""

from __future__ import annotations

import json
import time as time_module
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from relationjournal.core.clock import QuietHours, parse_clock
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.settings import SETTINGS, Kind, Setting
from relationjournal.core.vocabulary import Channel, ReminderKind
from relationjournal.ui import dialogs
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import (
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QSpinBox,
    Qt,
    QTime,
    QTimeEdit,
)
from relationjournal.ui.widgets import TimeZonePicker
from tests.conftest import Sandbox
from tests.dialogs import in_next_dialog
from tests.test_cli import cli_ok, init_journal

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
CTRL = Qt.KeyboardModifier.ControlModifier
# The offscreen platform, showing the zone picker's list of matches:
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own clock (TZ) in New York, for this process and the CLI it starts."""
    monkeypatch.setenv("TZ", "America/New_York")
    time_module.tzset()
    yield
    monkeypatch.undo()
    time_module.tzset()


@pytest.fixture
def dialog(qtbot, journal: Journal) -> dialogs.SettingsDialog:
    shown = dialogs.SettingsDialog(journal)
    qtbot.addWidget(shown)
    return shown


def save(dialog: dialogs.SettingsDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def at_eight_in_berlin(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=BERLIN).astimezone(UTC)


# The dialog ------------------------------------------------------------------------------------
def test_the_dialog_shows_real_controls_built_from_the_declarations(
    dialog: dialogs.SettingsDialog, journal: Journal
) -> None:
    quiet = dialog.edits["quiet_hours"]
    edits = quiet.findChildren(QTimeEdit)
    assert [e.time().toString("HH:mm") for e in edits] == ["21:00", "08:00"]
    assert isinstance(dialog.edits["timezone"], TimeZonePicker)
    assert dialog.edits["timezone"].currentText().startswith("System (")
    for key, setting in SETTINGS.items():
        if setting.kind is Kind.whole_number:
            box = dialog.edits[key]
            assert isinstance(box, QSpinBox), key
            assert box.maximum() == setting.maximum and box.suffix() == setting.suffix
    cadence = dialog.edits["default_cadence_days"]
    assert cadence.text() == "No default check-in" and cadence.minimum() == 0  # no default: none at all
    assert dialog.edits["load_threshold"].value() == 3 and dialog.edits["load_threshold"].minimum() == 1
    days = dialog.edits["check_in_days"]
    assert isinstance(days, QLineEdit) and days.text() == "2, 14, 90"
    assert isinstance(dialog.edits["me"], QLineEdit)


def test_a_new_declaration_with_a_kind_appears_in_the_dialog_by_itself(
    qtbot, monkeypatch: pytest.MonkeyPatch, journal: Journal
) -> None:
    def weeks(text: str) -> int:
        return int(text)

    monkeypatch.setitem(SETTINGS, "digest_weeks", Setting("digest_weeks", 2, "weeks between digests", weeks,
                                                          label="&Digest every", kind=Kind.whole_number,
                                                          maximum=12, suffix=" weeks"))  # fmt: skip
    shown = dialogs.SettingsDialog(journal)
    qtbot.addWidget(shown)
    box = shown.edits["digest_weeks"]
    assert isinstance(box, QSpinBox) and box.value() == 2 and box.maximum() == 12
    assert box.accessibleName() == "Digest every"
    box.setValue(5)
    save(shown)
    assert journal.setting("digest_weeks") == 5


def test_typing_berl_in_the_zone_picker_offers_europe_berlin(qtbot, dialog: dialogs.SettingsDialog,
                                                             journal: Journal) -> None:  # fmt: skip
    picker = dialog.edits["timezone"]
    assert isinstance(picker, QComboBox) and picker.isEditable()
    dialog.show()
    picker.lineEdit().selectAll()
    qtbot.keyClicks(picker.lineEdit(), "berl")
    completer = picker.completer()
    offered = [completer.completionModel().index(row, 0).data() for row in range(completer.completionCount())]
    assert offered == ["Europe/Berlin"]
    qtbot.waitUntil(completer.popup().isVisible)
    popup = completer.popup()
    popup.setCurrentIndex(completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.currentText() == "Europe/Berlin"
    save(dialog)
    assert journal.setting("timezone") == "Europe/Berlin"
    assert journal.rules().zone == BERLIN


def test_the_zone_picker_finds_a_city_by_its_name_and_refuses_a_made_up_one(
    qtbot, dialog: dialogs.SettingsDialog, journal: Journal
) -> None:
    picker = dialog.edits["timezone"]
    picker.lineEdit().selectAll()
    qtbot.keyClicks(picker.lineEdit(), "new york")
    completer = picker.completer()
    assert completer.completionCount() == 1 and completer.currentCompletion() == "America/New York"
    picker.setCurrentText("america/new york")
    assert picker.zone() == "America/New_York"  # any case, spaces or underscores

    picker.setCurrentText("Atlantis/Lost City")
    dialog.edits["me"].setText("Sam")
    save(dialog)
    assert not dialog.error.isHidden()
    assert dialog.error.text() == "timezone: 'Atlantis/Lost City' is not a time zone like Europe/Berlin."
    assert journal.setting("timezone") is None and journal.setting("me") == ""  # nothing saved


def test_quiet_hours_that_start_and_end_together_are_refused_unless_off(
    dialog: dialogs.SettingsDialog, journal: Journal
) -> None:
    quiet = dialog.edits["quiet_hours"]
    quiet.start.setTime(QTime(7, 0))
    quiet.end.setTime(QTime(7, 0))
    save(dialog)
    assert "tick Off" in dialog.error.text() and not dialog.error.isHidden()
    assert journal.setting("quiet_hours") == ["21:00", "08:00"]
    quiet.off.setChecked(True)
    assert not quiet.start.isEnabled()
    save(dialog)
    assert journal.setting("quiet_hours") == ["00:00", "00:00"]
    assert journal.rules().quiet.contains(datetime.now(UTC), journal.rules().zone) is False


def test_the_day_list_takes_only_days(qtbot, dialog: dialogs.SettingsDialog, journal: Journal) -> None:
    days = dialog.edits["check_in_days"]
    days.selectAll()
    qtbot.keyClicks(days, "3, x7;")  # letters and semicolons cannot be typed
    assert days.text() == "3, 7"
    save(dialog)
    assert journal.setting("check_in_days") == [3, 7]
    assert journal.rules().check_in_days == (3, 7)


# Quiet hours through the app ---------------------------------------------------------------------
def press(qtbot, window: MainWindow, key: Qt.Key) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, key, CTRL)


def open_settings(qtbot, window: MainWindow, fill) -> None:
    in_next_dialog(fill, dialogs.SettingsDialog)
    press(qtbot, window, Qt.Key.Key_Comma)


def test_quiet_hours_set_with_the_time_edits_change_the_rules_and_today(
    qtbot, window: MainWindow, journal: Journal, nothing_left_behind: None
) -> None:
    journal.set_setting("timezone", "Europe/Berlin")
    now = datetime.now(UTC)
    journal.add_reminder(ReminderKind.custom, now - timedelta(hours=1), "Water the plants")

    def quiet_off(dialog) -> None:
        dialog.edits["quiet_hours"].off.click()
        save(dialog)

    open_settings(qtbot, window, quiet_off)
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day (1)", timeout=10_000)
    assert journal.rules().quiet.start == journal.rules().quiet.end

    local = now.astimezone(BERLIN)  # quiet from two hours ago to two hours ahead, on the journal's clock
    start, end = local - timedelta(hours=2), local + timedelta(hours=2)

    def quiet_around_now(dialog) -> None:
        quiet = dialog.edits["quiet_hours"]
        quiet.off.click()
        for edit, moment in ((quiet.start, start), (quiet.end, end)):
            edit.setFocus()
            edit.setSelectedSection(QTimeEdit.Section.HourSection)
            qtbot.keyClicks(edit, f"{moment:%H}")
            edit.setSelectedSection(QTimeEdit.Section.MinuteSection)
            qtbot.keyClicks(edit, f"{moment:%M}")
        save(dialog)

    open_settings(qtbot, window, quiet_around_now)
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day", timeout=10_000)  # due within quiet hours
    assert journal.rules().quiet == QuietHours(parse_clock(f"{start:%H:%M}"), parse_clock(f"{end:%H:%M}"))
    assert window.today.shown_cards() == []


# Times on the journal's clock ------------------------------------------------------------------
def test_an_eight_o_clock_berlin_follow_up_prints_as_eight_in_the_cli(machine_in_new_york: None,
                                                                      sandbox: Sandbox) -> None:  # fmt: skip
    init_journal()
    cli_ok("settings", "timezone", "Europe/Berlin")
    cli_ok("person", "add", "Ada Lovelace")
    logged = cli_ok("log", "Ada Lovelace", "--channel", "email", "--summary", "Her new engine",
                    "--when", "2026-11-20T08:00", "--follow-up", "2026-12-01")  # fmt: skip
    assert "2026-11-20 08:00" in logged and "2026-12-01 08:00  follow up" in logged
    occurred = json.loads(cli_ok("timeline", "--format", "json"))[0]["occurred_at"]
    assert occurred == "2026-11-20T07:00:00+00:00"  # no offset typed: 08:00 on the journal's clock

    reminders = cli_ok("reminders")
    assert "2026-12-01 08:00" in reminders and "02:00" not in reminders
    upcoming = cli_ok("reminders", "upcoming")
    assert "08:00  Ada Lovelace: Follow up" in upcoming or "2026-12-01 08:00  Ada Lovelace" in upcoming
    shown = cli_ok("person", "show", "Ada Lovelace")
    assert "Last contact:    2026-11-20 08:00" in shown and "2026-11-20 08:00  → email" in shown
    assert cli_ok("timeline").startswith("2026-11-20 08:00  → email     Ada Lovelace: Her new engine")
    listed = cli_ok("person", "list")
    assert "2026-11-20 08:00" in listed
    reminder_id = json.loads(cli_ok("reminders", "--format", "json"))[0]["id"]
    snoozed = cli_ok("reminders", "snooze", str(reminder_id), "2026-12-03T09:30")
    assert "until 2026-12-03 09:30" in snoozed  # read and printed on the journal's clock


def test_an_eight_o_clock_berlin_follow_up_shows_as_eight_in_the_app(
    machine_in_new_york: None, qtbot, window: MainWindow, journal: Journal
) -> None:
    """The window opened with the machine's zone; the journal's zone set afterwards takes over at once."""
    journal.set_setting("timezone", "Europe/Berlin")  # after the window opened: the app follows
    person = journal.add_person(PersonDraft("Ada Lovelace"))
    yesterday = (datetime.now(BERLIN) - timedelta(days=1)).date()
    ahead = yesterday + timedelta(days=9)
    draft = InteractionDraft(channel=Channel.email, occurred_at=at_eight_in_berlin(yesterday - timedelta(days=2)),
                             summary="Her new engine", follow_up_on=ahead)  # fmt: skip
    journal.log_interaction(person.id, draft)
    journal.add_reminder(ReminderKind.follow_up, at_eight_in_berlin(yesterday), "Ask about the engine",
                         person_id=person.id)  # fmt: skip
    window.changes.flush()

    window.show_timeline()
    qtbot.waitUntil(lambda: window.timeline_page.model.rowCount() == 1, timeout=10_000)
    cell = window.timeline_page.model.index(0, 0).data()
    assert cell.endswith(", 08:00"), cell

    window.open_person(person.id)
    assert window.person_page.model.index(0, 0).data().endswith(", 08:00")
    window.person_page.table.selectRow(0)
    assert f"{(yesterday - timedelta(days=2)):%d %b %Y}, 08:00" in window.person_page.detail.toPlainText()

    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):
        window.refresh_due()
    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        window.show_upcoming()
    tree = window.upcoming.tree
    whens = [tree.topLevelItem(i).child(j).text(0) for i in range(tree.topLevelItemCount())
             for j in range(tree.topLevelItem(i).childCount())]  # fmt: skip
    assert whens and all(w.endswith("08:00") for w in whens), whens
