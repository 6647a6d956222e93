"""Shared fixtures: every test runs with its own data, config, cache and keyring in a temp dir.

The keyring is a real backend installed through keyring's own mechanisms: `keyring.set_keyring`
in this process and `PYTHON_KEYRING_BACKEND` for CLI subprocesses (keyrings.alt's file backend,
which keeps its file under XDG_DATA_HOME, here inside the test's temp dir).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from relationjournal.core.access import create_journal
from relationjournal.core.journal import Journal
from relationjournal.core.locations import JournalLocation, resolve_location

FILE_KEYRING = "keyrings.alt.file.PlaintextKeyring"
# Before pytest-qt makes its session-wide QApplication: tests never need a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


@dataclass
class Sandbox:
    root: Path
    data_dir: Path

    @property
    def location(self) -> JournalLocation:
        return resolve_location(self.data_dir)

    def private_dirs(self) -> list[Path]:
        """Every place the app could write: data, config, cache, state, runtime and temp."""
        return [self.root / name for name in ("data", "xdg-data", "config", "cache", "state", "runtime", "tmp")]


@pytest.fixture(autouse=True)
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    root = tmp_path / "sandbox"
    box = Sandbox(root=root, data_dir=root / "data")
    for path in box.private_dirs():
        path.mkdir(parents=True)
    (root / "runtime").chmod(0o700)
    env = {
        "HOME": str(root),
        "XDG_DATA_HOME": str(root / "xdg-data"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "XDG_STATE_HOME": str(root / "state"),
        "XDG_RUNTIME_DIR": str(root / "runtime"),
        "TMPDIR": str(root / "tmp"),
        "RELATIONJOURNAL_DATA_DIR": str(box.data_dir),
        "PYTHON_KEYRING_BACKEND": FILE_KEYRING,
        "QT_QPA_PLATFORM": "offscreen",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("RELATIONJOURNAL_PASSPHRASE", "RELATIONJOURNAL_NEW_PASSPHRASE", "RELATIONJOURNAL_DEBUG", "DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    from relationjournal.ui.qt import QSettings

    # Qt reads XDG_CONFIG_HOME once per process; point its settings at this test's config dir.
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(root / "config"))
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    yield box
    keyring.set_keyring(previous)


BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    """A Berlin wall-clock time, e.g. "2026-11-10 14:00", as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


@pytest.fixture
def journal(sandbox: Sandbox) -> Iterator[Journal]:
    """A new keyring-protected journal in the sandbox."""
    created = create_journal(sandbox.location)
    yield created.journal
    created.journal.close()


@pytest.fixture
def berlin(journal: Journal) -> Journal:
    """The journal, on Berlin's clock (its time zone setting)."""
    journal.set_setting("timezone", "Europe/Berlin")
    return journal


@pytest.fixture
def window(qtbot, journal: Journal, sandbox: Sandbox) -> Iterator[Any]:
    """The main window, shown, on the sandbox journal."""
    from relationjournal.ui.mainwindow import MainWindow
    from relationjournal.ui.worker import wait_for_background_work

    main = MainWindow(sandbox.location, journal)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()
    wait_for_background_work()


@pytest.fixture
def nothing_left_behind(window: Any) -> Iterator[None]:
    """After a flow through the window: no dialog still open, no background work still running."""
    from relationjournal.ui.qt import QApplication, QThreadPool

    yield
    assert QThreadPool.globalInstance().waitForDone(10_000)
    left = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
    assert left == [], left


def run_cli(
    *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would, with the sandbox's environment."""
    return subprocess.run(
        [sys.executable, "-m", "relationjournal", *args],
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes under `folder`, to prove a failed action changed nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
