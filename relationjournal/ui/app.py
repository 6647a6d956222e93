"""Starting the desktop app: the window paints first, then the journal is unlocked into it."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from relationjournal import APP_NAME
from relationjournal.ui.qt import QApplication, QEvent, QObject, QTimer

OPEN_ANYWAY_MS = 1_000

if TYPE_CHECKING:
    from relationjournal.core.applock import AppLock
    from relationjournal.core.journal import Journal
    from relationjournal.core.locations import JournalLocation
    from relationjournal.ui.mainwindow import MainWindow
    from relationjournal.ui.single import InstanceServer


class QuitAfterPaint(QObject):
    """Quits right after the watched window's next paint, saying when it was (tests, benchmarks)."""

    def __init__(self, parent: QObject, announce: str = ""):
        super().__init__(parent)
        self.announce = announce

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if self.announce:
                print(f"{self.announce} at {time.time():.6f}", flush=True)
            QTimer.singleShot(0, QApplication.quit)
        return False


def make_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Relation Journal")
    app.setOrganizationName(APP_NAME)  # QSettings: window geometry only
    app.setApplicationVersion(__import__("relationjournal").__version__)
    app.setDesktopFileName("relationjournal")
    return app


def run(data_dir: str | None, *, quit_after_paint: bool = False) -> int:
    """Run the app on the journal in `data_dir` (default: the user's).

    With `quit_after_paint` nothing is asked of the user: the app prints when the window first
    painted and when the journal showed in it (seconds since the epoch), then exits.
    """
    from relationjournal.core.applock import AppLock
    from relationjournal.core.locations import resolve_location
    from relationjournal.ui.icons import icon
    from relationjournal.ui.mainwindow import MainWindow

    app = make_application()
    app.setWindowIcon(icon("app"))
    location = resolve_location(data_dir)
    lock = AppLock(location)  # held while the app runs: `restore` refuses to replace the file under it
    if location.data_dir.is_dir() and not lock.acquire():
        # Another app has this journal open: ask it to come forward. (Only then is the socket
        # needed; the listening side starts after the first paint, see `JournalOpener`.)
        from relationjournal.ui.single import ask_running_instance

        if ask_running_instance(location):
            print("Relation Journal is already open on this journal; its window was brought forward.")
            return 0
    window = MainWindow(location)
    opener = JournalOpener(window, location, lock, quit_after_paint=quit_after_paint)
    window.first_painted.connect(opener.open)
    if not quit_after_paint:  # (which waits for the paint it reports)
        QTimer.singleShot(OPEN_ANYWAY_MS, opener.open)  # a window the system never exposes gets no paint
    window.show()
    try:
        return app.exec()
    finally:
        opener.close()


class JournalOpener(QObject):
    """Unlocks (or, on first run, creates) the journal once the window is on screen, and fills it."""

    def __init__(self, window: MainWindow, location: JournalLocation, lock: AppLock, *, quit_after_paint: bool):
        super().__init__(window)
        self.window, self.location, self.lock, self.quit_after_paint = window, location, lock, quit_after_paint
        self.journal: Journal | None = None
        self.instance: InstanceServer | None = None
        self.started = False

    def open(self) -> None:
        if self.started:  # the first paint, or the fallback timer, whichever comes first
            return
        self.started = True
        # Imported here, after the first paint: these load SQLAlchemy, SQLCipher and the keyring.
        from relationjournal.core.errors import JournalError
        from relationjournal.ui.single import InstanceServer
        from relationjournal.ui.unlock import FirstRunDialog, obtain_journal, show_error

        self.instance = InstanceServer(self.location, self)  # later starts bring this window forward
        self.instance.raise_requested.connect(self.window.bring_forward)

        if self.quit_after_paint:
            print(f"first paint at {self.window.first_paint_time:.6f}", flush=True)
        try:
            journal = obtain_journal(self.location, interactive=not self.quit_after_paint, parent=self.window)
        except JournalError as error:
            if self.quit_after_paint:
                print(f"relationjournal: {error}", file=sys.stderr)
            else:
                show_error(error, self.location, self.window)
            QApplication.exit(1)
            return
        if journal is None:
            if self.quit_after_paint and not self.location.exists():
                first_run = FirstRunDialog(self.location, self.window)  # what a new user sees first
                first_run.installEventFilter(QuitAfterPaint(first_run))
                first_run.show()
            else:
                QApplication.exit(0)  # the user closed the welcome or unlock dialog
            return
        self.journal = journal
        if not self.lock.held:
            self.lock.acquire()  # a first run: the journal's folder is new
        if self.quit_after_paint:
            self.window.installEventFilter(QuitAfterPaint(self, announce="journal shown"))
        self.window.attach(journal)
        self.window.start_daily_backup()

    def close(self) -> None:
        from relationjournal.ui.worker import wait_for_background_work

        wait_for_background_work()
        if self.journal is not None:
            self.journal.close()
        self.lock.release()
