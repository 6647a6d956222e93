"""Running journal work off the GUI thread and getting the result back on it (Anki's operations)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relationjournal.ui.qt import QCoreApplication, QEvent, QObject, QRunnable, QThreadPool, Signal, Slot, is_alive


class _Relay(QObject):
    """Lives on the GUI thread: the worker stores its result and emits; Qt queues the slot to the GUI thread.

    The result is handed over as an attribute, not as a signal argument: no Python object crosses
    threads through Qt's marshalling.
    """

    finished = Signal()

    def __init__(self, owner: QObject, on_done: Callable[[Any], None], on_error: Callable[[Exception], None]):
        super().__init__()
        self._owner, self._on_done, self._on_error = owner, on_done, on_error
        self.result: Any = None
        self.error: Exception | None = None
        self.finished.connect(self._deliver)

    @Slot()
    def _deliver(self) -> None:
        _running.discard(self)
        self.deleteLater()
        if not is_alive(self._owner):
            return
        if self.error is not None:
            self._on_error(self.error)
        else:
            self._on_done(self.result)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay):
        super().__init__()
        self._work, self._relay = work, relay

    def run(self) -> None:
        try:
            self._relay.result = self._work()
        except Exception as error:  # reported to the GUI thread, which decides what the user sees
            self._relay.error = error
        self._relay.finished.emit()


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
