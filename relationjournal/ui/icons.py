"""Icons shipped in `resources/icons` (SVG), cached by name.

The monochrome icons are drawn in one slate grey (`palette.ICON_INK`), too dim on a dark palette.
They are painted by `_InkEngine`, which picks the colour each time Qt asks for a pixmap: the slate
where it reads against the palette's background, otherwise the palette's own text colour (light on
a dark palette, `HighlightedText` on a selected row, the disabled text colour when greyed out). So every
toolbar button, list row and combo box follows a palette change without being handed a new icon.
Icons with colours of their own (the app's, the tone dots, the heart) keep them.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from pathlib import Path

from relationjournal.core.vocabulary import AnyChannel, Channel
from relationjournal.ui import palette
from relationjournal.ui.qt import (
    QApplication,
    QByteArray,
    QColor,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
    QRect,
    QSize,
    QSvgRenderer,
)

INK = palette.ICON_INK  # the one colour of a monochrome icon, as drawn in the SVG files
_COLOUR = re.compile(rb"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# (name, colour, width, height, scale) -> pixmap; colour as #rrggbb
_pixmaps: dict[tuple[str, str, int, int, float], QPixmap] = {}


@cache
def _icons_dir() -> Path:
    return Path(str(files("relationjournal.resources") / "icons"))


def ink(mode: QIcon.Mode = QIcon.Mode.Normal) -> QColor:
    """The colour a monochrome icon is drawn in now, on the application's palette."""
    colours = QApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return colours.color(Group.Disabled, Role.WindowText)
    if mode == QIcon.Mode.Selected:
        return palette.icon_ink(colours, Role.Highlight, Role.HighlightedText)
    return palette.icon_ink(colours)


def _render(name: str, svg: bytes, colour: QColor, size: QSize, scale: float) -> QPixmap:
    key = (name, colour.name(), size.width(), size.height(), scale)
    pixmap = _pixmaps.get(key)
    if pixmap is None:
        tinted = svg.replace(INK.encode(), colour.name().encode()).replace(INK.upper().encode(), colour.name().encode())
        # A pixmap, not a `QImage` (naming `QImage.Format` builds its enum before the first paint).
        pixmap = QPixmap(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        pixmap.fill(palette.transparent())
        painter = QPainter(pixmap)
        QSvgRenderer(QByteArray(tinted)).render(painter)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        _pixmaps[key] = pixmap
    return pixmap


class _InkEngine(QIconEngine):
    """A monochrome SVG drawn in `ink(mode)` at the size and device pixel ratio asked for."""

    def __init__(self, name: str, svg: bytes):
        super().__init__()
        self.name, self.svg = name, svg

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return _render(self.name, self.svg, ink(mode), size, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        return _render(self.name, self.svg, ink(mode), size, scale)  # (size is in device-independent pixels)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def clone(self) -> QIconEngine:
        return _InkEngine(self.name, self.svg)

    def key(self) -> str:
        return "relationjournal-ink"


def is_monochrome(svg: bytes) -> bool:
    """Drawn only in `INK` (so it can be drawn in the palette's colour instead)."""
    colours = {found.lower() for found in _COLOUR.findall(svg)}
    return colours == {INK.encode()}


@cache
def icon(name: str) -> QIcon:
    path = _icons_dir() / f"{name}.svg"
    if not path.is_file():
        return QIcon()
    svg = path.read_bytes()
    return QIcon(_InkEngine(name, svg)) if is_monochrome(svg) else QIcon(str(path))


def channel_icon(channel: AnyChannel) -> QIcon:
    """A built-in channel's own icon; one icon for every channel the user added."""
    return icon(f"channel-{channel.value}" if isinstance(channel, Channel) else "channel-custom")


def release_icons() -> None:
    """Drop the cached icons while the application still exists (Qt objects must not outlive it)."""
    icon.cache_clear()
    _pixmaps.clear()
