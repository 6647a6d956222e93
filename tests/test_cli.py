"""The CLI end to end, in subprocesses, on real encrypted files and a real (file) keyring."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest

from tests.conftest import Sandbox, run_cli, snapshot

RECOVERY_KEY = re.compile(r"\b[0-9A-Z]{5}(?:-[0-9A-Z]{5}){10}\b")


def cli_ok(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
    result = run_cli(*args, input=input, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def init_journal() -> str:
    """Create the sandbox journal; returns the recovery key it printed."""
    out = cli_ok("init")
    match = RECOVERY_KEY.search(out)
    assert match, out
    return match.group(0)


def one_line_error(result, code: int = 1) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_init_add_log_note_search_export_import_round_trip(sandbox: Sandbox, tmp_path) -> None:
    init_journal()
    cli_ok("person", "add", "Zoë Müller", "--handle", "x:@zoe", "--handle", "email:zoe@example.org",
           "--tag", "client", "--org", "Acme, Inc.", "--why", "Translates our Hungarian campaigns",
           "--cadence", "14", "--source", "new follower")  # fmt: skip
    cli_ok("person", "add", "李小龍", "--tag", "translator")
    cli_ok("log", "zoë müller", "--channel", "linkedin", "--direction", "in", "--when", "2026-11-20T10:00+01:00",
           "--summary", "Asked how the marathon training goes", "--tone", "positive", "--follow-up", "2026-12-01",
           "--by", "Sam")  # fmt: skip
    cli_ok("note", "add", "李小龍", "-", input="Her daughter **Mia** starts school; worried about the move.\n")

    people = json.loads(cli_ok("person", "list", "--format", "json"))
    assert [p["display_name"] for p in people] == ["Zoë Müller", "李小龍"]
    assert people[0]["handles"] == [["x", "@zoe"], ["email", "zoe@example.org"]]
    cli_ok("person", "add", "=cmd|' /C calc'!A0", "--org=-minus")  # what a spreadsheet would run
    listed = list(csv.DictReader(io.StringIO(cli_ok("person", "list", "--format", "csv"))))
    rows = [(p["name"], p["organisation"]) for p in listed]
    assert ("'=cmd|' /C calc'!A0", "'-minus") in rows and ("Zoë Müller", "Acme, Inc.") in rows

    found = json.loads(cli_ok("search", "marathon", "--format", "json"))
    assert [(h["kind"], h["person_name"]) for h in found] == [("interaction", "Zoë Müller")]
    found = json.loads(cli_ok("search", "daught", "--format", "json"))  # prefix of the last word
    assert [(h["kind"], h["person_name"]) for h in found] == [("note", "李小龍")]

    timeline = json.loads(cli_ok("timeline", "Zoë Müller", "--format", "json"))
    assert timeline[0]["summary"] == "Asked how the marathon training goes"
    assert timeline[0]["occurred_at"] == "2026-11-20T09:00:00+00:00"
    assert timeline[0]["reached_out_by"] == "Sam" and timeline[0]["direction"] == "in"

    result = run_cli("export", "--csv", str(tmp_path / "export"))
    assert result.returncode == 0
    assert "NOT encrypted" in result.stderr
    [export_dir] = (tmp_path / "export").iterdir()  # a new dated folder, named in the output
    assert f"to {export_dir}:" in result.stdout
    with (export_dir / "people.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["display_name"] == "Zoë Müller" and rows[0]["organisation"] == "Acme, Inc."
    assert rows[0]["x"] == "'@zoe"  # neutralised: a spreadsheet would read @ as a formula

    other = {"RELATIONJOURNAL_DATA_DIR": str(tmp_path / "second")}
    cli_ok("init", env=other)
    cli_ok("import", "--csv", str(export_dir), env=other)
    cli_ok("export", "--csv", str(tmp_path / "again"), env=other)
    [again] = (tmp_path / "again").iterdir()
    assert snapshot(again) == snapshot(export_dir)
    assert json.loads(cli_ok("search", "Mia", "--format", "json", env=other))[0]["person_name"] == "李小龍"


def test_journal_file_is_encrypted_and_private(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Distinctive Plaintext Marker")
    database = sandbox.location.database
    header = database.read_bytes()[:16]
    assert header != b"SQLite format 3\x00"
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(database).execute("SELECT * FROM sqlite_master").fetchall()
    for path in sandbox.data_dir.rglob("*"):
        if path.is_dir():
            assert path.stat().st_mode & 0o777 == 0o700, path  # the backups folder
            continue
        assert b"Distinctive Plaintext Marker" not in path.read_bytes()
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert sandbox.data_dir.stat().st_mode & 0o777 == 0o700


def test_wrong_key_is_a_clear_error_and_changes_nothing(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    meta = json.loads(sandbox.location.meta.read_text())
    import keyring

    keyring.set_password("relationjournal", meta["journal_id"], "ab" * 32)  # a key from elsewhere
    before = snapshot(sandbox.data_dir)
    message = one_line_error(run_cli("person", "list"))
    assert "does not open this journal" in message and "recovery-key" in message
    assert snapshot(sandbox.data_dir) == before


@pytest.mark.parametrize("passphrase", ["quote \" and ' inside", "back\\slash\\", "ünïcødé – 日本語 🔐"])
def test_passphrase_journal_refuses_a_wrong_passphrase(sandbox: Sandbox, passphrase: str) -> None:
    cli_ok("init", "--passphrase", env={"RELATIONJOURNAL_PASSPHRASE": passphrase})
    cli_ok("person", "add", "Ada", env={"RELATIONJOURNAL_PASSPHRASE": passphrase})
    before = snapshot(sandbox.data_dir)
    message = one_line_error(run_cli("person", "list", env={"RELATIONJOURNAL_PASSPHRASE": passphrase + "x"}))
    assert message == "relationjournal: That passphrase does not open this journal."
    assert snapshot(sandbox.data_dir) == before
    message = one_line_error(run_cli("person", "list"))
    assert "protected by a passphrase" in message
    assert "Ada" in cli_ok("person", "list", env={"RELATIONJOURNAL_PASSPHRASE": passphrase})


def test_lost_keyring_entry_is_restored_with_the_recovery_key(sandbox: Sandbox) -> None:
    recovery = init_journal()
    cli_ok("person", "add", "Ada Lovelace")
    meta = json.loads(sandbox.location.meta.read_text())
    import keyring

    keyring.delete_password("relationjournal", meta["journal_id"])
    message = one_line_error(run_cli("person", "list"))
    assert "holds no key for this journal" in message and "unlock --recovery-key" in message

    typo = recovery[:-1] + ("A" if recovery[-1] != "A" else "B")
    assert "typo" in one_line_error(run_cli("unlock", "--recovery-key", input=typo + "\n"))
    assert "Unlocked" in cli_ok("unlock", "--recovery-key", input=recovery.lower().replace("-", " ") + "\n")
    assert "Ada Lovelace" in cli_ok("person", "list")


def test_rekey_makes_the_old_key_useless(sandbox: Sandbox) -> None:
    old_recovery = init_journal()
    cli_ok("person", "add", "Ada")
    out = cli_ok("rekey")
    new_recovery = RECOVERY_KEY.search(out).group(0)
    assert new_recovery != old_recovery
    assert not list(sandbox.data_dir.glob(".journal.db.*")), "the re-encrypted copy's temp name is gone"
    assert "Ada" in cli_ok("person", "list")
    meta = json.loads(sandbox.location.meta.read_text())
    import keyring

    keyring.delete_password("relationjournal", meta["journal_id"])
    assert "does not open" in one_line_error(run_cli("unlock", "--recovery-key", input=old_recovery + "\n"))
    cli_ok("unlock", "--recovery-key", input=new_recovery + "\n")
    assert "Ada" in cli_ok("person", "list")


def test_no_keyring_falls_back_to_a_passphrase(sandbox: Sandbox) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "RELATIONJOURNAL_PASSPHRASE": "correct horse"}
    result = run_cli("init", env=env)
    assert result.returncode == 0, result.stderr
    assert "no system keyring" in result.stderr and "passphrase" in result.stderr
    assert json.loads(sandbox.location.meta.read_text())["protection"] == "passphrase"
    cli_ok("person", "add", "Ada", env=env)
    no_passphrase = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    assert "passphrase" in one_line_error(run_cli("person", "list", env=no_passphrase))


def test_unknown_and_ambiguous_people_are_named(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Alex Kim", "--org", "Acme")
    cli_ok("person", "add", "alex kim", "--org", "Globex")
    message = one_line_error(run_cli("note", "add", "ALEX KIM", "hello"))
    assert "2 people are called" in message and "#1 Alex Kim (Acme)" in message and "#2 alex kim (Globex)" in message
    message = one_line_error(run_cli("log", "Alex", "--channel", "email", "--summary", "Hi"))
    assert "No person is called 'Alex'" in message and "Did you mean" in message
    assert "Added note" in cli_ok("note", "add", "2", "hello")


def test_bad_usage_exits_2_and_refused_values_exit_1(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    assert run_cli("log", "Ada", "--channel", "fax").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    result = run_cli("log", "Ada", "--channel", "email", "--when", "yesterday-ish")  # as every date option
    assert result.returncode == 2 and "when: 'yesterday-ish' is not a time" in result.stderr
    assert "empty" in one_line_error(run_cli("note", "add", "Ada", "   "))


def test_commands_without_a_journal_say_how_to_make_one(sandbox: Sandbox) -> None:
    message = one_line_error(run_cli("person", "list"))
    assert "no journal" in message.lower() and f"relationjournal --data-dir {sandbox.data_dir} init" in message
    init_journal()
    assert "already exists" in one_line_error(run_cli("init"))


def test_check_reports_a_sound_journal(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    assert "sound" in cli_ok("check")


def test_import_of_a_bad_file_names_the_line_and_imports_nothing(sandbox: Sandbox, tmp_path) -> None:
    init_journal()
    bad = tmp_path / "people.csv"
    bad.write_text("display_name,cadence_days\nAda,7\nGrace,often\n", encoding="utf-8")
    message = one_line_error(run_cli("import", "--csv", str(bad)))
    assert "Nothing was imported" in message and "people.csv:3: cadence" in message
    assert "No people yet" in cli_ok("person", "list")


def test_version(sandbox: Sandbox) -> None:
    from relationjournal import __version__

    assert cli_ok("--version").strip() == f"relationjournal {__version__}"


def test_due_reminders_are_grouped_and_ordered_as_today_shows_them(sandbox: Sandbox) -> None:
    """`reminders --due` prints Today's sections, with Today's titles, in Today's order."""
    from datetime import UTC, date, datetime, timedelta

    from relationjournal.core.access import create_journal
    from relationjournal.core.records import InteractionDraft, PersonDraft
    from relationjournal.core.vocabulary import Channel

    journal = create_journal(sandbox.location).journal
    try:
        journal.set_setting("quiet_hours", ["00:00", "00:00"])  # whatever time the test runs
        now = datetime.now(UTC)
        long_ago = now - timedelta(days=40)
        zoe = journal.add_person(PersonDraft("Zoë", cadence_days=7), now=long_ago)  # stay in touch
        journal.log_interaction(zoe.id, InteractionDraft(Channel.whatsapp, summary="The meetup", occurred_at=long_ago),
                                now=long_ago)  # fmt: skip
        journal.add_person(PersonDraft("Noor", source="new follower"))  # a welcome
        ada = journal.add_person(PersonDraft("Ada"))
        yesterday = date.today() - timedelta(days=1)
        asked = InteractionDraft(Channel.email, summary="Her proposal", occurred_at=now, follow_up_on=yesterday)
        journal.log_interaction(ada.id, asked, now=now)  # a follow-up
        three_days_ago = now - timedelta(days=3)
        lena = journal.add_person(PersonDraft("Lena"), now=three_days_ago)
        journal.log_interaction(lena.id, InteractionDraft(Channel.instagram, summary="Her father died", hard_event=True,
                                                          occurred_at=three_days_ago), now=three_days_ago)  # fmt: skip
        sam = journal.add_person(PersonDraft("Sam"))
        journal.add_membership(sam.id, "Advocates", date.today() - timedelta(days=100),
                               review_on=date.today() - timedelta(days=1))  # fmt: skip
    finally:
        journal.close()

    headings = [line for line in cli_ok("reminders", "--due").splitlines() if line and not line.startswith(" ")]
    assert headings == ["Take care of yourself:", "Check-ins:", "Follow-ups:", "Welcomes:", "Stay in touch:",
                        "Programmes:"]  # fmt: skip
    groups = [d["group"] for d in json.loads(cli_ok("reminders", "--due", "--format", "json"))["due"]]
    assert list(dict.fromkeys(groups)) == ["self_care", "check_in", "follow_up", "welcome", "stay_in_touch",
                                           "programme"]  # fmt: skip


def test_hard_event_from_the_cli_schedules_care_and_reminders_can_be_acted_on(sandbox: Sandbox) -> None:
    init_journal()
    assert cli_ok("settings", "quiet_hours", "off").strip() == "quiet_hours = off"  # whatever the time of day
    assert "not a time" in one_line_error(run_cli("settings", "quiet_hours", "late-early"))
    assert "Unknown setting" in one_line_error(run_cli("settings", "colour"))
    cli_ok("person", "add", "Lena", "--source", "new follower", "--remember", "Runs a bakery in Porto")
    due = json.loads(cli_ok("reminders", "--due", "--format", "json"))
    [welcome] = due["due"]
    assert welcome["kind"] == "welcome" and welcome["group"] == "welcome"

    out = cli_ok("log", "Lena", "--channel", "instagram", "--summary", "Her father died", "--hard-event",
                 "--when", "2026-11-10T12:00")  # fmt: skip
    assert "Scheduled:" in out
    assert out.count("check in:") == 3 and out.count("self care:") == 2

    listed = cli_ok("reminders")
    check_in_id = re.search(r"#(\d+)\s+\S+ \S+\s+check in", listed).group(1)
    assert "Snoozed" in cli_ok("reminders", "snooze", check_in_id, "next-week")
    assert "Done" in cli_ok("reminders", "done", check_in_id)
    assert "already done" in one_line_error(run_cli("reminders", "done", check_in_id))
    assert "no reminder with id 999" in one_line_error(run_cli("reminders", "dismiss", "999"))
    self_care_id = re.search(r"#(\d+)\s+\S+ \S+\s+self care", listed).group(1)
    result = run_cli("reminders", "snooze", self_care_id, "someday")
    assert result.returncode == 2 and "'someday' is not one of 1h, evening, tomorrow, next-week" in result.stderr
    assert "already done" in one_line_error(run_cli("reminders", "snooze", "1", "tomorrow"))  # welcomed: closed


def test_programme_membership_from_the_cli(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Noor")
    assert "membership #1" in cli_ok("programme", "add", "Noor", "Brand advocates", "--review", "2026-12-01")
    assert "Brand advocates since" in cli_ok("person", "show", "Noor")
    out = cli_ok("programme", "rotate-out", "1", "--record", "Thanked her; the perks end in March.")
    assert "history is kept" in out
    assert "Rotated out of Brand advocates" in cli_ok("timeline", "Noor")
