"""A full disk is said in plain words, and loses nothing."""

from __future__ import annotations

from tests.conftest import Sandbox, run_cli
from tests.faults import fill, small_disk
from tests.test_cli import cli_ok, init_journal, one_line_error


def test_a_completely_full_disk_is_a_clear_message_for_reading_checking_writing_and_the_app(sandbox: Sandbox) -> None:
    with small_disk(sandbox.data_dir, 4096):
        init_journal()
        cli_ok("demo", "--people", "20", "--interactions", "100")
        listed = cli_ok("person", "list")
        filler = fill(sandbox.data_dir)
        for command in (["person", "list"], ["check"], ["person", "add", "Not Room"]):
            message = one_line_error(run_cli(*command))
            assert "unexpected error" not in message and "bug" not in message, command
            assert "full" in message, (command, message)
        app = run_cli("gui", "--quit-after-paint")
        said = [line for line in app.stderr.splitlines() if line.startswith("relationjournal:")]
        assert app.returncode == 1 and len(said) == 1 and "full" in said[0] and "bug" not in said[0], app.stderr
        filler.unlink()
        assert cli_ok("person", "list") == listed
        assert "sound" in cli_ok("check")
