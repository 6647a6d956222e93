"""Icons shipped in `resources/icons` (SVG), cached by name."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from relationjournal.ui.qt import QIcon


@cache
def icon(name: str) -> QIcon:
    path = files("relationjournal.resources") / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def release_icons() -> None:
    """Drop the cached icons while the application still exists (Qt objects must not outlive it)."""
    icon.cache_clear()
