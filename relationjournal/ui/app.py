"""Starting the desktop app: the window paints first, then the journal is unlocked into it."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from relationjournal import APP_NAME
from relationjournal.ui.paint import OnNextPaint
from relationjournal.ui.qt import QApplication, QObject, QTimer, QWidget, Signal

OPEN_ANYWAY_MS = 1_000  # a window the system never exposes gets no paint: open the journal anyway
ANSWER_WAIT_S = 3.0  # how long a second start waits for the first app (still starting up) to answer
ALREADY_OPEN = "Relation Journal is already open on this journal"

if TYPE_CHECKING:
    from relationjournal.core.applock import AppLock
    from relationjournal.core.errors import JournalError
    from relationjournal.core.journal import Journal
    from relationjournal.core.locations import JournalLocation
    from relationjournal.ui.mainwindow import MainWindow
    from relationjournal.ui.single import InstanceServer


def quit_after_next_paint(widget: QWidget, announce: str = "") -> None:
    """Quit right after `widget`'s next paint, printing when it was (tests, benchmarks)."""

    def done(painted_at: float) -> None:
        if announce:
            print(f"{announce} at {painted_at:.6f}", flush=True)
        QApplication.quit()

    OnNextPaint(widget, done)


GIL_HANDOVER_S = 0.0005


def make_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)  # never a bare QCoreApplication in this process
    app.setApplicationName("Relation Journal")
    app.setOrganizationName(APP_NAME)  # QSettings: window geometry only
    app.setApplicationVersion(__import__("relationjournal").__version__)
    app.setDesktopFileName("relationjournal")
    # Background reads run Python too, and the GUI thread waits for the GIL at each call Qt makes
    # into Python (a model's rowCount, a delegate's paint). By default a running thread keeps the
    # GIL for 5 ms after another asks for it; a layout's thousands of such calls then stalled the
    # window for up to 90 ms. A shorter hand-over costs only when threads contend, which is then.
    sys.setswitchinterval(GIL_HANDOVER_S)
    return app


def run(data_dir: str | None, *, quit_after_paint: bool = False) -> int:
    """Run the app on the journal in `data_dir` (default: the user's).

    With `quit_after_paint` nothing is asked of the user: the app prints when the window first
    painted and when the journal showed in it (seconds since the epoch), then exits.
    """
    from relationjournal.core.applock import AppLock
    from relationjournal.ui.crash import install_crash_dialog
    from relationjournal.ui.icons import icon
    from relationjournal.ui.mainwindow import MainWindow

    app = make_application()
    install_crash_dialog(app)  # a bug says "Something went wrong" (type and place, no data), and the app runs on
    app.setWindowIcon(icon("app"))
    location = _chosen_location(data_dir, quit_after_paint)  # the folder given, else the default journal
    if location is None:
        return 1
    lock = AppLock(location)  # held while the app runs: `restore` refuses to replace the file under it
    try:
        busy = location.data_dir.is_dir() and not lock.acquire()
    except OSError as error:  # a folder it cannot write: said in a window too (a double-click has no terminal)
        from relationjournal.ui.unlock import folder_error, report_start_error

        report_start_error(folder_error(location, error), location, interactive=not quit_after_paint)
        return 1
    if busy:
        return _defer_to_running_app(location, quit_after_paint)
    from relationjournal.ui.journals import Windows

    windows = Windows()  # File → Open journal… adds windows, one per journal
    window = MainWindow(location)
    opener = JournalOpener(window, location, lock, quit_after_paint=quit_after_paint)
    windows.add(window, opener)
    window.first_painted.connect(opener.open)
    if not quit_after_paint:  # (which waits for the paint it reports)
        QTimer.singleShot(OPEN_ANYWAY_MS, opener.open)
    window.show()
    try:
        return app.exec()
    finally:
        windows.close_all()


def _chosen_location(data_dir: str | None, quit_after_paint: bool) -> JournalLocation | None:
    """The journal to open: the folder given, else the default journal (see `journal default`).

    A damaged list of journals is never read as "the default folder" silently: that folder may hold
    another client's journal than the one the user made their default. The user is told, and may
    set the list aside (kept, renamed) to start it again from the default journal; None: they quit.
    """
    from relationjournal.core import registry
    from relationjournal.core.errors import JournalError

    try:
        return registry.locate(data_dir=data_dir, strict=True)
    except JournalError as damaged:
        if quit_after_paint:
            _report(str(damaged), quit_after_paint)
            return None
        from relationjournal.ui.qt import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, "Relation Journal", str(damaged))
        box.setInformativeText("Your journals are safe in their folders. Set the list aside (it is kept, renamed) "
                               "to open the journal in the default folder; File ▸ Open journal… ▸ Add an existing "
                               "journal folder… puts the others back on the list.")  # fmt: skip
        aside = box.addButton("&Set the list aside", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not aside:
            return None
        try:
            registry.set_aside()
            return registry.locate(data_dir=data_dir, strict=True)
        except JournalError as error:
            _report(str(error), quit_after_paint)
            return None


def _defer_to_running_app(location: JournalLocation, quit_after_paint: bool) -> int:
    """Another app holds the journal: ask it to come forward, and never open the journal twice.

    Only here is the socket needed (QtNetwork stays off the first paint's path). A first app that
    is still starting listens a moment after its first paint, so keep asking for a while.
    """
    from relationjournal.ui.single import ask_running_instance

    deadline = time.monotonic() + ANSWER_WAIT_S
    while not ask_running_instance(location):
        if time.monotonic() > deadline:
            message = f"{ALREADY_OPEN}, but it does not answer. Close it (or end it) first, then start again."
            _report(message, quit_after_paint)
            return 1
        time.sleep(0.05)
    print(f"{ALREADY_OPEN}; its window was brought forward.")
    return 0


def _report(message: str, quit_after_paint: bool, parent: QWidget | None = None) -> None:
    """A one-line error: on stderr for tests and benchmarks, in a message box for the user."""
    if quit_after_paint:
        print(f"relationjournal: {message}", file=sys.stderr)
    else:
        from relationjournal.ui.qt import QMessageBox

        QMessageBox.critical(parent, "Relation Journal", message)


class JournalOpener(QObject):
    """Unlocks (or, on first run, creates) the journal once the window is on screen, and fills it."""

    shown = Signal()  # the journal is in the window (a switch closes the window it replaces then)

    def __init__(self, window: MainWindow, location: JournalLocation, lock: AppLock, *, quit_after_paint: bool):
        super().__init__(window)
        # What giving up does: the first window ends the app; a later one (File → Open journal…) only closes.
        self.give_up: Callable[[int], object] = QApplication.exit
        self.window, self.location, self.lock, self.quit_after_paint = window, location, lock, quit_after_paint
        self.journal: Journal | None = None
        self.instance: InstanceServer | None = None
        self.started = False

    def open(self) -> None:
        """Runs once: on the first paint, or from the fallback timer, whichever comes first."""
        if self.started or not self.window.isVisible():  # (closed before it came to this)
            return
        self.started = True
        if self.quit_after_paint:
            print(f"first paint at {self.window.first_paint_time:.6f}", flush=True)
        try:
            self._open()
        except Exception as error:
            self._fail(error)

    def _fail(self, error: Exception) -> None:
        """Say what went wrong in one line (as the CLI does: never a traceback, which may quote
        personal data), then quit: the window has nothing to show."""
        from relationjournal.core.errors import JournalError
        from relationjournal.ui.unlock import show_error

        if isinstance(error, JournalError) and not self.quit_after_paint:
            if show_error(error, self.location, self.window) and self._remedy(error):
                return  # the way out worked: the journal is on screen
        elif isinstance(error, JournalError):
            from relationjournal.cli import said  # on a terminal: the command that fixes it, as the CLI says it

            _report(said(error), quit_after_paint=True)
        elif os.environ.get("RELATIONJOURNAL_DEBUG"):
            raise error
        else:
            _report(f"Unexpected error while opening the journal ({type(error).__name__}); this is a bug, "
                    "please report it.", self.quit_after_paint, self.window)  # fmt: skip
        self.give_up(1)

    def _open(self) -> None:
        # Imported here, after the first paint: these load SQLAlchemy, SQLCipher and the keyring.
        from relationjournal.ui.unlock import FirstRunDialog, obtain_journal

        if self.lock.held:
            self._listen()  # later starts bring this window forward, even while a dialog asks for the passphrase
        journal = obtain_journal(self.location, interactive=not self.quit_after_paint, parent=self.window)
        if journal is None:
            if self.quit_after_paint and not self.location.exists():
                first_run = FirstRunDialog(self.location, self.window)  # what a new user sees first
                quit_after_next_paint(first_run)
                first_run.show()
            else:
                self.give_up(0)  # the user closed the welcome or unlock dialog
            return
        self._show(journal)

    def _remedy(self, error: JournalError) -> bool:
        """Do what the error offered (a button in its dialog); True once the journal is on screen."""
        from relationjournal.core.errors import RemedyKind
        from relationjournal.ui.qt import QDialog
        from relationjournal.ui.unlock import recovery_dialog, restore_from_backup

        assert error.remedy is not None
        if error.remedy.kind is RemedyKind.RECOVERY_KEY:
            dialog = recovery_dialog(self.location, str(error), self.window)
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.journal is None:
                return False
            self._show(dialog.journal)
            return True
        self.lock.release()  # restoring needs the journal alone; this window has it only in name yet
        restored = restore_from_backup(self.location, error.remedy.target, self.window)
        if not self.lock.acquire():
            return False
        if restored:
            try:
                self._open()
            except Exception as again:
                self._fail(again)
        return restored

    def _show(self, journal: Journal) -> None:
        self.journal = journal
        if not self.lock.held:  # a first run: the journal's folder has only just been made
            if not self.lock.acquire():
                from relationjournal.core.errors import Busy

                raise Busy(f"{ALREADY_OPEN} in another window; this one will close.")
            self._listen()
        if self.quit_after_paint:
            quit_after_next_paint(self.window, announce="journal shown")
        self.window.app_lock = self.lock  # let go and taken again around a restore (ui/care.py)
        self.window.attach(journal)
        self.window.start_daily_backup()
        from relationjournal.core.registry import touch

        touch(self.location)  # File → Recent journals lists it first
        self.shown.emit()

    def _listen(self) -> None:
        from relationjournal.ui.single import InstanceServer

        self.instance = InstanceServer(self.location, self)
        self.instance.raise_requested.connect(self.window.bring_forward)

    def close(self) -> None:
        from relationjournal.ui.qt import is_alive
        from relationjournal.ui.worker import wait_for_background_work

        wait_for_background_work()
        for journal in {self.journal, self.window.journal if is_alive(self.window) else None}:
            if journal is not None:  # (the window's may be a new one, after a restore or key change)
                journal.close()
        self.lock.release()
