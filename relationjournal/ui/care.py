"""The journal's care from the app: its backups (back up now, restore one) and a change of key.

Restoring and re-keying replace the journal's file, so they need it alone (core/journallock.py):
`with_journal_alone` takes the journal out of the window, closes it and lets go of the app's own
hold, runs the work in the background, then opens the journal again and shows it in the same
window, whether the work succeeded or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relationjournal.core import backups
from relationjournal.core.access import change_key as change_journal_key
from relationjournal.core.access import check_passphrase, open_journal
from relationjournal.core.errors import Busy, InvalidInput, JournalError, WrongKey
from relationjournal.core.vault import parse_recovery_key, read_meta
from relationjournal.ui import ops
from relationjournal.ui.qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from relationjournal.ui.unlock import RecoveryKeyDialog
from relationjournal.ui.widgets import ErrorLine, lay_out_dialog

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal
    from relationjournal.core.vault import Key
    from relationjournal.ui.mainwindow import MainWindow

MESSAGE_MS = 20_000


def _message(parent: QWidget, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Critical) -> None:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Close, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # a path may hold anything, `<` included
    box.exec()


# Closing the journal around work that needs it alone -------------------------------------------
@dataclass
class _Outcome:
    result: Any = None
    error: Exception | None = None  # the work's: the journal is as it was
    journal: Journal | None = None  # opened again afterwards
    reopen_error: Exception | None = None


def with_journal_alone(
    window: MainWindow,
    title: str,
    work: Callable[[Journal], tuple[Any, str | None]],
    on_done: Callable[[Any], None],
) -> None:
    """Run `work(journal)` with the journal closed, then show it again in `window`.

    `work` gets the closed journal (its key is still known) and returns its result and the
    passphrase to open the journal with afterwards (None: as before). Its errors are said in a
    dialog once the journal is back on screen; `on_done(result)` runs only when it succeeded.
    """
    journal = window.detach()
    location, passphrase = window.location, journal.key.passphrase
    journal.close()
    window.set_aside = True
    if window.app_lock is not None:
        window.app_lock.release()  # `restore` refuses while an app holds it, this one included
    window.statusBar().showMessage(f"{title}: the journal is closed for a moment…")

    def in_background(_progress: Callable[[int, int, str], None]) -> _Outcome:
        outcome = _Outcome()
        reopen_with = passphrase
        try:
            outcome.result, new_passphrase = work(journal)
            reopen_with = new_passphrase or passphrase
        except Exception as error:  # said (or raised as a bug) once the journal is back
            outcome.error = error
        try:
            outcome.journal = open_journal(location, passphrase=reopen_with)
        except Exception as error:
            outcome.reopen_error = error
        return outcome

    def done(outcome: _Outcome) -> None:
        window.set_aside = False
        window.statusBar().clearMessage()
        if window.app_lock is not None and not window.app_lock.acquire():
            if outcome.journal is not None:
                outcome.journal.close()
            outcome.journal = None
            outcome.reopen_error = Busy("Another Relation Journal opened the journal meanwhile; this window closes.")
        if outcome.journal is not None:
            window.attach(outcome.journal)
        if isinstance(outcome.error, JournalError):
            _message(window, title, f"{outcome.error}")
        elif outcome.error is None:
            on_done(outcome.result)  # (a new recovery key is shown even if the journal did not open again)
        if outcome.reopen_error is not None:
            _message(window, title, f"The journal could not be opened again: {outcome.reopen_error} "
                                    "Start Relation Journal again.")  # fmt: skip
            window.close()
        for bug in (outcome.error, outcome.reopen_error):
            if bug is not None and not isinstance(bug, JournalError):
                raise bug  # the crash dialog says so

    progress = ops.run_operation(window, title, in_background, done)
    progress.setCancelButton(None)  # the file is being replaced: it runs to its end (it is all or nothing)


# Backups ---------------------------------------------------------------------------------------
def _local(backup: backups.Backup, window: MainWindow) -> str:
    """When `backup` was made, on the window's journal's clock like every other time in the window (the
    computer's clock only while no journal is open in it)."""
    from relationjournal.ui.text import zone

    journal = window.journal
    return backup.made_at.astimezone(zone(journal) if journal is not None else None).strftime("%Y-%m-%d %H:%M:%S")


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} KB"


class BackupsDialog(QDialog):
    """The journal's backups, newest first, with Back up now and Restore…."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window_, self.location = window, window.location
        self.restore_request: tuple[backups.Backup, Key | None] | None = None  # what Restore… chose
        self.setWindowTitle("Backups")
        self.setMinimumSize(620, 380)
        intro = QLabel(
            "Encrypted copies of your journal, made once a day when it is opened (the last 7 days and 4 "
            f"weeks are kept) and whenever you choose. They are in {self.location.backups}."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Made", "Size", "Note"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAccessibleName("Backups")
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.back_up = QPushButton("&Back up now")
        self.back_up.clicked.connect(self.back_up_now)
        self.restore = QPushButton("&Restore…")
        self.restore.clicked.connect(self.ask_restore)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_: self.ask_restore())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.back_up)
        row.addWidget(self.restore)
        row.addStretch()
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.reload()

    def reload(self, select: Any = None) -> None:
        """List the backups again (newest first), selecting the one at path `select` or else the newest."""
        self.tree.clear()
        self.found = backups.list_backups(self.location)
        for backup in self.found:
            notes = []
            if "-before-restore" in backup.path.name:
                notes.append("the journal as it was before a restore")
            if backup.needs_older_key:
                notes.append("made before the last key change: opens with the recovery key from then")
            try:
                size = _size(backup.size)
            except OSError:
                size = "?"
            item = QTreeWidgetItem(self.tree, [_local(backup, self.window_), size, "; ".join(notes)])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, str(backup.path))
        for column in range(2):
            self.tree.resizeColumnToContents(column)
        if self.found:
            paths = [b.path for b in self.found]
            chosen = self.tree.topLevelItem(paths.index(select) if select in paths else 0)
            if chosen is not None:
                self.tree.setCurrentItem(chosen)
        else:
            self.status.setText("No backups yet: Back up now makes the first.")
        self._update_buttons()

    def selected(self) -> backups.Backup | None:
        item = self.tree.currentItem()
        return self.found[self.tree.indexOfTopLevelItem(item)] if item is not None and item.isSelected() else None

    def _update_buttons(self) -> None:
        self.restore.setEnabled(self.selected() is not None)

    def back_up_now(self) -> None:
        journal = self.window_.journal
        if journal is None:
            return

        def made(path: Any) -> None:
            self.reload(select=path)
            self.status.setText(f"Backed up to {path.name}.")

        # (the progress window is modal to this dialog; an error is said by run_operation)
        work = lambda _progress: backups.backup_now(journal, self.location)  # noqa: E731
        ops.run_operation(self, "Back up now", work, made).setCancelButton(None)  # (a copy is quick and whole)

    def ask_restore(self) -> None:
        """Say what a restore does, Cancel first; on Restore, close with the choice (the window restores)."""
        backup = self.selected()
        if backup is None:
            return
        made = _local(backup, self.window_)
        box = QMessageBox(QMessageBox.Icon.Question, "Restore a backup", f"Restore the backup made {made}?",
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self)  # fmt: skip
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(
            "Your journal goes back to how it was then: what you wrote since is not in the backup. The journal as "
            "it is now is kept aside as a copy in the backups folder (listed here as before a restore), so you can "
            "restore that copy to undo this. The window closes the journal while it restores, then opens it again."
        )
        box.button(QMessageBox.StandardButton.Ok).setText("&Restore")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Ok:
            return
        source_key = None
        if backup.needs_older_key:
            text, given = QInputDialog.getText(
                self, "Restore a backup", "This backup was made before the last key change. Its recovery key:"
            )
            if not given:
                return
            try:
                source_key = parse_recovery_key(text)
            except InvalidInput as error:
                _message(self, "Restore a backup", str(error))
                return
        self.restore_request = (backup, source_key)
        self.accept()


def show_backups(window: MainWindow) -> None:
    """File > Backups…: the list; a restore chosen there runs once the dialog has closed."""
    dialog = BackupsDialog(window)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    request = dialog.restore_request
    dialog.deleteLater()
    if accepted and request is not None:
        restore(window, *request)


def restore(window: MainWindow, backup: backups.Backup, source_key: Key | None = None) -> None:
    location = window.location

    def work(journal: Journal) -> tuple[Any, str | None]:
        try:
            return backups.restore(location, journal.key, backup.path, source_key=source_key), None
        except WrongKey:  # (core's own message names the command line's option)
            raise WrongKey(
                f"That recovery key does not open {backup.path.name}; nothing was changed."
                if source_key is not None
                else f"{backup.path.name} does not open with this journal's key: it was made before a key change "
                "(restore it with the recovery key from then), or it is not a journal. Nothing was changed."
            ) from None

    def restored(kept: Any) -> None:
        window.statusBar().showMessage(
            f"Restored the backup made {_local(backup, window)}. The journal as it was is kept in {kept}.", MESSAGE_MS
        )

    with_journal_alone(window, "Restore a backup", work, restored)


# A new key -------------------------------------------------------------------------------------
class ChangeKeyDialog(QDialog):
    """What a key change does; for a passphrase journal, the new passphrase, twice."""

    def __init__(self, protection: str, parent: QWidget | None = None, *, current: str | None = None):
        super().__init__(parent)
        self.protection, self.current = protection, current
        self.new_passphrase: str | None = None
        self.setWindowTitle("Change key")
        self.setMinimumWidth(520)
        if protection == "passphrase":
            what = ("Your journal is protected by a passphrase. Choose a new one: the journal is re-encrypted with "
                    "it, and the old passphrase no longer opens it (nor backups made from now on).")  # fmt: skip
        else:
            what = ("Your journal's key is in your system keyring. A new random key takes its place: the journal is "
                    "re-encrypted with it, and you get a new recovery key to keep. The old recovery key no "
                    "longer opens the journal (backups made before keep their old key).")  # fmt: skip
        text = QLabel(what + " The journal is closed for the moment this takes.")
        text.setWordWrap(True)
        self.passphrase, self.repeat = QLineEdit(), QLineEdit()
        form = QFormLayout()
        for edit, label in ((self.passphrase, "New &passphrase"), (self.repeat, "&Repeat it")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(label.replace("&", ""))
            form.addRow(label, edit)
        box = QWidget()
        box.setLayout(form)
        box.setVisible(protection == "passphrase")
        self.error: ErrorLine
        self.error, _ = lay_out_dialog(self, text, box, ok="&Change key", save=False)

    def accept(self) -> None:
        if self.protection == "passphrase":
            passphrase = self.passphrase.text()
            try:
                check_passphrase(passphrase)
                if passphrase != self.repeat.text():
                    raise InvalidInput("The two passphrases differ.")
                if passphrase == self.current:
                    raise InvalidInput("That is the journal's passphrase now: choose a new one.")
            except InvalidInput as error:
                self.error.show_error(str(error))
                return
            self.new_passphrase = passphrase
        super().accept()


def change_key(window: MainWindow) -> None:
    """File > Change key…: the app's `relationjournal rekey`; a new recovery key is shown as on the first run."""
    location = window.location
    meta = read_meta(location)
    if meta is None:
        _message(window, "Change key", f"The journal's settings file {location.meta.name} is missing; nothing was "
                                       "changed.")  # fmt: skip
        return
    journal = window.journal
    dialog = ChangeKeyDialog(meta.protection, window, current=journal.key.passphrase if journal else None)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    new_passphrase = dialog.new_passphrase
    dialog.deleteLater()
    if not accepted:
        return

    def work(journal: Journal) -> tuple[Any, str | None]:
        return change_journal_key(location, journal, new_passphrase=new_passphrase), new_passphrase

    def changed(recovery_key: Any) -> None:
        window.statusBar().showMessage(
            "The journal is now encrypted with a new key; the old one no longer opens it.", MESSAGE_MS
        )
        if recovery_key:
            RecoveryKeyDialog(recovery_key, window).exec()

    with_journal_alone(window, "Change key", work, changed)
