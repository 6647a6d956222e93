"""Long operations off the GUI thread, with a busy cursor, a progress bar and Cancel (Anki's CollectionOp).

`run_operation` runs `work(progress)` on the thread pool while the window stays responsive. The
work reports through `progress(done, total, what)`; the GUI thread polls the latest numbers (no
Python object crosses threads through Qt's marshalling). Cancel makes the next `progress` call
raise `Cancelled`, and the operation undoes itself as for any error. A `JournalError` is shown as
a dialog with its one-line message; the journal's change notices update the views afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from relationjournal.core.errors import JournalError
from relationjournal.core.progress import Cancelled
from relationjournal.ui import memory, worker
from relationjournal.ui.qt import QApplication, QMessageBox, QProgressDialog, Qt, QTimer, QWidget

POLL_MS = 100
SHOW_AFTER_MS = 400  # quick operations finish without a progress window flashing up


class _Reporter:
    """The worker writes the latest progress here; the GUI thread reads it. Cancel is an Event."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.done, self.total, self.what = 0, 0, ""

    def __call__(self, done: int, total: int, what: str) -> None:
        if self.cancelled.is_set():
            raise Cancelled("Cancelled: nothing was changed.")
        self.done, self.total, self.what = done, total, what


def run_operation(
    parent: QWidget,
    title: str,
    work: Callable[[Callable[[int, int, str], None]], Any],
    on_done: Callable[[Any], None],
    *,
    on_cancelled: Callable[[], None] | None = None,
) -> QProgressDialog:
    """Run `work(progress)` in the background; `on_done(result)` on the GUI thread when it succeeds."""
    reporter = _Reporter()
    dialog = QProgressDialog(title, "&Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(reporter.cancelled.set)
    timer = QTimer(dialog, interval=POLL_MS)

    def show_progress() -> None:
        if reporter.total:
            dialog.setMaximum(reporter.total)
            dialog.setValue(min(reporter.done, reporter.total))
            dialog.setLabelText(f"{title}: {reporter.done:,} of {reporter.total:,} {reporter.what}")

    timer.timeout.connect(show_progress)
    timer.start()
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    memory.collector.begin()

    def finish() -> None:
        memory.collector.end()
        timer.stop()
        QApplication.restoreOverrideCursor()
        dialog.close()
        dialog.deleteLater()

    def done(result: Any) -> None:
        finish()
        on_done(result)

    def failed(error: Exception) -> None:
        finish()
        if isinstance(error, Cancelled):
            if on_cancelled is not None:
                on_cancelled()
            return
        if not isinstance(error, JournalError):
            raise error  # a bug: the crash dialog says so
        box = QMessageBox(QMessageBox.Icon.Critical, title, str(error), QMessageBox.StandardButton.Close, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    worker.run_in_background(parent, lambda: work(reporter), done, failed)
    return dialog
