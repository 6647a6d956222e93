"""What the app promises a user about secrets and places: the recovery key leaves no copy in a
clipboard manager's history, and a journal folder the app cannot write is said so, in a window."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from relationjournal.core.access import create_journal
from relationjournal.core.locations import resolve_location
from relationjournal.ui import unlock
from relationjournal.ui.qt import QApplication, QMessageBox, QPushButton, Qt, QWidget
from relationjournal.ui.unlock import FirstRunDialog, RecoveryKeyDialog
from tests.conftest import Sandbox, snapshot
from tests.dialogs import MessageBoxes

RECOVERY_KEY = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345"
SECRET_HINT = "x-kde-passwordManagerHint"  # the clipboard format KDE's, GNOME's and KeePassXC's managers honour


def button(window: QWidget, text: str) -> QPushButton:
    return next(b for b in window.findChildren(QPushButton) if b.text() == text)


def test_the_recovery_key_is_copied_marked_as_a_secret_then_cleared(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unlock, "CLIPBOARD_CLEAR_MS", 200)  # a minute in the app
    shown = RecoveryKeyDialog(RECOVERY_KEY)
    qtbot.addWidget(shown)
    qtbot.mouseClick(button(shown, "&Copy"), Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().mimeData()
    assert copied.text() == RECOVERY_KEY  # pastes as the key
    assert copied.data(SECRET_HINT).data() == b"secret"  # and clipboard managers keep no copy
    assert "cleared in a minute" in shown.status.text()
    qtbot.waitUntil(lambda: QApplication.clipboard().text() == "", timeout=3000)


class ReadOnlyFolder:
    """A folder that becomes read-only for this process, even as root: a tmpfs mounted read-write,
    then remounted read-only (root ignores permission bits); for other users, its permission bits."""

    def __init__(self, path: Path):
        self.path = path
        path.mkdir()
        self.mounted = os.geteuid() == 0
        if self.mounted:
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(path)], check=True)

    def make_read_only(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)
        else:
            self.path.chmod(0o500)
        with pytest.raises(OSError):
            (self.path / "probe").touch()

    def remove(self) -> None:
        if self.mounted:
            subprocess.run(["umount", str(self.path)], check=True)
        else:
            self.path.chmod(0o700)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[ReadOnlyFolder]:
    folder = ReadOnlyFolder(tmp_path / "mounted")
    yield folder
    folder.remove()


def test_a_read_only_journal_folder_is_explained_in_a_window_at_start(
    qtbot, read_only_folder: ReadOnlyFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    """Started with a double-click, the app has no terminal to print to: what is wrong, and what to
    do, must show in a window."""
    from relationjournal.ui.app import run

    folder = read_only_folder.path
    create_journal(resolve_location(folder)).journal.close()
    read_only_folder.make_read_only()
    boxes = MessageBoxes()
    boxes.answer(QMessageBox.StandardButton.Close)
    assert run(str(folder)) == 1
    assert len(boxes.said) == 1, "no window said what is wrong"
    said = boxes.said[0]
    assert f"cannot write to {folder}" in said
    assert "permissions" in said and "--data-dir" in said  # and what to do about it
    assert f"cannot write to {folder}" in capsys.readouterr().err  # the same line for a terminal


def test_first_run_in_a_read_only_folder_says_so_and_changes_nothing(
    qtbot, read_only_folder: ReadOnlyFolder, sandbox: Sandbox
) -> None:
    read_only_folder.make_read_only()
    before = snapshot(sandbox.root)
    location = resolve_location(read_only_folder.path / "journal")
    first = FirstRunDialog(location)
    qtbot.addWidget(first)
    qtbot.mouseClick(button(first, "&Create my journal"), Qt.MouseButton.LeftButton)
    assert first.error.isVisibleTo(first)
    assert f"cannot write to {location.data_dir}" in first.error.text() and "--data-dir" in first.error.text()
    assert first.result() != FirstRunDialog.DialogCode.Accepted and first.journal is None
    assert not location.data_dir.exists() and snapshot(sandbox.root) == before  # no key was stored either
