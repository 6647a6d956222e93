"""Creating, opening, unlocking and re-keying the journal file.

This is where keys (vault), the file (locations) and the database meet:
- `create_journal` makes a new journal protected by the keyring (default) or a passphrase;
- `open_journal` opens it with the key from the keyring or the passphrase given;
- `unlock_with_recovery_key` opens it with the recovery key and puts the key back in the keyring;
- `change_key` re-encrypts it with a new key.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from relationjournal.core import migrate
from relationjournal.core.atomicfile import fsync_dir, translate_os_error
from relationjournal.core.backups import RESTORE_TEMP, list_backups
from relationjournal.core.database import database_errors, make_engine, writer
from relationjournal.core.errors import (
    Damaged,
    DiskFull,
    InvalidInput,
    JournalError,
    JournalExists,
    KeyringEntryMissing,
    KeyUnavailable,
    NoJournal,
    NotAJournal,
    PassphraseNeeded,
    Remedy,
    RemedyKind,
    WrongKey,
)
from relationjournal.core.journal import Journal
from relationjournal.core.journallock import JournalLock
from relationjournal.core.locations import JournalLocation, create_private_file, make_private_dir
from relationjournal.core.reencrypt import NotProven, reencrypt
from relationjournal.core.vault import (
    JournalMeta,
    Key,
    delete_key,
    key_check,
    key_matches,
    keyring_problem,
    load_key,
    parse_recovery_key,
    read_meta,
    recovery_key,
    store_key,
    write_meta,
)
from relationjournal.core.vocabulary import utc_now

MIN_PASSPHRASE = 8
PAGE_SIZE = 4096  # SQLCipher 4's default page size: a whole journal file is a multiple of it
PASSPHRASE_ENV = "RELATIONJOURNAL_PASSPHRASE"
_NEXT = ":next"  # keyring entry holding a new key while `change_key` is under way
E = TypeVar("E", bound=JournalError)
REKEY_TEMP = ".journal.db.rekeying"  # the journal under its new key, before it is proven and renamed


@dataclass(frozen=True)
class Created:
    journal: Journal
    protection: str
    recovery_key: str | None  # shown to the user once; None for passphrase journals


def check_passphrase(passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(f"The passphrase is too short: use at least {MIN_PASSPHRASE} characters.")
    if "\x00" in passphrase:
        raise InvalidInput("The passphrase may not contain a NUL character.")
    return passphrase


def create_journal(location: JournalLocation, *, passphrase: str | None = None) -> Created:
    """Create a new, empty journal. Without a passphrase its random key goes into the OS keyring."""
    if location.exists():
        raise JournalExists(f"A journal already exists in {location.data_dir}; nothing was changed.")
    if location.meta.exists():
        raise missing_file(location, JournalExists)
    if passphrase is None:
        problem = keyring_problem()
        if problem:
            raise KeyUnavailable(f"Cannot keep the key in a keyring: {problem}. Protect the journal with a passphrase.")
        key, meta = Key.generate(), JournalMeta.new("keyring")
    else:
        key, meta = Key(passphrase=check_passphrase(passphrase)), JournalMeta.new("passphrase")

    make_private_dir(location.data_dir)
    if meta.protection == "keyring":
        store_key(meta.journal_id, key)
    lock = JournalLock(location)
    journal = None
    try:
        lock.acquire_shared()
        create_private_file(location.database)
        journal = _open(location, key, lock=lock)
        journal.meta = meta.with_key(key)
        write_meta(location, journal.meta)
    except BaseException:
        if journal is not None:
            journal.close()
        lock.release()
        _remove_new_files(location)
        if meta.protection == "keyring":
            delete_key(meta.journal_id)
        raise
    return Created(journal, meta.protection, recovery_key(key.raw) if key.raw else None)


def open_journal(location: JournalLocation, *, passphrase: str | None = None) -> Journal:
    """Open the journal with its keyring key, or with `passphrase` for a passphrase journal.

    Every key the journal may be under is tried before anything is called wrong or damaged: after
    a key change that was interrupted, the file may already be under the new key (kept in the
    keyring's side entry, or the passphrase the user changed to); opening then finishes the change.
    """
    if not location.database.exists():
        raise missing_file(location, NoJournal) if location.meta.exists() else _no_journal(location)
    lock = JournalLock(location).acquire_shared()
    try:
        _remove_leftovers(location)
        meta = read_meta(location)
        if meta is None:
            if passphrase is None:
                raise KeyUnavailable(
                    f"The journal's settings file {location.meta.name} is missing or unreadable: unlock the "
                    "journal with your recovery key, or give the passphrase if it has one.",
                    remedy=Remedy(RemedyKind.RECOVERY_KEY),
                )
            return _open(location, Key(passphrase=passphrase), lock=lock)
        if meta.protection == "passphrase":
            if passphrase is None:
                raise PassphraseNeeded(
                    f"This journal is protected by a passphrase: enter it, or set {PASSPHRASE_ENV} for scripts."
                )
            candidates = [(Key(passphrase=passphrase), False)]
        else:
            candidates = _keyring_candidates(meta)
        return _open_with_first(location, meta, candidates, lock)
    except BaseException:
        lock.release()
        raise


def _keyring_candidates(meta: JournalMeta) -> list[tuple[Key, bool]]:
    """The keyring's key, then the side entry of a key change that may have been interrupted."""
    try:
        candidates = [(load_key(meta.journal_id), False)]
    except KeyringEntryMissing:
        candidates = []
    pending = _pending_key(meta)
    if pending is not None:
        candidates.append((pending, True))
    if not candidates:
        load_key(meta.journal_id)  # raises the keyring's own, clear message
    return candidates


def _pending_key(meta: JournalMeta) -> Key | None:
    try:
        return load_key(meta.journal_id + _NEXT)
    except KeyringEntryMissing:
        return None


def _open_with_first(
    location: JournalLocation, meta: JournalMeta, candidates: list[tuple[Key, bool]], lock: JournalLock
) -> Journal:
    """Open with the first key that works, finish an interrupted key change, else say exactly what is wrong."""
    for key, pending in candidates:
        try:
            journal = _open(location, key, lock=lock)
        except WrongKey:
            continue
        try:
            journal.meta, finished = _record_working_key(location, meta, key, pending=pending)
            if not pending and (key, True) in candidates:  # killed before the side entry was cleared
                delete_key(meta.journal_id + _NEXT)
                finished = True
        except BaseException:
            journal.close()
            raise
        if finished and key.raw is not None:  # the user never saw this key's recovery form: show it now
            journal.unseen_recovery_key = recovery_key(key.raw)
        return journal
    tried = [key for key, _ in candidates]
    if any(key_matches(meta, key) for key in tried) and not meta.next_key_check:
        raise damaged(location, "its first page fails its check, or it is not a journal")
    if meta.protection == "passphrase":
        if meta.next_key_check:
            raise WrongKey(
                "That passphrase does not open this journal: a change of passphrase was under way when it was "
                "last used, so try the new passphrase."
            )
        raise WrongKey("That passphrase does not open this journal.")
    raise WrongKey(_WRONG_KEYRING_KEY, remedy=Remedy(RemedyKind.RECOVERY_KEY))


def _record_working_key(
    location: JournalLocation, meta: JournalMeta, key: Key, *, pending: bool
) -> tuple[JournalMeta, bool]:
    """Make the keyring and the metadata agree with the key that opened the file.

    Returns the metadata now in effect, and whether this finished an interrupted key change.
    """
    if pending:
        store_key(meta.journal_id, key)
    finished = pending or bool(meta.next_key_check and key_matches(replace(meta, key_check=meta.next_key_check), key))
    if not key_matches(meta, key) or meta.next_key_check:
        changed_at = utc_now().isoformat() if finished else meta.key_changed_at
        meta = replace(meta.with_key(key), next_key_check="", key_changed_at=changed_at)
        write_meta(location, meta)
    if pending:
        delete_key(meta.journal_id + _NEXT)
    return meta, finished


def open_for_use(location: JournalLocation, *, ask_passphrase: Callable[[], str] | None = None) -> Journal:
    """The one way the CLI and the app open the journal: metadata, then the key from the keyring or
    the passphrase (from the environment, else `ask_passphrase`, asked only for a passphrase journal),
    then the schema. Without a way to ask, a passphrase journal raises `PassphraseNeeded`."""
    meta = read_meta(location)
    passphrase = None
    if meta is None or meta.protection == "passphrase":
        passphrase = os.environ.get(PASSPHRASE_ENV) or None
        if passphrase is None and meta is not None and ask_passphrase is not None:
            passphrase = ask_passphrase()
    return open_journal(location, passphrase=passphrase)


_WRONG_KEYRING_KEY = (
    "The key in the keyring does not open this journal (the file was replaced, or the keyring entry is "
    "from another journal)."
)


def unlock_with_recovery_key(location: JournalLocation, recovery_text: str) -> Journal:
    """Open the journal with its recovery key and store the key in the keyring again."""
    key = parse_recovery_key(recovery_text)
    if not location.database.exists():
        raise missing_file(location, NoJournal) if location.meta.exists() else _no_journal(location)
    meta = read_meta(location)
    lock = JournalLock(location).acquire_shared()
    try:
        journal = _open(location, key, lock=lock)
    except WrongKey:
        lock.release()
        if key_matches(meta, key) and not (meta and meta.next_key_check):  # the right key: the first page is bad
            raise damaged(location, "its first page fails its check") from None
        if meta and meta.next_key_check:
            raise WrongKey(
                "That recovery key is from before a key change that was under way; the journal now uses the new "
                "key, kept in your keyring: open the journal normally and its new recovery key is shown."
            ) from None
        raise WrongKey("That recovery key does not open this journal.") from None
    except BaseException:
        lock.release()
        raise
    try:
        if meta is None or meta.protection != "keyring":
            meta = JournalMeta.new("keyring")
        store_key(meta.journal_id, key)
        journal.meta = replace(meta.with_key(key), next_key_check="")
        write_meta(location, journal.meta)
    except BaseException:
        journal.close()
        raise
    return journal


def change_key(location: JournalLocation, journal: Journal, *, new_passphrase: str | None = None) -> str | None:
    """Re-encrypt the journal with a new key; returns the new recovery key for keyring journals.

    `journal` is closed first: a key change needs the journal alone (an exclusive lock), and is
    refused while any other program has it open. The journal is re-encrypted into a new file,
    which is proven (it opens with the new key, not the old, and holds every row) before anything
    else changes. Then, in an order that a crash at any point leaves openable: the metadata notes
    the change, the new file is renamed over the old, the keyring and metadata take the new key.
    For keyring journals the new key sits in a side entry from the start, which `open_journal`
    tries. Returns only when the whole change is done; on any error the journal keeps its old key.
    """
    meta = read_meta(location)
    if meta is None:
        raise KeyUnavailable(f"The journal's settings file {location.meta.name} is missing; unlock it first.")
    if meta.protection == "passphrase" and new_passphrase is None:
        raise PassphraseNeeded("Give the new passphrase.")
    old_key = journal.key
    journal.close()
    with JournalLock(location).acquire_exclusive():
        if meta.protection == "passphrase":
            assert new_passphrase is not None
            new_key = Key(passphrase=check_passphrase(new_passphrase))
        else:
            new_key = Key.generate()
            store_key(meta.journal_id + _NEXT, new_key)
        try:
            _replace_with_reencrypted(location, meta, old_key, new_key)
        except BaseException:
            if meta.protection == "keyring" and read_meta(location) == meta:  # the file was not replaced
                delete_key(meta.journal_id + _NEXT)
            raise
        if meta.protection == "keyring":
            store_key(meta.journal_id, new_key)
        write_meta(location, replace(meta.with_key(new_key), next_key_check="", key_changed_at=utc_now().isoformat()))
        if meta.protection == "keyring":
            delete_key(meta.journal_id + _NEXT)
    if new_key.raw is None:
        return None
    return recovery_key(new_key.raw)


def _replace_with_reencrypted(location: JournalLocation, meta: JournalMeta, old_key: Key, new_key: Key) -> None:
    """Write the journal under `new_key` beside it, prove it, note the change, then rename it into place."""
    incoming = location.data_dir / REKEY_TEMP
    incoming.unlink(missing_ok=True)
    try:
        reencrypt(location.database, old_key, incoming, new_key)
    except DiskFull:
        raise DiskFull(
            "The disk is full, so the key was not changed: the journal keeps its old key and your recovery key "
            "still works. Free some space (as much as the journal's size) and try again."
        ) from None
    except NotProven as error:
        raise NotProven(f"The key was not changed: {error} The journal keeps its old key.") from None
    write_meta(location, replace(meta, next_key_check=key_check(new_key, meta.journal_id)))
    for sidecar in location.sidecars:  # the old file's; closing the last connection already checkpointed it
        sidecar.unlink(missing_ok=True)
    try:
        os.replace(incoming, location.database)
    except OSError as error:  # not renamed: the journal is as it was, under its old key
        incoming.unlink(missing_ok=True)
        write_meta(location, meta)
        raise translate_os_error(error, location.database) from error
    # Renamed: from here on the new key is the journal's, whatever fails (opening finishes the change).
    fsync_dir(location.data_dir, best_effort=True)


def current_key(location: JournalLocation, *, passphrase: str | None = None) -> Key:
    """The journal's key without opening it (to restore over a damaged journal)."""
    meta = read_meta(location)
    if meta is not None and meta.protection == "keyring":
        return load_key(meta.journal_id)
    if passphrase is None:
        raise PassphraseNeeded(f"This journal is protected by a passphrase: enter it, or set {PASSPHRASE_ENV}.")
    return Key(passphrase=passphrase)


def missing_file(location: JournalLocation, error: type[E]) -> E:
    """The journal's folder has its settings (and maybe backups) but no journal file: restore the newest."""
    found = list_backups(location)
    if found:
        newest = found[0]
        return error(
            f"The journal file {location.database} is missing, but its backups are there (the newest is from "
            f"{newest.made_at.astimezone():%Y-%m-%d %H:%M}). To start a new, empty journal instead, first move "
            f"{location.meta.name} and the backups folder out of {location.data_dir}.",
            remedy=Remedy(RemedyKind.RESTORE_BACKUP, newest.path),
        )
    return error(
        f"The journal file {location.database} is missing, though its settings file is there. To start a new, "
        f"empty journal instead, first move {location.meta.name} out of {location.data_dir}.",
        remedy=Remedy(RemedyKind.RESTORE_BACKUP),
    )


def _no_journal(location: JournalLocation) -> NoJournal:
    return NoJournal(f"There is no journal in {location.data_dir} yet.", remedy=Remedy(RemedyKind.CREATE))


def _remove_leftovers(location: JournalLocation) -> None:
    """Temp files of a key change or restore that was killed (none can be running: we hold the lock)."""
    for name in (REKEY_TEMP, RESTORE_TEMP, RESTORE_TEMP + ".rekeyed"):
        for suffix in ("", "-journal", "-wal", "-shm"):
            (location.data_dir / (name + suffix)).unlink(missing_ok=True)


def damaged(location: JournalLocation, what: str) -> Damaged:
    return Damaged(
        f"The journal at {location.database} is damaged ({what}). Nothing was changed; automatic backups are "
        f"in {location.backups}.",
        remedy=Remedy(RemedyKind.RESTORE_BACKUP),
    )


def _open(location: JournalLocation, key: Key, *, lock: JournalLock | None = None) -> Journal:
    """Key the file, check the key with a read, and bring the schema up to date (WrongKey if it does not open)."""
    path = location.database
    if path.exists() and location.meta.exists():
        size = path.stat().st_size
        if size == 0:
            raise NotAJournal(f"{path} is empty: it is not a journal (restore it from a backup).")
        if size % PAGE_SIZE:
            raise damaged(location, "the file is cut short")
    engine = make_engine(path, key)
    try:
        with database_errors(path), writer(engine).begin() as connection:
            migrate.upgrade(connection)
        return Journal(engine, path, key=key, lock=lock)
    except BaseException:
        engine.dispose()
        raise


def _remove_new_files(location: JournalLocation) -> None:
    for path in (location.database, *location.sidecars):
        path.unlink(missing_ok=True)
