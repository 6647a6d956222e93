"""The storage promises (README, "Security and reliability"), each proved on real encrypted files."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from relationjournal.core import backups
from relationjournal.core.access import create_journal, current_key, open_journal
from relationjournal.core.errors import WrongKey
from relationjournal.core.records import PersonDraft, ReflectionDraft
from relationjournal.core.vault import parse_recovery_key
from tests.conftest import Sandbox, run_cli, snapshot
from tests.test_cli import RECOVERY_KEY, cli_ok, init_journal, one_line_error

PAGE = 4096
MARKERS = ["Zyxwvut Marker-Name", "Secretnote Qwerty", "Bodytext Plmokn", "Tagmarker Vbnm", "Reflection Asdfgh"]


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_no_plaintext_at_rest_after_using_the_cli_and_the_app(qtbot, sandbox: Sandbox) -> None:
    name, note, body, tag, reflection = MARKERS
    init_journal()
    cli_ok("person", "add", name, "--tag", tag)
    cli_ok("note", "add", name, note)
    cli_ok("log", name, "--channel", "email", "--body", body, "--hard-event")
    cli_ok("search", note.split()[0])

    from relationjournal.ui import dialogs
    from relationjournal.ui.mainwindow import MainWindow
    from relationjournal.ui.qt import QMessageBox
    from relationjournal.ui.worker import wait_for_background_work
    from tests.test_gui import answer_next_message_box

    with open_journal(sandbox.location) as journal:
        journal.save_reflection(ReflectionDraft(not_mine_to_carry=reflection))
        window = MainWindow(sandbox.location, journal)
        qtbot.addWidget(window)
        window.show()
        window.search.setText(body.split()[0])
        with qtbot.waitSignal(window.search_page.searched):
            window.run_search()
        window.open_person(journal.find_person(name).id)
        answer_next_message_box(QMessageBox.StandardButton.Cancel)
        assert dialogs.ask_export_folder(window) is None  # export warning cancelled
        settings = dialogs.SettingsDialog(journal, window)
        qtbot.addWidget(settings)
        settings.me.setText("Sam")
        settings.accept()
        window.show_reflections()
        window.close()
        wait_for_background_work()

    scanned = 0
    for folder in sandbox.private_dirs():
        for path in folder.rglob("*"):
            if not path.is_file() or "python_keyring" in path.parts:  # the test's stand-in for the OS keyring
                continue
            content = path.read_bytes()
            scanned += 1
            for marker in MARKERS:
                for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                    assert marker.encode(encoding) not in content, (marker, encoding, path)
    assert scanned >= 4  # the journal, its WAL or backup, the metadata, Qt's settings at least


def test_files_that_are_not_journals_get_their_own_message_and_stay_untouched(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    database = sandbox.location.database
    original = database.read_bytes()
    cases = {
        # Random bytes and a damaged first page look the same; the key is right, so: damaged or not a journal.
        "random": (random.Random(1).randbytes(PAGE * 8), "fails its check, or it is not a journal"),
        "empty": (b"", "is empty: it is not a journal"),
        "truncated": (original[: PAGE * 3 + 100], "is damaged (the file is cut short)"),
    }
    for label, (content, expected) in cases.items():
        database.write_bytes(content)
        before = snapshot(sandbox.data_dir)
        message = one_line_error(run_cli("person", "list"))
        assert expected in message, (label, message)
        assert snapshot(sandbox.data_dir) == before, label
    database.unlink()
    plain = sqlite3.connect(database)
    plain.execute("CREATE TABLE people (name)")
    plain.commit()
    plain.close()
    assert "unencrypted SQLite file" in one_line_error(run_cli("person", "list"))


def test_a_flipped_byte_is_detected_as_damage_and_points_at_restore(sandbox: Sandbox) -> None:
    init_journal()
    with open_journal(sandbox.location) as journal:  # enough rows for many pages
        journal.fill_demo(people=300, interactions=3000, seed=2)
    database = sandbox.location.database
    assert not Path(str(database) + "-wal").exists()
    pages = database.stat().st_size // PAGE
    flip_byte(database, PAGE * (pages - 2) + 1000)  # a page of data
    before = snapshot(sandbox.data_dir)
    result = run_cli("check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "HMAC verification failed" in result.stderr and "restore" in result.stderr.splitlines()[-1]
    assert snapshot(sandbox.data_dir) == before

    clean = sandbox.root / "page1"
    clean.write_bytes(before["journal.db"])
    flip_byte(database, 200)  # the first page: the right key, so it is damage, not a wrong key
    message = one_line_error(run_cli("person", "list"))
    assert "its first page fails its check" in message and "relationjournal restore" in message


def test_every_reported_commit_survives_sigkill(sandbox: Sandbox) -> None:
    """A writer commits conversations and reports each id; it is killed 20 times at random moments."""
    created = create_journal(sandbox.location)
    person = created.journal.add_person(PersonDraft("Crash Test"))
    created.journal.close()
    writer = textwrap.dedent(f"""
        import sys
        from relationjournal.core.access import open_journal
        from relationjournal.core.locations import resolve_location
        from relationjournal.core.vocabulary import Channel
        from relationjournal.core.records import InteractionDraft
        journal = open_journal(resolve_location({str(sandbox.data_dir)!r}))
        print("ready", flush=True)
        while True:
            record = journal.log_interaction({person.id}, InteractionDraft(Channel.chat, summary="x" * 500))
            print(record.id, flush=True)
    """)
    rng = random.Random(7)
    reported: set[int] = set()
    for _ in range(20):
        with subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True) as process:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
            for _ in range(rng.randint(1, 40)):
                reported.add(int(process.stdout.readline()))
            process.send_signal(signal.SIGKILL)
            reported.update(int(line) for line in process.stdout.read().split())  # reported before it died
        with open_journal(sandbox.location) as journal:
            assert journal.integrity_problems() == []
            present = {entry.item.id for entry in journal.timeline(person.id, limit=100_000)}
            assert reported <= present
    assert len(reported) >= 20


def test_daily_backups_are_kept_7_daily_and_4_weekly(sandbox: Sandbox) -> None:
    with create_journal(sandbox.location).journal as journal:
        journal.add_person(PersonDraft("Ada"))
        start = datetime(2026, 9, 1, 12, tzinfo=UTC)
        assert backups.daily_backup(journal, sandbox.location, now=start) is not None
        assert backups.daily_backup(journal, sandbox.location, now=start + timedelta(hours=2)) is None  # same day
        for day in range(1, 60):
            backups.daily_backup(journal, sandbox.location, now=start + timedelta(days=day))
    kept = backups.list_backups(sandbox.location)
    days = sorted({b.made_at.date() for b in kept}, reverse=True)
    assert days[:7] == [(start + timedelta(days=59 - i)).date() for i in range(7)]
    assert 7 <= len(kept) <= 11  # plus up to 4 weekly ones, older than the dailies
    assert len({b.made_at.isocalendar()[:2] for b in kept}) >= 4
    for backup in kept:
        assert backup.path.read_bytes()[:16] != b"SQLite format 3\x00"
        assert backup.path.stat().st_mode & 0o777 == 0o600
    assert sandbox.location.backups.stat().st_mode & 0o777 == 0o700


def test_restore_a_damaged_journal_from_a_backup(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada Lovelace")
    backup = sandbox.root / "ada.db"
    cli_ok("backup", "--to", str(backup))
    cli_ok("person", "add", "After The Backup")
    flip_byte(sandbox.location.database, 300)
    assert "damaged" in one_line_error(run_cli("person", "list"))
    out = cli_ok("restore", str(backup))
    assert "kept in" in out
    people = cli_ok("person", "list")
    assert "Ada Lovelace" in people and "After The Backup" not in people
    assert "sound" in cli_ok("check")
    kept = [b for b in backups.list_backups(sandbox.location) if "before-restore" in b.path.name]
    assert len(kept) == 1  # the damaged journal is kept too, in case it is needed


def test_after_a_key_change_old_backups_restore_with_the_old_recovery_key(sandbox: Sandbox) -> None:
    old_recovery = init_journal()
    cli_ok("person", "add", "Grace Hopper")
    old_backup = sandbox.root / "old.db"
    cli_ok("backup", "--to", str(old_backup))
    new_recovery = RECOVERY_KEY.search(cli_ok("rekey")).group(0)
    listed = json.loads(cli_ok("backups", "--format", "json"))
    assert listed and all(b["needs_older_key"] for b in listed)  # the app and the CLI say which key each needs
    message = one_line_error(run_cli("restore", str(old_backup)))
    assert "made before a key change" in message and "--recovery-key" in message
    assert "Restored" in cli_ok("restore", str(old_backup), "--recovery-key", input=old_recovery + "\n")
    assert "Grace Hopper" in cli_ok("person", "list")
    # the restored journal uses the current key: the new recovery key is the one that works
    key = current_key(sandbox.location)
    assert key == parse_recovery_key(new_recovery)
    with pytest.raises(WrongKey):
        backups.check_backup(sandbox.location.database, parse_recovery_key(old_recovery))


def test_cli_writes_while_another_process_writes(sandbox: Sandbox) -> None:
    created = create_journal(sandbox.location)
    person = created.journal.add_person(PersonDraft("Busy Bee"))
    created.journal.close()
    writer = textwrap.dedent(f"""
        from relationjournal.core.access import open_journal
        from relationjournal.core.locations import resolve_location
        from relationjournal.core.vocabulary import Channel
        from relationjournal.core.records import InteractionDraft
        with open_journal(resolve_location({str(sandbox.data_dir)!r})) as journal:
            for i in range(300):
                journal.log_interaction({person.id}, InteractionDraft(Channel.chat, summary=f"background {{i}}"))
    """)
    background = subprocess.Popen([sys.executable, "-c", writer])
    for i in range(8):
        cli_ok("log", "Busy Bee", "--channel", "email", "--summary", f"from the cli {i}")
    assert background.wait(timeout=120) == 0
    with open_journal(sandbox.location) as journal:
        summaries = [e.item.summary for e in journal.timeline(person.id, limit=1000)]
        assert journal.integrity_problems() == []
    assert len(summaries) == 308
    assert {f"from the cli {i}" for i in range(8)} <= set(summaries)


def test_exports_and_backups_are_private(sandbox: Sandbox, tmp_path: Path) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    cli_ok("export", "--csv", str(tmp_path / "out"))
    [made] = (tmp_path / "out").iterdir()  # the export's own dated folder
    assert made.stat().st_mode & 0o777 == 0o700
    for path in made.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600
    meta = json.loads(sandbox.location.meta.read_text())
    assert set(meta) <= {"format", "journal_id", "protection", "key_check", "key_changed_at"}  # nothing personal
    assert os.stat(sandbox.location.meta).st_mode & 0o777 == 0o600


def test_a_second_app_brings_the_first_forward_and_restore_waits_for_the_app(sandbox: Sandbox, qapp) -> None:
    from relationjournal.ui.single import ask_running_instance

    init_journal()
    backup = sandbox.root / "b.db"
    cli_ok("backup", "--to", str(backup))
    first = subprocess.Popen([sys.executable, "-m", "relationjournal", "gui"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = datetime.now() + timedelta(seconds=30)
        while not ask_running_instance(sandbox.location):
            assert datetime.now() < deadline, "the first app never started listening"
            assert first.poll() is None, "the first app exited"
        second = run_cli("gui", "--quit-after-paint")
        assert second.returncode == 0 and "already open" in second.stdout
        assert "close it first" in one_line_error(run_cli("restore", str(backup)))
    finally:
        first.terminate()
        first.wait(timeout=30)
    assert "Restored" in cli_ok("restore", str(backup))  # the lock went with the app


def test_the_single_instance_socket_listens_under_a_deep_temp_folder(sandbox: Sandbox, qtbot, monkeypatch) -> None:
    """A Unix socket path must fit in ~104 bytes: a deep TMPDIR must not silently stop a second
    start from finding the first."""
    from relationjournal.ui.single import InstanceServer, ask_running_instance

    deep = sandbox.root / ("t" * 60) / ("u" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(deep))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    server = InstanceServer(sandbox.location)
    assert server.server.isListening()
    with qtbot.waitSignal(server.raise_requested, timeout=5000):
        assert ask_running_instance(sandbox.location)
