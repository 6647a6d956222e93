"""Where the journal's files live, and making those places private.

The journal is one SQLCipher file in the user's data directory (platformdirs), overridable with
`--data-dir` or `RELATIONJOURNAL_DATA_DIR`. Beside it sits a small metadata file that says how the
journal is protected (keyring or passphrase) and which keyring entry holds its key. It holds no
personal data and no key.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from relationjournal import APP_NAME

DATA_DIR_ENV = "RELATIONJOURNAL_DATA_DIR"
JOURNAL_FILE = "journal.db"
META_FILE = "journal.meta.json"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


@dataclass(frozen=True)
class JournalLocation:
    """The files that make up one journal."""

    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / JOURNAL_FILE

    @property
    def meta(self) -> Path:
        return self.data_dir / META_FILE

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def sidecars(self) -> tuple[Path, Path]:
        """SQLite's write-ahead log and shared-memory index beside the database."""
        return self.data_dir / f"{JOURNAL_FILE}-wal", self.data_dir / f"{JOURNAL_FILE}-shm"

    def exists(self) -> bool:
        return self.database.exists()


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_location(data_dir: str | os.PathLike[str] | None = None) -> JournalLocation:
    """The journal location from an explicit folder, else the environment, else platformdirs."""
    chosen = data_dir or os.environ.get(DATA_DIR_ENV) or default_data_dir()
    return JournalLocation(Path(chosen).expanduser().absolute())


def make_private_dir(path: Path) -> None:
    """Create `path` (and parents) readable by the user only, on POSIX."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if sys.platform != "win32":
        os.chmod(path, PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> None:
    """Create an empty file that only the user may read, before anything writes into it.

    SQLite gives its -wal and -shm files the permissions of the database file, so creating the
    database 0600 first keeps all three private.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    os.close(fd)
    if sys.platform != "win32":
        os.chmod(path, PRIVATE_FILE_MODE)
