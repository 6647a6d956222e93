"""Progress and cancelling for long work (export, import, backup): core code reports, the caller decides.

Long operations take a `Progress` and call it as they go. The app's implementation shows a
progress bar and raises `Cancelled` from the call once the user presses Cancel, so the operation
stops where it stands and undoes what it wrote, as it does for any other error.
"""

from __future__ import annotations

from typing import Protocol

from relationjournal.core.errors import JournalError


class Cancelled(JournalError):
    """The user cancelled a long operation; it took back what it had done."""


class Progress(Protocol):
    def __call__(self, done: int, total: int, what: str, /) -> None:  # positional: any such callable will do
        """`done` of `total` units of `what` (e.g. rows of "conversations"); may raise `Cancelled`."""


def no_progress(done: int, total: int, what: str) -> None:
    """For callers that do not show progress (the CLI, tests)."""
