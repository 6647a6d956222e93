"""Several journals in the app: one window per open journal, and the File menu that switches between them.

A community manager keeps one journal per client. File → New journal…, File → Open journal… and
File → Recent journals switch the window to another journal: the new one opens in a window of its
own and, once it is on screen, the one it replaces closes (its journal closed cleanly: every edit is
already saved as it is made). Open journal… can also open one beside the others, in a new window.
A journal already open is never opened twice: its window is brought forward instead. File → Move
to another computer… saves the journal as one encrypted file, and Open journal… → Open a moved
file… takes such a file in with its recovery key. Open journal… → Add an existing journal folder…
puts a journal folder from before on the list (a `--data-dir` folder, one copied or restored).

Imported when the window's frame is built: only the list of journals (`core.registry`) loads here;
the journal's own modules load when an action runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relationjournal.core import registry
from relationjournal.core.locations import JournalLocation
from relationjournal.ui import qt  # the dialogs' classes, looked up when a dialog opens: not before the first paint
from relationjournal.ui.qt import QAction, QDialog, QKeySequence, QMenu, QObject, QTimer

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal
    from relationjournal.ui.app import JournalOpener
    from relationjournal.ui.mainwindow import MainWindow
    from relationjournal.ui.qt import (
        QWidget,
    )

MOVE_FILES = "Moved journals (*.rjournal *.db);;All files (*)"
KEY_WORDS = {"keyring": "your recovery key", "passphrase": "the journal's passphrase"}


SHORT_NAME = 40  # characters of a journal's name in the status bar, which must not widen the window


def short_name(name: str) -> str:
    """The name for the status bar: a long one (up to 80 characters) shortened with "…"."""
    return name if len(name) <= SHORT_NAME else name[: SHORT_NAME - 1].rstrip() + "…"


def name_of(location: JournalLocation) -> str | None:
    """The journal's name for the window's title, or None for a folder not in the list (`--data-dir`)."""
    return registry.name_of(location)


# The app's windows -----------------------------------------------------------------------------------
class Windows(QObject):
    """The app's windows, one per open journal. Each holds its journal's app lock through its opener;
    closing a window closes its journal and lets the lock go."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[MainWindow, JournalOpener | None]] = []

    def add(self, window: MainWindow, opener: JournalOpener | None) -> None:
        window.windows = self
        window.closed.connect(lambda: self._closed(window))
        self.open.append((window, opener))

    def window_for(self, location: JournalLocation) -> MainWindow | None:
        return next((w for w, _ in self.open if w.location.data_dir == location.data_dir), None)

    def open_journal(
        self, location: JournalLocation, *, replacing: MainWindow | None = None, journal: Journal | None = None
    ) -> MainWindow | None:
        """Show the journal in `location` in a window of its own; once it is on screen, close
        `replacing` (a switch). A journal open already is brought forward, never opened twice."""
        from relationjournal.core.applock import AppLock
        from relationjournal.ui.app import ALREADY_OPEN, OPEN_ANYWAY_MS, JournalOpener
        from relationjournal.ui.mainwindow import MainWindow

        existing = self.window_for(location)
        if existing is not None:
            if journal is not None and journal is not existing.journal:
                journal.close()
            existing.bring_forward()
            return existing
        if journal is None and not location.exists():  # its folder moved or deleted outside the app
            offer_to_forget(location, replacing)
            return None
        lock = AppLock(location)
        if location.data_dir.is_dir() and not lock.acquire():  # another program has it: never twice
            from relationjournal.ui.single import ask_running_instance

            if journal is not None:
                journal.close()
            forward = ask_running_instance(location)
            which = name_of(location) or str(location.data_dir)
            said = f"{ALREADY_OPEN} ({which}) in another window" + ("; it was brought forward." if forward else ".")
            qt.QMessageBox.information(replacing, "Relation Journal", said)
            return None
        window = MainWindow(location)
        opener = JournalOpener(window, location, lock, quit_after_paint=False)
        opener.give_up = lambda _code: window.close()  # a later window gives up alone; the others stay
        self.add(window, opener)
        if replacing is not None:
            opener.shown.connect(lambda: close_when_free(replacing, window))
        window.show()
        if journal is not None:  # made or taken in just now: already open
            opener.started = True
            opener._listen()
            opener._show(journal)
        else:
            window.first_painted.connect(opener.open)
            QTimer.singleShot(OPEN_ANYWAY_MS, opener.open)
        return window

    def _closed(self, window: MainWindow) -> None:
        for entry in list(self.open):
            if entry[0] is window:
                self.open.remove(entry)
                if entry[1] is not None:
                    entry[1].close()  # its journal closes and its lock goes

    def close_all(self) -> None:
        for _window, opener in list(self.open):
            if opener is not None:
                opener.close()
        self.open.clear()


def open_dialogs(window: MainWindow) -> list[QDialog]:
    """The dialogs open in `window` (a note being written, a message asking something), innermost last."""
    return [dialog for dialog in window.findChildren(QDialog) if dialog.isVisible()]


def close_when_free(replaced: MainWindow, replacement: MainWindow) -> None:
    """Close the window a switch replaces, but never under an open dialog: what is typed there (a note
    begun while the other journal was opening) would be lost. It closes once its dialogs are done."""
    busy = open_dialogs(replaced)
    if not busy:
        replaced.close()
        return
    name = replacement.journal_name or "The other journal"
    replaced.statusBar().showMessage(f"{name} is open in its own window. This one closes once you have finished "
                                     "with what is open here (nothing you typed is lost).")  # fmt: skip
    dialog = busy[-1]
    dialog.raise_()
    dialog.activateWindow()
    dialog.finished.connect(lambda _result: QTimer.singleShot(0, lambda: close_when_free(replaced, replacement)))


def offer_to_forget(location: JournalLocation, parent: MainWindow | None) -> None:
    """A journal of the list whose file is gone (its folder moved or deleted outside the app): say so in
    a line and offer to take it off the list. Never a new, empty journal in its place."""
    from relationjournal.core.errors import JournalError

    name = name_of(location) or "This journal"
    box = qt.QMessageBox(qt.QMessageBox.Icon.Warning, "Open journal",
                      f"{name} is no longer in {location.data_dir}: it was moved or deleted outside the app.",
                      qt.QMessageBox.StandardButton.NoButton, parent)  # fmt: skip
    box.setInformativeText("Forget it takes it off your list of journals; nothing is deleted.")
    forget = box.addButton("&Forget it", qt.QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("&Keep it in the list", qt.QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    entry = next((e for e in registry.entries() if e.location.data_dir == location.data_dir), None)
    if box.clickedButton() is forget and entry is not None:
        try:
            registry.forget(entry)
        except (JournalError, OSError) as error:
            qt.QMessageBox.warning(parent, "Open journal", str(error))


def windows_of(window: MainWindow) -> Windows:
    """The app's windows; a window made on its own (tests) starts its own list, holding it as it is."""
    if window.windows is None:
        Windows().add(window, None)
    assert isinstance(window.windows, Windows)
    return window.windows


# The File menu ----------------------------------------------------------------------------------------
def add_file_actions(window: MainWindow) -> None:
    """The journal actions of the File menu (made with the window's other actions)."""
    window.act_new_journal = _action(
        window, "New &journal…", lambda: new_journal(window),
        "Make a new journal, e.g. for another client: its own key, backups and settings",
    )  # fmt: skip
    window.act_open_journal = _action(
        window, "&Open journal…", lambda: open_journal(window),
        "Switch to another journal, open one beside this, or open a moved journal",
    )  # fmt: skip
    # As a QKeySequence, as the window's own actions do: a plain string sends PySide through its
    # implicit conversions, which build Qt's enums (about 25 ms before the first paint).
    window.act_open_journal.setShortcuts([QKeySequence("Ctrl+Shift+O")])
    window.act_move_journal = _action(
        window, "&Move to another computer…", lambda: move_journal(window),
        "Save this journal as one encrypted file to open on another computer",
    )  # fmt: skip


def _action(window: MainWindow, label: str, slot: Any, tip: str) -> QAction:
    action = QAction(label, window)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def add_file_menu(window: MainWindow, menu: QMenu) -> None:
    menu.addActions([window.act_new_journal, window.act_open_journal])
    window.recent_menu = recent = menu.addMenu("&Recent journals")
    recent.aboutToShow.connect(lambda: fill_recent(window))
    menu.addAction(window.act_move_journal)


def fill_recent(window: MainWindow) -> None:
    """File → Recent journals: the journals, last opened first; this one checked."""
    menu: QMenu = window.recent_menu
    menu.clear()
    for entry in registry.recent():
        action = menu.addAction(entry.name)
        action.setCheckable(True)
        action.setChecked(entry.location.data_dir == window.location.data_dir)
        action.triggered.connect(lambda _checked=False, e=entry: switch_to(window, e.location))


def switch_to(window: MainWindow, location: JournalLocation) -> None:
    """Open the journal in `location` in place of this window's (this one closes once it is shown)."""
    if location.data_dir == window.location.data_dir:
        window.bring_forward()
        return
    windows_of(window).open_journal(location, replacing=window)


def open_beside(window: MainWindow, location: JournalLocation) -> None:
    windows_of(window).open_journal(location)


def new_journal(window: MainWindow) -> None:
    """Ask for a name, make the journal (its own key, shown once as a recovery key), and switch to it."""
    from relationjournal.core.errors import JournalError
    from relationjournal.core.journals import new_journal as make
    from relationjournal.core.vault import keyring_problem
    from relationjournal.ui.unlock import RecoveryKeyDialog

    name = _ask_new_name(window, "New journal", "The new journal's name (such as the client's):", "")
    if name is None:
        return
    passphrase = None
    if problem := keyring_problem():
        passphrase, ok = qt.QInputDialog.getText(
            window, "New journal", f"No keyring can hold the key ({problem}): choose a passphrase for it:",
            qt.QLineEdit.EchoMode.Password,
        )  # fmt: skip
        if not ok:
            return
    try:
        made = make(name, passphrase=passphrase)
    except JournalError as error:
        qt.QMessageBox.warning(window, "New journal", str(error))
        return
    if made.created.recovery_key:
        RecoveryKeyDialog(made.created.recovery_key, window).exec()
    windows_of(window).open_journal(made.entry.location, replacing=window, journal=made.created.journal)


# Open journal… -----------------------------------------------------------------------------------------
class OpenJournalDialog(QDialog):
    """The journals: open one here or beside this one, rename or remove one, or open a moved file."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Open journal")
        self.setMinimumWidth(560)
        intro = qt.QLabel("Each journal has its own key, backups and settings: nothing one holds shows in another.")
        intro.setWordWrap(True)
        self.list = qt.QListWidget()
        self.list.setAccessibleName("Journals")
        self.list.itemDoubleClicked.connect(lambda _item: self.open_here())
        self.here = qt.QPushButton("&Open")
        self.here.setDefault(True)
        self.here.clicked.connect(self.open_here)
        self.beside = qt.QPushButton("Open in a &new window")
        self.beside.clicked.connect(self.open_beside)
        self.rename = qt.QPushButton("Re&name…")
        self.rename.clicked.connect(self.rename_selected)
        self.remove = qt.QPushButton("&Remove…")
        self.remove.clicked.connect(self.remove_selected)
        self.moved = qt.QPushButton("Open a &moved journal file…")
        self.moved.clicked.connect(lambda: self.open_moved())  # (`clicked` passes a bool, which is no path)
        self.add_folder = qt.QPushButton("&Add an existing journal folder…")
        self.add_folder.setToolTip("A journal's folder from before (journal.db and journal.meta.json): one used with "
                                   "--data-dir, copied from another computer or restored from your backup")  # fmt: skip
        self.add_folder.clicked.connect(lambda: self.add_existing())
        close = qt.QPushButton("Close")
        close.clicked.connect(self.reject)
        row = qt.QHBoxLayout()
        for button in (self.here, self.beside, self.rename, self.remove):
            row.addWidget(button)
        bottom = qt.QHBoxLayout()
        bottom.addWidget(self.moved)
        bottom.addWidget(self.add_folder)
        bottom.addStretch()
        bottom.addWidget(close)
        layout = qt.QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addLayout(bottom)
        self.list.currentRowChanged.connect(lambda _row: self._update())
        self.reload()

    def reload(self) -> None:
        self.entries = registry.entries()
        self.list.clear()
        for entry in self.entries:
            here = " (this window)" if entry.location.data_dir == self.window_.location.data_dir else ""
            default = " · default" if entry.default else ""
            gone = "" if here or entry.location.exists() else " · not found"  # (moved or deleted outside the app)
            item = qt.QListWidgetItem(f"{entry.name}{here}{default}{gone}")
            item.setToolTip(str(entry.location.data_dir))
            self.list.addItem(item)
        others = [i for i, e in enumerate(self.entries) if e.location.data_dir != self.window_.location.data_dir]
        self.list.setCurrentRow(others[0] if others else 0)
        self._update()

    def selected(self) -> registry.Entry | None:
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _update(self) -> None:
        entry = self.selected()
        for button in (self.here, self.beside, self.rename, self.remove):
            button.setEnabled(entry is not None)

    def open_here(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.accept()
            switch_to(self.window_, entry.location)

    def open_beside(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.accept()
            open_beside(self.window_, entry.location)

    def rename_selected(self) -> None:
        from relationjournal.core.errors import JournalError

        entry = self.selected()
        if entry is None:
            return
        name, ok = qt.QInputDialog.getText(
            self, "Rename journal", "New name:", qt.QLineEdit.EchoMode.Normal, entry.name
        )
        if not ok:
            return
        try:
            renamed = registry.rename(entry.name, name)
        except JournalError as error:
            qt.QMessageBox.warning(self, "Rename journal", str(error))
            return
        shown = windows_of(self.window_).window_for(renamed.location)
        if shown is not None:
            retitle(shown, renamed.name)
        self.reload()

    def remove_selected(self) -> None:
        from relationjournal.core.errors import JournalError
        from relationjournal.core.journals import remove_journal, what_removal_deletes

        entry = self.selected()
        if entry is None:
            return
        if windows_of(self.window_).window_for(entry.location) is not None:
            qt.QMessageBox.information(self, "Remove journal", f"{entry.name!r} is open: close its window first.")
            return
        files = what_removal_deletes(entry, with_backups=False)
        backups = what_removal_deletes(entry, with_backups=True)[len(files) :]
        box = qt.QMessageBox(qt.QMessageBox.Icon.Warning, "Remove journal",
                          f"Remove the journal {entry.name!r}? This deletes its file and its key, and cannot be "
                          "undone.", qt.QMessageBox.StandardButton.Cancel, self)  # fmt: skip
        deleted = ", ".join(p.name for p in files) or "nothing"
        box.setInformativeText(f"Deleted from {entry.location.data_dir}: {deleted}"
                               f", and its key in the system keyring. Its backups ({len(backups)}) stay in "
                               f"{entry.location.backups} unless you tick the box.")  # fmt: skip
        also = qt.QCheckBox(f"Also delete its &backups ({len(backups)})")
        box.setCheckBox(also)
        remove = box.addButton("&Remove", qt.QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(qt.QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not remove:
            return
        try:
            remove_journal(entry.name, with_backups=also.isChecked())
        except JournalError as error:
            qt.QMessageBox.warning(self, "Remove journal", str(error))
        self.reload()

    def open_moved(self, path: Path | None = None) -> None:
        self.accept()
        open_moved_file(self.window_, path)

    def add_existing(self, folder: Path | None = None) -> None:
        """Add a journal folder from before, then switch to it (this dialog stays when it is refused)."""
        added = add_journal_folder(self, folder)
        if added is not None:
            self.accept()
            entry, journal = added
            windows_of(self.window_).open_journal(entry.location, replacing=self.window_, journal=journal)


def open_journal(window: MainWindow) -> None:
    OpenJournalDialog(window).exec()


def retitle(window: MainWindow, name: str) -> None:
    window.journal_name = name
    window.setWindowTitle(f"{name} — Relation Journal")
    label = getattr(window, "journal_label", None)
    if label is not None:
        label.setText(short_name(name))


def open_moved_file(window: MainWindow, path: Path | None = None) -> None:
    """Take in a journal moved from another computer: the file, its name here, then its recovery key
    (or passphrase). The key goes into this computer's keyring, and the window switches to it."""
    from relationjournal.core.journals import open_moved

    if path is None:
        chosen, _ = qt.QFileDialog.getOpenFileName(window, "Open a journal moved from another computer", "", MOVE_FILES)
        if not chosen:
            return
        path = Path(chosen)
    name = _ask_new_name(window, "Open a moved journal", "Its name on this computer:", path.stem)
    if name is None:
        return
    taken: dict[str, registry.Entry] = {}

    def attempt(secret: str) -> Journal:
        cleaned = "".join(ch for ch in secret if not ch.isspace() and ch != "-")
        looks_like_key = len(cleaned) == 55  # a recovery key: 11 groups of five
        entry, journal = open_moved(path, name, recovery_text=secret if looks_like_key else None,
                                    passphrase=None if looks_like_key else secret)  # fmt: skip
        taken["entry"] = entry
        return journal

    journal = ask_key(
        window, "Open a moved journal",
        f"To open <b>{_html(path.name)}</b> on this computer, enter the recovery key you saved when the journal "
        "was made (or last re-keyed); for a journal protected by a passphrase, its passphrase. A recovery key "
        "goes into this computer's keyring, so the journal opens without it from then on.",
        "&Recovery key or passphrase", attempt,
    )  # fmt: skip
    if journal is not None:
        windows_of(window).open_journal(taken["entry"].location, replacing=window, journal=journal)


def ask_key(
    parent: QWidget, title: str, explanation: str, label: str, attempt: Callable[[str], Journal]
) -> Journal | None:
    """The key entry of a journal coming from elsewhere: `attempt(text)` until it opens the journal (a wrong
    key is said in the dialog, which stays); None when the user gives up or it cannot be done."""
    from relationjournal.core.errors import JournalError
    from relationjournal.ui.unlock import SecretDialog

    dialog = SecretDialog(title, explanation, label, attempt, parent)
    dialog.secret.setEchoMode(qt.QLineEdit.EchoMode.Normal)  # (a recovery key is read off paper: see what is typed)
    dialog.secret.setPlaceholderText("XXXXX-XXXXX-XXXXX-…")
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
    except JournalError as error:  # damaged, or the disk is full: nothing was made
        qt.QMessageBox.warning(parent, title, str(error))
        return None
    return dialog.journal


# Add an existing journal folder… -----------------------------------------------------------------------
ADD_TITLE = "Add an existing journal folder"


def add_journal_folder(parent: QWidget, folder: Path | None = None) -> tuple[registry.Entry, Journal | None] | None:
    """Put a journal folder from before on the list (a `--data-dir` folder, or one copied or restored): the
    folder (asked for when None), its name (the folder's, asked only when that is taken), and its recovery
    key when this keyring lacks its key. Refusals are said in one line; None: nothing was added. Returns
    the entry, and the journal when the recovery key opened it (for the caller to show)."""
    from relationjournal.core.errors import JournalError
    from relationjournal.core.journals import add_existing, check_existing_folder, needs_recovery_key

    if folder is None:
        chosen = qt.QFileDialog.getExistingDirectory(parent, f"{ADD_TITLE}: the folder that holds journal.db",
                                                  str(Path.home()))  # fmt: skip
        if not chosen:
            return None
        folder = Path(chosen)
    try:
        folder = check_existing_folder(folder)
        name = _free_name(parent, folder.name)
        if name is None:
            return None
        if not needs_recovery_key(folder):
            return add_existing(folder, name)
    except JournalError as error:
        qt.QMessageBox.warning(parent, ADD_TITLE, str(error))
        return None
    taken: dict[str, registry.Entry] = {}

    def attempt(secret: str) -> Journal:
        entry, journal = add_existing(folder, name, recovery_text=secret)
        taken["entry"] = entry
        assert journal is not None  # (the recovery key opened it)
        return journal

    journal = ask_key(
        parent, ADD_TITLE,
        f"The journal in <b>{_html(str(folder))}</b> is protected by a key this computer's keyring does not "
        "hold. Enter the recovery key you saved when the journal was made (or last re-keyed): it goes into "
        "this computer's keyring, so the journal opens without it from then on.",
        "&Recovery key", attempt,
    )  # fmt: skip
    return None if journal is None else (taken["entry"], journal)


def _ask_new_name(parent: QWidget, title: str, label: str, name: str) -> str | None:
    """A name for a journal to be added, asked until it is one the list can take; None: cancelled."""
    from relationjournal.core.errors import JournalError

    while True:
        name, ok = qt.QInputDialog.getText(parent, title, label, qt.QLineEdit.EchoMode.Normal, name)
        if not ok:
            return None
        try:
            return registry.check_new(name)
        except JournalError as error:
            qt.QMessageBox.warning(parent, title, str(error))


def _free_name(parent: QWidget, name: str) -> str | None:
    """`name` if no journal has it yet; else the name the user gives instead (None: they gave up)."""
    from relationjournal.core.errors import JournalError

    try:
        return registry.check_new(name)
    except JournalError as error:
        said = str(error)
    while True:
        name, ok = qt.QInputDialog.getText(parent, ADD_TITLE, f"{said}\nIts name in your list:",
                                        qt.QLineEdit.EchoMode.Normal, name)  # fmt: skip
        if not ok:
            return None
        try:
            return registry.check_new(name)
        except JournalError as error:
            said = str(error)


def _html(text: str) -> str:
    from html import escape

    return escape(text)


# Move to another computer… -----------------------------------------------------------------------------
def move_journal(window: MainWindow, target: Path | None = None) -> None:
    """Save the journal as one encrypted file, and say in plain words what the other computer needs."""
    from relationjournal.core import backups
    from relationjournal.core.registry import slug
    from relationjournal.ui import worker

    journal = window.journal
    if journal is None:
        return
    if target is None:
        suggested = f"{slug(window.journal_name or 'journal')}.rjournal"
        chosen, _ = qt.QFileDialog.getSaveFileName(window, "Move to another computer: save the journal as one file",
                                                suggested, MOVE_FILES)  # fmt: skip
        if not chosen:
            return
        target = Path(chosen)
    key_words = KEY_WORDS["passphrase" if journal.key.raw is None else "keyring"]
    status = window.statusBar()
    status.showMessage("Saving the journal as one file…")

    def saved(path: Any) -> None:
        status.showMessage(f"Saved {path.name} to move to another computer.", 10_000)
        qt.QMessageBox.information(
            window,
            "Move to another computer",
            f"The journal is saved, encrypted, as {path}.\n\nCopy this one file to the other computer. There, "
            f"choose File → Open journal… → Open a moved journal file…, pick the file, and enter {key_words}: "
            f"without {key_words} the file cannot be opened, there or anywhere. Carry {key_words} separately "
            "from the file.",
        )

    def failed(error: Exception) -> None:
        status.clearMessage()
        qt.QMessageBox.warning(window, "Move to another computer", f"The journal could not be saved: {error}")

    worker.run_in_background(window, lambda: backups.backup_to(journal, target), saved, failed)
