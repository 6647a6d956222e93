"""The command line in daily use (issue 13): what it says when something is off, and the everyday
spellings it takes (names without their accents, channel names people use, snooze words in any
case). The real CLI in subprocesses on real encrypted journals; argument checks that never reach
the journal run through `main()`."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from relationjournal.core.errors import Ambiguous, NotFound
from relationjournal.core.folding import fold
from relationjournal.core.journal import Journal
from relationjournal.core.records import PersonDraft
from relationjournal.core.vocabulary import Channel, channel_named
from tests.conftest import Sandbox, run_cli
from tests.test_cli import cli_ok, init_journal, one_line_error


def usage_error(argv: list[str], _capsys: object = None) -> str:
    """Run the CLI with `argv` (in a process of its own: its `main` makes a process undumpable for
    good, which other tests' processes must not become); it must stop with exit status 2 (bad
    usage). Returns its error line."""
    result = run_cli(*argv)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


# 7. No display ------------------------------------------------------------------------------------
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY and WAYLAND_DISPLAY are Linux's")
@pytest.mark.parametrize(
    ("argv", "platform"),
    [(["gui"], None), ([], None), (["gui"], "xcb"), (["--data-dir", "somewhere", "gui"], "wayland;xcb")],
    ids=["gui", "double-click", "xcb", "wayland-then-xcb"],
)
def test_the_app_without_a_display_says_so_in_one_line_and_points_to_the_cli(
    sandbox: Sandbox, argv: list[str], platform: str | None
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    result = subprocess.run([sys.executable, "-m", "relationjournal", *argv], env=env, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 1, (result.returncode, result.stderr)  # was 134: Qt's abort
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("relationjournal: no display found") and "`relationjournal --help`" in line
    assert "xcb" not in line and result.stdout == ""


# 8. Person show, unknown people, names without accents -------------------------------------------
def test_person_show_labels_the_role_and_the_organisation_apart(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada", "--org", "Acme", "--role", "Head of Translation")
    shown = cli_ok("person", "show", "Ada").splitlines()
    assert re.fullmatch(r"\s+Role:\s+Head of Translation", shown[1]), shown
    assert re.fullmatch(r"\s+Organisation:\s+Acme", shown[2]), shown


def test_an_unknown_id_is_said_to_be_an_id_and_points_to_the_list(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    message = one_line_error(run_cli("log", "99", "--channel", "email", "--summary", "Hello"))
    assert message.startswith("relationjournal: No person has the id 99.")
    assert "`relationjournal person list`" in message and "called" not in message
    message = one_line_error(run_cli("person", "show", "Grace"))
    assert "No person is called 'Grace'" in message and "`relationjournal person list`" in message


def test_names_are_found_and_suggested_ignoring_case_and_accents(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Zoë Müller", "--org", "Acme")
    cli_ok("person", "add", "Marta Ruiz")
    cli_ok("log", "zoe muller", "--channel", "email", "--summary", "Sent the brief")
    [entry] = json.loads(cli_ok("timeline", "--format", "json"))
    assert entry["person_name"] == "Zoë Müller"
    message = one_line_error(run_cli("person", "show", "ZOE"))
    assert "No person is called 'ZOE'. Did you mean: #1 Zoë Müller (Acme)?" in message
    message = one_line_error(run_cli("person", "show", "muller zoe"))  # the words in any order
    assert "Did you mean: #1 Zoë Müller (Acme)?" in message


def test_find_person_folds_case_and_accents_and_prefers_the_exact_spelling(journal: Journal) -> None:
    zoe = journal.add_person(PersonDraft(display_name="Zoë Müller"))
    plain = journal.add_person(PersonDraft(display_name="Zoe Muller", organisation="Globex"))
    strauss = journal.add_person(PersonDraft(display_name="Jürgen Strauß"))
    soren = journal.add_person(PersonDraft(display_name="Søren Kierkegaard"))
    assert journal.find_person("zoë müller").id == zoe.id  # spelt like one of them: that one
    assert journal.find_person("ZOE MULLER").id == plain.id
    assert journal.find_person("JURGEN STRAUSS").id == strauss.id  # ß is ss
    assert journal.find_person("soren kierkegaard").id == soren.id
    with pytest.raises(Ambiguous, match=r"2 people are called 'Zoé Mullér': #1 Zoë Müller; #2 Zoe Muller \(Globex\)"):
        journal.find_person("Zoé Mullér")
    with pytest.raises(NotFound, match=r"Did you mean: #3 Jürgen Strauß\?"):
        journal.find_person("STRAUSS")


def test_fold_drops_case_and_accents_only() -> None:
    assert fold("Zoë Müller") == fold("ZOE MULLER") == "zoe muller"
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("Łódź, Ærø") == "lodz, aero"
    assert fold("ﬁnn-Ｏｌａ") == "finn-ola"  # compatibility forms: ligatures, full-width letters
    assert fold("李小龍") == "李小龍"


# 8. A conversation needs a summary ----------------------------------------------------------------
def test_a_conversation_without_a_summary_is_refused_not_saved_blank(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    result = run_cli("log", "Ada", "--channel", "x")  # no terminal to ask on
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "--summary is missing" in line and "standard input" in line
    assert "summary" in one_line_error(run_cli("log", "Ada", "--channel", "x", "--summary", "  "))
    assert "summary" in one_line_error(run_cli("log", "Ada", "--channel", "x", "--summary", "-", input="\n"))
    assert json.loads(cli_ok("timeline", "--format", "json")) == []
    cli_ok("log", "Ada", "--channel", "email", "--body", "The whole thread, quoted")  # details say what it was
    [entry] = json.loads(cli_ok("timeline", "--format", "json"))
    assert entry["body"] == "The whole thread, quoted"


# 8. The missing-journal hint can be copied -------------------------------------------------------
def test_the_missing_journal_hint_names_the_chosen_folder_so_it_can_be_copied(sandbox: Sandbox, tmp_path: Path) -> None:
    folder = tmp_path / "my journal"
    message = one_line_error(run_cli("--data-dir", str(folder), "person", "list"))
    [command] = re.findall(r"`([^`]*)`", message)
    assert command == f"relationjournal --data-dir {shlex.quote(str(folder))} init"
    env = {k: v for k, v in os.environ.items() if k != "RELATIONJOURNAL_DATA_DIR"}
    subprocess.run([sys.executable, "-m", "relationjournal", *shlex.split(command)[1:]], env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    assert "No people yet" in cli_ok("--data-dir", str(folder), "person", "list")

    message = one_line_error(run_cli("person", "list"))  # the folder from RELATIONJOURNAL_DATA_DIR
    assert f"`relationjournal --data-dir {shlex.quote(str(sandbox.data_dir))} init`" in message
    result = subprocess.run([sys.executable, "-m", "relationjournal", "person", "list"], env=env, text=True,
                            capture_output=True, timeout=120)  # fmt: skip
    assert "Run `relationjournal init` to create one." in one_line_error(result)  # the default folder


# 8. Dates, times and snooze words: bad usage, exit 2, naming what is accepted ---------------------
@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["log", "Ada", "--channel", "email", "--when", "yesterday-ish"], "when"),
        (["log", "Ada", "--channel", "email", "--follow-up", "soon"], "follow-up"),
        (["person", "add", "Ada", "--birthday", "1815-13-10"], "birthday"),
        (["person", "edit", "Ada", "--birthday", "10/12/1815"], "birthday"),
        (["programme", "add", "Ada", "Advocates", "--joined", "today"], "joined"),
        (["programme", "add", "Ada", "Advocates", "--review", "2027-02-30"], "review"),
        (["programme", "keep", "1", "--next-review", "next year"], "next review"),
        (["reminders", "snooze", "1", "2026-11-23 at noon"], "snooze until"),
    ],
)
def test_every_bad_date_or_time_is_bad_usage(argv: list[str], field: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(argv, capsys)
    assert f"{field}: " in line and "is not " in line and "like 20" in line  # what would be taken


def test_a_snooze_typo_lists_the_words_and_any_case_is_taken(sandbox: Sandbox, capsys) -> None:
    line = usage_error(["reminders", "snooze", "1", "tomorow"], capsys)
    assert "'tomorow' is not one of 1h, evening, tomorrow, next-week, or a time like 2026-11-23T14:30" in line
    init_journal()
    cli_ok("person", "add", "Lena", "--source", "new follower")  # a welcome reminder
    [welcome] = json.loads(cli_ok("reminders", "--format", "json"))
    assert "Snoozed" in cli_ok("reminders", "snooze", str(welcome["id"]), "Next Week")
    assert json.loads(cli_ok("reminders", "--format", "json"))[0]["state"] == "snoozed"


# 8. Channel names people use ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "channel"),
    [("twitter", Channel.x), ("X", Channel.x), ("Tweet", Channel.x), ("LI", Channel.linkedin),
     ("LinkedIn", Channel.linkedin), ("insta", Channel.instagram), ("IG", Channel.instagram),
     ("fb", Channel.facebook), ("E-Mail", Channel.email), ("mail", Channel.email), ("call", Channel.phone),
     ("tel", Channel.phone), ("in person", Channel.meeting), ("In-Person", Channel.meeting), ("IRL", Channel.meeting),
     ("meet", Channel.meeting), ("Company chat", Channel.chat), ("chat", Channel.chat)],
)  # fmt: skip
def test_channels_are_taken_by_the_names_people_use(name: str, channel: Channel) -> None:
    assert channel_named(name) is channel


@pytest.mark.parametrize("name", ["sms", "fax"])
def test_an_unknown_channel_lists_the_accepted_names(name: str, sandbox: Sandbox) -> None:
    init_journal()  # a name may be one of the user's own channels (issue 13): only the journal knows
    cli_ok("person", "add", "Ada")
    line = one_line_error(run_cli("log", "Ada", "--channel", name, "--summary", "Hello"))
    assert f"channel: {name!r} is not a channel; use one of x (twitter, " in line
    assert "linkedin (li)" in line and "meeting (meet, in person, irl" in line and "whatsapp (wa)" in line
    assert line.endswith("Add your own with `relationjournal channel add NAME`.")


def test_a_channel_with_no_letters_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    line = usage_error(["log", "Ada", "--channel", "--- ?"], capsys)
    assert "channel: '--- ?' is not a channel; use one of x (twitter, " in line and line.endswith("other.")


def test_logging_with_a_channel_alias_saves_the_channel(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    assert "Logged #1: x with Ada" in cli_ok("log", "Ada", "--channel", "Twitter", "--summary", "Liked the thread")


def test_dates_on_the_command_line_are_taken_as_people_write_them(sandbox) -> None:
    init_journal_for_dates()
    for written in ("2026-12-07", "7 Dec 2026", "December 7, 2026", "7.12.2026"):
        result = run_cli("person", "add", f"Ada {written}", "--birthday", written)
        assert result.returncode == 0, result.stderr
        shown = run_cli("person", "show", f"Ada {written}").stdout
        assert "7 December 2026" in shown or "2026-12-07" in shown, shown
    ambiguous = run_cli("person", "add", "Bo", "--birthday", "12/7/2026")
    assert ambiguous.returncode == 2 and "countries read it as different days" in ambiguous.stderr
    assert ambiguous.stderr.strip().splitlines()[-1].endswith("write it like 2026-12-07 or 7 Dec 2026.")  # after usage


def init_journal_for_dates() -> None:
    assert run_cli("init").returncode == 0
