"""The journal's care in the app, through its real menu actions: backups, a key change, help, and
exports that each get their own dated folder. Real journals, real keyring, real locks."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from relationjournal.core import backups
from relationjournal.core.access import create_journal
from relationjournal.core.applock import AppLock
from relationjournal.core.errors import WrongKey
from relationjournal.core.journal import Journal
from relationjournal.core.records import PersonDraft
from relationjournal.core.vault import Key, parse_recovery_key
from relationjournal.ui.care import BackupsDialog, ChangeKeyDialog
from relationjournal.ui.help import GuideDialog, ShortcutsDialog, guide_path
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import QApplication, QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QThreadPool
from relationjournal.ui.unlock import RecoveryKeyDialog
from relationjournal.ui.worker import wait_for_background_work
from tests.conftest import Sandbox
from tests.dialogs import MessageBoxes, in_next_dialog

OLD_PASSPHRASE, NEW_PASSPHRASE = "old passphrase 1", "a new passphrase 2"


@pytest.fixture
def app_window(qtbot: Any, window: MainWindow, sandbox: Sandbox) -> Iterator[MainWindow]:
    """The window holding the app's own lock, as the real app does (a restore refuses while it is held)."""
    lock = AppLock(sandbox.location)
    assert lock.acquire()
    window.app_lock = lock
    yield window
    QThreadPool.globalInstance().waitForDone()  # (not deferred deletes: pytest-qt has the window on its way out)
    if window.journal is not None:
        window.journal.close()  # the journal opened again after a restore or key change
    lock.release()


def names(window: MainWindow) -> list[str]:
    model = window.people.model
    return sorted(model.index(row, 0).data() for row in range(model.rowCount()))


def settled(window: MainWindow) -> bool:
    """The journal is back in the window, no dialog is open and no background work is running."""
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    return window.journal is not None and not dialogs and QThreadPool.globalInstance().activeThreadCount() == 0


def ok_button(dialog: QDialog) -> Any:
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


# Backups ---------------------------------------------------------------------------------------
def test_back_up_now_from_the_backups_dialog_lists_the_new_backup(qtbot: Any, app_window: MainWindow) -> None:
    seen: dict[str, Any] = {}

    def back_up(dialog: BackupsDialog) -> None:
        seen["before"] = dialog.tree.topLevelItemCount()
        dialog.back_up.click()
        qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=10_000)
        seen["status"] = dialog.status.text()
        seen["made"] = dialog.tree.topLevelItem(0).text(0)
        dialog.reject()

    in_next_dialog(back_up, BackupsDialog)
    app_window.act_backups.trigger()
    assert seen["before"] == 0
    [made] = backups.list_backups(app_window.location)
    assert seen["status"] == f"Backed up to {made.path.name}."
    assert seen["made"] == made.made_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    qtbot.waitUntil(lambda: settled(app_window), timeout=5000)


def test_the_daily_backup_follows_the_journals_day_not_the_computers(
    berlin: Journal, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Berlin journal on a laptop set to New York: one automatic backup per Berlin day."""
    import time

    with monkeypatch.context() as machine:
        machine.setenv("TZ", "America/New_York")  # the computer's clock, for this process
        time.tzset()
        try:
            evening = datetime(2026, 1, 14, 22, 30, tzinfo=UTC)  # 23:30 in Berlin, 17:30 in New York
            assert backups.daily_backup(berlin, sandbox.location, now=evening) is not None
            # 00:30 on the 15th in Berlin (still the 14th in New York): a new day, a new backup
            assert backups.daily_backup(berlin, sandbox.location, now=evening + timedelta(hours=1)) is not None
            # 06:30 in Berlin, the same Berlin day (a new day in New York): no second backup
            assert backups.daily_backup(berlin, sandbox.location, now=evening + timedelta(hours=7)) is None
        finally:
            machine.undo()
            time.tzset()
    assert len(backups.list_backups(sandbox.location)) == 2


def restore_row(window: MainWindow, pick: Any, boxes: MessageBoxes) -> None:
    """File > Backups…, select the row `pick(dialog)` chooses, Restore…, and confirm."""

    def restore(dialog: BackupsDialog) -> None:
        dialog.tree.setCurrentItem(dialog.tree.topLevelItem(pick(dialog)))
        boxes.answer(QMessageBox.StandardButton.Ok)  # "Restore"
        dialog.restore.click()

    in_next_dialog(restore, BackupsDialog)
    window.act_backups.trigger()


def test_restoring_an_older_backup_shows_it_and_keeps_the_journal_aside(
    qtbot: Any, app_window: MainWindow, journal: Journal, sandbox: Sandbox
) -> None:
    journal.add_person(PersonDraft("Ada Lovelace"))
    older = backups.backup_now(journal, sandbox.location, now=datetime.now(UTC) - timedelta(hours=1))
    app_window.open_person(journal.add_person(PersonDraft("Grace Hopper")).id)
    qtbot.waitUntil(lambda: names(app_window) == ["Ada Lovelace", "Grace Hopper"], timeout=5000)

    boxes = MessageBoxes()
    restore_row(app_window, lambda dialog: 0, boxes)
    qtbot.waitUntil(lambda: settled(app_window) and app_window.journal is not journal, timeout=15_000)
    assert names(app_window) == ["Ada Lovelace"]  # the window shows the older journal
    assert boxes.default_was_cancel == [True]
    assert "kept aside as a copy" in boxes.said[0]
    [kept] = [b.path for b in backups.list_backups(sandbox.location) if "before-restore" in b.path.name]
    message = app_window.statusBar().currentMessage()
    assert message.startswith("Restored the backup made") and str(kept) in message
    assert older.exists()
    assert app_window.act_log.isEnabled() is False and app_window.act_add.isEnabled()  # actions are back

    # Nothing was lost: the copy kept aside restores in its turn, and Grace is back.
    def the_kept_copy(dialog: BackupsDialog) -> int:
        return [b.path for b in dialog.found].index(kept)

    restore_row(app_window, the_kept_copy, MessageBoxes())
    qtbot.waitUntil(lambda: settled(app_window) and names(app_window) == ["Ada Lovelace", "Grace Hopper"],
                    timeout=15_000)  # fmt: skip
    assert app_window.app_lock is not None and app_window.app_lock.held  # the app holds its journal again


def test_a_restore_refused_because_another_program_has_the_journal_open_changes_nothing(
    qtbot: Any, app_window: MainWindow, journal: Journal, sandbox: Sandbox
) -> None:
    from relationjournal.core.access import open_journal

    journal.add_person(PersonDraft("Ada Lovelace"))
    backups.backup_now(journal, sandbox.location, now=datetime.now(UTC) - timedelta(hours=1))
    journal.add_person(PersonDraft("Grace Hopper"))
    qtbot.waitUntil(lambda: names(app_window) == ["Ada Lovelace", "Grace Hopper"], timeout=5000)
    with open_journal(sandbox.location):  # as a `relationjournal` command would
        seen: list[str] = []

        def close_error() -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox) and box.windowTitle() == "Restore a backup" and not box.informativeText():
                seen.append(box.text())
                box.button(QMessageBox.StandardButton.Close).click()
            else:
                from relationjournal.ui.qt import QTimer

                QTimer.singleShot(20, close_error)

        close_error()
        restore_row(app_window, lambda dialog: 0, MessageBoxes())
        qtbot.waitUntil(lambda: bool(seen) and settled(app_window), timeout=15_000)
    assert "open in another program" in seen[0] and "Nothing was changed" in seen[0]
    assert names(app_window) == ["Ada Lovelace", "Grace Hopper"]
    assert not [b for b in backups.list_backups(sandbox.location) if "before-restore" in b.path.name]


# A key change ----------------------------------------------------------------------------------
def test_change_key_of_a_keyring_journal_shows_the_new_recovery_key_and_the_old_key_stops_working(
    qtbot: Any, app_window: MainWindow, journal: Journal, sandbox: Sandbox
) -> None:
    journal.add_person(PersonDraft("Ada Lovelace"))
    old_key = journal.key
    shown: list[str] = []

    def keep(dialog: RecoveryKeyDialog) -> None:
        shown.append(dialog.recovery_key)
        dialog.kept.setChecked(True)
        dialog.ok.click()

    in_next_dialog(lambda dialog: ok_button(dialog).click(), ChangeKeyDialog)
    in_next_dialog(keep, RecoveryKeyDialog)
    app_window.act_change_key.trigger()
    qtbot.waitUntil(lambda: bool(shown) and settled(app_window), timeout=20_000)
    assert names(app_window) == ["Ada Lovelace"]
    assert app_window.statusBar().currentMessage().startswith("The journal is now encrypted with a new key")
    new_key = parse_recovery_key(shown[0])
    assert app_window.journal is not None and app_window.journal.key == new_key != old_key
    with pytest.raises(WrongKey):
        backups.check_backup(sandbox.location.database, old_key)
    assert backups.check_backup(sandbox.location.database, new_key) == []


def test_change_key_of_a_passphrase_journal_reopens_with_the_new_passphrase(qtbot: Any, sandbox: Sandbox) -> None:
    created = create_journal(sandbox.location, passphrase=OLD_PASSPHRASE)
    created.journal.add_person(PersonDraft("Ada Lovelace"))
    window = MainWindow(sandbox.location, created.journal)
    qtbot.addWidget(window)
    window.show()
    errors: list[str] = []

    def choose(dialog: ChangeKeyDialog) -> None:
        dialog.passphrase.setText(NEW_PASSPHRASE)
        dialog.repeat.setText(NEW_PASSPHRASE + "x")
        ok_button(dialog).click()
        errors.append(dialog.error.text())  # refused: the dialog stays, saying why
        dialog.passphrase.setText(OLD_PASSPHRASE)
        dialog.repeat.setText(OLD_PASSPHRASE)
        ok_button(dialog).click()
        errors.append(dialog.error.text())
        dialog.passphrase.setText(NEW_PASSPHRASE)
        dialog.repeat.setText(NEW_PASSPHRASE)
        ok_button(dialog).click()

    in_next_dialog(choose, ChangeKeyDialog)
    window.act_change_key.trigger()
    try:
        qtbot.waitUntil(lambda: settled(window) and window.journal is not created.journal, timeout=20_000)
        assert errors == ["The two passphrases differ.", "That is the journal's passphrase now: choose a new one."]
        assert names(window) == ["Ada Lovelace"]
        assert window.journal is not None and window.journal.key == Key(passphrase=NEW_PASSPHRASE)
        with pytest.raises(WrongKey):
            backups.check_backup(sandbox.location.database, Key(passphrase=OLD_PASSPHRASE))
    finally:
        window.close()
        wait_for_background_work()
        if window.journal is not None:
            window.journal.close()
        created.journal.close()


# Help ------------------------------------------------------------------------------------------
def test_the_shortcuts_dialog_lists_every_action_with_a_shortcut(qtbot: Any, window: MainWindow) -> None:
    rows: dict[str, str] = {}

    def read(dialog: ShortcutsDialog) -> None:
        for row in range(dialog.table.topLevelItemCount()):
            item = dialog.table.topLevelItem(row)
            rows[item.text(0)] = item.text(1)
        dialog.reject()

    in_next_dialog(read, ShortcutsDialog)
    window.act_shortcuts.trigger()
    assert rows["Log conversation"] == "Ctrl+L"
    assert rows["Search"] == "Ctrl+F or Ctrl+K"
    assert rows["Today"] == "Ctrl+3 or Ctrl+D"
    assert rows["Keyboard shortcuts"] == "Ctrl+/"
    assert len(rows) == len([a for a in window.actions() if not a.shortcut().isEmpty()])


def test_the_user_guide_opens_offline_with_its_headings(qtbot: Any, window: MainWindow) -> None:
    seen: dict[str, Any] = {}

    def read(dialog: GuideDialog) -> None:
        seen["headings"] = dialog.browser.headings()
        seen["scrolled"] = dialog.browser.scroll_to_heading("keys-and-recovery")
        seen["at"] = dialog.browser.textCursor().block().text()
        dialog.reject()

    in_next_dialog(read, GuideDialog)
    window.act_guide.trigger()
    assert guide_path() == Path(__file__).parent.parent / "docs" / "guide.md"
    for heading in ("Getting started", "People", "Today and Upcoming", "Hard events and self-care", "Search",
                    "Backups", "Keys and recovery", "Export and import", "Privacy"):  # fmt: skip
        assert heading in seen["headings"]
    assert seen["scrolled"] and seen["at"] == "Keys and recovery"


# Export ----------------------------------------------------------------------------------------
def test_exporting_twice_a_day_makes_two_dated_folders_and_leaves_the_chosen_one_as_it_was(
    qtbot: Any, window: MainWindow, journal: Journal, tmp_path: Path
) -> None:
    journal.add_person(PersonDraft("Ada Lovelace"))
    folder = tmp_path / "Desktop"
    folder.mkdir()
    folder.chmod(0o755)

    def choose(dialog: QFileDialog) -> None:
        dialog.setDirectory(str(folder))
        dialog.accept()

    today = datetime.now().astimezone().date().isoformat()
    for expected in (f"relationjournal-export-{today}", f"relationjournal-export-{today}-2"):
        window.statusBar().clearMessage()
        MessageBoxes().answer(QMessageBox.StandardButton.Yes)  # "CSV files are not encrypted"
        in_next_dialog(choose, QFileDialog)
        window.act_export.trigger()
        qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Exported to"), timeout=10_000)
        assert str(folder / expected) in window.statusBar().currentMessage()
        assert stat.S_IMODE((folder / expected).stat().st_mode) == 0o700
        assert "Ada Lovelace" in (folder / expected / "people.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == [f"relationjournal-export-{today}",
                                                        f"relationjournal-export-{today}-2"]  # fmt: skip
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def test_after_a_restore_the_app_quits_holding_nothing(qtbot: Any, journal: Journal, sandbox: Sandbox) -> None:
    """The app's own start-up (JournalOpener) shows the journal; after a restore from the menu the
    window holds a new journal, and quitting closes that one too: nothing keeps the file open."""
    from relationjournal.core.journallock import JournalLock
    from relationjournal.ui.app import JournalOpener

    journal.add_person(PersonDraft("Ada Lovelace"))
    backups.backup_now(journal, sandbox.location, now=datetime.now(UTC) - timedelta(hours=1))
    window = MainWindow(sandbox.location)
    qtbot.addWidget(window)
    window.show()
    lock = AppLock(sandbox.location)
    assert lock.acquire()
    opener = JournalOpener(window, sandbox.location, lock, quit_after_paint=False)
    opener._show(journal)  # what opening the journal at start-up ends with
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=10_000)  # daily backup
    restore_row(window, lambda dialog: len(dialog.found) - 1, MessageBoxes())  # the oldest: the one made above
    qtbot.waitUntil(lambda: settled(window) and window.journal is not journal, timeout=15_000)
    opener.close()  # as the app does when its event loop ends
    with JournalLock(sandbox.location).acquire_exclusive(wait=0):  # no shared hold is left anywhere
        pass
    assert not lock.held
    window.close()


def test_a_backup_from_before_a_key_change_restores_with_the_recovery_key_from_then(
    qtbot: Any, app_window: MainWindow, journal: Journal, sandbox: Sandbox
) -> None:
    from relationjournal.core.vault import recovery_key
    from relationjournal.ui.qt import QInputDialog

    journal.add_person(PersonDraft("Ada Lovelace"))
    older = backups.backup_now(journal, sandbox.location, now=datetime.now(UTC) - timedelta(hours=1))
    old_recovery_key = recovery_key(journal.key.raw or b"")
    journal.add_person(PersonDraft("Grace Hopper"))
    in_next_dialog(lambda dialog: ok_button(dialog).click(), ChangeKeyDialog)
    in_next_dialog(lambda dialog: (dialog.kept.setChecked(True), dialog.ok.click()), RecoveryKeyDialog)
    app_window.act_change_key.trigger()
    qtbot.waitUntil(lambda: settled(app_window) and app_window.journal is not journal, timeout=20_000)
    assert app_window.journal is not None
    new_key = app_window.journal.key

    def pick_older(dialog: BackupsDialog) -> int:
        index = [b.path for b in dialog.found].index(older)
        assert "made before the last key change" in dialog.tree.topLevelItem(index).text(2)
        return index

    def give_recovery_key(dialog: QInputDialog) -> None:
        dialog.setTextValue(old_recovery_key)
        dialog.accept()

    in_next_dialog(give_recovery_key, QInputDialog)
    restore_row(app_window, pick_older, MessageBoxes())
    qtbot.waitUntil(lambda: settled(app_window) and names(app_window) == ["Ada Lovelace"], timeout=20_000)
    assert (
        backups.check_backup(sandbox.location.database, new_key) == []
    )  # the current key (and recovery key) still work
