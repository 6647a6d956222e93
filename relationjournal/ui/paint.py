"""Acting on a widget's next paint: the moment the user can first see it."""

from __future__ import annotations

import time
from collections.abc import Callable

from relationjournal.ui.qt import QEvent, QObject, QTimer, QWidget


class OnNextPaint(QObject):
    """Calls `then(painted_at)` once, after `widget`'s next paint has been handled (so that paint
    is on screen), with the moment it happened in seconds since the epoch; then stops watching."""

    def __init__(self, widget: QWidget, then: Callable[[float], object]):
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            painted_at = time.time()
            QTimer.singleShot(0, lambda: self._then(painted_at))
        return False
