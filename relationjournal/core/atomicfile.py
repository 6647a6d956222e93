"""Atomic file writes: the old file stays whole until the new one is complete on disk."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from relationjournal.core.errors import DiskFull, ReadOnly
from relationjournal.core.locations import PRIVATE_FILE_MODE


@contextmanager
def atomic_writer(path: Path, *, newline: str | None = None, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Open a private temp file beside `path`; on success fsync it and rename it over `path`.

    On any error the temp file is removed and `path` is untouched.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise translate_os_error(error, path) from error
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def translate_os_error(error: OSError, path: Path) -> Exception:
    """Turn a full disk or a read-only place into a user-facing error; leave other errors as they are."""
    if error.errno == errno.ENOSPC:
        return DiskFull(f"The disk is full while writing {path}; nothing was changed. Free some space and try again.")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnly(f"Cannot write {path}: permission denied or read-only; nothing was changed.")
    return error


def fsync_file(path: Path) -> None:
    """Flush a file that something else (SQLite) wrote, and its folder's entry, to the disk."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
    fsync_dir(path.parent)


def fsync_dir(folder: Path, *, best_effort: bool = False) -> None:
    """Make a rename or new file in `folder` durable (POSIX; Windows has no directory handles).

    `best_effort` after a rename that already happened: some file systems refuse a folder's fsync,
    and the rename must not then be reported (or undone) as if it had failed.
    """
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        if not best_effort:
            raise
