"""`relationjournal --install-desktop-entry`: make a pip-installed app appear in the Linux launcher.

Writes the .desktop file and the icons under the user's XDG data directory
(~/.local/share/applications and ~/.local/share/icons/hicolor), with Exec pointing at this
installation's `relationjournal`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from importlib.resources import files
from pathlib import Path


def launcher_command() -> str:
    """How the launcher should start this installation: the frozen binary, the script, or the module."""
    if getattr(sys, "frozen", False):
        return shlex.quote(str(Path(sys.executable).resolve()))
    script = Path(sys.executable).with_name("relationjournal")
    if script.exists():
        return shlex.quote(str(script))
    found = shutil.which("relationjournal")
    if found:
        return shlex.quote(str(Path(found).resolve()))
    return f"{shlex.quote(sys.executable)} -m relationjournal"


def install_desktop_entry(data_home: Path | None = None) -> list[Path]:
    if not sys.platform.startswith("linux"):
        raise SystemExit("relationjournal: desktop entries are for Linux; on Windows and macOS use the installer.")
    data_home = data_home or Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    resources = files("relationjournal.resources")
    entry = (resources / "relationjournal.desktop").read_text(encoding="utf-8")
    entry = entry.replace("Exec=relationjournal", f"Exec={launcher_command()}")
    written = []
    applications = data_home / "applications"
    applications.mkdir(parents=True, exist_ok=True)
    target = applications / "relationjournal.desktop"
    target.write_text(entry, encoding="utf-8")
    written.append(target)
    hicolor = resources / "icons" / "hicolor"
    for size_dir in hicolor.iterdir() if hicolor.is_dir() else []:
        icon = size_dir / "apps" / "relationjournal.png"
        if icon.is_file():
            destination = data_home / "icons" / "hicolor" / size_dir.name / "apps" / "relationjournal.png"
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(icon.read_bytes())
            written.append(destination)
    scalable = data_home / "icons" / "hicolor" / "scalable" / "apps" / "relationjournal.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes((resources / "icons" / "app.svg").read_bytes())
    written.append(scalable)
    return written
