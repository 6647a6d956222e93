"""The encrypted database: engine, connection pragmas, and database errors a user can act on.

Facts this module relies on (see shared/SECURITY.md):
- `PRAGMA key` succeeds even with a wrong key; the first read fails. Every new connection reads
  `sqlite_master` straight after keying, so a wrong key is found at once.
- `journal_mode=WAL` must be set outside a transaction; `temp_store=MEMORY` keeps SQLite from
  writing unencrypted temp files; `synchronous=FULL` makes a reported commit survive power loss.
- Writes begin with `BEGIN IMMEDIATE`, so two writers queue on the busy timeout instead of one
  failing when it upgrades a read lock.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from relationjournal.core.errors import (
    Busy,
    Damaged,
    DiskFull,
    JournalError,
    JournalGone,
    NotAJournal,
    ReadOnly,
    Remedy,
    RemedyKind,
    WrongKey,
)
from relationjournal.core.folding import fold
from relationjournal.core.vault import Key

BUSY_TIMEOUT_MS = 15_000
CACHE_SIZE_KIB = 16_384  # decrypted pages kept per connection: repeated queries skip the cipher
SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"
WRITE_OPTION = "relationjournal_write"


def make_engine(path: Path, key: Key, *, wrong_key_message: str | None = None, read_only: bool = False) -> Engine:
    """An engine whose every connection is keyed, checked and tuned before it is handed out.

    Connections never create the file (`mode=rw`): a journal deleted while open is noticed instead
    of being replaced by an empty one. `read_only` opens with `mode=ro` and leaves the file's
    journal mode alone, so a backup is read without changing a byte of it.
    """
    url = URL.create("sqlite+pysqlcipher", password=key.pragma_value(), **_file_arguments(path, read_only))
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=3,  # the GUI thread, a worker and the journal's anchor (see Journal); each keeps its own page cache
        max_overflow=2,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _prepare(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        # Triggers keep people's folded names with it (migration 0006), for the people filter.
        dbapi_connection.create_function("rj_fold", 1, fold, deterministic=True)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA cipher_log_level = NONE")
            try:
                cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except Exception as error:  # the DB-API's own error classes
                raise _key_error(path, error, wrong_key_message) from None
            if read_only:
                cursor.execute("PRAGMA query_only = ON")
            else:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA temp_store = MEMORY")
            cursor.execute(f"PRAGMA cache_size = -{CACHE_SIZE_KIB}")
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _file_arguments(path: Path, read_only: bool) -> dict[str, Any]:
    """The database as an SQLite URI with its open mode; a Windows network path (which a URI cannot
    name: SQLite refuses a host) is given as a plain path, without the mode."""
    absolute = path.absolute()
    if sys.platform == "win32" and str(absolute).startswith("\\\\"):  # pragma: no cover - Windows only
        return {"database": str(absolute)}
    mode = "ro" if read_only else "rw"
    return {"database": f"{absolute.as_uri()}?mode={mode}", "query": {"uri": "true"}}


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take the write lock up front (`BEGIN IMMEDIATE`)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def looks_like_plain_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_PLAIN_HEADER
    except OSError:
        return False


def _key_error(path: Path, error: Exception, wrong_key_message: str | None) -> JournalError:
    """What it means when the first read after keying fails."""
    translated = translate(error, path)
    if not isinstance(translated, WrongKey):
        return translated
    if looks_like_plain_sqlite(path):
        return NotAJournal(f"{path} is an ordinary, unencrypted SQLite file, not a Relation Journal.")
    return WrongKey(wrong_key_message or f"The key does not open {path}: it is the wrong key, or not a journal.")


def translate(error: BaseException, path: Path) -> JournalError:
    """Sort a database error into one a user can act on; anything unknown is re-raised as a bug."""
    if isinstance(error, JournalError):
        return error
    original = error.orig if isinstance(error, DBAPIError) else error
    text = str(original).lower()
    if "file is not a database" in text:
        return WrongKey(f"The key does not open {path}: it is the wrong key, or not a journal.")
    if "locked" in text or "busy" in text:
        return Busy("The journal is busy in another program; try again in a moment.")
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull("The disk is full; the last change was not saved. Free some space and try again.")
    if "unable to open database file" in text and not path.exists():
        return JournalGone(
            f"The journal file {path} is gone (deleted or moved by another program); nothing was saved to it.",
            remedy=Remedy(RemedyKind.RESTORE_BACKUP),
        )
    if "readonly" in text or "read-only" in text or "unable to open database file" in text:
        return ReadOnly(
            f"Cannot write the journal at {path}: the folder or disk is read-only or full. Check its permissions "
            "and free space, or choose another folder with --data-dir."
        )
    if "disk i/o error" in text:
        return DiskFull(
            f"Reading or writing {path} failed (a disk I/O error): the disk may be full, removed or failing. "
            "Nothing more was changed; free some space or check the disk, then try again."
        )
    if "malformed" in text or "hmac" in text or "corrupt" in text:
        return Damaged(
            f"The journal at {path} is damaged. Nothing was changed; automatic backups are in the backups folder "
            "beside it.",
            remedy=Remedy(RemedyKind.RESTORE_BACKUP),
        )
    raise error


@contextmanager
def database_errors(path: Path) -> Iterator[None]:
    """Turn the database errors a user can act on into `JournalError`s."""
    try:
        yield
    except JournalError:
        raise
    except DBAPIError as error:
        if error.orig is not None and isinstance(error.orig, JournalError):
            raise error.orig from None
        raise translate(error, path) from None
    except Exception as error:
        if type(error).__module__.startswith("sqlcipher3"):
            raise translate(error, path) from None
        raise


def integrity_problems(engine: Engine) -> list[str]:
    """Problems SQLCipher's page HMACs and SQLite's own checks find; empty when the file is sound."""
    problems: list[str] = []
    checks = (
        ("PRAGMA cipher_integrity_check", lambda row: str(row[0])),
        ("PRAGMA integrity_check", lambda row: None if row[0] == "ok" else str(row[0])),
        ("PRAGMA foreign_key_check", lambda row: f"row {row[1]} of {row[0]} refers to a missing {row[2]}"),
    )
    with engine.connect() as connection:
        for pragma, describe in checks:
            try:
                rows = connection.exec_driver_sql(pragma).all()
            except DBAPIError as error:  # a damaged page can stop a check half way: that is a finding too
                problems.append(f"{pragma.split()[1]} stopped: {error.orig}")
                connection.rollback()
                continue
            problems.extend(p for p in map(describe, rows) if p)
    return problems
