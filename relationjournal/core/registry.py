"""The journals this user has: a name and a folder each, and which one opens when none is named.

A community manager keeps one journal per client, so that what they learn about one client's
followers never mixes with another's. This list holds only names and folders (no personal data,
no key): a small JSON file in the user's config folder, written atomically and readable by the
user only. With no file (every installation before several journals), the list is the one journal
in the default folder, "My journal": nothing to migrate. New journals live in their own folder
under `<user data folder>/journals/`, each with its own key (keyring entry), backups and settings.

Light on purpose: the app reads it to title its window before the journal's own modules load.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from relationjournal import APP_NAME
from relationjournal.core.errors import InvalidInput, JournalExists, NoJournal, NotFound, ReadOnly
from relationjournal.core.folding import fold
from relationjournal.core.locations import (
    DATA_DIR_ENV,
    JournalLocation,
    default_data_dir,
    make_private_dir,
    resolve_location,
)

REGISTRY_FILE = "journals.json"
LOCK_FILE = "journals.lock"
DEFAULT_NAME = "My journal"
MAX_NAME = 80
FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """One journal in the list. `folder` None: the default folder (`--data-dir`'s default, which
    RELATIONJOURNAL_DATA_DIR may move), where the journal of every older installation lives."""

    name: str
    folder: Path | None = None
    default: bool = False
    last_opened: datetime | None = None

    @property
    def location(self) -> JournalLocation:
        return resolve_location(self.folder)  # None: the environment's folder, else platformdirs'


def registry_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / REGISTRY_FILE


def journals_root() -> Path:
    """Where new journals get their folders: `journals/` in the user's data folder."""
    return default_data_dir() / "journals"


def check_name(name: str) -> str:
    """A journal's name as it will be shown; blank, too long or with control characters is refused."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("A journal needs a name, such as the client's.")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"That name is too long: keep it under {MAX_NAME} characters.")
    if any(not ch.isprintable() for ch in cleaned):
        raise InvalidInput("A journal's name cannot hold control characters.")
    return cleaned


WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(10)}


def slug(name: str) -> str:
    """A folder name for a journal's name: "Café Müller" → "cafe-muller". A client called "Aux" or
    "Con" gets "aux-journal": Windows cannot make a folder with a device's name."""
    found = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:40].strip("-") or "journal"
    return f"{found}-journal" if found in WINDOWS_DEVICES else found


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


# Reading and writing the list -----------------------------------------------------------------
def _builtin() -> list[Entry]:
    return [Entry(DEFAULT_NAME, None, default=True)]


def entries(*, strict: bool = False) -> list[Entry]:
    """The journals, in the order they were added; never empty. An unreadable list reads as the
    default journal alone (it is not overwritten: `_change` refuses to), unless `strict`: the command
    line says so rather than work on a journal the user did not mean."""
    try:
        return _read(registry_path())
    except InvalidInput:
        if strict:
            raise
        return _builtin()


def _read(path: Path) -> list[Entry]:
    return _load(path)[1]


def _load(path: Path) -> tuple[int, list[Entry]]:
    """The list's format number and its journals; InvalidInput, naming the file, when it is damaged
    (not JSON, or JSON of another shape: a name that is not text is not read as "None")."""
    if not path.exists():
        return FORMAT, _builtin()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data["journals"], list):
            raise TypeError
        form = data.get("format", FORMAT)
        if isinstance(form, bool) or not isinstance(form, int):
            raise TypeError
        found = [_entry(item) for item in data["journals"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InvalidInput(
            f"The list of your journals ({path}) cannot be read ({type(error).__name__}); nothing was changed. "
            "Move it aside to start the list again (the journals themselves are untouched)."
        ) from None
    if not found:
        return form, _builtin()
    if not any(e.default for e in found):
        found[0] = replace(found[0], default=True)
    return form, found


def _entry(item: object) -> Entry:
    if not isinstance(item, dict):
        raise TypeError
    name, folder, opened = item["name"], item.get("folder"), item.get("last_opened")
    if not isinstance(name, str) or not isinstance(folder, str | None) or not isinstance(opened, str | None):
        raise TypeError
    return Entry(
        name=name,
        folder=Path(folder) if folder else None,
        default=item.get("default") is True,
        last_opened=datetime.fromisoformat(opened) if opened else None,
    )


def _write(path: Path, found: list[Entry]) -> None:
    make_private_dir(path.parent)
    body = {
        "format": FORMAT,
        "journals": [
            {"name": e.name, "folder": str(e.folder) if e.folder else None, "default": e.default}
            | ({"last_opened": e.last_opened.isoformat()} if e.last_opened else {})
            for e in found
        ],
    }
    from relationjournal.core.atomicfile import (
        atomic_writer,
    )  # (only to write: the window reads it before its first paint)

    with atomic_writer(path) as handle:
        json.dump(body, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


@contextmanager
def _change() -> Iterator[list[Entry]]:
    """Read, change and write the list under a lock, so two programs never lose each other's change."""
    from relationjournal.core.journallock import JournalLock

    path = registry_path()
    lock = JournalLock(JournalLocation(path.parent))
    lock.path = path.parent / LOCK_FILE
    with _writing(path):
        make_private_dir(path.parent)
        lock.acquire_exclusive(wait=10.0)
    with lock:
        form, found = _load(path)
        if form > FORMAT:
            raise ReadOnly(
                f"The list of your journals ({path}) was written by a newer version of Relation Journal; "
                "nothing was changed. Use that version to change the list."
            )
        yield found
        with _writing(path):
            _write(path, found)


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A config folder that is read-only, or a file where the folder should be: one clear line."""
    try:
        yield
    except OSError as error:
        raise ReadOnly(
            f"Cannot write the list of your journals ({path}): {error.strerror or type(error).__name__}; "
            "nothing was changed."
        ) from None


# Finding ----------------------------------------------------------------------------------------
def find(name: str) -> Entry:
    """The journal called `name` (ignoring case and accents); NotFound names the ones there are."""
    typed = " ".join(name.split())
    found = entries(strict=True)  # a damaged list is said as such, not as "there is no journal called…"
    exact = [e for e in found if e.name == typed]
    alike = exact or [e for e in found if fold(e.name) == fold(typed)]
    if len(alike) == 1:
        return alike[0]
    if alike:  # a list edited by hand: "Client A" and "client a" are two journals
        listed = ", ".join(repr(e.name) for e in alike)
        raise InvalidInput(f"Several journals are called like {typed!r} ({listed}): give the name exactly as "
                           "`relationjournal journals` shows it.")  # fmt: skip
    names = ", ".join(repr(e.name) for e in found)
    raise NotFound(f"There is no journal called {name.strip()!r}; your journals are {names}.")


def default_entry() -> Entry:
    return next(e for e in entries() if e.default)


def name_of(location: JournalLocation) -> str | None:
    """The name of the journal in `location`, or None for a folder not in the list (`--data-dir`)."""
    for entry in entries():
        if entry.location.data_dir == location.data_dir:
            return entry.name
    return None


def locate(
    *, data_dir: str | os.PathLike[str] | None = None, journal: str | None = None, strict: bool = False
) -> JournalLocation:
    """Where the chosen journal is: `--data-dir` (or RELATIONJOURNAL_DATA_DIR), else `--journal NAME`,
    else the default journal. Both given is refused: they would name two journals. `strict`: a
    damaged list is an error, not "the default folder" (which may be another client's journal)."""
    if data_dir and journal:
        raise InvalidInput("Give --journal or --data-dir, not both.")
    if journal is not None:
        entry = find(journal)
        if entry.folder is not None and not entry.folder.exists():  # not "run init there": that makes an empty one
            raise NoJournal(
                f"The journal {entry.name!r} is not in its folder {entry.folder} (moved, deleted, or on a drive "
                "that is not connected). Connect it, or take it off the list with "
                f"`relationjournal journal remove {_quoted(entry.name)} --yes`."
            )
        return entry.location
    if data_dir or os.environ.get(DATA_DIR_ENV):
        return resolve_location(data_dir)
    return next(e for e in entries(strict=strict) if e.default).location


# Changing ---------------------------------------------------------------------------------------
def _taken(found: list[Entry], name: str, *, but: Entry | None = None) -> None:
    for entry in found:
        if fold(entry.name) == fold(name) and entry is not but:
            raise JournalExists(f"There is already a journal called {entry.name!r}; choose another name.")


def add(name: str, folder: Path) -> Entry:
    """Add a journal (already made in `folder`) to the list under `name`."""
    name = check_name(name)
    with _change() as found:
        _taken(found, name)
        entry = Entry(name, folder.absolute(), last_opened=datetime.now(UTC))
        found.append(entry)
    return entry


def add_new(name: str, make: Callable[[Path], None]) -> Entry:
    """Add a new journal called `name`: a free folder is chosen and `make(folder)` makes the journal
    in it, all under the list's lock, so two `journal new` at once never take one name or one folder
    (the second is refused before it makes anything)."""
    name = check_name(name)
    with _change() as found:
        _taken(found, name)
        folder = new_folder(name, found)
        make(folder)
        entry = Entry(name, folder.absolute(), last_opened=datetime.now(UTC))
        found.append(entry)
    return entry


def new_folder(name: str, found: list[Entry] | None = None) -> Path:
    """A folder for a new journal called `name` that no journal uses yet (not made here)."""
    base = slug(check_name(name))
    used = {e.location.data_dir for e in (entries() if found is None else found)}
    for n in range(1, 1000):
        folder = journals_root() / (base if n == 1 else f"{base}-{n}")
        if folder not in used and not folder.exists():
            return folder
    raise InvalidInput("Too many journals with that name's folder; choose another name.")


def check_new(name: str) -> str:
    """`name`, cleaned, if a new journal may take it; refused clearly when blank or taken."""
    name = check_name(name)
    _taken(entries(), name)
    return name


def rename(old: str, new: str) -> Entry:
    """Give a journal a new name; its folder, key and backups stay where they are."""
    new = check_name(new)
    entry = find(old)
    with _change() as found:
        index = next(i for i, e in enumerate(found) if e.location.data_dir == entry.location.data_dir)
        _taken(found, new, but=found[index])
        found[index] = replace(found[index], name=new)
        return found[index]


def make_default(name: str) -> Entry:
    """The journal opened when none is named."""
    entry = find(name)
    with _change() as found:
        for i, e in enumerate(found):
            found[i] = replace(e, default=e.location.data_dir == entry.location.data_dir)
    return replace(entry, default=True)


def forget(entry: Entry) -> None:
    """Take `entry` off the list (its files are `journals.remove`'s business)."""
    with _change() as found:
        found[:] = [e for e in found if e.location.data_dir != entry.location.data_dir]


def set_aside(*, now: datetime | None = None) -> Path:
    """Move a damaged list out of the way (renamed beside itself, never deleted: the user may want
    what it held) so the list starts again from the default journal. Returns where it went."""
    path = registry_path()
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    with _writing(path):
        path.rename(aside)
    return aside


def touch(location: JournalLocation, *, now: datetime | None = None) -> None:
    """Note when a journal of the list was last opened (for the list and File → Recent journals).
    Best effort: a config folder that cannot be written never stops the journal from opening."""
    from relationjournal.core.errors import JournalError

    if name_of(location) is None:
        return
    try:
        with _change() as found:
            for i, e in enumerate(found):
                if e.location.data_dir == location.data_dir:
                    found[i] = replace(e, last_opened=now or datetime.now(UTC))
    except (JournalError, OSError):
        pass


def recent(limit: int = 8) -> list[Entry]:
    """The journals, most recently opened first."""
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(entries(), key=lambda e: e.last_opened or epoch, reverse=True)[:limit]
