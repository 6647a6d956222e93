"""Which process has the journal open in the desktop app: an advisory lock on a file beside it.

The app holds the lock while it runs; `restore` refuses to replace the file under it. The lock goes
away with the process, however it ends (no stale lock after a crash).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from relationjournal.core.locations import PRIVATE_FILE_MODE, JournalLocation

LOCK_NAME = "journal.app.lock"


class AppLock:
    def __init__(self, location: JournalLocation):
        self.path: Path = location.data_dir / LOCK_NAME
        self._handle: IO[bytes] | None = None

    def acquire(self) -> bool:
        """Take the lock; False if another process holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        handle = os.fdopen(fd, "r+b")
        if not _try_lock(handle):
            handle.close()
            return False
        self._handle = handle
        return True

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing releases the lock
            self._handle = None


def app_is_running(location: JournalLocation) -> bool:
    if not (location.data_dir / LOCK_NAME).exists():
        return False
    probe = AppLock(location)
    if probe.acquire():
        probe.release()
        return False
    return True


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
