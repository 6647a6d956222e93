"""Desktop integration files validate, and a pip install can put the app in the launcher."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Sandbox, run_cli

ROOT = Path(__file__).parent.parent


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None and os.environ.get("CI"):
        pytest.fail(f"CI must install {name} (see .ci/system-packages)")
    if found is None:
        pytest.skip(f"{name} is not installed here; .ci/system-packages installs it")
    return found


def test_desktop_file_validates() -> None:
    result = subprocess.run([tool("desktop-file-validate"), str(ROOT / "resources" / "relationjournal.desktop")],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_appstream_metainfo_validates() -> None:
    result = subprocess.run([tool("appstreamcli"), "validate", "--no-net", str(ROOT / "resources" /
                             "relationjournal.metainfo.xml")], capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_icons_for_every_platform_are_committed() -> None:
    resources = ROOT / "resources"
    assert (resources / "relationjournal.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (resources / "relationjournal.icns").read_bytes()[:4] == b"icns"
    for size in (16, 32, 48, 128, 256, 512):
        png = resources / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "relationjournal.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_install_desktop_entry_for_a_pip_install(sandbox: Sandbox) -> None:
    result = run_cli("--install-desktop-entry")
    assert result.returncode == 0, result.stderr
    entry = sandbox.root / "xdg-data" / "applications" / "relationjournal.desktop"
    text = entry.read_text(encoding="utf-8")
    command = text.split("Exec=", 1)[1].split()[0]
    assert Path(command.strip("'")).exists() or command.endswith("python")
    assert (sandbox.root / "xdg-data" / "icons" / "hicolor" / "256x256" / "apps" / "relationjournal.png").exists()
    assert subprocess.run([tool("desktop-file-validate"), str(entry)]).returncode == 0
