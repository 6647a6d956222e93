"""Restoring reads the backup only, keeps the current journal aside privately, and cleans up after kills."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import time

from relationjournal.core import backups
from relationjournal.core.journal import Journal
from relationjournal.core.records import PersonDraft
from tests.conftest import Sandbox
from tests.faults import remount, small_disk
from tests.test_cli import cli_ok, init_journal


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_from_a_read_only_medium_leaves_the_backup_byte_identical(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada Lovelace")
    with small_disk(sandbox.root / "usb", 8192) as medium:
        cli_ok("backup", "--to", str(medium / "journal-backup.db"))
        cli_ok("person", "add", "Added After The Backup")
        remount(medium, read_only=True)
        before = digest(medium / "journal-backup.db")
        assert "Restored" in cli_ok("restore", str(medium / "journal-backup.db"))
        assert digest(medium / "journal-backup.db") == before
        assert sorted(p.name for p in medium.iterdir()) == ["journal-backup.db"]  # no -wal, no -shm made there
    listed = cli_ok("person", "list")
    assert "Ada Lovelace" in listed and "Added After The Backup" not in listed


def test_checking_a_backup_does_not_change_it(journal: Journal, sandbox: Sandbox) -> None:
    journal.add_person(PersonDraft("Ada Lovelace"))
    made = backups.backup_now(journal, sandbox.location)
    before = digest(made)
    assert backups.check_backup(made, journal.key) == []
    assert digest(made) == before


def leave_a_commit_only_in_the_log(sandbox: Sandbox, name: str) -> None:
    """A writer that ends without closing leaves its newest commit in the write-ahead log."""
    subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import os
        from relationjournal.core.access import open_journal
        from relationjournal.core.locations import resolve_location
        from relationjournal.core.records import PersonDraft
        journal = open_journal(resolve_location({str(sandbox.data_dir)!r}))
        journal.add_person(PersonDraft({name!r}))
        os._exit(0)
    """)], check=True)  # fmt: skip
    assert sandbox.location.sidecars[0].stat().st_size > 0


def test_the_journal_kept_aside_before_a_restore_is_private_and_restores_with_every_commit(sandbox: Sandbox) -> None:
    init_journal()
    backup = sandbox.root / "b.db"
    cli_ok("backup", "--to", str(backup))
    leave_a_commit_only_in_the_log(sandbox, "Only In The Log")
    out = cli_ok("restore", str(backup))
    assert "Only In The Log" not in cli_ok("person", "list")
    kept = sorted(sandbox.location.backups.glob("*before-restore*"))
    assert kept and all(path.stat().st_mode & 0o777 == 0o600 for path in kept)
    assert str(kept[0]) in out
    cli_ok("restore", str(kept[0]))  # undo the restore
    assert "Only In The Log" in cli_ok("person", "list")


def test_a_copy_with_its_write_ahead_log_beside_it_restores_with_the_log(sandbox: Sandbox) -> None:
    init_journal()
    leave_a_commit_only_in_the_log(sandbox, "Only In The Log")
    copy = sandbox.location.backups / "journal-20261130-120000-before-restore.db"
    copy.parent.mkdir(mode=0o700, exist_ok=True)
    shutil.copyfile(sandbox.location.database, copy)
    shutil.copyfile(sandbox.location.sidecars[0], copy.with_name(copy.name + "-wal"))
    cli_ok("person", "add", "Later")
    cli_ok("restore", str(copy))
    listed = cli_ok("person", "list")
    assert "Only In The Log" in listed and "Later" not in listed


def test_half_written_backups_of_a_killed_process_are_removed(journal: Journal, sandbox: Sandbox) -> None:
    sandbox.location.backups.mkdir(mode=0o700)
    stale = sandbox.location.backups / ".journal-20260101-000000.db.partial"
    fresh = sandbox.location.backups / ".journal-20261130-000000.db.partial"  # another process is writing it
    for path in (stale, fresh):
        path.write_bytes(b"\0" * 4096)
    old = time.time() - 3600
    os.utime(stale, (old, old))
    backups.daily_backup(journal, sandbox.location)
    assert not stale.exists() and fresh.exists()
