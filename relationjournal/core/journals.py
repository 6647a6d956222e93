"""Making, removing and moving whole journals: what the list of journals (`registry`) points at.

- `new_journal` makes a journal in a folder of its own, with its own key (keyring entry) and backups;
- `remove_journal` deletes a journal's files and its keyring entry (its backups only when asked);
- `open_moved` takes a journal moved from another computer (one file made by `backup --to` or
  File → Move to another computer…) in as a new journal, with the recovery key (or the
  passphrase): the key goes into this computer's keyring. A wrong key changes nothing;
- `add_existing` puts a journal folder from before (a `--data-dir` folder, one copied from another
  computer or restored by the user's own backup tool) on the list, where it stays; a keyring journal
  whose key this computer's keyring lacks is added only with its recovery key, which goes into the keyring.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from relationjournal.core import registry
from relationjournal.core.access import (
    Created,
    check_passphrase,
    create_journal,
    open_journal,
    unlock_with_recovery_key,
)
from relationjournal.core.applock import app_is_running
from relationjournal.core.errors import (
    Busy,
    Damaged,
    InvalidInput,
    JournalError,
    JournalExists,
    KeyringEntryMissing,
    NotAJournal,
    WrongKey,
)
from relationjournal.core.journal import Journal
from relationjournal.core.journallock import JournalLock
from relationjournal.core.locations import (
    JOURNAL_FILE,
    META_FILE,
    JournalLocation,
    create_private_file,
    make_private_dir,
)
from relationjournal.core.vault import (
    JournalMeta,
    Key,
    delete_key,
    keyring_problem,
    load_key,
    parse_recovery_key,
    read_meta,
    store_key,
    write_meta,
)

PAGE_GRAIN = 512  # SQLCipher's pages are a multiple of 512 bytes, and so is every journal file
MOVE_SUFFIX = ".rjournal"  # what File → Move to another computer… suggests; any name works
WRONG_MOVE_KEY = (
    "That {what} does not open {file}: nothing was created. Use the recovery key (or passphrase) of the "
    "journal the file was made from."
)


@dataclass(frozen=True)
class NewJournal:
    entry: registry.Entry
    created: Created


def new_journal(name: str, *, passphrase: str | None = None) -> NewJournal:
    """Make a new, empty journal called `name`, in a folder of its own, and add it to the list."""
    made: list[tuple[JournalLocation, Created]] = []

    def make(folder: Path) -> None:
        make_private_dir(registry.journals_root())
        location = JournalLocation(folder)
        made.append((location, create_journal(location, passphrase=passphrase)))

    try:
        entry = registry.add_new(name, make)
    except BaseException:
        if made:  # made, but the list could not be written: take it away again
            made[0][1].journal.close()
            _delete_journal_files(made[0][0], with_backups=True)
        raise
    return NewJournal(entry, made[0][1])


def what_removal_deletes(entry: registry.Entry, *, with_backups: bool) -> list[Path]:
    """The files removing the journal deletes: shown to the user before they confirm."""
    location = entry.location
    found = [p for p in (location.database, *location.sidecars, location.meta) if p.exists()]
    if with_backups and location.backups.is_dir():
        found += sorted(p for p in location.backups.iterdir() if p.is_file())
    return found


def remove_journal(name: str, *, with_backups: bool = False) -> registry.Entry:
    """Delete a journal (after the caller has asked the user): its file, its settings file, its
    keyring entry, and its backups only when `with_backups`. Refused for the default journal and
    for a journal open in the app or a command."""
    entry = registry.find(name)
    if entry.default:
        raise InvalidInput(
            f"{entry.name!r} is the default journal: make another one the default first "
            "(`relationjournal journal default NAME`)."
        )
    location = entry.location
    if sharing := [e for e in registry.entries() if e != entry and e.location.data_dir == location.data_dir]:
        raise InvalidInput(  # a list edited by hand: removing one name would delete the other's journal
            f"{entry.name!r} is the same journal as {sharing[0].name!r} (both are {location.data_dir}): "
            "removing it would delete that one too. Nothing was removed."
        )
    if location.data_dir.is_dir():
        if app_is_running(location):
            raise Busy(f"{entry.name!r} is open in the app: close its window first. Nothing was removed.")
        meta = read_meta(location) if location.database.exists() or location.meta.exists() else None
        shared = meta is not None and _key_shared(meta.journal_id, entry)
        with JournalLock(location).acquire_exclusive():
            _delete_journal_files(location, with_backups=with_backups, keep_key=shared)
        if meta is not None and meta.protection == "keyring" and not shared:
            delete_key(meta.journal_id)
            delete_key(meta.journal_id + ":next")
    registry.forget(entry)
    _remove_if_empty(location)
    return entry


def _key_shared(journal_id: str, entry: registry.Entry) -> bool:
    """Whether another journal of the list is a copy of this one (an added folder restored from the
    user's own backup, say): it opens with the same keyring entry, which must then stay."""
    for other in registry.entries():
        if other.location.data_dir == entry.location.data_dir or not other.location.meta.exists():
            continue
        try:
            meta = read_meta(other.location)
        except JournalError:
            continue
        if meta is not None and meta.journal_id == journal_id:
            return True
    return False


def _delete_journal_files(location: JournalLocation, *, with_backups: bool, keep_key: bool = False) -> None:
    meta = None
    try:
        meta = read_meta(location)
    except JournalError:
        pass
    for path in (location.database, *location.sidecars, location.meta):
        path.unlink(missing_ok=True)
    if meta is not None and meta.protection == "keyring" and not location.database.exists() and not keep_key:
        delete_key(meta.journal_id)
    if with_backups and location.backups.is_dir():
        shutil.rmtree(location.backups)
    _remove_if_empty(location)


def _remove_if_empty(location: JournalLocation) -> None:
    """The journal's folder goes when nothing but its lock files is left in it."""
    folder = location.data_dir
    if not folder.is_dir():
        return
    if all(p.name in ("journal.lock", "journal.app.lock") for p in folder.iterdir()):
        shutil.rmtree(folder, ignore_errors=True)


def open_moved(
    source: Path, name: str, *, recovery_text: str | None = None, passphrase: str | None = None
) -> tuple[registry.Entry, Journal]:
    """Take in a journal moved as one file from another computer, as a new journal called `name`.

    The file is only read. It is checked with the key before anything is made here: a wrong
    recovery key (or passphrase) leaves no folder, no list entry and no keyring entry behind.
    A recovery key goes into this computer's keyring, so the journal opens as before.
    """
    from relationjournal.core import backups

    name = registry.check_new(name)
    source = source.expanduser().absolute()
    if not source.is_file():
        raise InvalidInput(f"{source} does not exist or is not a file.")
    if recovery_text is not None:
        key, protection, what = parse_recovery_key(recovery_text), "keyring", "recovery key"
        if problem := keyring_problem():
            raise InvalidInput(f"Cannot keep the key in a keyring here: {problem}.")
    elif passphrase is not None:
        key, protection, what = Key(passphrase=check_passphrase(passphrase)), "passphrase", "passphrase"
    else:
        raise InvalidInput("Give the journal's recovery key (or its passphrase) to open a moved journal.")
    size = source.stat().st_size
    if size and size % PAGE_GRAIN:  # an encrypted journal is whole pages: this is cut short, or no journal
        raise NotAJournal(f"{source.name} is not a whole journal (cut short while copying, or another kind of "
                          "file); nothing was created. Copy it again from the computer it was made on.")  # fmt: skip
    try:
        problems = backups.check_backup(source, key)
    except WrongKey:
        raise WrongKey(WRONG_MOVE_KEY.format(what=what, file=source.name)) from None
    except Damaged:  # not "restore a backup": this file is the copy to make again
        raise Damaged(f"{source.name} is damaged; nothing was created. Copy it again from the computer "
                      "it was made on.") from None  # fmt: skip
    if problems:
        raise Damaged(f"{source.name} is damaged ({problems[0]}); nothing was created. Move it again.")
    meta = JournalMeta.new(protection).with_key(key)  # type: ignore[arg-type]
    made: list[Path] = []
    opened: list[Journal] = []

    def make(folder: Path) -> None:
        make_private_dir(registry.journals_root())
        make_private_dir(folder)
        made.append(folder)
        location = JournalLocation(folder)
        _copy_in(source, location.database)
        write_meta(location, meta)
        if protection == "keyring":
            store_key(meta.journal_id, key)
        opened.append(open_journal(location, passphrase=passphrase))

    try:
        entry = registry.add_new(name, make)  # under the list's lock: no other journal takes the folder
    except BaseException:
        for journal in opened:
            journal.close()
        if protection == "keyring":
            delete_key(meta.journal_id)
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return entry, opened[0]


def _copy_in(source: Path, target: Path) -> None:
    """Copy the moved file in, private from the first byte."""
    create_private_file(target)
    try:
        with source.open("rb") as reading, target.open("r+b") as writing:
            shutil.copyfileobj(reading, writing)
            writing.flush()
            os.fsync(writing.fileno())
    except OSError as error:
        from relationjournal.core.atomicfile import translate_os_error

        raise translate_os_error(error, target) from error
    if target.stat().st_size == 0:
        raise NotAJournal(f"{source.name} is empty: it is not a journal.")


# A journal folder from before ------------------------------------------------------------------------
def check_existing_folder(folder: Path) -> Path:
    """`folder`, resolved, if it holds a journal that is not on the list yet; else refused in one line.

    A journal's folder holds its file and its settings file (the key, or how to get it, is named
    there); a folder already on the list, under any spelling of its path, is not added twice."""
    folder = folder.expanduser().resolve()
    if not folder.exists():
        raise InvalidInput(f"{folder} does not exist; nothing was added.")
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder: choose the folder that holds {JOURNAL_FILE}. Nothing was added.")
    location = JournalLocation(folder)
    missing = [path.name for path in (location.database, location.meta) if not path.is_file()]
    if len(missing) == 2:
        raise NotAJournal(f"{folder} holds no journal (no {JOURNAL_FILE} and {META_FILE}); nothing was added.")
    if missing:
        present = META_FILE if missing[0] == JOURNAL_FILE else JOURNAL_FILE
        raise NotAJournal(f"{folder} holds no whole journal: {missing[0]} is missing beside {present}; "
                          "nothing was added.")  # fmt: skip
    if read_meta(location) is None:
        raise NotAJournal(f"The journal's settings file {META_FILE} in {folder} cannot be read; nothing was added.")
    for entry in registry.entries():
        if entry.location.data_dir.resolve() == folder:
            raise JournalExists(f"{folder} is already in your list as {entry.name!r}; nothing was added.")
    return folder


def needs_recovery_key(folder: Path) -> bool:
    """Whether the journal in `folder` is kept under a keyring key this computer's keyring does not hold
    (a folder copied from another computer, or from before the keyring was reset)."""
    meta = read_meta(JournalLocation(folder))
    if meta is None or meta.protection != "keyring":
        return False
    for entry in (meta.journal_id, meta.journal_id + ":next"):  # (a key change may have been under way)
        try:
            load_key(entry)
            return False
        except KeyringEntryMissing:
            continue
    return True


def add_existing(
    folder: Path, name: str | None = None, *, recovery_text: str | None = None
) -> tuple[registry.Entry, Journal | None]:
    """Put the journal in `folder` on the list, called `name` (by default the folder's name); the folder
    stays where it is. A keyring journal whose key is not in this keyring needs `recovery_text`: it is
    checked on the journal before anything is added (a wrong one adds nothing), then kept in this keyring.
    Returns the entry, and the journal when the recovery key opened it (the caller closes it)."""
    folder = check_existing_folder(folder)
    name = registry.check_new(folder.name if name is None else name)
    location = JournalLocation(folder)
    journal = None
    if recovery_text is not None and needs_recovery_key(folder):
        if problem := keyring_problem():
            raise InvalidInput(f"Cannot keep the key in a keyring here: {problem}.")
        try:
            journal = unlock_with_recovery_key(location, recovery_text)
        except WrongKey as error:
            raise WrongKey(f"{str(error).rstrip('.')}; nothing was added.") from None
    elif needs_recovery_key(folder):
        raise KeyringEntryMissing(
            f"The journal in {folder} is protected by a key this computer's keyring does not hold: give its "
            "recovery key. Nothing was added."
        )
    try:
        entry = registry.add(name, folder)
    except BaseException:
        if journal is not None:
            journal.close()
        raise
    return entry, journal
