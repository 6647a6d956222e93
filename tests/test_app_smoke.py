"""The app starts offscreen on a real journal and exits after its first paint."""

from __future__ import annotations

import pytest

from tests.conftest import Sandbox, run_cli


def test_gui_quit_after_paint_on_a_new_and_an_existing_journal(sandbox: Sandbox) -> None:
    assert run_cli("gui", "--quit-after-paint").returncode == 0
    assert run_cli("init").returncode == 0
    result = run_cli("--data-dir", str(sandbox.location.data_dir), "gui", "--quit-after-paint")
    assert result.returncode == 0, result.stderr
    # The window paints first; the journal is opened into it after that.
    times = dict(line.rsplit(" at ", 1) for line in result.stdout.splitlines())
    assert float(times["first paint"]) <= float(times["journal shown"])


def test_gui_quit_after_paint_fails_on_a_journal_it_cannot_open(sandbox: Sandbox) -> None:
    assert run_cli("init").returncode == 0
    import json

    import keyring

    meta = json.loads(sandbox.location.meta.read_text())
    keyring.delete_password("relationjournal", meta["journal_id"])
    result = run_cli("gui", "--quit-after-paint")
    assert result.returncode == 1
    assert "recovery-key" in result.stderr and "Traceback" not in result.stderr


def test_a_second_start_never_opens_a_journal_another_app_holds(sandbox: Sandbox) -> None:
    """If the app that holds the journal does not answer (still starting, or stuck), a second start
    says so and exits: it does not open the journal a second time."""
    from relationjournal.core.applock import AppLock

    assert run_cli("init").returncode == 0
    held = AppLock(sandbox.location)
    assert held.acquire()  # as a running app would hold it; nothing listens on its socket
    try:
        result = run_cli("gui", "--quit-after-paint")
    finally:
        held.release()
    assert result.returncode == 1
    assert "already open on this journal, but it does not answer" in result.stderr
    assert "journal shown" not in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], (None, False)),
        (["gui"], (None, False)),
        (["gui", "--quit-after-paint"], (None, True)),
        (["--data-dir", "/j", "gui"], ("/j", False)),
        (["--data-dir=/j", "gui", "--quit-after-paint"], ("/j", True)),
        (["--data-dir", "-h"], None),  # argparse decides what that means
        (["gui", "--help"], None),
        (["person", "list"], None),
        (["--version"], None),
    ],
)
def test_the_apps_own_command_line_skips_the_parser_and_nothing_else(argv: list[str], expected: object) -> None:
    from relationjournal.cli import _app_arguments

    assert _app_arguments(argv) == expected
