"""Re-encrypting a journal into a new file, and proving the new file before anything relies on it.

SQLCipher's `PRAGMA rekey` rewrites the file in place and, on a nearly full disk, can roll the change
back while still answering "ok". We never re-key in place: `sqlcipher_export` copies the journal into
a new file under the new key, and `prove` opens that file with the new key, checks it, counts every
table against the original and makes sure the old key no longer opens it. Only then may a caller
rename it into place and store the new key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from relationjournal.core.atomicfile import fsync_file
from relationjournal.core.database import database_errors, make_engine
from relationjournal.core.errors import DiskFull, JournalError, WrongKey
from relationjournal.core.locations import create_private_file
from relationjournal.core.vault import Key

ATTACHED = "reencrypted"


class NotProven(JournalError):
    """The re-encrypted copy did not check out; the original is untouched."""


def reencrypt(source: Path, source_key: Key, target: Path, target_key: Key) -> None:
    """Write `source` (opened with `source_key`) to the new file `target` under `target_key`, and prove it.

    On any failure `target` is removed and `source` is as it was.
    """
    create_private_file(target)  # empty and private before SQLCipher writes a page into it
    try:
        counts = _export(source, source_key, target, target_key)
        fsync_file(target)
        prove(target, target_key, old_key=source_key, expected_counts=counts)
    except BaseException:
        target.unlink(missing_ok=True)
        for leftover in (target.with_name(target.name + "-journal"), target.with_name(target.name + "-wal")):
            leftover.unlink(missing_ok=True)
        raise


def prove(path: Path, key: Key, *, old_key: Key | None = None, expected_counts: dict[str, int] | None = None) -> None:
    """Raise `NotProven` unless `key` opens `path`, it passes SQLite's checks and holds every row."""
    engine = make_engine(path, key, read_only=True, wrong_key_message="The new key does not open the new copy.")
    try:
        with _cursor(engine, path) as cursor:
            check = cursor.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise NotProven(f"The re-encrypted copy fails SQLite's check ({check}).")
            if expected_counts is not None and _table_counts(cursor) != expected_counts:
                raise NotProven("The re-encrypted copy does not hold every row of the journal.")
    except WrongKey as error:
        raise NotProven(str(error)) from None
    finally:
        engine.dispose()
    if old_key is not None and old_key != key and _opens(path, old_key):
        raise NotProven("The old key still opens the re-encrypted copy.")


def _export(source: Path, source_key: Key, target: Path, target_key: Key) -> dict[str, int]:
    """Copy every table, index, trigger and the user version into `target`; returns the row counts."""
    engine = make_engine(source, source_key)
    try:
        with _cursor(engine, source) as cursor:
            user_version = int(cursor.execute("PRAGMA user_version").fetchone()[0])
            cursor.execute(f"ATTACH DATABASE ? AS {ATTACHED} KEY ?", (str(target), target_key.pragma_value()))
            try:
                cursor.execute(f"SELECT sqlcipher_export('{ATTACHED}')").fetchall()
                cursor.execute(f"PRAGMA {ATTACHED}.user_version = {user_version}")
            finally:
                cursor.execute(f"DETACH DATABASE {ATTACHED}")
            return _table_counts(cursor)
    except DiskFull:
        raise DiskFull("The disk is full, so the journal could not be re-encrypted. Nothing was changed.") from None
    finally:
        engine.dispose()


def _opens(path: Path, key: Key) -> bool:
    engine = make_engine(path, key, read_only=True)
    try:
        with _cursor(engine, path):
            return True
    except WrongKey:
        return False
    finally:
        engine.dispose()


@contextmanager
def _cursor(engine: Engine, path: Path) -> Iterator[Any]:
    """A driver cursor outside any transaction (ATTACH and sqlcipher_export need that)."""
    with database_errors(path):
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            yield cursor
            cursor.close()
        finally:
            connection.close()


_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND rootpage > 0"


def _table_counts(cursor: Any) -> dict[str, int]:
    names = [row[0] for row in cursor.execute(_TABLES).fetchall()]
    return {
        name: cursor.execute(f'SELECT count(*) FROM "{name.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
        for name in names
    }
