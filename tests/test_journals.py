"""Several journals (one per client) and moving a journal to another computer.

Real encrypted journals, a real (file) keyring, the real CLI in subprocesses. A "home" is a user's
whole world: HOME, the XDG folders and the keyring file inside them; a second home with an empty
keyring stands for the other computer.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from relationjournal.core import registry
from relationjournal.core.errors import InvalidInput, JournalExists, NotFound
from relationjournal.core.journal import Journal
from relationjournal.core.vault import KEYRING_SERVICE, read_meta
from tests.conftest import FILE_KEYRING, Sandbox, run_cli, snapshot

RECOVERY_KEY = re.compile(r"\b[0-9A-Z]{5}(?:-[0-9A-Z]{5}){10}\b")


def home(root: Path) -> dict[str, str]:
    """The environment of a user whose home is `root`: data, config and keyring all inside it."""
    env = {k: v for k, v in os.environ.items() if k != "RELATIONJOURNAL_DATA_DIR"}
    for name, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"),
                      ("XDG_STATE_HOME", "state")):  # fmt: skip
        (root / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(root / sub)
    env.update(HOME=str(root), PYTHON_KEYRING_BACKEND=FILE_KEYRING)
    return env


def cli(env: dict[str, str], *args: str, input: str = "", code: int = 0) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "relationjournal", *args], input=input, capture_output=True,
                            text=True, env=env, timeout=120)  # fmt: skip
    assert result.returncode == code, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def new_journal(env: dict[str, str], name: str) -> str:
    """Make a journal with the CLI; returns the recovery key it showed."""
    out = cli(env, "journal", "new", name).stdout
    found = RECOVERY_KEY.search(out)
    assert found, out
    return found.group(0)


def every_file(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


# The list of journals, in the core ---------------------------------------------------------------
def test_an_existing_journal_is_the_default_with_nothing_to_migrate(journal: Journal, sandbox: Sandbox) -> None:
    journal.close()
    assert not registry.registry_path().exists()
    [entry] = registry.entries()
    assert (entry.name, entry.default, entry.location) == ("My journal", True, sandbox.location)
    assert registry.locate() == sandbox.location
    assert not registry.registry_path().exists()  # reading the list writes nothing


def test_names_are_unique_ignoring_case_and_accents_and_never_blank(sandbox: Sandbox) -> None:
    from relationjournal.core.journals import new_journal as make

    made = make("Café Müller")
    made.created.journal.close()
    assert made.entry.location.data_dir == registry.journals_root() / "cafe-muller"
    for taken in ("cafe muller", "CAFÉ  MÜLLER", "my JOURNAL"):
        with pytest.raises(JournalExists, match="already a journal called"):
            make(taken)
    for blank in ("", "   ", "\t"):
        with pytest.raises(InvalidInput, match="needs a name"):
            make(blank)
    assert [e.name for e in registry.entries()] == ["My journal", "Café Müller"]
    assert sorted(p.name for p in registry.journals_root().iterdir()) == ["cafe-muller"]  # no half folder
    with pytest.raises(NotFound, match="your journals are 'My journal', 'Café Müller'"):
        registry.find("Globex")


def test_rename_changes_the_name_only_and_each_journal_has_its_own_key_and_backups(sandbox: Sandbox) -> None:
    from relationjournal.core.access import open_journal
    from relationjournal.core.errors import WrongKey
    from relationjournal.core.journals import new_journal as make

    first, second = make("Acme"), make("Globex")
    first.created.journal.close()
    second.created.journal.close()
    folder = first.entry.location.data_dir
    renamed = registry.rename("acme", "Acme Corp")
    assert (renamed.name, renamed.location.data_dir) == ("Acme Corp", folder)
    with pytest.raises(JournalExists):
        registry.rename("Acme Corp", "GLOBEX")
    a, b = (read_meta(registry.find(n).location) for n in ("Acme Corp", "Globex"))
    assert a is not None and b is not None and a.journal_id != b.journal_id  # two keyring entries
    key_a, key_b = (keyring.get_password(KEYRING_SERVICE, m.journal_id) for m in (a, b))
    assert key_a and key_b and key_a != key_b
    assert registry.find("Acme Corp").location.backups != registry.find("Globex").location.backups
    # the default journal is what the app (ui.app.run) and every command open when none is named
    registry.make_default("globex")
    assert registry.locate() == sandbox.location  # RELATIONJOURNAL_DATA_DIR, like --data-dir, still wins
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("RELATIONJOURNAL_DATA_DIR")
        assert registry.locate() == registry.find("Globex").location
        assert registry.locate(journal="acme corp") == registry.find("Acme Corp").location
    # Globex's key in Acme's entry: Acme does not open with it
    keyring.set_password(KEYRING_SERVICE, a.journal_id, key_b)
    with pytest.raises(WrongKey):
        open_journal(registry.find("Acme Corp").location)


# The CLI -------------------------------------------------------------------------------------------
def test_journals_lists_them_and_journal_default_chooses_the_one_used_when_none_is_named(tmp_path: Path) -> None:
    env = home(tmp_path / "home")
    cli(env, "init")
    cli(env, "person", "add", "Mine Only")
    new_journal(env, "Acme")
    cli(env, "--journal", "acme", "person", "add", "Acme Person")
    listed = json.loads(cli(env, "journals", "--format", "json").stdout)
    assert [(j["name"], j["default"]) for j in listed] == [("My journal", True), ("Acme", False)]
    assert "* My journal" in cli(env, "journals").stdout
    assert "Acme Person" not in cli(env, "person", "list").stdout
    cli(env, "journal", "default", "ACME")
    people = cli(env, "person", "list").stdout
    assert "Acme Person" in people and "Mine Only" not in people
    assert "Mine Only" in cli(env, "--journal", "my journal", "person", "list").stdout


def test_journal_errors_are_one_line_and_change_nothing(tmp_path: Path) -> None:
    env = home(tmp_path / "home")
    new_journal(env, "Acme")
    before = snapshot(tmp_path / "home")
    unknown = one_line(cli(env, "--journal", "Initech", "person", "list", code=1))
    assert unknown == "relationjournal: There is no journal called 'Initech'; your journals are 'My journal', 'Acme'."
    both = one_line(cli(env, "--journal", "Acme", "--data-dir", str(tmp_path), "person", "list", code=2))
    assert "not both" in both
    assert "already a journal called 'Acme'" in one_line(cli(env, "journal", "new", "ACME", code=1))
    assert "needs a name" in one_line(cli(env, "journal", "rename", "Acme", " ", code=1))
    assert "default journal" in one_line(cli(env, "journal", "remove", "My journal", "--yes", code=1))
    assert "Add --yes" in one_line(cli(env, "journal", "remove", "Acme", code=1))
    assert snapshot(tmp_path / "home") == before


def test_removing_a_journal_deletes_its_files_and_key_and_keeps_its_backups_unless_asked(tmp_path: Path) -> None:
    env = home(tmp_path / "home")
    for name in ("Acme", "Globex"):
        new_journal(env, name)
        cli(env, "--journal", name, "backup")
    folders = {j["name"]: Path(j["folder"]) for j in json.loads(cli(env, "journals", "--format", "json").stdout)}
    keyring_file = tmp_path / "home" / "data" / "python_keyring" / "keyring_pass.cfg"
    ids = {
        name: json.loads((folders[name] / "journal.meta.json").read_text())["journal_id"].replace("-", "_2d")
        for name in folders
        if name != "My journal"
    }  # (as the file keyring writes an entry's name)
    assert all(i in keyring_file.read_text() for i in ids.values())

    out = cli(env, "journal", "remove", "acme", "--yes").stdout
    assert "backups are kept" in out
    assert not (folders["Acme"] / "journal.db").exists() and not (folders["Acme"] / "journal.meta.json").exists()
    assert len(list((folders["Acme"] / "backups").glob("journal-*.db"))) == 1
    assert ids["Acme"] not in keyring_file.read_text() and ids["Globex"] in keyring_file.read_text()
    cli(env, "journal", "remove", "Globex", "--with-backups", "--yes")
    assert not folders["Globex"].exists()
    assert [j["name"] for j in json.loads(cli(env, "journals", "--format", "json").stdout)] == ["My journal"]


# Two clients side by side ----------------------------------------------------------------------------
def test_two_clients_journals_share_nothing(tmp_path: Path) -> None:
    """Distinctive text written into each journal is found by its own search only, and in no file
    anywhere in plain text."""
    root = tmp_path / "home"
    env = home(root)
    secrets = {"Acme": "Zanzibarquokka", "Globex": "Mumbletwister"}
    cli(env, "init")
    for client, word in secrets.items():
        new_journal(env, client)
        cli(env, "--journal", client, "person", "add", f"{word} Person", "--org", client)
        cli(env, "--journal", client, "note", "add", f"{word} Person", f"Loves {word} tea")
        cli(env, "--journal", client, "settings", "me", f"{word} manager")
    for client, word in secrets.items():
        other = next(w for c, w in secrets.items() if c != client)
        mine = json.loads(cli(env, "--journal", client, "search", word, "--format", "json").stdout)
        assert mine, client
        assert json.loads(cli(env, "--journal", client, "search", other, "--format", "json").stdout) == []
        assert f"{word} manager" in cli(env, "--journal", client, "settings", "me").stdout
    assert "Zanzibarquokka" not in cli(env, "person", "list").stdout  # the default journal holds neither
    for path, data in every_file(root).items():
        for word in secrets.values():
            assert word.encode() not in data and word.encode("utf-16-le") not in data, path


# Moving a journal to another computer ---------------------------------------------------------------
def test_a_journal_moves_as_one_file_to_a_fresh_home_with_its_recovery_key(tmp_path: Path) -> None:
    a, b = home(tmp_path / "a"), home(tmp_path / "b")
    key = new_journal(a, "Acme")
    j = ("--journal", "Acme")
    cli(a, *j, "person", "add", "Ada Lovelace", "--org", "Analytical", "--tag", "client", "--cadence", "30")
    cli(a, *j, "person", "add", "Grace Hopper", "--why", "mentor")
    cli(a, *j, "note", "add", "Ada Lovelace", "Prefers letters", "--pin")
    cli(a, *j, "log", "Grace Hopper", "--channel", "email", "--summary", "Talked compilers", "--follow-up",
        "2030-01-15")  # fmt: skip
    cli(a, *j, "log", "Ada Lovelace", "--channel", "call", "--summary", "Engines", "--tone", "difficult")
    cli(a, *j, "settings", "me", "Charles")
    cli(a, *j, "settings", "quiet_hours", "22:00-07:00")
    reminders_a = cli(a, *j, "reminders", "--format", "json").stdout
    assert json.loads(reminders_a)  # the follow-up is a reminder
    moved = tmp_path / "usb" / "acme.rjournal"
    out = cli(a, *j, "backup", "--to", str(moved)).stdout
    assert "journal open" in out and "recovery key" in out  # says, in plain words, what the other side needs

    def state(env: dict[str, str], name: str) -> dict[str, str]:
        export = tmp_path / f"export-{env['HOME'][-1]}"
        cli(env, "--journal", name, "export", "--csv", str(export))
        files = {p.name: p.read_text() for p in export.rglob("*.csv")}
        return files | {cmd: cli(env, "--journal", name, *cmd.split()).stdout for cmd in
                        ("settings", "reminders --format json", "timeline --format json", "person list")}  # fmt: skip

    before = state(a, "Acme")
    b_before = snapshot(tmp_path / "b")

    # B: the wrong recovery key (a valid one of another journal) is refused, and B is unchanged
    other_key = new_journal(home(tmp_path / "c"), "Other")
    wrong = one_line(cli(b, "journal", "open", str(moved), input=other_key + "\n", code=1))
    assert "does not open acme.rjournal: nothing was created" in wrong
    typo = key[:-1] + ("X" if key[-1] != "X" else "Y")  # a key ending in X would otherwise be the right key
    assert "typo" in one_line(cli(b, "journal", "open", str(moved), input=typo + "\n", code=1))
    assert snapshot(tmp_path / "b") == b_before

    out = cli(b, "journal", "open", str(moved), input=key.lower() + "\n").stdout
    assert "as the journal 'acme'" in out and "2 people" in out
    cli(b, "journal", "rename", "acme", "Acme")
    after = state(b, "Acme")
    assert after == before
    assert "Ada Lovelace" in after["person list"] and "Charles" in after["settings"]
    # the key now sits in B's own keyring: the journal opens with no recovery key from here on
    assert cli(b, "--journal", "Acme", "check").returncode == 0
    # and opening it twice makes no second journal
    assert "already a journal called" in one_line(cli(b, "journal", "open", str(moved), "--name", "Acme",
                                                      input=key + "\n", code=1))  # fmt: skip


def test_a_passphrase_journal_moves_with_its_passphrase(tmp_path: Path) -> None:
    a, b = home(tmp_path / "a"), home(tmp_path / "b")
    secret = {"RELATIONJOURNAL_PASSPHRASE": "correct horse battery"}
    cli({**a, **secret}, "journal", "new", "Private", "--passphrase")
    cli({**a, **secret}, "--journal", "Private", "person", "add", "Only Here")
    moved = tmp_path / "private.rjournal"
    out = cli({**a, **secret}, "--journal", "Private", "backup", "--to", str(moved)).stdout
    assert "passphrase" in out
    refused = one_line(cli({**b, "RELATIONJOURNAL_PASSPHRASE": "wrong horse battery"}, "journal", "open", str(moved),
                           "--passphrase", code=1))  # fmt: skip
    assert "does not open" in refused
    assert not (tmp_path / "b" / "config" / "RelationJournal" / "journals.json").exists()
    cli({**b, **secret}, "journal", "open", str(moved), "--passphrase")
    assert "Only Here" in cli({**b, **secret}, "--journal", "private", "person", "list").stdout


def test_the_sandbox_default_journal_keeps_working_untouched(sandbox: Sandbox) -> None:
    """An installation from before several journals: `init`, then commands with no journal named."""
    assert run_cli("init").returncode == 0
    assert run_cli("person", "add", "Kept Person").returncode == 0
    assert "Kept Person" in run_cli("person", "list").stdout
    listed = json.loads(run_cli("journals", "--format", "json").stdout)
    assert listed == [{"name": "My journal", "folder": str(sandbox.data_dir), "default": True,
                       "last_opened": listed[0]["last_opened"], "exists": True}]  # fmt: skip


# A journal folder from before --------------------------------------------------------------------------
def test_journal_add_puts_a_data_dir_folder_on_the_list_once(tmp_path: Path) -> None:
    """A journal kept with --data-dir (from before several journals) joins the list under its folder's
    name and is used with --journal; a folder with no journal, or one listed already, is refused in one
    line and the list is unchanged."""
    a = home(tmp_path / "a")
    folder = tmp_path / "clients" / "acme"
    cli(a, "--data-dir", str(folder), "init")
    cli(a, "--data-dir", str(folder), "person", "add", "Ada Lovelace")
    out = cli(a, "journal", "add", str(folder)).stdout
    assert f"Added the journal in {folder} as 'acme'" in out and "--journal acme" in out
    assert "Ada Lovelace" in cli(a, "--journal", "acme", "person", "list").stdout
    config = tmp_path / "a" / "config"
    before = snapshot(config)
    again = one_line(cli(a, "journal", "add", str(folder / ".." / "acme"), "--name", "Other", code=1))
    assert again == f"relationjournal: {folder} is already in your list as 'acme'; nothing was added."
    (tmp_path / "photos").mkdir()
    assert one_line(cli(a, "journal", "add", str(tmp_path / "photos"), code=1)) == (
        f"relationjournal: {tmp_path / 'photos'} holds no journal (no journal.db and journal.meta.json); "
        "nothing was added.")  # fmt: skip
    assert "does not exist" in one_line(cli(a, "journal", "add", str(tmp_path / "nowhere"), code=1))
    assert snapshot(config) == before
    # a folder named like a journal of the list: said, with the way out
    new_journal(a, "Globex")
    globex = tmp_path / "old" / "globex"
    cli(a, "--data-dir", str(globex), "init")
    taken = one_line(cli(a, "journal", "add", str(globex), code=1))
    assert "already a journal called 'Globex'" in taken and "--name NAME" in taken
    cli(a, "journal", "add", str(globex), "--name", "Globex 2019")
    assert [j["name"] for j in json.loads(cli(a, "journals", "--format", "json").stdout)] == [
        "My journal", "acme", "Globex", "Globex 2019"]  # fmt: skip


def test_journal_add_of_a_copied_folder_asks_its_recovery_key_once_and_keeps_it_here(tmp_path: Path) -> None:
    """A journal folder copied from another computer (its key is in that computer's keyring): adding it
    asks for the recovery key; a wrong one adds nothing; the right one goes into this keyring."""
    import shutil

    a, b = home(tmp_path / "a"), home(tmp_path / "b")
    folder = tmp_path / "a" / "acme"
    found = RECOVERY_KEY.search(cli(a, "--data-dir", str(folder), "init").stdout)
    assert found
    cli(a, "--data-dir", str(folder), "person", "add", "Ada Lovelace")
    copy = tmp_path / "usb" / "acme"
    shutil.copytree(folder, copy)
    b_before = snapshot(tmp_path / "b")
    other_key = new_journal(home(tmp_path / "c"), "Other")
    wrong = one_line(cli(b, "journal", "add", str(copy), input=other_key + "\n", code=1))
    assert wrong == "relationjournal: That recovery key does not open this journal; nothing was added."
    assert snapshot(tmp_path / "b") == b_before
    out = cli(b, "journal", "add", str(copy), input=found.group(0) + "\n").stdout
    assert "as 'acme'; its key is now in this computer's keyring" in out
    assert "Ada Lovelace" in cli(b, "--journal", "acme", "person", "list", input="").stdout  # no key asked
    assert cli(b, "--journal", "acme", "check").returncode == 0


def test_removing_an_added_copy_of_a_journal_leaves_the_other_one_its_key(tmp_path: Path) -> None:
    """A folder restored from the user's own backup tool, added beside the journal it copies: both open
    with one keyring entry, so removing the copy keeps the key the other one needs."""
    import shutil

    a = home(tmp_path / "a")
    new_journal(a, "Acme")
    cli(a, "--journal", "Acme", "person", "add", "Ada Lovelace")
    folder = tmp_path / "a" / "data" / "RelationJournal" / "journals" / "acme"  # (where `journal new` made it)
    restored = tmp_path / "restored" / "acme"
    shutil.copytree(folder, restored, ignore=shutil.ignore_patterns("*.lock", "backups"))
    cli(a, "journal", "add", str(restored), "--name", "Acme restored")  # the same key: none asked
    cli(a, "journal", "remove", "Acme restored", "--yes")
    assert "Ada Lovelace" in cli(a, "--journal", "Acme", "person", "list").stdout
