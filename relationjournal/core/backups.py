"""Encrypted backups: made automatically once a day, on demand, and restored safely.

A backup is SQLite's `VACUUM INTO` a new file: a consistent copy taken while the journal may be in
use, encrypted with the same key (SQLCipher encrypts the copy too), written to a temp name and
renamed into place, so a backup on disk is always whole. The last 7 daily and 4 weekly backups are
kept. Restoring first copies the current file aside, so a restore can itself be undone.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from relationjournal.core import migrate
from relationjournal.core.atomicfile import fsync_dir, fsync_file, translate_os_error
from relationjournal.core.clock import journal_zone
from relationjournal.core.database import database_errors, integrity_problems, make_engine, writer
from relationjournal.core.errors import Busy, Damaged, InvalidInput, JournalError, NotAJournal
from relationjournal.core.journal import Journal
from relationjournal.core.journallock import JournalLock
from relationjournal.core.locations import JournalLocation, create_private_file, make_private_dir
from relationjournal.core.reencrypt import reencrypt
from relationjournal.core.vault import Key

PREFIX = "journal-"
SUFFIX = ".db"
STAMP = "%Y%m%d-%H%M%S"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
RESTORE_TEMP = ".journal.db.restoring"  # a backup on its way in; removed by the next open if a restore was killed
STALE_PARTIAL_S = 15 * 60  # a backup still being written touches its file far more often than this


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: datetime  # UTC
    needs_older_key: bool = False  # made before the last key change: it opens with the recovery key from then

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def list_backups(location: JournalLocation) -> list[Backup]:
    """Automatic and manual backups in the backups folder, newest first."""
    from relationjournal.core.vault import read_meta

    meta = read_meta(location) if location.database.exists() else None
    changed = datetime.fromisoformat(meta.key_changed_at) if meta and meta.key_changed_at else None
    found = []
    if location.backups.is_dir():
        for path in location.backups.glob(f"{PREFIX}*{SUFFIX}"):
            stamp = path.name[len(PREFIX) : -len(SUFFIX)].split("-", 2)
            try:
                made = datetime.strptime("-".join(stamp[:2]), STAMP).replace(tzinfo=UTC)
            except ValueError:
                continue
            found.append(Backup(path, made, needs_older_key=changed is not None and made < changed))
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def backup_to(journal: Journal, target: Path) -> Path:
    """Write a consistent, encrypted copy of the journal to `target` (replacing it only when complete)."""
    target = target.absolute()
    if target.exists() and target.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file name for the backup.")
    if not target.parent.exists():
        make_private_dir(target.parent)
    temp = target.with_name(f".{target.name}.partial")
    temp.unlink(missing_ok=True)
    try:
        create_private_file(temp)  # VACUUM INTO fills an empty file; this one is private from the start
        journal.copy_to(temp)
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise translate_os_error(error, target) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def backup_now(journal: Journal, location: JournalLocation, *, now: datetime | None = None, label: str = "") -> Path:
    now = now or datetime.now(UTC)
    make_private_dir(location.backups)
    name = f"{PREFIX}{now.astimezone(UTC).strftime(STAMP)}{'-' + label if label else ''}{SUFFIX}"
    return backup_to(journal, location.backups / name)


def daily_backup(
    journal: Journal, location: JournalLocation, *, now: datetime | None = None, zone: tzinfo | None = None
) -> Path | None:
    """At most once a day: back up, then keep the last 7 daily and 4 weekly backups.

    A day is the journal's (its time zone setting, `zone` when given), like every other day in the app,
    not the computer's: a Berlin journal on a New York laptop gets one backup per Berlin day.
    """
    now = now or datetime.now(UTC)
    zone = zone or journal_zone(journal)
    existing = list_backups(location)
    today = now.astimezone(zone).date()
    if existing and existing[0].made_at.astimezone(zone).date() == today:
        return None
    made = backup_now(journal, location, now=now)
    prune(location, zone)
    return made


def prune(location: JournalLocation, zone: tzinfo | None = None) -> list[Path]:
    """Delete backups beyond the newest of each of the last 7 days and of each of the last 4 weeks.

    Days and weeks are on `zone`'s calendar (the journal's); the computer's when no zone is given.
    """
    backups = list_backups(location)
    keep: set[Path] = set()
    days: dict[object, Backup] = {}
    weeks: dict[object, Backup] = {}
    for backup in backups:  # newest first: the first seen of a day or a week is its newest
        local = backup.made_at.astimezone(zone)
        days.setdefault(local.date(), backup)
        weeks.setdefault(local.isocalendar()[:2], backup)
    keep.update(b.path for b in list(days.values())[:KEEP_DAILY])
    keep.update(b.path for b in list(weeks.values())[:KEEP_WEEKLY])
    removed = [b.path for b in backups if b.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
        _sidecars_of(path)[0].unlink(missing_ok=True)  # the log kept beside a copy made before a restore
    return removed + _remove_stale_partials(location)


def _remove_stale_partials(location: JournalLocation) -> list[Path]:
    """Half-written backups left by a process that was killed while backing up."""
    stale = []
    for path in location.backups.glob(f".{PREFIX}*.partial"):
        try:
            if time.time() - path.stat().st_mtime > STALE_PARTIAL_S:
                path.unlink()
                stale.append(path)
        except FileNotFoundError:
            continue
    return stale


def check_backup(path: Path, key: Key) -> list[str]:
    """Open a backup read-only with `key` and run the integrity checks; raise if it cannot be opened.

    Read-only (`mode=ro`, no journal-mode change): checking a backup never changes a byte of it.
    """
    if not path.is_file():
        raise InvalidInput(f"{path} does not exist.")
    engine = make_engine(
        path,
        key,
        read_only=True,
        wrong_key_message=(
            f"{path.name} does not open with this journal's key: it was made before a key change, or is "
            "not a journal. Give the recovery key from that time with --recovery-key."
        ),
    )
    try:
        with database_errors(path), engine.connect() as connection:
            if migrate.current_revision(connection) is None:
                raise NotAJournal(f"{path.name} is an empty database, not a journal backup.")
        with database_errors(path):
            return integrity_problems(engine)
    finally:
        engine.dispose()


def restore(location: JournalLocation, key: Key, source: Path, *, source_key: Key | None = None) -> Path:
    """Replace the journal with the backup `source`; returns where the previous journal was kept.

    Restoring needs the journal alone: it is refused while the app or any command has it open.
    The backup is only ever read (it may be on a read-only medium): it is copied in beside the
    journal, and the copy is checked (it must open and pass the integrity checks), re-encrypted
    with the current key if it was made before a key change (so the current recovery key stays
    valid), and upgraded to this version's schema, all before it is renamed over the journal.
    Works when the current journal is damaged or missing: it is never opened, only copied aside.
    """
    from relationjournal.core.applock import app_is_running

    if app_is_running(location):
        raise Busy("The app has this journal open: close it first, then restore.")
    source = source.absolute()
    if not source.is_file():
        raise InvalidInput(f"{source} does not exist.")
    make_private_dir(location.data_dir)
    with JournalLock(location).acquire_exclusive():
        make_private_dir(location.backups)
        incoming = location.data_dir / RESTORE_TEMP
        rekeyed = location.data_dir / (RESTORE_TEMP + ".rekeyed")
        try:
            _copy_private(source, incoming)
            if _sidecars_of(source)[0].exists():  # a copy kept before a restore has its log beside it
                _copy_private(_sidecars_of(source)[0], _sidecars_of(incoming)[0])
            problems = check_backup(incoming, source_key or key)
            if problems:
                raise Damaged(f"{source.name} is damaged too ({problems[0]}); choose another backup.")
            if source_key is not None and source_key != key:
                reencrypt(incoming, source_key, rekeyed, key)
                os.replace(rekeyed, incoming)
            _upgrade(incoming, key)  # a backup from an older version
            _fold_log(location, key)
            kept = _keep_current(location)
            for sidecar in location.sidecars:
                sidecar.unlink(missing_ok=True)
            os.replace(incoming, location.database)
            fsync_dir(location.data_dir, best_effort=True)  # renamed: the restore has happened
        except OSError as error:
            raise translate_os_error(error, location.database) from error
        finally:
            for leftover in (incoming, rekeyed, *_sidecars_of(incoming)):
                leftover.unlink(missing_ok=True)
    return kept


def _keep_current(location: JournalLocation) -> Path:
    """Copy the journal (and its write-ahead log, which may hold its newest changes) aside, privately."""
    stamp = datetime.now(UTC).strftime(STAMP)
    kept = location.backups / f"{PREFIX}{stamp}-before-restore{SUFFIX}"
    if location.database.exists():
        _copy_private(location.database, kept)
        wal = location.sidecars[0]
        if wal.exists():
            _copy_private(wal, kept.with_name(kept.name + "-wal"))
    return kept


def _fold_log(location: JournalLocation, key: Key) -> None:
    """Fold the journal's write-ahead log into it before it is replaced, when it opens (it may be damaged)."""
    if not location.database.exists():
        return
    engine = make_engine(location.database, key)
    try:
        with database_errors(location.database), engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except JournalError:
        pass  # a damaged or foreign file is kept aside as it is, log and all
    finally:
        engine.dispose()


def _copy_private(source: Path, target: Path) -> None:
    """Copy `source` to `target`, only the user can read it, and it appears only once whole."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)  # 0600 before a byte is written
    try:
        shutil.copyfile(source, partial)
        fsync_file(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _upgrade(path: Path, key: Key) -> None:
    engine = make_engine(path, key)
    try:
        with database_errors(path), writer(engine).begin() as connection:
            migrate.upgrade(connection)
    finally:
        engine.dispose()  # the last connection closes: its write-ahead log is folded in and removed


def _sidecars_of(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
