"""A key change is proven before anything relies on it, and a killed one never looks like damage."""

from __future__ import annotations

import signal

import pytest

from relationjournal.core.access import open_journal
from tests.conftest import Sandbox, run_cli, snapshot
from tests.faults import fill, run_cli_killed, small_disk
from tests.test_cli import RECOVERY_KEY, cli_ok, init_journal, one_line_error

PASSPHRASE = "correct horse battery"
NEW_PASSPHRASE = "a brand new passphrase"


def make_journal(protection: str) -> dict[str, str]:
    """A journal with some people in it; returns the environment its commands need."""
    env: dict[str, str] = {}
    if protection == "passphrase":
        env = {"RELATIONJOURNAL_PASSPHRASE": PASSPHRASE}
        cli_ok("init", "--passphrase", env=env)
    else:
        init_journal()
    cli_ok("demo", "--people", "40", "--interactions", "300", env=env)
    return env


def people(env: dict[str, str]) -> str:
    return cli_ok("person", "list", env=env)


@pytest.mark.parametrize("protection", ["keyring", "passphrase"])
def test_a_key_change_on_a_nearly_full_disk_is_refused_and_the_old_key_still_opens(
    sandbox: Sandbox, protection: str
) -> None:
    with small_disk(sandbox.data_dir, 4096):
        env = make_journal(protection)
        before = people(env)
        journal_size = sandbox.location.database.stat().st_size
        filler = fill(sandbox.data_dir, leave_kib=journal_size // 1024 // 2)  # room for half a copy
        files = {name: data for name, data in snapshot(sandbox.data_dir).items() if name != "filler"}

        result = run_cli("rekey", input="", env={**env, "RELATIONJOURNAL_NEW_PASSPHRASE": NEW_PASSPHRASE})
        message = one_line_error(result)
        assert "key was not changed" in message and "old key" in message
        assert not RECOVERY_KEY.search(result.stdout)  # no new recovery key was handed out

        filler.unlink()
        after = {name: data for name, data in snapshot(sandbox.data_dir).items() if name != "filler"}
        assert after["journal.db"] == files["journal.db"] and after["journal.meta.json"] == files["journal.meta.json"]
        assert people(env) == before
        assert "sound" in cli_ok("check", env=env)


# Named points inside `access.change_key`, in the order they happen, for a keyring journal.
KEYRING_POINTS = [
    ("relationjournal.core.access:reencrypt", 1),  # proven copy written, nothing else changed
    ("relationjournal.core.access:fsync_dir", 1),  # renamed into place; keyring and metadata still old
    ("relationjournal.core.access:store_key", 2),  # keyring has the new key; metadata still old
    ("relationjournal.core.access:write_meta", 2),  # all done but the side entry
]


@pytest.mark.parametrize(("point", "call"), KEYRING_POINTS, ids=[p[0].split(":")[1] for p in KEYRING_POINTS])
def test_a_key_change_killed_at_any_point_opens_and_checks_sound(sandbox: Sandbox, point: str, call: int) -> None:
    env = make_journal("keyring")
    before = people(env)
    cli_ok("person", "add", "Written Before Rekey")
    killed = run_cli_killed(point, "rekey", after_call=call)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    check = run_cli("check")
    assert check.returncode == 0 and "sound" in check.stdout  # never "damaged… restore a backup"
    if point.endswith(("fsync_dir", "store_key", "write_meta")):  # the new key took effect: its recovery key is shown
        shown = RECOVERY_KEY.search(check.stderr).group(0)
        cli_ok("unlock", "--recovery-key", input=shown + "\n")
    else:
        assert not RECOVERY_KEY.search(check.stderr)
    listed = people(env)
    assert "Written Before Rekey" in listed and all(line in listed for line in before.splitlines()[1:])
    cli_ok("person", "add", "Written After")
    # The journal is fully usable: another key change works and keeps everything.
    recovery = RECOVERY_KEY.search(cli_ok("rekey")).group(0)
    assert "Written After" in people(env)
    with open_journal(sandbox.location) as journal:
        assert journal.integrity_problems() == []
    # ... and the recovery key it printed is the one that opens the file.
    cli_ok("unlock", "--recovery-key", input=recovery + "\n")


@pytest.mark.parametrize("point", ["relationjournal.core.access:fsync_dir", "relationjournal.core.access:reencrypt"])
def test_a_passphrase_change_killed_midway_opens_with_the_right_passphrase(sandbox: Sandbox, point: str) -> None:
    env = make_journal("passphrase")
    killed = run_cli_killed(point, "rekey", env={**env, "RELATIONJOURNAL_NEW_PASSPHRASE": NEW_PASSPHRASE})
    assert killed.returncode == -signal.SIGKILL
    renamed = point.endswith("fsync_dir")
    works, refused = (NEW_PASSPHRASE, PASSPHRASE) if renamed else (PASSPHRASE, NEW_PASSPHRASE)
    message = one_line_error(run_cli("person", "list", env={"RELATIONJOURNAL_PASSPHRASE": refused}))
    assert "damaged" not in message
    if renamed:
        assert "try the new passphrase" in message
    assert "sound" in cli_ok("check", env={"RELATIONJOURNAL_PASSPHRASE": works})
    # Once opened, the change is finished: the old passphrase is now simply wrong.
    message = one_line_error(run_cli("person", "list", env={"RELATIONJOURNAL_PASSPHRASE": refused}))
    assert message.endswith(": That passphrase does not open this journal.")
