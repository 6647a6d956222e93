"""A journal file deleted or replaced while open is noticed; nothing claims to be saved into it."""

from __future__ import annotations

import os
import shutil

import pytest

from relationjournal.core import backups
from relationjournal.core.access import open_journal
from relationjournal.core.errors import JournalGone
from relationjournal.core.journal import Journal
from relationjournal.core.records import PersonDraft
from tests.conftest import Sandbox, run_cli
from tests.test_cli import cli_ok, init_journal, one_line_error


def delete_journal_files(sandbox: Sandbox) -> None:
    for path in (sandbox.location.database, *sandbox.location.sidecars):
        path.unlink(missing_ok=True)


def test_a_deleted_journal_refuses_writes_and_puts_everything_back(journal: Journal, sandbox: Sandbox) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    journal.add_note(ada.id, "Her daughter starts school in September.")
    delete_journal_files(sandbox)

    assert journal.file_problem() == "gone"
    with pytest.raises(JournalGone, match="deleted or moved"):
        journal.add_note(ada.id, "typed after the file went")
    assert not sandbox.location.database.exists(), "no empty journal was created in its place"

    journal.put_back()
    assert journal.file_problem() is None
    journal.add_note(ada.id, "typed after it was put back")
    journal.close()
    with open_journal(sandbox.location) as reopened:
        bodies = {entry.item.body for entry in reopened.timeline(ada.id) if hasattr(entry.item, "body")}
        assert bodies == {"Her daughter starts school in September.", "typed after it was put back"}
        assert reopened.integrity_problems() == []


def test_a_replaced_journal_refuses_writes_and_keeps_a_rescued_copy(journal: Journal, sandbox: Sandbox) -> None:
    journal.add_person(PersonDraft("Ada Lovelace"))
    stranger = sandbox.root / "other.db"
    stranger.write_bytes(b"\0" * 8192)
    os.replace(stranger, sandbox.location.database)

    with pytest.raises(JournalGone, match="replaced"):
        journal.add_person(PersonDraft("Not saved"))
    rescued = journal.put_back(sandbox.location.backups / "journal-rescued.db")
    assert sandbox.location.database.read_bytes() == b"\0" * 8192  # the file put there is left alone
    key = journal.key
    journal.close()
    assert backups.check_backup(rescued, key) == []
    assert os.stat(rescued).st_mode & 0o777 == 0o600


def test_init_and_restore_handle_a_folder_with_backups_but_no_journal(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada Lovelace")
    cli_ok("backup")
    newest = backups.list_backups(sandbox.location)[0].path
    delete_journal_files(sandbox)

    message = one_line_error(run_cli("init"))
    assert "is missing" in message and f"relationjournal restore {newest}" in message
    message = one_line_error(run_cli("person", "list"))
    assert "is missing" in message and "restore" in message and " init`" not in message  # (with or without --data-dir)

    assert "Restored" in cli_ok("restore", str(newest))
    assert "Ada Lovelace" in cli_ok("person", "list")
    assert "sound" in cli_ok("check")


def test_the_folder_deleted_whole_while_open_can_be_put_back(journal: Journal, sandbox: Sandbox) -> None:
    journal.add_person(PersonDraft("Grace Hopper"))
    shutil.rmtree(sandbox.data_dir)
    with pytest.raises(JournalGone):
        journal.add_person(PersonDraft("Not saved"))
    journal.put_back()
    journal.add_person(PersonDraft("Saved again"))
    journal.close()
    with open_journal(sandbox.location) as reopened:
        assert {p.display_name for p in reopened.list_people()} >= {"Grace Hopper", "Saved again"}
