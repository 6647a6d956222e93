"""The app starts offscreen on a real journal and exits after its first paint."""

from __future__ import annotations

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
