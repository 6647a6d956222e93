"""Running journal work off the GUI thread and getting the result back on it (Anki's operations)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relationjournal.ui.qt import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


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


def run_in_background(
    owner: QObject, work: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[Exception], None]
) -> None:
    """Run `work` on the thread pool; `on_done`/`on_error` run on the GUI thread, while `owner` lives."""
    relay = _Relay(owner)
    relay.done.connect(on_done)
    relay.failed.connect(on_error)
    relay.done.connect(relay.deleteLater)
    relay.failed.connect(relay.deleteLater)
    QThreadPool.globalInstance().start(_Task(work, relay))
