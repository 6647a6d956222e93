"""Errors a user can act on.

Every error the journal expects (a wrong key, a damaged file, a bad CSV row, an unknown person)
is a `JournalError` whose `str()` says what went wrong, in words for anyone. Where the way out is
one of the journal's own actions, the error carries it as a `Remedy`: the CLI words it as the
command to run, the app as a button that does it (no one parses the message). Anything else is a
bug. Messages never contain note text or keys; they may name a file path or a line number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class RemedyKind(Enum):
    RECOVERY_KEY = "recovery_key"  # unlock with the recovery key, which puts the key back in the keyring
    RESTORE_BACKUP = "restore_backup"  # replace the journal with a backup (`target`: the one to use, if known)
    CREATE = "create"  # make a new journal
    CHECK = "check"  # run the integrity checks


@dataclass(frozen=True)
class Remedy:
    """The journal action that gets the user out of an error."""

    kind: RemedyKind
    target: Path | None = None


class JournalError(Exception):
    """Base class: `str(error)` is the one-line message; `remedy` what to do about it, when it is ours to offer."""

    remedy: Remedy | None = None

    def __init__(self, message: str = "", *, remedy: Remedy | None = None):
        super().__init__(message)
        if remedy is not None:
            self.remedy = remedy


class NoJournal(JournalError):
    """There is no journal at the expected place yet."""


class JournalExists(JournalError):
    """`init` was asked to create a journal where one already is."""


class WrongKey(JournalError):
    """The key or passphrase does not open this journal."""


class NotAJournal(JournalError):
    """The file is not an encrypted Relation Journal at all."""


class Damaged(JournalError):
    """The file is a journal but its pages fail their checks."""


class Busy(JournalError):
    """Another program holds the journal's write lock for too long."""


class ReadOnly(JournalError):
    """The journal's file or folder cannot be written."""


class DiskFull(JournalError):
    """A write failed because the disk is full; nothing was changed."""


class JournalGone(JournalError):
    """The journal file was deleted, moved or replaced while it was open."""


class KeyUnavailable(JournalError):
    """The key cannot be had: no keyring, a locked keyring, or a missing entry."""


class KeyringEntryMissing(KeyUnavailable):
    """The keyring works but holds no key for this journal: the recovery key brings it back."""


class PassphraseNeeded(KeyUnavailable):
    """The journal is protected by a passphrase and none was given."""


class NotFound(JournalError):
    """A person, reminder or other record named by the user does not exist."""


class Ambiguous(JournalError):
    """A name matches more than one person."""


class InvalidInput(JournalError):
    """A value given by the user is not acceptable (a bad date, an unknown channel...)."""


class CsvImportError(JournalError):
    """One or more CSV rows are bad; nothing was imported.

    `problems` lists every problem found as "file:line: field: what is wrong".
    """

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"Nothing was imported: {problems[0]}{more}.")
