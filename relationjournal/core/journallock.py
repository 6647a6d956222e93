"""One lock every process takes part in: shared while it has the journal open, exclusive to replace it.

Opening the journal (the app, every CLI command, a benchmark) holds a *shared* lock on
`journal.lock` beside the file for as long as the journal is open. Anything that replaces or
re-keys the file (restore, rekey) needs the lock *exclusively*: it is refused with a clear message
while anyone else has the journal open, and a process that wants to open the journal waits while
a restore or key change runs. The lock is advisory and goes away with the process, however it
ends, so a crash never leaves a stale lock. POSIX uses `flock`, Windows `LockFileEx`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from relationjournal.core.atomicfile import translate_os_error
from relationjournal.core.errors import Busy
from relationjournal.core.locations import PRIVATE_FILE_MODE, JournalLocation

LOCK_NAME = "journal.lock"
OPEN_WAIT_S = 30.0  # how long opening waits for a restore or key change in another program
EXCLUSIVE_WAIT_S = 2.0  # a command that is just closing the journal gets this long to finish
POLL_S = 0.05

OPEN_ELSEWHERE = (
    "The journal is open in another program (the app or a relationjournal command): close it, or let the "
    "command finish, and try again. Nothing was changed."
)
REPLACING_ELSEWHERE = (
    "Another program is restoring or re-keying the journal: try again when it has finished. Nothing was changed."
)


class JournalLock:
    """The journal's lock as held by this process: none, shared or exclusive."""

    def __init__(self, location: JournalLocation):
        self.path: Path = location.data_dir / LOCK_NAME
        self._fd: int | None = None
        self.mode: str | None = None  # "shared" or "exclusive" while held

    def acquire_shared(self, wait: float = OPEN_WAIT_S) -> JournalLock:
        """Hold the journal open; waits up to `wait` seconds for a restore or key change to end."""
        self._acquire(exclusive=False, wait=wait, busy=REPLACING_ELSEWHERE)
        return self

    def acquire_exclusive(self, wait: float = EXCLUSIVE_WAIT_S) -> JournalLock:
        """Hold the journal alone, to replace or re-key it; Busy while anyone else has it open."""
        self._acquire(exclusive=True, wait=wait, busy=OPEN_ELSEWHERE)
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None
            self.mode = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> JournalLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def _acquire(self, *, exclusive: bool, wait: float, busy: str) -> None:
        self.release()
        fd = _open_lock_file(self.path)
        deadline = time.monotonic() + wait
        while not _try_lock(fd, exclusive=exclusive):
            if time.monotonic() >= deadline:
                os.close(fd)
                raise Busy(busy)
            time.sleep(POLL_S)
        self._fd = fd
        self.mode = "exclusive" if exclusive else "shared"


def _open_lock_file(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    except OSError as error:
        if path.exists():  # a read-only folder or medium: a lock needs no write access
            try:
                return os.open(path, os.O_RDONLY)
            except OSError:
                pass
        raise translate_os_error(error, path.parent) from error


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _Overlapped(ctypes.Structure):
        _fields_ = [
            ("Internal", ctypes.c_void_p),
            ("InternalHigh", ctypes.c_void_p),
            ("Offset", wintypes.DWORD),
            ("OffsetHigh", wintypes.DWORD),
            ("hEvent", wintypes.HANDLE),
        ]

    _LOCKFILE_FAIL_IMMEDIATELY = 0x1
    _LOCKFILE_EXCLUSIVE_LOCK = 0x2

    def _try_lock(fd: int, *, exclusive: bool) -> bool:
        flags = _LOCKFILE_FAIL_IMMEDIATELY | (_LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)
        handle = wintypes.HANDLE(msvcrt.get_osfhandle(fd))
        overlapped = _Overlapped()
        return bool(ctypes.windll.kernel32.LockFileEx(handle, flags, 0, 1, 0, ctypes.byref(overlapped)))

else:
    import fcntl

    def _try_lock(fd: int, *, exclusive: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError:
            return False
        return True
