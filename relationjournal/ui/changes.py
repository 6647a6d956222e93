"""Carries the journal's change notices to the GUI thread, where every view listens (Anki's op hook).

A write may commit on any thread (a background operation, a dialog on the GUI thread). The
journal calls `_heard` on that thread; it only queues the `Change` and pokes the GUI thread with
a queued signal. There the queued changes are merged into one and `changed` is emitted once, so
a burst of writes costs one refresh. No Python object crosses threads through Qt's marshalling.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from relationjournal.ui.qt import QObject, Signal, Slot

if TYPE_CHECKING:
    from relationjournal.core.changes import Change
    from relationjournal.core.journal import Journal


class ChangeHub(QObject):
    """Emits `changed(Change)` on the GUI thread after committed writes to `journal`."""

    changed = Signal(object)
    _poke = Signal()

    def __init__(self, journal: Journal, parent: QObject | None = None):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: Change | None = None
        from relationjournal.ui.qt import (
            Qt,  # (not at import: the first use of `Qt` costs 11 ms before the first paint)
        )

        self._poke.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = journal.subscribe(self._heard)
        self.destroyed.connect(self._unsubscribe)

    def _heard(self, change: Change) -> None:
        with self._lock:
            first = self._pending is None
            self._pending = change if self._pending is None else self._pending | change
        if first:
            self._poke.emit()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            change, self._pending = self._pending, None
        if change is not None:
            self.changed.emit(change)

    def flush(self) -> None:
        """Deliver what is queued now (tests, and before the window closes)."""
        self._deliver()
