"""Icons shipped in `resources/icons` (SVG), cached by name."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from relationjournal.core.vocabulary import AnyChannel, Channel
from relationjournal.ui.qt import QIcon


@cache
def _icons_dir() -> Path:
    return Path(str(files("relationjournal.resources") / "icons"))


@cache
def icon(name: str) -> QIcon:
    path = _icons_dir() / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def channel_icon(channel: AnyChannel) -> QIcon:
    """A built-in channel's own icon; one icon for every channel the user added."""
    return icon(f"channel-{channel.value}" if isinstance(channel, Channel) else "channel-custom")


def release_icons() -> None:
    """Drop the cached icons while the application still exists (Qt objects must not outlive it)."""
    icon.cache_clear()
