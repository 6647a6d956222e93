"""Getting an open journal: first run, passphrase, lost keyring entry, and errors said plainly."""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from relationjournal.core.access import create_journal, open_for_use, open_journal, unlock_with_recovery_key
from relationjournal.core.atomicfile import atomic_writer
from relationjournal.core.errors import (
    DiskFull,
    InvalidInput,
    JournalError,
    KeyringEntryMissing,
    PassphraseNeeded,
    ReadOnly,
    RemedyKind,
    WrongKey,
)
from relationjournal.core.locations import JournalLocation
from relationjournal.core.vault import keyring_problem, read_meta
from relationjournal.ui.icons import icon
from relationjournal.ui.qt import (
    QApplication,
    QByteArray,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFont,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QMimeData,
    QPushButton,
    QRadioButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from relationjournal.ui.text import html_text
from relationjournal.ui.widgets import ErrorLine, keep_fitting, lay_out_dialog

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal

CLIPBOARD_CLEAR_MS = 60_000
# Clipboard managers (KDE's Klipper, GNOME's, KeePassXC's own convention) keep no copy of data marked so.
PASSWORD_MANAGER_HINT = "x-kde-passwordManagerHint"


class FirstRunDialog(QDialog):
    """Explains what is stored where and how, and creates the journal."""

    def __init__(self, location: JournalLocation, parent: QWidget | None = None):
        super().__init__(parent)
        self.location = location
        self.journal: Journal | None = None
        self.recovery_key: str | None = None
        self.setWindowTitle("Welcome to Relation Journal")
        self.setWindowIcon(icon("app"))
        self.setMinimumWidth(600)
        title = QLabel("<span style='font-size:18pt; font-weight:600'>Welcome to Relation Journal</span>")
        self.intro = intro = QLabel(
            "Your notes about people and your conversations with them stay on this computer, in one "
            f"encrypted file: <tt>{html_text(str(location.database))}</tt>.<br>Nothing is sent anywhere; the "
            "file's key is kept in your system keyring, or protected by a passphrase you choose."
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        problem = keyring_problem()
        self.use_keyring = QRadioButton("Keep the key in my system &keyring (recommended: nothing to type)")
        self.use_passphrase = QRadioButton("Protect the journal with a passphrase I &type each time")
        self.use_keyring.setChecked(problem is None)
        self.use_passphrase.setChecked(problem is not None)
        if problem:
            self.use_keyring.setEnabled(False)
            self.use_keyring.setText(f"Keep the key in my system keyring (not possible here: {problem})")
        self.passphrase, self.repeat = QLineEdit(), QLineEdit()
        for edit, name in ((self.passphrase, "Passphrase"), (self.repeat, "Repeat passphrase")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("Pass&phrase", self.passphrase)
        form.addRow("&Repeat it", self.repeat)
        self.passphrase_box = QWidget()
        self.passphrase_box.setLayout(form)
        self.use_passphrase.toggled.connect(self.passphrase_box.setVisible)
        self.passphrase_box.setVisible(self.use_passphrase.isChecked())
        self.error = ErrorLine()
        create = QPushButton("&Create my journal")
        create.setDefault(True)
        create.clicked.connect(self.create)
        cancel = QPushButton("Quit")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(create)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.use_keyring)
        layout.addWidget(self.use_passphrase)
        layout.addWidget(self.passphrase_box)
        layout.addWidget(self.error)
        layout.addStretch()
        layout.addLayout(buttons)
        keep_fitting(self)

    # Shadows QWidget.create, which is not virtual: Qt never calls this one, only the button does.
    def create(self) -> None:  # type: ignore[override]
        passphrase = None
        if self.use_passphrase.isChecked():
            passphrase = self.passphrase.text()
            if passphrase != self.repeat.text():
                self.error.show_error("The two passphrases differ.")
                return
        try:
            created = create_journal(self.location, passphrase=passphrase)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        except OSError as error:  # the folder cannot be made or written
            self.error.show_error(str(folder_error(self.location, error)))
            return
        self.journal, self.recovery_key = created.journal, created.recovery_key
        self.accept()


class RecoveryKeyDialog(QDialog):
    """Shows the recovery key once, with Copy and Save, and asks the user to confirm they kept it."""

    def __init__(self, recovery_key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.recovery_key = recovery_key
        self.setWindowTitle("Your recovery key")
        self.setMinimumWidth(640)
        warning = QLabel(
            "<b>Keep this recovery key somewhere safe, away from this computer</b> (on paper, or in a "
            "password manager). If your system keyring is ever reset or replaced, this key is the only way "
            "to open your journal again. No copy is kept anywhere, and it is shown only now."
        )
        warning.setWordWrap(True)
        self.key_label = QLabel(recovery_key)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(14)
        self.key_label.setFont(font)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setFrameShape(QFrame.Shape.StyledPanel)  # drawn by the style, in the palette's colours
        self.key_label.setMargin(12)
        self.key_label.setAccessibleName("Recovery key")
        copy = QPushButton("&Copy")
        copy.clicked.connect(self.copy)
        save = QPushButton("Save to a &file…")
        save.clicked.connect(lambda: self.save())  # `clicked` passes a bool, which is no path
        self.kept = QCheckBox("&I have saved my recovery key somewhere safe")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # a path may hold anything, `<` included
        self.status.hide()  # until there is something to say: no empty gap
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Co&ntinue")
        self.ok.setEnabled(False)
        self.kept.toggled.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addWidget(save)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addWidget(self.key_label)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.kept)
        layout.addWidget(buttons)
        keep_fitting(self)

    def copy(self) -> None:
        """Copy the key, marked as a secret so that clipboard managers keep no history of it, and
        clear it from the clipboard after a minute (unless something else was copied since)."""
        clipboard = QApplication.clipboard()
        data = QMimeData()
        data.setText(self.recovery_key)
        data.setData(PASSWORD_MANAGER_HINT, QByteArray(b"secret"))
        clipboard.setMimeData(data)
        self._say("Copied. The clipboard is cleared in a minute.")
        key = self.recovery_key

        def clear() -> None:
            if clipboard.text() == key:
                clipboard.clear()

        QTimer.singleShot(CLIPBOARD_CLEAR_MS, clear)

    def save(self, path: str | None = None) -> None:
        """Write the key to `path` (asked for if not given), readable by the user alone."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save recovery key", "relationjournal-recovery-key.txt")
        if not path:
            return
        try:
            with atomic_writer(Path(path)) as handle:
                handle.write("Relation Journal recovery key\n\n" + self.recovery_key + "\n\n"
                             "Use it with: relationjournal unlock --recovery-key\n")  # fmt: skip
        except JournalError as error:  # a full disk or a read-only folder, said as what it means
            self._say(f"Not saved: {error}")
            return
        except OSError as error:
            self._say(f"Not saved: {error.strerror or error} ({path}). Choose another place.")
            return
        self._say(f"Saved to {path} (only you can read it). Move it somewhere safe, away from this computer.")

    def _say(self, message: str) -> None:
        self.status.setText(message)
        self.status.show()


class SecretDialog(QDialog):
    """Asks for a passphrase or a recovery key, and retries until it opens the journal."""

    def __init__(
        self, title: str, explanation: str, label: str, attempt: Callable[[str], Journal], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.attempt = attempt
        self.journal: Journal | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        text = QLabel(explanation)
        text.setWordWrap(True)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(label.replace("&", ""))
        form = QFormLayout()
        form.addRow(label, self.secret)
        self.error, _ = lay_out_dialog(self, text, form, ok="&Unlock", save=False)

    def accept(self) -> None:
        try:
            self.journal = self.attempt(self.secret.text())
        except (WrongKey, InvalidInput) as error:
            self.error.show_error(str(error))
            self.secret.selectAll()
            self.secret.setFocus()
            return
        super().accept()


def passphrase_dialog(location: JournalLocation, parent: QWidget | None = None) -> SecretDialog:
    return SecretDialog(
        "Unlock your journal", "This journal is protected by a passphrase.", "&Passphrase",
        lambda secret: open_journal(location, passphrase=secret), parent,
    )  # fmt: skip


def recovery_dialog(location: JournalLocation, reason: str, parent: QWidget | None = None) -> SecretDialog:
    dialog = SecretDialog(
        "Unlock with your recovery key",
        f"{html_text(reason)}<br><br>Enter the recovery key you saved when the journal was created (or last re-keyed). "
        "It puts the key back in your keyring.",
        "&Recovery key",
        lambda secret: unlock_with_recovery_key(location, secret),
        parent,
    )
    dialog.secret.setEchoMode(QLineEdit.EchoMode.Normal)
    dialog.secret.setPlaceholderText("XXXXX-XXXXX-XXXXX-…")
    return dialog


def obtain_journal(
    location: JournalLocation, *, interactive: bool = True, parent: QWidget | None = None
) -> Journal | None:
    """An open journal, asking the user whatever is needed; None if they gave up.

    Not interactive (tests, benchmarks): no dialog is shown; a passphrase comes from the
    environment, and anything that would need the user raises its `JournalError`.
    """
    if not location.exists():
        if not interactive:
            return None
        first = FirstRunDialog(location, parent)
        if first.exec() != QDialog.DialogCode.Accepted or first.journal is None:
            return None
        if first.recovery_key:
            RecoveryKeyDialog(first.recovery_key, parent).exec()
        return first.journal
    try:
        journal = open_for_use(location)  # a passphrase journal raises PassphraseNeeded: the dialog asks
        if journal.unseen_recovery_key and interactive:  # opening finished an interrupted key change
            RecoveryKeyDialog(journal.unseen_recovery_key, parent).exec()
        return journal
    except PassphraseNeeded:
        if not interactive:
            raise
        dialog = passphrase_dialog(location, parent)
    except (KeyringEntryMissing, WrongKey) as error:
        if not interactive:
            raise
        dialog = recovery_dialog(location, str(error), parent)
    return dialog.journal if dialog.exec() == QDialog.DialogCode.Accepted else None


REMEDY_BUTTONS = {
    RemedyKind.RECOVERY_KEY: "Unlock with my &recovery key…",
    RemedyKind.RESTORE_BACKUP: "&Restore a backup…",
}


def show_error(error: JournalError, location: JournalLocation, parent: QWidget | None = None) -> bool:
    """A known error, in a dialog: what went wrong, and where the journal is. Where the journal has
    a way out (the error's remedy), a button offers it: True if the user chose it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Relation Journal")
    box.setTextFormat(Qt.TextFormat.PlainText)  # a path may hold anything, `<` included
    box.setText(f"{error}\n\nYour journal is in {location.data_dir}.")
    remedy = None
    if error.remedy is not None and error.remedy.kind in REMEDY_BUTTONS:
        remedy = box.addButton(REMEDY_BUTTONS[error.remedy.kind], QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(remedy)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    return remedy is not None and box.clickedButton() is remedy


def restore_from_backup(location: JournalLocation, start: Path | None, parent: QWidget | None = None) -> bool:
    """Ask for a backup (starting at `start`, else the backups folder) and put it in place of the
    journal; True once restored. The journal must not be open (the restore needs it alone)."""
    from relationjournal.core import backups
    from relationjournal.core.access import current_key

    chosen, _ = QFileDialog.getOpenFileName(
        parent, "Restore the journal from a backup", str(start or location.backups), "Journal backups (*.db)"
    )
    if not chosen:
        return False
    meta = read_meta(location)
    passphrase = None
    if meta is not None and meta.protection == "passphrase":
        passphrase, given = QInputDialog.getText(
            parent, "Restore a backup", "The journal's passphrase:", QLineEdit.EchoMode.Password
        )
        if not given:
            return False
    try:
        kept = backups.restore(location, current_key(location, passphrase=passphrase), Path(chosen))
    except JournalError as error:
        show_error(error, location, parent)
        return False
    done = f"Restored {Path(chosen).name}. The journal as it was is kept in {kept}."
    box = QMessageBox(QMessageBox.Icon.Information, "Relation Journal", done, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
    return True


def folder_error(location: JournalLocation, error: OSError) -> JournalError:
    """A journal folder that cannot be made or written, said as what it means and what to do."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(f"The disk that holds {location.data_dir} is full: free some space, or choose another "
                        "folder with --data-dir.")  # fmt: skip
    return ReadOnly(
        f"Relation Journal cannot write to {location.data_dir}: the folder is read-only, or you may not change "
        "it. Check the folder's permissions, or choose another folder with --data-dir."
    )


def report_start_error(
    error: JournalError, location: JournalLocation, *, interactive: bool, parent: QWidget | None = None
) -> None:
    """An error that stops the app before the journal opens: one line on stderr, as the command
    line says it, and, for a user who started the app from their desktop and sees no terminal,
    the same in a dialog."""
    from relationjournal.cli import said  # on a terminal: the command that fixes it, as the CLI says it

    print(f"relationjournal: {said(error)}", file=sys.stderr, flush=True)
    if interactive:
        show_error(error, location, parent)
