"""Starting the desktop app.

This first version opens the journal and shows a minimal window; the desktop-app issue builds
the real one on the same service API.
"""

from __future__ import annotations

import sys

from relationjournal.ui.qt import QApplication, QEvent, QLabel, QMainWindow, QMessageBox, QObject, Qt, QTimer


class _QuitAfterPaint(QObject):
    """Quits the application right after the window's first paint (for tests and benchmarks)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, QApplication.instance().quit)
        return False


def run(data_dir: str | None, *, quit_after_paint: bool = False) -> int:
    from relationjournal.core.access import open_journal
    from relationjournal.core.errors import JournalError
    from relationjournal.core.locations import resolve_location

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Relation Journal")
    window = QMainWindow()
    window.setWindowTitle("Relation Journal")
    window.resize(1000, 700)
    location = resolve_location(data_dir)
    try:
        if location.exists():
            with open_journal(location) as journal:
                text = f"Your journal holds {journal.count_people()} people."
        else:
            text = "No journal yet. Create one with `relationjournal init`."
    except JournalError as error:
        if quit_after_paint:
            print(f"relationjournal: {error}", file=sys.stderr)
            return 1
        QMessageBox.critical(None, "Relation Journal", str(error))
        return 1
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(label)
    if quit_after_paint:
        watcher = _QuitAfterPaint(window)
        window.installEventFilter(watcher)
    window.show()
    return app.exec()
