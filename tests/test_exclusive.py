"""Restore and key changes need the journal alone; every process that opens it takes part."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from relationjournal.core.access import open_journal
from relationjournal.core.journallock import JournalLock
from relationjournal.core.records import PersonDraft
from tests.conftest import Sandbox, run_cli, snapshot
from tests.test_cli import cli_ok, init_journal, one_line_error


def test_restore_while_a_command_writes_is_refused_and_the_command_keeps_its_data(sandbox: Sandbox) -> None:
    init_journal()
    backup = sandbox.root / "before.db"
    cli_ok("backup", "--to", str(backup))
    demo = subprocess.Popen(
        [sys.executable, "-m", "relationjournal", "demo", "--people", "50", "--interactions", "200000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wal = sandbox.location.sidecars[0]
    deadline = time.monotonic() + 60
    while not (wal.exists() and wal.stat().st_size > 0):  # demo has the journal open and is writing
        assert demo.poll() is None, demo.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    message = one_line_error(run_cli("restore", str(backup)))
    assert "open in another program" in message and "Nothing was changed" in message
    out, err = demo.communicate(timeout=120)
    assert demo.returncode == 0 and "Added" in out, err
    assert cli_ok("person", "list").count("\n") >= 50  # everything demo reported is in the journal


def test_a_key_change_while_the_journal_is_open_elsewhere_is_refused(sandbox: Sandbox) -> None:
    init_journal()
    with open_journal(sandbox.location) as journal:  # as the app holds it
        files = snapshot(sandbox.data_dir)
        message = one_line_error(run_cli("rekey"))
        assert "open in another program" in message
        assert snapshot(sandbox.data_dir)["journal.db"] == files["journal.db"]
        # the holder goes on writing with the key it has: nothing was re-keyed under it
        journal.add_person(PersonDraft("Still Saved"))
    assert "Still Saved" in cli_ok("person", "list")


def test_opening_waits_while_a_restore_or_key_change_holds_the_journal(sandbox: Sandbox) -> None:
    init_journal()
    opened: list[float] = []
    with JournalLock(sandbox.location).acquire_exclusive():
        started = time.monotonic()

        def open_it() -> None:
            with open_journal(sandbox.location):
                opened.append(time.monotonic() - started)

        thread = threading.Thread(target=open_it)
        thread.start()
        time.sleep(0.5)
        assert not opened, "the journal opened while another program was replacing it"
    thread.join(timeout=30)
    assert opened and opened[0] >= 0.5
