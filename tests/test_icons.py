"""Icons follow the palette: the monochrome ones are light on a dark palette and slate on a light one.

Drawn through the real toolbar actions of the main window, with the palette switched while the
window is open (as a desktop switching to its dark theme does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from relationjournal.ui import palette
from relationjournal.ui.icons import icon
from relationjournal.ui.qt import QApplication, QIcon, QPalette, QPixmap, QSize

Role = QPalette.ColorRole


@pytest.fixture
def use_palette(qapp: QApplication) -> Iterator[Callable[[QPalette | None], None]]:
    """Fusion with a given palette (None: Fusion's own light one); the original comes back after."""
    style, original = qapp.style().name(), QPalette(qapp.palette())

    def use(colours: QPalette | None) -> None:
        qapp.setStyle("Fusion")
        qapp.setPalette(colours if colours is not None else qapp.style().standardPalette())
        qapp.processEvents()  # widgets hear of the change through posted events

    yield use
    qapp.setStyle(style)
    qapp.setPalette(original)


def opaque_lightness(pixmap: QPixmap) -> float:
    """The average lightness (0-255) of the pixels an icon draws (alpha above half)."""
    image = pixmap.toImage()
    values = [
        image.pixelColor(x, y).lightness()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() > 128
    ]
    assert values, "the icon drew nothing"
    return sum(values) / len(values)


def colours_drawn(pixmap: QPixmap) -> set[str]:
    image = pixmap.toImage()
    return {
        image.pixelColor(x, y).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }


def test_toolbar_icons_are_light_on_a_dark_palette_and_dark_on_a_light_one(
    window: Any, qapp: QApplication, use_palette: Callable[[QPalette | None], None]
) -> None:
    action = window.act_add
    assert window.toolbar.widgetForAction(action) is not None  # on the toolbar

    use_palette(palette.dark_palette())
    window_colour = qapp.palette().color(Role.Window).lightness()
    assert opaque_lightness(action.icon().pixmap(QSize(24, 24))) > window_colour + 100
    # the status bar's lock is a pixmap handed over once: it is drawn again for the new palette
    assert opaque_lightness(window.lock_label.pixmap()) > window_colour + 100

    use_palette(None)  # back to a light palette, with the window still open
    window_colour = qapp.palette().color(Role.Window).lightness()
    assert opaque_lightness(action.icon().pixmap(QSize(24, 24))) < window_colour - 100
    assert opaque_lightness(window.lock_label.pixmap()) < window_colour - 100


def test_the_drawn_toolbar_button_changes_with_the_palette(
    window: Any, use_palette: Callable[[QPalette | None], None]
) -> None:
    button = window.toolbar.widgetForAction(window.act_add)
    use_palette(None)
    light = colours_drawn(button.grab())
    use_palette(palette.dark_palette())
    dark = colours_drawn(button.grab())
    assert "#4a5568" in light
    assert "#4a5568" not in dark  # no dim slate left on the dark toolbar


def test_icons_are_sharp_on_a_high_density_screen(use_palette: Callable[[QPalette | None], None]) -> None:
    use_palette(palette.dark_palette())
    pixmap = icon("person").pixmap(QSize(16, 16), 2.0)
    assert (pixmap.width(), pixmap.height(), pixmap.devicePixelRatio()) == (32, 32, 2.0)


def test_selected_and_disabled_icons_take_those_text_colours(
    qapp: QApplication, use_palette: Callable[[QPalette | None], None]
) -> None:
    use_palette(palette.dark_palette())
    colours = qapp.palette()
    selected = icon("note").pixmap(QSize(24, 24), 1.0, QIcon.Mode.Selected)
    assert colours_drawn(selected) == {colours.color(Role.HighlightedText).name()}
    disabled = icon("note").pixmap(QSize(24, 24), 1.0, QIcon.Mode.Disabled)
    assert colours_drawn(disabled) == {colours.color(QPalette.ColorGroup.Disabled, Role.WindowText).name()}


@pytest.mark.parametrize(("name", "colour"), [("tone-positive", "#38a169"), ("heart", "#c05621")])
def test_icons_with_colours_of_their_own_keep_them(
    name: str, colour: str, use_palette: Callable[[QPalette | None], None]
) -> None:
    use_palette(palette.dark_palette())
    assert colour in colours_drawn(icon(name).pixmap(QSize(24, 24), 1.0))


def test_a_missing_icon_is_empty() -> None:
    assert icon("no-such-icon").isNull()
