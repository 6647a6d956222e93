"""Creating, opening, unlocking and re-keying the journal file.

This is where keys (vault), the file (locations) and the database meet:
- `create_journal` makes a new journal protected by the keyring (default) or a passphrase;
- `open_journal` opens it with the key from the keyring or the passphrase given;
- `unlock_with_recovery_key` opens it with the recovery key and puts the key back in the keyring;
- `change_key` re-encrypts it with a new key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from relationjournal.core import migrate
from relationjournal.core.database import database_errors, make_engine, writer
from relationjournal.core.errors import (
    Damaged,
    InvalidInput,
    JournalExists,
    KeyUnavailable,
    NotAJournal,
    PassphraseNeeded,
    WrongKey,
)
from relationjournal.core.journal import Journal
from relationjournal.core.locations import JournalLocation, create_private_file, make_private_dir
from relationjournal.core.vault import (
    JournalMeta,
    Key,
    delete_key,
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
    try:
        create_private_file(location.database)
        journal = _open(location, key)
        write_meta(location, meta.with_key(key))
    except BaseException:
        _remove_new_files(location)
        if meta.protection == "keyring":
            delete_key(meta.journal_id)
        raise
    return Created(journal, meta.protection, recovery_key(key.raw) if key.raw else None)


def open_journal(location: JournalLocation, *, passphrase: str | None = None) -> Journal:
    """Open the journal with its keyring key, or with `passphrase` for a passphrase journal."""
    meta = read_meta(location)
    if meta is None:
        if passphrase is None:
            raise KeyUnavailable(
                f"The journal's settings file {location.meta.name} is missing or unreadable. "
                "Run `relationjournal unlock --recovery-key`, or give the passphrase if it has one."
            )
        return _open(location, Key(passphrase=passphrase))
    if meta.protection == "passphrase":
        if passphrase is None:
            raise PassphraseNeeded(
                f"This journal is protected by a passphrase: enter it, or set {PASSPHRASE_ENV} for scripts."
            )
        key = Key(passphrase=passphrase)
        journal = _open(location, key, wrong="That passphrase does not open this journal.", meta=meta)
    else:
        key = load_key(meta.journal_id)
        try:
            journal = _open(location, key, wrong=_WRONG_KEYRING_KEY, meta=meta)
        except WrongKey:
            return _open_with_pending_key(location, meta)
    if not meta.key_check:  # journals made before key checks were kept
        write_meta(location, meta.with_key(key))
    return journal


_WRONG_KEYRING_KEY = (
    "The key in the keyring does not open this journal (the file was replaced, or the keyring entry is "
    "from another journal). Run `relationjournal unlock --recovery-key` with this journal's recovery key."
)


def unlock_with_recovery_key(location: JournalLocation, recovery_text: str) -> Journal:
    """Open the journal with its recovery key and store the key in the keyring again."""
    key = parse_recovery_key(recovery_text)
    meta = read_meta(location)
    journal = _open(location, key, wrong="That recovery key does not open this journal.", meta=meta)
    try:
        if meta is None or meta.protection != "keyring":
            meta = JournalMeta.new("keyring")
        store_key(meta.journal_id, key)
        write_meta(location, meta.with_key(key))
    except BaseException:
        journal.close()
        raise
    return journal


def change_key(location: JournalLocation, journal: Journal, *, new_passphrase: str | None = None) -> str | None:
    """Re-encrypt the journal with a new key; returns the new recovery key for keyring journals.

    For a keyring journal the new key is stored in a side entry first, so that a crash between
    re-encrypting and updating the keyring never leaves a journal whose key is nowhere.
    """
    meta = read_meta(location)
    if meta is None:
        raise KeyUnavailable(f"The journal's settings file {location.meta.name} is missing; unlock it first.")
    if meta.protection == "passphrase":
        if new_passphrase is None:
            raise PassphraseNeeded("Give the new passphrase.")
        new_key = Key(passphrase=check_passphrase(new_passphrase))
        journal.rekey(new_key)
        write_meta(location, replace(meta.with_key(new_key), key_changed_at=utc_now().isoformat()))
        return None
    new_key = Key.generate()
    store_key(meta.journal_id + _NEXT, new_key)
    journal.rekey(new_key)
    store_key(meta.journal_id, new_key)
    write_meta(location, replace(meta.with_key(new_key), key_changed_at=utc_now().isoformat()))
    delete_key(meta.journal_id + _NEXT)
    assert new_key.raw is not None
    return recovery_key(new_key.raw)


def current_key(location: JournalLocation, *, passphrase: str | None = None) -> Key:
    """The journal's key without opening it (to restore over a damaged journal)."""
    meta = read_meta(location)
    if meta is not None and meta.protection == "keyring":
        return load_key(meta.journal_id)
    if passphrase is None:
        raise PassphraseNeeded(f"This journal is protected by a passphrase: enter it, or set {PASSPHRASE_ENV}.")
    return Key(passphrase=passphrase)


def _open_with_pending_key(location: JournalLocation, meta: JournalMeta) -> Journal:
    """After an interrupted key change the journal may already use the key in the side entry."""
    try:
        pending = load_key(meta.journal_id + _NEXT)
    except KeyUnavailable:
        raise WrongKey(_WRONG_KEYRING_KEY) from None
    journal = _open(location, pending, wrong=_WRONG_KEYRING_KEY)
    store_key(meta.journal_id, pending)
    write_meta(location, meta.with_key(pending))
    delete_key(meta.journal_id + _NEXT)
    return journal


def damaged_message(location: JournalLocation, what: str) -> str:
    return (
        f"The journal at {location.database} is damaged ({what}). Nothing was changed. Restore a backup with "
        f"`relationjournal restore FILE`; automatic backups are in {location.backups}."
    )


def _open(location: JournalLocation, key: Key, *, wrong: str | None = None, meta: JournalMeta | None = None) -> Journal:
    """Key the file, check the key with a read, and bring the schema up to date."""
    path = location.database
    if path.exists() and location.meta.exists():
        size = path.stat().st_size
        if size == 0:
            raise NotAJournal(f"{path} is empty: it is not a journal (restore it from a backup).")
        if size % PAGE_SIZE:
            raise Damaged(damaged_message(location, "the file is cut short"))
    engine = make_engine(path, key, wrong_key_message=wrong)
    try:
        with database_errors(path), writer(engine).begin() as connection:
            migrate.upgrade(connection)
    except WrongKey:
        engine.dispose()
        if key_matches(meta, key):  # the right key, so the first page itself fails its check
            raise Damaged(damaged_message(location, "its first page fails its check, or it is not a journal")) from None
        raise
    except BaseException:
        engine.dispose()
        raise
    return Journal(engine, path)


def _remove_new_files(location: JournalLocation) -> None:
    for path in (location.database, *location.sidecars):
        path.unlink(missing_ok=True)
