"""Issue 13, what a new user hit in the dialogs: Save to a file, typed dates, squashed layouts,
the already-selected person, the note's hard-event box, and mnemonic clashes."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from relationjournal.core.errors import InvalidInput
from relationjournal.core.journal import Journal
from relationjournal.core.locations import resolve_location
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel, ReminderKind
from relationjournal.ui import crash, dates, dialogs, programmes, reflections, tags, today, unlock
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPoint,
    QPushButton,
    Qt,
    QTimer,
    QWidget,
)
from tests.conftest import Sandbox

KEY = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z1234"


def button(dialog: QWidget, label: str) -> QAbstractButton:
    """The visible button whose text, without its mnemonic, is `label`."""
    found = [b for b in dialog.findChildren(QAbstractButton) if b.text().replace("&", "") == label]
    assert found, f"no button {label!r} in {[b.text() for b in dialog.findChildren(QAbstractButton)]}"
    return found[0]


def in_next_dialog(work: Callable[[Any], None], kind: type, tries: int = 250) -> None:
    """Like `tests.dialogs.in_next_dialog`, for a dialog that may never come (the old code's bugs):
    the search stops after `tries`, and the dialog is closed even if `work` fails, so nothing waits."""

    def safe(dialog: Any) -> None:
        try:
            work(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    left = [tries]

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            safe(dialog)
        elif left[0] > 0:
            left[0] -= 1
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def text_field(widget: QWidget) -> QWidget:
    """Where typing goes when the user clicks into `widget` (a composite field hands it on)."""
    return widget.focusProxy() or widget


def type_into(qtbot, widget: QWidget, text: str) -> None:
    """Click into `widget` and type `text`, as the user."""
    field = text_field(widget)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(field, text)


# 1. Save to a file ---------------------------------------------------------------------------------
def test_save_to_a_file_writes_the_key_readable_by_the_user_alone(qtbot, tmp_path: Path) -> None:
    dialog = unlock.RecoveryKeyDialog(KEY)
    qtbot.addWidget(dialog)
    dialog.show()
    target = tmp_path / "my-key.txt"

    def answer(chooser: QFileDialog) -> None:
        chooser.selectFile(str(target))
        chooser.accept()

    in_next_dialog(answer, QFileDialog)
    qtbot.mouseClick(button(dialog, "Save to a file…"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=5000)
    assert KEY in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert dialog.status.isVisible() and f"Saved to {target}" in dialog.status.text()


def test_save_to_a_folder_that_refuses_says_so_without_a_traceback(qtbot, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("")
    dialog = unlock.RecoveryKeyDialog(KEY)
    qtbot.addWidget(dialog)
    dialog.save(str(not_a_folder / "key.txt"))
    assert dialog.status.text().startswith("Not saved") and KEY not in dialog.status.text()


# 2. Dates ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "order", "expected"),
    [
        ("2026-12-07", "dmy", date(2026, 12, 7)),
        ("07 Dec 2026", "mdy", date(2026, 12, 7)),
        ("7 December 2026", "dmy", date(2026, 12, 7)),
        ("December 7, 2026", "dmy", date(2026, 12, 7)),
        ("Dec 7th 2026", "dmy", date(2026, 12, 7)),
        ("07Dec2026", "dmy", date(2026, 12, 7)),  # what the old field made of it
        ("7.12.2026", "mdy", date(2026, 12, 7)),  # dots are day first everywhere
        ("12/7/2026", "mdy", date(2026, 12, 7)),  # the locale's short form
        ("7/12/2026", "dmy", date(2026, 12, 7)),
        ("12/7/26", "mdy", date(2026, 12, 7)),
        ("7/12/85", "dmy", date(1985, 12, 7)),
        ("2026/12/07", "mdy", date(2026, 12, 7)),
        ("", "dmy", None),
        ("   ", "dmy", None),
    ],
)
def test_days_are_read_as_people_type_them(typed: str, order: str, expected: date | None) -> None:
    from relationjournal.core.clock import parse_day  # (here: the other tests run on code without it)

    assert parse_day(typed, numeric_order=order, today=date(2026, 11, 30)) == expected


@pytest.mark.parametrize("typed", ["32 Dec 2026", "tomorrow", "2026-13-01", "7 12", "Dec Dec 2026", "7/12/202"])
def test_what_is_no_day_is_refused_in_a_sentence(typed: str) -> None:
    from relationjournal.core.clock import parse_day

    with pytest.raises(InvalidInput, match=r"^follow up on: .* is not a date; type it like 2026-12-07"):
        parse_day(typed, "follow up on")


def activate(qtbot, dialog: QWidget) -> None:
    """Make `dialog` the active window, as the window manager does when it opens (offscreen does not)."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)


def open_log_dialog(qtbot, window: MainWindow, journal: Journal, work: Callable[[Any], None]) -> int:
    """Select a new person and press Ctrl+L; `work` fills in the dialog as the user. The person's id."""
    ada = journal.add_person(PersonDraft("Ada"))
    window.changes.flush()
    window.open_person(ada.id)
    in_next_dialog(work, dialogs.InteractionDialog)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    return ada.id


def test_a_typed_follow_up_day_is_kept(qtbot, window: MainWindow, journal: Journal) -> None:
    seen: dict[str, Any] = {}

    def fill(dialog: Any) -> None:
        activate(qtbot, dialog)
        qtbot.keyClicks(dialog.summary, "Coffee in Porto")
        type_into(qtbot, dialog.follow_up, "07 Dec 2026")
        qtbot.keyClick(text_field(dialog.follow_up), Qt.Key.Key_Tab)  # leaving the field shows how it was read
        seen["shown"] = text_field(dialog.follow_up).text()
        qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)

    ada = open_log_dialog(qtbot, window, journal, fill)
    conversation = journal.timeline(ada)[0].item
    assert conversation.follow_up_on == date(2026, 12, 7)
    assert seen["shown"] == "7 Dec 2026"


def test_text_that_is_no_day_is_refused_and_nothing_is_saved(qtbot, window: MainWindow, journal: Journal) -> None:
    seen: dict[str, Any] = {}

    def fill(dialog: Any) -> None:
        activate(qtbot, dialog)
        qtbot.keyClicks(dialog.summary, "Coffee in Porto")
        type_into(qtbot, dialog.follow_up, "the 32nd")
        qtbot.keyClick(text_field(dialog.follow_up), Qt.Key.Key_Tab)
        seen["field says"] = dialog.follow_up.problem.text() if dialog.follow_up.problem.isVisible() else ""
        qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)
        seen["open"] = dialog.isVisible()
        seen["error"] = dialog.error.text()
        seen["kept"] = text_field(dialog.follow_up).text()
        dialog.reject()

    ada = open_log_dialog(qtbot, window, journal, fill)
    assert "'the 32nd' is not a date" in seen["field says"]
    assert seen["open"] and "is not a date" in seen["error"] and seen["kept"] == "the 32nd"
    assert journal.timeline(ada) == []


def test_an_empty_follow_up_means_none(qtbot, window: MainWindow, journal: Journal) -> None:
    def fill(dialog: Any) -> None:
        qtbot.keyClicks(dialog.summary, "Coffee in Porto")
        qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)

    ada = open_log_dialog(qtbot, window, journal, fill)
    assert journal.timeline(ada)[0].item.follow_up_on is None


def shown_month(field: QWidget, qtbot) -> tuple[int, int]:
    """Open the field's calendar as the user does; the year and month it shows."""
    qtbot.mouseClick(button(field, "Calendar…"), Qt.MouseButton.LeftButton)
    calendar = field.calendar
    assert calendar.isVisible()
    shown = calendar.yearShown(), calendar.monthShown()
    calendar.hide()
    return shown


CALENDAR_POPUP = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing"
)  # the offscreen platform, showing the calendar popup


@CALENDAR_POPUP
def test_calendars_open_near_today_and_birthdays_thirty_years_back(qtbot, journal: Journal) -> None:
    today = date.today()
    add = dialogs.PersonDialog(journal)
    qtbot.addWidget(add)
    add.show()
    assert shown_month(add.birthday, qtbot) == (today.year - 30, today.month)
    qtbot.keyClicks(text_field(add.birthday), "1985")
    assert shown_month(add.birthday, qtbot)[0] == 1985  # the year typed so far
    ada = journal.add_person(PersonDraft("Ada"))
    log = dialogs.InteractionDialog(journal, ada)
    qtbot.addWidget(log)
    log.show()
    assert shown_month(log.follow_up, qtbot) == (today.year, today.month)


@CALENDAR_POPUP
def test_a_day_picked_in_the_calendar_is_saved(qtbot, journal: Journal) -> None:
    add = dialogs.PersonDialog(journal)
    qtbot.addWidget(add)
    add.show()
    qtbot.keyClicks(add.name, "Ada")
    qtbot.keyClicks(text_field(add.birthday), "7 December 1985")
    qtbot.mouseClick(button(add, "Save"), Qt.MouseButton.LeftButton)
    assert add.saved is not None and add.saved.birthday == date(1985, 12, 7)
    edit = dialogs.PersonDialog(journal, add.saved)
    qtbot.addWidget(edit)
    edit.show()
    assert text_field(edit.birthday).text() == "7 Dec 1985"
    qtbot.mouseClick(button(edit.birthday, "Calendar…"), Qt.MouseButton.LeftButton)
    assert edit.birthday.calendar.selectedDate().toPython() == date(1985, 12, 7)
    edit.birthday.calendar.setSelectedDate(edit.birthday.calendar.selectedDate().addDays(1))
    edit.birthday.calendar.activated.emit(edit.birthday.calendar.selectedDate())  # Enter in the calendar
    qtbot.mouseClick(button(edit, "Save"), Qt.MouseButton.LeftButton)
    assert journal.person(add.saved.id).birthday == date(1985, 12, 8)


# 3 and 6. Every dialog: nothing squashed or cut, no mnemonic twice ---------------------------------
def every_dialog(journal: Journal, sandbox: Sandbox) -> Iterator[tuple[str, QDialog]]:
    """Each of the app's dialogs, as the user meets them, with something in them."""
    ada = journal.add_person(PersonDraft("Ada", remember="Her twins start school in September; " * 4,
                                         tags=("client",)))  # fmt: skip
    first = unlock.FirstRunDialog(resolve_location(sandbox.root / "elsewhere"))
    yield "first run, keyring", first
    first.use_passphrase.setChecked(True)
    yield "first run, passphrase", first
    yield "recovery key", unlock.RecoveryKeyDialog(KEY)
    yield "unlock", unlock.passphrase_dialog(sandbox.location)
    yield "recovery unlock", unlock.recovery_dialog(sandbox.location, "Your keyring has no key for this journal.")
    yield "person", dialogs.PersonDialog(journal)
    yield "log", dialogs.InteractionDialog(journal, journal.person(ada.id))
    yield "note", dialogs.NoteDialog(journal, journal.person(ada.id))
    yield "settings", dialogs.SettingsDialog(journal)
    yield "reflection", reflections.ReflectionDialog(journal)
    membership = journal.add_membership(ada.id, "Brand advocates", date(2026, 1, 1), review_on=date(2026, 6, 1))
    yield "programme", programmes.MembershipDialog(journal, ada.id)
    review = programmes.ProgrammeReviewDialog(journal, membership)
    yield "programme review", review
    review.rotate.setChecked(True)
    yield "programme review, rotating out", review
    journal.add_person_date(ada.id, "Joined the programme", date(2024, 3, 7))
    yield "dates", dates.PersonDatesDialog(journal, journal.person(ada.id))
    yield "add a date", dates.DateDialog(journal, journal.person(ada.id))
    yield "tags", tags.TagManagerDialog(journal)
    yield "rename a tag", tags._input_dialog(None, "Rename tag", "New name for the tag “client”:", "&Rename")
    yield "snooze until", today.snooze_dialog(UTC)[0]
    try:
        raise ValueError("private words")
    except ValueError as error:
        report = crash.describe(error, ValueError, error.__traceback__)
    yield "crash report", crash.CrashDialog(report)


MNEMONIC = re.compile(r"&(.)")


def mnemonics(dialog: QWidget) -> list[tuple[str, str]]:
    """(letter, text) for every visible button, label and group box of `dialog` that has one."""
    found = []
    texts = [b.text() for b in dialog.findChildren(QAbstractButton) if b.isVisibleTo(dialog)]
    texts += [lab.text() for lab in dialog.findChildren(QLabel) if lab.isVisibleTo(dialog) and lab.buddy()]
    texts += [g.title() for g in dialog.findChildren(QGroupBox) if g.isVisibleTo(dialog)]
    for text in texts:
        for match in MNEMONIC.finditer(text.replace("&&", "")):
            found.append((match.group(1).casefold(), text))
    return found


def test_no_two_things_in_a_dialog_share_a_mnemonic(qtbot, journal: Journal, sandbox: Sandbox) -> None:
    clashes = []
    for name, dialog in every_dialog(journal, sandbox):
        qtbot.addWidget(dialog)
        dialog.show()
        letters: dict[str, str] = {}
        for letter, text in mnemonics(dialog):
            if letter in letters:
                clashes.append(f"{name}: {letters[letter]!r} and {text!r}")
            letters[letter] = text
        dialog.hide()
    assert not clashes, "\n".join(clashes)


def squashed(dialog: QWidget) -> list[str]:
    """What `dialog` shows shorter than it needs: fields below their height, labels with lines cut."""
    problems = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog) or isinstance(widget.window(), QWidget) and widget.window() is not dialog:
            continue
        if isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox)):
            continue  # the text part of a spin box or combo box is measured by its owner
        name = widget.accessibleName() or type(widget).__name__
        if isinstance(widget, (QLineEdit, QComboBox, QAbstractSpinBox, QPushButton, QPlainTextEdit)):
            # a text area may be smaller than it would like, not than its least (a few lines)
            need = (widget.minimumSizeHint() if isinstance(widget, QPlainTextEdit) else widget.sizeHint()).height()
            if widget.height() < need:
                problems.append(f"{name} is {widget.height()} px tall, needs {need}")
        elif isinstance(widget, QLabel) and widget.text():
            need = widget.heightForWidth(widget.width()) if widget.wordWrap() else widget.minimumSizeHint().height()
            if widget.height() < need:
                problems.append(f"label {widget.text()[:40]!r} is {widget.height()} px tall, needs {need}")
            wide = widget.minimumSizeHint().width()
            if not widget.wordWrap() and widget.width() < wide:  # one line, cut at the right
                problems.append(f"label {widget.text()[:40]!r} is {widget.width()} px wide, needs {wide}")
    return problems


def check_every_dialog_at_its_smallest(qtbot, journal: Journal, sandbox: Sandbox) -> None:
    problems = []
    for name, dialog in every_dialog(journal, sandbox):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        QApplication.processEvents()
        for size in (dialog.minimumSize(), dialog.minimumSizeHint()):
            dialog.resize(size.expandedTo(dialog.minimumSize()))
            QApplication.processEvents()
            problems += [f"{name} at {dialog.width()}x{dialog.height()}: {p}" for p in squashed(dialog)]
        dialog.hide()
    assert not problems, "\n".join(problems)


def test_every_dialog_at_its_smallest_shows_all_it_holds(qtbot, journal: Journal, sandbox: Sandbox) -> None:
    check_every_dialog_at_its_smallest(qtbot, journal, sandbox)


def test_every_dialog_at_200_percent_shows_all_it_holds() -> None:
    """The same at QT_SCALE_FACTOR=2, which needs its own QApplication: a fresh pytest process."""
    if os.environ.get("QT_SCALE_FACTOR") == "2":
        pytest.skip("this is the run at 200 %")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::test_at_200_percent"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "QT_SCALE_FACTOR": "2", "RELATIONJOURNAL_TEST_SCALE": "1"},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]


def test_at_200_percent(qtbot, journal: Journal, sandbox: Sandbox) -> None:
    if os.environ.get("RELATIONJOURNAL_TEST_SCALE") != "1":
        pytest.skip("run by test_every_dialog_at_200_percent_shows_all_it_holds")
    assert QApplication.primaryScreen().devicePixelRatio() == 2
    check_every_dialog_at_its_smallest(qtbot, journal, sandbox)


# 4. The person already selected, from Today -------------------------------------------------------
def test_clicking_the_selected_person_from_today_opens_them(qtbot, window: MainWindow, journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada"))
    window.changes.flush()
    qtbot.waitUntil(lambda: window.people.model.rowCount() == 1, timeout=5000)
    window.open_person(ada.id)
    window.show_today()
    assert window.people.selected_id() == ada.id and not window.act_log.isEnabled()
    view = window.people.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.currentIndex()).center())
    assert window.stack.currentWidget() is window.person_page and window.person_page.person.id == ada.id
    assert window.act_log.isEnabled()
    opened: list[str] = []

    def close(dialog: QDialog) -> None:
        opened.append(dialog.windowTitle())
        dialog.reject()

    in_next_dialog(close, dialogs.InteractionDialog)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert opened == ["Log a conversation with Ada"]


def test_ctrl_l_on_today_logs_with_the_person_of_the_clicked_reminder(
    qtbot, window: MainWindow, journal: Journal
) -> None:
    journal.set_setting("quiet_hours", ["00:00", "00:00"])
    long_ago = datetime.now(UTC) - timedelta(days=30)
    ada = journal.add_person(PersonDraft("Ada", cadence_days=7), now=long_ago)
    journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary="Hello", occurred_at=long_ago),
                            now=long_ago)  # fmt: skip
    window.show_today()
    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):
        window.refresh_due()
    view = window.today.cards
    view.clearFocus()
    view.selectionModel().clearCurrentIndex()  # no card chosen
    assert window.today.current() is None and not window.act_log.isEnabled()
    rect = view.visualRect(view.card_model.index(1, 0))  # the stay-in-touch card, clicked on its text
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center().x() - 100, rect.center().y()))
    assert window.today.current().reminder.kind is ReminderKind.stay_in_touch
    assert window.act_log.isEnabled()
    seen: list[str] = []

    def fill(dialog: Any) -> None:
        seen.append(dialog.windowTitle())
        qtbot.keyClicks(dialog.summary, "Caught up")
        qtbot.mouseClick(button(dialog, "Save"), Qt.MouseButton.LeftButton)

    in_next_dialog(fill, dialogs.InteractionDialog)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert seen == ["Log a conversation with Ada"]
    assert journal.timeline(ada.id)[0].item.summary == "Caught up"


# 5. The note's hard-event box ---------------------------------------------------------------------
def test_the_hard_event_box_stays_editable_and_saves_with_the_note(qtbot, journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada"))
    note = dialogs.NoteDialog(journal, journal.person(ada.id))
    qtbot.addWidget(note)
    note.show()
    qtbot.keyClicks(note.editor, "Her father is in hospital.")
    qtbot.waitUntil(lambda: note.status.text() == "Saved", timeout=5000)  # autosaved
    assert note.hard_event.isEnabled()
    qtbot.mouseClick(note.hard_event, Qt.MouseButton.LeftButton)
    assert note.hard_event.isChecked()
    qtbot.waitUntil(lambda: note.status.text() == "Saved", timeout=5000)
    assert note.hard_event.isEnabled()
    assert journal.timeline(ada.id)[0].item.hard_event
    due = journal.due_reminders(now=datetime.now(UTC) + timedelta(days=3))
    assert any(d.reminder.kind is ReminderKind.self_care for d in due)  # the same care as a hard-event note
    qtbot.mouseClick(button(note, "Done"), Qt.MouseButton.LeftButton)
    reopened = dialogs.NoteDialog(journal, journal.person(ada.id), journal.timeline(ada.id)[0].item)
    qtbot.addWidget(reopened)
    assert reopened.hard_event.isEnabled() and reopened.hard_event.isChecked()
    reopened.hard_event.setChecked(False)
    reopened.accept()
    assert not journal.timeline(ada.id)[0].item.hard_event
