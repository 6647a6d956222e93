"""Running journal work off the GUI thread and getting the result back on it (Anki's operations)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relationjournal.ui.qt import QObject, QRunnable, QThreadPool, Signal, is_alive


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


_running: set[_Relay] = set()  # relays live until their task reports, whatever happens to the owner


def run_in_background(
    owner: QObject, work: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[Exception], None]
) -> None:
    """Run `work` on the thread pool; `on_done`/`on_error` run on the GUI thread if `owner` still exists."""
    relay = _Relay()
    _running.add(relay)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _running.discard(relay)
        relay.deleteLater()
        if is_alive(owner):
            callback(value)

    relay.done.connect(lambda value: finish(on_done, value))
    relay.failed.connect(lambda error: finish(on_error, error))
    QThreadPool.globalInstance().start(_Task(work, relay))


def wait_for_background_work() -> None:
    """Let running tasks finish (before the journal they use is closed)."""
    QThreadPool.globalInstance().waitForDone()
