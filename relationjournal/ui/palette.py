"""The few colours the app adds to the user's palette, and the only place they are named.

Everything else takes its colours from the current `QPalette` (the desktop's, light or dark), so
these are semantic: muted text, an error, an accent for hard events, and the backgrounds of tag
chips, pinned notes and the load banner. Each comes in a light and a dark variant, picked by how
light the background is, and is then nudged until its text reaches WCAG's 4.5:1 contrast against
the background it is drawn on: whatever the palette, the text stays readable.

Cheap to import (only Qt's `QColor` and `QPalette`) and to call: pages call it each time they
render, and again when the palette changes (`QEvent.PaletteChange`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from relationjournal.ui.qt import QColor, QPalette

if TYPE_CHECKING:
    from relationjournal.ui.qt import QWidget

MIN_CONTRAST = 4.5  # WCAG 2 AA for body text

Role = QPalette.ColorRole

# (on a light background, on a dark one): text colours, or (background, text) pairs.
_ERROR = ("#c53030", "#fc8181")
_ACCENT = ("#b7491a", "#f6ad55")  # hard events
_CHIP = (("#d5ebef", "#1f5f6b"), ("#1d3b41", "#a8dde6"))  # tags
_PINNED = (("#fcefc2", "#5f4b00"), ("#3b3218", "#f3d98b"))
_NOTICE = (("#fff4e5", "#7b341e"), ("#46301c", "#fbd3a6"))  # the emotional-load banner
# The initials circles on Today's cards, one picked per person: calm hues, (light, dark) pairs.
_AVATARS = (
    (("#d5ebef", "#1f5f6b"), ("#1d3b41", "#a8dde6")),  # teal
    (("#dcefdc", "#2f5d34"), ("#223827", "#b5e0bb")),  # sage
    (("#e6e0f5", "#4b3a7a"), ("#2e2842", "#d2c6f2")),  # lavender
    (("#fbe3d6", "#7a3b1c"), ("#43291d", "#f6c9ad")),  # peach
    (("#dbe8f7", "#24497a"), ("#1e2f45", "#b7d3f5")),  # sky
    (("#f6dde4", "#7a2e45"), ("#40242d", "#f1bccb")),  # rose
    (("#f1ead2", "#5c4b14"), ("#3a331d", "#e8dbaa")),  # sand
)

ICON_INK = "#4a5568"  # the one colour the monochrome SVGs in resources/icons are drawn in (ui/icons.py)

# A dark palette for Fusion (the screenshots, and a desktop that offers none).
_DARK = {
    Role.Window: "#232629",
    Role.WindowText: "#f2f2f2",
    Role.Base: "#17191b",
    Role.AlternateBase: "#1f2225",
    Role.Text: "#f2f2f2",
    Role.PlaceholderText: "#9a9ea3",
    Role.Button: "#2c3034",
    Role.ButtonText: "#f2f2f2",
    Role.BrightText: "#ffffff",
    Role.Light: "#474c52",
    Role.Midlight: "#393d42",
    Role.Mid: "#5b6066",
    Role.Dark: "#141617",
    Role.Shadow: "#000000",
    Role.Highlight: "#2f6ea5",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#6cb6ff",
    Role.LinkVisited: "#c59cf0",
    Role.ToolTipBase: "#2c3034",
    Role.ToolTipText: "#f2f2f2",
}
_DARK_DISABLED = {Role.WindowText: "#7c8186", Role.Text: "#7c8186", Role.ButtonText: "#7c8186"}


def dark_palette() -> QPalette:
    """A complete dark palette, for the Fusion style."""
    palette = QPalette()
    for role, name in _DARK.items():
        palette.setColor(role, QColor(name))
    for role, name in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(name))
    return palette


def luminance(colour: QColor) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """`a` moved `amount` (0 to 1) of the way to `b`; opaque."""
    return QColor.fromRgbF(*(x + (y - x) * amount for x, y in zip(_rgb(a), _rgb(b), strict=True)))


def over(colour: QColor, background: QColor) -> QColor:
    """A translucent colour as it shows on `background`."""
    return mix(background, QColor.fromRgbF(*_rgb(colour)), colour.alphaF())


def readable(colour: QColor, background: QColor, toward: QColor | None = None) -> QColor:
    """`colour`, or the nearest colour on the way to `toward` (default: black or white, whichever
    stands out more) that reaches `MIN_CONTRAST` against `background`."""
    colour = over(colour, background)
    if contrast(colour, background) >= MIN_CONTRAST:
        return colour
    poles = (QColor(0, 0, 0), QColor(255, 255, 255))
    best_pole = max(poles, key=lambda pole: contrast(pole, background))
    target = over(toward, background) if toward is not None else best_pole
    if contrast(target, background) < MIN_CONTRAST:
        target = best_pole
    for step in range(1, 21):
        candidate = mix(colour, target, step / 20)
        if contrast(candidate, background) >= MIN_CONTRAST:
            return candidate
    return target


def is_dark(palette: QPalette, background: Role = Role.Window) -> bool:
    return palette.color(background).lightness() < 128


def muted(palette: QPalette, background: Role = Role.Window) -> QColor:
    """Secondary text (labels, counts, hints): the palette's placeholder colour where it is
    readable, else the text colour faded toward the background only as far as stays readable.

    Derived from `Text` (not `WindowText`), so a label whose `WindowText` is set to this stays put."""
    back, text = palette.color(background), palette.color(Role.Text)
    placeholder = over(palette.color(Role.PlaceholderText), back)
    if contrast(placeholder, back) < 2:  # a placeholder made for another background: start from the text
        placeholder = mix(text, back, 0.45)
    return readable(placeholder, back, toward=text)


def error(palette: QPalette, background: Role = Role.Window) -> QColor:
    """Text saying what was refused or failed."""
    return _pick(palette, background, _ERROR)


def accent(palette: QPalette, background: Role = Role.Window) -> QColor:
    """Text that marks a hard event."""
    return _pick(palette, background, _ACCENT)


def chip(palette: QPalette) -> tuple[QColor, QColor]:
    """Background and text of a tag."""
    return _pair(palette, _CHIP)


def pinned(palette: QPalette) -> tuple[QColor, QColor]:
    """Background and text of a pinned note's line."""
    return _pair(palette, _PINNED)


def notice(palette: QPalette) -> tuple[QColor, QColor]:
    """Background and text of a banner that asks for attention (the emotional load)."""
    return _pair(palette, _NOTICE)


def avatar(palette: QPalette, key: int) -> tuple[QColor, QColor]:
    """Background and text of the initials circle for `key` (a person's id: the same hue each day)."""
    return _pair(palette, _AVATARS[key % len(_AVATARS)])


def avatar_count() -> int:
    return len(_AVATARS)


def transparent() -> QColor:
    """No colour at all: the ground an icon is drawn on (a `QColor`, not `Qt.GlobalColor`, whose enum
    costs milliseconds to build before the first paint)."""
    return QColor(0, 0, 0, 0)


def icon_ink(palette: QPalette, background: Role = Role.Window, text: Role = Role.WindowText) -> QColor:
    """The colour a monochrome icon is drawn in: its own slate where that reads on `background`
    (a light palette: the icons as designed), else the palette's `text` colour (light on a dark one)."""
    slate = QColor(ICON_INK)
    return slate if contrast(slate, palette.color(background)) >= MIN_CONTRAST else palette.color(text)


def border(palette: QPalette) -> QColor:
    """A quiet frame line around a box."""
    return palette.color(Role.Mid)


def css(text: QColor, background: QColor | None = None) -> str:
    """CSS declarations for rich text and style sheets: `color:#…` and maybe a background."""
    declarations = f"color:{text.name()}"
    if background is not None:
        declarations += f"; background-color:{background.name()}"
    return declarations


def span(html: str, text: QColor, background: QColor | None = None) -> str:
    """`html` (already escaped) in a span of these colours."""
    return f"<span style='{css(text, background)}'>{html}</span>"


def set_text_colour(widget: QWidget, colour: QColor) -> None:
    """Set a widget's text colour in its own palette (no style sheet: the palette stays live)."""
    palette = widget.palette()
    palette.setColor(widget.foregroundRole(), colour)
    widget.setPalette(palette)


def _rgb(colour: QColor) -> tuple[float, float, float]:
    return colour.redF(), colour.greenF(), colour.blueF()


def _pick(palette: QPalette, background: Role, variants: tuple[str, str]) -> QColor:
    back = palette.color(background)
    return readable(QColor(variants[is_dark(palette, background)]), back, toward=palette.color(Role.Text))


def _pair(palette: QPalette, variants: tuple[tuple[str, str], tuple[str, str]]) -> tuple[QColor, QColor]:
    back, text = variants[is_dark(palette)]
    background = QColor(back)
    return background, readable(QColor(text), background)
