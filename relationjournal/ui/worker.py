"""Running journal work off the GUI thread and getting the result back on it (Anki's operations)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relationjournal.ui.qt import QCoreApplication, QEvent, QObject, QRunnable, QThreadPool, Signal, Slot, is_alive


class _Relay(QObject):
    """Lives on the GUI thread: the worker emits, Qt queues, and the slots run on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, owner: QObject, on_done: Callable[[Any], None], on_error: Callable[[Exception], None]):
        super().__init__()
        self._owner, self._on_done, self._on_error = owner, on_done, on_error
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_done(self, value: Any) -> None:
        self._finish(self._on_done, value)

    @Slot(object)
    def _deliver_error(self, error: Any) -> None:
        self._finish(self._on_error, error)

    def _finish(self, callback: Callable[[Any], None], value: Any) -> None:
        _running.discard(self)
        self.deleteLater()
        if is_alive(self._owner):
            callback(value)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay):
        super().__init__()
        self._work, self._relay = work, relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # reported to the GUI thread, which decides what the user sees
            self._relay.failed.emit(error)
        else:
            self._relay.done.emit(result)


_running: set[_Relay] = set()  # relays live until their task reports, whatever happens to the owner


def run_in_background(
    owner: QObject, work: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[Exception], None]
) -> None:
    """Run `work` on the thread pool; `on_done`/`on_error` run on the GUI thread if `owner` still exists."""
    relay = _Relay(owner, on_done, on_error)
    _running.add(relay)
    QThreadPool.globalInstance().start(_Task(work, relay))


def wait_for_background_work() -> None:
    """Let running tasks finish and deliver their results (before the journal they use is closed)."""
    QThreadPool.globalInstance().waitForDone()
    QCoreApplication.sendPostedEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
