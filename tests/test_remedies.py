"""An error that has a way out offers it: the CLI as the command to run, the app as a button that does it."""

from __future__ import annotations

from collections.abc import Callable

from relationjournal.core import backups
from relationjournal.core.access import create_journal
from relationjournal.core.applock import AppLock
from relationjournal.core.records import PersonDraft
from relationjournal.ui.app import JournalOpener
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import QApplication, QFileDialog, QLineEdit, QMessageBox, QTimer
from tests.conftest import Sandbox, run_cli
from tests.test_cli import one_line_error
from tests.test_trust import flip_byte


def then(steps: list[Callable[[QApplication], bool]]) -> None:
    """Answer the modal dialogs that come up, one step each, in order (a step returns True when done)."""

    def tick() -> None:
        if steps and steps[0](QApplication.instance()):
            steps.pop(0)
        if steps:
            QTimer.singleShot(20, tick)

    QTimer.singleShot(0, tick)


def click(label: str, seen: list[str]) -> Callable[[QApplication], bool]:
    def step(_app: QApplication) -> bool:
        box = QApplication.activeModalWidget()
        buttons = (
            [b for b in box.buttons() if b.text().replace("&", "") == label] if isinstance(box, QMessageBox) else []
        )
        if buttons:
            seen.append(box.text())
            buttons[0].click()
        return bool(buttons)

    return step


def choose_file(path) -> Callable[[QApplication], bool]:
    def step(_app: QApplication) -> bool:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            return False
        dialog.findChild(QLineEdit).setText(str(path))  # typed into the file name field
        dialog.accept()
        return True

    return step


def damaged_journal_with_a_backup(sandbox: Sandbox):
    created = create_journal(sandbox.location)
    created.journal.add_person(PersonDraft("Ada Lovelace"))
    made = backups.backup_now(created.journal, sandbox.location)
    created.journal.close()
    flip_byte(sandbox.location.database, 200)  # the first page: the right key, so it is damage
    return made


def test_the_cli_says_the_command_that_fixes_it(sandbox: Sandbox) -> None:
    damaged_journal_with_a_backup(sandbox)
    message = one_line_error(run_cli("person", "list"))
    assert "is damaged" in message and message.endswith("(`relationjournal backups` lists them).")
    assert "Restore a backup with `relationjournal restore FILE`" in message


def test_the_app_offers_to_restore_a_damaged_journal_and_then_opens_it(qtbot, sandbox: Sandbox) -> None:
    made = damaged_journal_with_a_backup(sandbox)
    window = MainWindow(sandbox.location)
    qtbot.addWidget(window)
    window.show()
    lock = AppLock(sandbox.location)
    assert lock.acquire()
    opener = JournalOpener(window, sandbox.location, lock, quit_after_paint=False)
    seen: list[str] = []
    then([click("Restore a backup…", seen), choose_file(made), click("OK", seen)])
    opener.open()
    try:
        assert "is damaged" in seen[0] and "relationjournal restore" not in seen[0]  # no command-line words
        assert seen[1].startswith(f"Restored {made.name}.")
        assert window.journal is not None
        assert window.people.model.rowCount() == 1
    finally:
        opener.close()
