"""Starting the desktop app: unlock or create the journal, then show the main window."""

from __future__ import annotations

import sys

from relationjournal import APP_NAME
from relationjournal.ui.qt import QApplication, QEvent, QObject, QTimer


class QuitAfterPaint(QObject):
    """Quits the application right after the watched window's first paint (tests, benchmarks)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
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
    from relationjournal.core.applock import AppLock
    from relationjournal.core.errors import JournalError
    from relationjournal.core.locations import resolve_location
    from relationjournal.ui.icons import icon
    from relationjournal.ui.mainwindow import MainWindow
    from relationjournal.ui.single import InstanceServer, ask_running_instance
    from relationjournal.ui.unlock import FirstRunDialog, obtain_journal, show_error
    from relationjournal.ui.worker import wait_for_background_work

    app = make_application()
    app.setWindowIcon(icon("app"))
    location = resolve_location(data_dir)
    if ask_running_instance(location):
        print("Relation Journal is already open on this journal; its window was brought forward.")
        return 0
    instance = InstanceServer(location)
    watcher = QuitAfterPaint()
    try:
        journal = obtain_journal(location, interactive=not quit_after_paint)
    except JournalError as error:
        if quit_after_paint:
            print(f"relationjournal: {error}", file=sys.stderr)
        else:
            show_error(error, location)
        return 1
    if journal is None:
        if not quit_after_paint:
            return 0  # the user closed the first-run or unlock dialog
        first_run = FirstRunDialog(location)  # what a new user sees first
        first_run.installEventFilter(watcher)
        first_run.show()
        return app.exec()
    lock = AppLock(location)
    lock.acquire()  # `restore` refuses to replace the file while the app holds this
    with journal:
        window = MainWindow(journal, location)
        instance.raise_requested.connect(window.bring_forward)
        if quit_after_paint:
            window.installEventFilter(watcher)
        window.show()
        window.start_daily_backup()
        try:
            return app.exec()
        finally:
            wait_for_background_work()
            lock.release()
