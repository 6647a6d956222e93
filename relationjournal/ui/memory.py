"""Keeping Python's cycle collector out of the window's way.

A full collection walks every object the process holds: once the app has loaded PySide6,
SQLAlchemy and the journal's first pages that is a few hundred thousand objects and 50–180 ms,
during which no thread runs Python. It came at random moments (whichever allocation tipped the
count) and was the window's longest freeze on a large journal. Objects alive once the app has
started are nearly all modules, classes and caches that live as long as the app; `gc.freeze`
moves them out of the collector's sight, so later collections walk only what is new.
Reference counting still frees everything as usual; only cycles among the frozen objects would
outlive their use, and start-up makes few.
"""

from __future__ import annotations

import gc

from relationjournal.ui.qt import QTimer

SETTLE_MS = 2_000  # after the start-up's own reads (the people list, Today) have been made


def freeze_after_start() -> None:
    """Freeze what start-up built, once it has built it."""
    QTimer.singleShot(SETTLE_MS, gc.freeze)


class CollectorPause:
    """The cycle collector paused while a long operation runs (an import, an export).

    Such work makes hundreds of thousands of short-lived objects; a collection in the middle of it
    walks them all while holding the GIL (110 ms on the 1M journal's import), freezing the window.
    Reference counting frees them when the work ends, and collection resumes then. Nested pauses
    count, so the collector runs again only when the last one ends.
    """

    def __init__(self) -> None:
        self._depth = 0

    def begin(self) -> None:
        if self._depth == 0 and gc.isenabled():
            gc.disable()
            self._depth = 1
        elif self._depth:
            self._depth += 1

    def end(self) -> None:
        if self._depth:
            self._depth -= 1
            if self._depth == 0:
                gc.enable()


collector = CollectorPause()
