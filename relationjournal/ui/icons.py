"""Icons shipped in `resources/icons` (SVG), cached by name."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from relationjournal.ui.qt import QIcon


@cache
def _icons_dir() -> Path:
    return Path(str(files("relationjournal.resources") / "icons"))


@cache
def icon(name: str) -> QIcon:
    path = _icons_dir() / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def release_icons() -> None:
    """Drop the cached icons while the application still exists (Qt objects must not outlive it)."""
    icon.cache_clear()
