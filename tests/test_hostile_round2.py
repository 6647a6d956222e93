"""A hostile tester's second pass: the list of journals, `journal open`, Insights and odd ids.

Everything through the real CLI in subprocesses, on real encrypted journals, a real (file) keyring
and a hand-damaged journals.json, as a user (or a sync tool, or an older/newer copy of the app) would
leave it. Each failure must be one line, exit non-zero, and change nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_journals import cli, home, new_journal, one_line

KEY_LINE = " = "  # how keyrings.alt's file backend writes an entry


def config_file(root: Path) -> Path:
    return root / "config" / "RelationJournal" / "journals.json"


def journals_dir(root: Path) -> Path:
    return root / "data" / "RelationJournal" / "journals"


def keyring_entries(root: Path) -> int:
    found = root / "data" / "python_keyring" / "keyring_pass.cfg"
    return found.read_text().count(KEY_LINE) if found.exists() else 0


def write_list(root: Path, journals: list[dict[str, object]], **extra: object) -> bytes:
    body = json.dumps({"format": 1, **extra, "journals": journals}).encode()
    config_file(root).write_bytes(body)
    return body


# journals.json, damaged or from elsewhere ---------------------------------------------------------
DAMAGED = {
    "empty": "",
    "not JSON": "{nope",
    "a list": "[]",
    "journals not a list": '{"journals": {"Client A": 1}}',
    "a name that is not text": '{"journals": [{"name": null, "folder": null, "default": true}]}',
}


@pytest.mark.parametrize("content", list(DAMAGED.values()), ids=list(DAMAGED))
def test_a_damaged_list_is_said_not_read_as_my_journal_alone(tmp_path: Path, content: str) -> None:
    """The old code read a damaged list as "My journal" alone, silently: `--journal 'Client A'` said
    there was no such journal (it is still there), and commands without --journal went to the default
    folder, which may hold another client's journal."""
    root = tmp_path / "home"
    env = home(root)
    cli(env, "init")
    cli(env, "person", "add", "Mine Only")
    new_journal(env, "Client A")
    cli(env, "journal", "default", "Client A")
    config_file(root).write_text(content)

    for args in (("journals",), ("person", "add", "Meant For Client A"), ("--journal", "Client A", "person", "list")):
        error = one_line(cli(env, *args, code=1))
        assert "journals.json" in error and "cannot be read" in error, (args, error)
        assert "There is no journal called" not in error
    assert config_file(root).read_text() == content  # never rewritten
    assert "Meant For Client A" not in cli(env, "--data-dir", str(root / "data" / "RelationJournal"),
                                           "person", "list").stdout  # fmt: skip


def test_a_list_from_a_newer_version_is_read_but_never_rewritten(tmp_path: Path) -> None:
    """The old code rewrote a newer list as format 1, dropping what it did not know."""
    root = tmp_path / "home"
    env = home(root)
    new_journal(env, "Client A")
    folder = json.loads(config_file(root).read_text())["journals"][1]["folder"]
    body = write_list(root, [{"name": "Client A", "folder": folder, "default": True, "colour": "teal"}], format=99)

    assert "Client A" in cli(env, "journals").stdout  # still readable
    cli(env, "person", "list")  # opens the default journal (its "last opened" is not written)
    for args in (("journal", "new", "Client B"), ("journal", "rename", "Client A", "Acme")):
        error = one_line(cli(env, *args, code=1))
        assert "newer version" in error and "nothing was changed" in error
    assert config_file(root).read_bytes() == body
    assert sorted(p.name for p in journals_dir(root).iterdir()) == ["client-a"]  # no half-made Client B
    assert keyring_entries(root) == 1


def test_the_exact_name_wins_and_lookalike_names_are_refused(tmp_path: Path) -> None:
    """A list edited by hand may hold 'Client A' and 'client a': the old code opened the first for
    either name, so `--journal 'client a'` wrote into the other client's journal."""
    root = tmp_path / "home"
    env = home(root)
    new_journal(env, "Client A")
    new_journal(env, "Client B")
    cli(env, "--journal", "Client A", "person", "add", "Alice Of A")
    cli(env, "--journal", "Client B", "person", "add", "Bob Of B")
    listed = json.loads(config_file(root).read_text())["journals"]
    listed[2]["name"] = "client a"
    write_list(root, listed)

    assert "Bob Of B" in cli(env, "--journal", "client a", "person", "list").stdout
    assert "Alice Of A" in cli(env, "--journal", "Client A", "person", "list").stdout
    error = one_line(cli(env, "--journal", "CLIENT A", "person", "list", code=1))
    assert "Several journals" in error and "'Client A', 'client a'" in error
    cli(env, "journal", "rename", "client a", "Client B")
    assert [j["name"] for j in json.loads(config_file(root).read_text())["journals"]] == [
        "My journal", "Client A", "Client B"]  # fmt: skip


def test_removing_a_name_that_shares_the_default_journals_folder_deletes_nothing(tmp_path: Path) -> None:
    """The old code deleted the default journal (and took its name off the list) when another name
    in a hand-edited list pointed at its folder."""
    root = tmp_path / "home"
    env = home(root)
    cli(env, "init")
    cli(env, "person", "add", "Zyxwq Plumtree")
    default_folder = str(root / "data" / "RelationJournal")
    body = write_list(root, [{"name": "My journal", "folder": None, "default": True},
                             {"name": "Alias", "folder": default_folder, "default": False}])  # fmt: skip

    error = one_line(cli(env, "journal", "remove", "Alias", "--yes", code=1))
    assert "same journal as 'My journal'" in error and "Nothing was removed" in error
    assert config_file(root).read_bytes() == body
    assert "Zyxwq Plumtree" in cli(env, "person", "list").stdout


def test_a_journal_whose_folder_is_gone_is_not_offered_an_empty_new_one(tmp_path: Path) -> None:
    """The old code said "Run `relationjournal --data-dir …/client-a init`": an empty journal where the
    client's was (on a drive not connected, say). Removing it from the list then works."""
    root = tmp_path / "home"
    env = home(root)
    new_journal(env, "Client A")
    (journals_dir(root) / "client-a").rename(tmp_path / "elsewhere")
    error = one_line(cli(env, "--journal", "Client A", "person", "list", code=1))
    assert "'Client A' is not in its folder" in error and "init" not in error
    assert "journal remove 'Client A' --yes" in error
    cli(env, "journal", "remove", "Client A", "--yes")
    assert [j["name"] for j in json.loads(cli(env, "journals", "--format", "json").stdout)] == ["My journal"]


def test_a_config_folder_that_cannot_be_written_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """A file where the config folder should be (as a read-only folder, for root too): the old code
    said "unexpected error (FileExistsError); this is a bug"."""
    root = tmp_path / "home"
    env = home(root)
    (root / "config" / "RelationJournal").write_text("not a folder")
    error = one_line(cli(env, "journal", "new", "Client A", code=1))
    assert "Cannot write the list of your journals" in error and "nothing was changed" in error
    assert not (journals_dir(root) / "client-a").exists()
    assert keyring_entries(root) == 0


def test_journal_new_from_several_processes_at_once_gives_each_its_own_folder_and_key(tmp_path: Path) -> None:
    """Names that differ only by punctuation share a folder name ("same"): the old code chose the
    folder outside the list's lock, so two processes made their journals in one folder."""
    root = tmp_path / "home"
    env = home(root)
    cli(env, "journals")
    names = ["Same", "Same!", "Same?", "Same."]
    running = [subprocess.Popen([sys.executable, "-m", "relationjournal", "journal", "new", name], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in names]  # fmt: skip
    results = [p.communicate(timeout=120) for p in running]
    assert [p.returncode for p in running] == [0] * len(names), results
    listed = json.loads(cli(env, "journals", "--format", "json").stdout)
    assert sorted(j["name"] for j in listed) == sorted(["My journal", *names])
    assert len({j["folder"] for j in listed}) == len(listed)
    assert sorted(p.name for p in journals_dir(root).iterdir()) == ["same", "same-2", "same-3", "same-4"]
    assert keyring_entries(root) == len(names)
    for name in names:
        cli(env, "--journal", name, "person", "add", f"Person of {name}")
        assert f"Person of {name}" in cli(env, "--journal", name, "person", "list").stdout


def test_journal_new_with_the_same_name_at_once_makes_one_and_leaves_no_stray_key(tmp_path: Path) -> None:
    root = tmp_path / "home"
    env = home(root)
    cli(env, "journals")
    running = [subprocess.Popen([sys.executable, "-m", "relationjournal", "journal", "new", "Same"], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(4)]  # fmt: skip
    results = [p.communicate(timeout=120) for p in running]
    assert sorted(p.returncode for p in running) == [0, 1, 1, 1], results
    for (_, err), p in zip(results, running, strict=True):
        if p.returncode:
            assert err.strip().splitlines() == ["relationjournal: There is already a journal called 'Same'; "
                                                "choose another name."]  # fmt: skip
    assert [p.name for p in journals_dir(root).iterdir()] == ["same"]
    assert keyring_entries(root) == 1


def test_hostile_names_make_safe_folders_inside_the_journals_folder(tmp_path: Path) -> None:
    """Slashes, dots, right-to-left text and emoji stay names; folders stay under journals/. "Con" and
    "LPT1" are devices on Windows, where a folder cannot have their names."""
    root = tmp_path / "home"
    env = home(root)
    for name in ("a/b", "..", "../../etc", "שלום עולם", "🙂", "Con", "LPT1", "aux.txt"):
        new_journal(env, name)
    for refused in ("esc\x1b[31m", "bell\x07", "\u202egnp.exe", "x" * 500, "   ", "CAFÉ", "cafe"):
        if refused == "CAFÉ":
            new_journal(env, "Café")
        one_line(cli(env, "journal", "new", refused, code=1))
    folders = sorted(p.name for p in journals_dir(root).iterdir())
    assert folders == sorted(["a-b", "journal", "etc", "journal-2", "journal-3", "con-journal", "lpt1-journal",
                              "aux-txt", "cafe"])  # fmt: skip
    assert sorted(p.name for p in (root / "data" / "RelationJournal").iterdir()) == ["journals"]


# journal open FILE ---------------------------------------------------------------------------------
def test_journal_open_of_a_cut_short_or_foreign_file_says_so_and_creates_nothing(tmp_path: Path) -> None:
    """The old code said "That recovery key does not open notes.txt" (the key was right) and, for a
    backup cut short, "Restore a backup with `relationjournal restore FILE`" (of another journal)."""
    there, here = tmp_path / "there", tmp_path / "here"
    env_there, env_here = home(there), home(here)
    key = new_journal(env_there, "Acme")
    cli(env_there, "--journal", "Acme", "person", "add", "Zyxwq Plumtree")
    moved = tmp_path / "acme.rjournal"
    cli(env_there, "--journal", "Acme", "backup", "--to", str(moved))
    whole = moved.read_bytes()
    files = {"cut.rjournal": whole[:100_000], "cut-on-a-page.rjournal": whole[:65_536],
             "notes.txt": b"Call Zyxwq about the move\n", "photo.png": b"\x89PNG\r\n\x1a\n" + bytes(100)}  # fmt: skip
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        error = one_line(cli(env_here, "journal", "open", str(tmp_path / name), input=key + "\n", code=1))
        assert "nothing was created" in error and "Copy it again" in error, error
        assert "restore" not in error and "does not open" not in error
    assert not (here / "config" / "RelationJournal" / "journals.json").exists()
    assert not journals_dir(here).exists()
    assert keyring_entries(here) == 0
    assert "Zyxwq Plumtree" in cli(env_here, "journal", "open", str(moved), input=key.lower() + "\n").stdout + (
        cli(env_here, "--journal", "acme", "person", "list").stdout
    )  # the whole file, lowercase key: opens


def test_a_dates_csv_cut_short_is_one_sentence(tmp_path: Path) -> None:
    """The old message ended "is the file cut short?." (the error adds its own full stop)."""
    env = home(tmp_path / "home")
    cli(env, "init")
    dates = tmp_path / "dates.csv"
    dates.write_text('id,person_id,person_name,label,month,day,year,created_at\n1,1,X,"Birthday,2,3,,\n')
    error = one_line(cli(env, "import", "--csv", str(dates), code=1))
    assert error == ("relationjournal: Nothing was imported: dates.csv:2: not valid CSV (unexpected end of data), "
                     "as if the file were cut short.")  # fmt: skip


# Insights --------------------------------------------------------------------------------------------
def test_insights_periods_far_away_are_one_line_errors(tmp_path: Path) -> None:
    """The old code crashed: year 1 bound too many weeks (OperationalError), year 9999 overflowed."""
    env = home(tmp_path / "home")
    cli(env, "init")
    for args in (("--since", "0001-01-01"), ("--until", "9999-12-31"), ("--since", "1899-12-31")):
        error = one_line(cli(env, "insights", *args, code=1))
        assert "Insights covers 1900-01-01 to 2199-12-31" in error, error
    assert cli(env, "insights", "--since", "1900-01-01", "--format", "json").stdout.startswith("{")


def test_insights_unknown_names_suggest_the_ones_there_are(tmp_path: Path) -> None:
    env = home(tmp_path / "home")
    cli(env, "init")
    cli(env, "person", "add", "Ana", "--tag", "client")
    cli(env, "programme", "add", "Ana", "Mentoring")
    said = {args: one_line(cli(env, "insights", *args, code=1)) for args in
            (("--tag", "clint"), ("--tag", "zzz"), ("--programme", "mentorin"), ("--channel", "linkdin"))}  # fmt: skip
    assert said[("--tag", "clint")].endswith("There is no tag called 'clint'; did you mean 'client'?")
    assert said[("--tag", "zzz")].endswith("There is no tag called 'zzz'; your tags are 'client'.")
    assert said[("--programme", "mentorin")].endswith("did you mean 'Mentoring'?")
    assert said[("--channel", "linkdin")].endswith("did you mean 'LinkedIn'?")


# Ids nobody could have -------------------------------------------------------------------------------
def test_ids_too_large_or_not_ascii_digits_are_not_found_not_a_crash(tmp_path: Path) -> None:
    """The old code: OverflowError (bigger than SQLite's integers) or ValueError ("²" is a digit)."""
    env = home(tmp_path / "home")
    cli(env, "init")
    cli(env, "person", "add", "Ana")
    huge = str(10**22)
    for ref in (huge, "²"):
        assert "No person has the id" in one_line(cli(env, "person", "show", ref, code=1))
    for args in (("anniversary", "on", "note", huge), ("person", "date", "remove", huge), ("reminders", "done", huge)):
        result = cli(env, *args, code=2)
        assert "is not a positive whole number" in result.stderr and "unexpected" not in result.stderr


# Privacy ----------------------------------------------------------------------------------------------
def test_nothing_private_lands_outside_the_encrypted_journals(tmp_path: Path) -> None:
    """After the new commands (and their failures), a person's name and a note's text are found in no
    file of the user's home but the encrypted journals and their backups."""
    root = tmp_path / "home"
    env = home(root)
    name, secret = "Zyxwq Plumtree", "Quixotic marmalade confession"
    cli(env, "init")
    key = new_journal(env, "Acme")
    for journal in ("My journal", "Acme"):
        cli(env, "--journal", journal, "person", "add", name, "--tag", "client")
        cli(env, "--journal", journal, "note", "add", name, secret, "--hard-event")
        cli(
            env,
            "--journal",
            journal,
            "log",
            name,
            "--channel",
            "email",
            "--direction",
            "in",
            "--summary",
            secret,
            "--hard-event",
        )
        cli(env, "--journal", journal, "person", "date", "add", name, "Birthday", "02-29")
        cli(env, "--journal", journal, "insights", "--format", "json", "--tag", "client")
        cli(env, "--journal", journal, "insights", "--tag", "clint", code=1)
    moved = tmp_path / "moved.rjournal"
    cli(env, "--journal", "Acme", "backup", "--to", str(moved))
    cli(env, "journal", "open", str(moved), "--name", "Acme again", input=key + "\n")
    cli(
        env,
        "journal",
        "open",
        str(moved),
        "--name",
        "Wrong",
        input=key.replace(key[0], "Z" if key[0] != "Z" else "Y", 1) + "\n",
        code=1,
    )
    cli(env, "journal", "rename", "Acme again", "Acme copy")
    cli(env, "journal", "remove", "Acme copy", "--yes")
    leaked = []
    for path in root.rglob("*"):
        if not path.is_file() or path.suffix == ".db" or "backups" in path.parts:
            continue
        text = path.read_bytes()
        if any(word.encode() in text for word in ("Zyxwq", "Plumtree", "Quixotic", "marmalade")):
            leaked.append(path)
    assert leaked == []


def test_the_app_never_opens_the_default_folder_silently_when_the_list_is_damaged(tmp_path: Path) -> None:
    """A damaged list made the app open the default folder as if nothing were wrong, while the user's
    default was another client's journal: now it says so in one line and opens nothing."""
    root = tmp_path / "home"
    env = home(root)
    cli(env, "init")
    new_journal(env, "Client A")
    cli(env, "journal", "default", "Client A")
    config_file(root).write_text("{nope")
    result = cli(env, "gui", "--quit-after-paint", code=1)
    assert "journals.json" in one_line(result) and "cannot be read" in one_line(result)
    assert "journal shown" not in result.stdout
    assert config_file(root).read_text() == "{nope"


def test_the_app_sets_a_damaged_list_aside_when_asked_and_opens_the_default_journal(
    tmp_path: Path, qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relationjournal.core import registry
    from relationjournal.ui import app
    from tests.dialogs import click_in_next_message_box

    root = tmp_path / "home"
    for name, value in home(root).items():
        if name.startswith("XDG_") or name == "HOME":
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("RELATIONJOURNAL_DATA_DIR", raising=False)
    config_file(root).parent.mkdir(parents=True)
    config_file(root).write_text("{nope")

    seen: list[str] = []
    click_in_next_message_box("Quit", seen)
    assert app._chosen_location(None, False) is None
    assert "cannot be read" in seen[0] and config_file(root).read_text() == "{nope"

    click_in_next_message_box("Set the list aside", seen)
    location = app._chosen_location(None, False)
    assert location is not None and location.data_dir == registry.default_entry().location.data_dir
    assert not config_file(root).exists()
    kept = list(config_file(root).parent.glob("journals.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{nope"  # kept, renamed: never deleted
