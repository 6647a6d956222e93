"""Colours come from the palette: text stays readable in a light, a dark and a desktop's dark palette.

Every piece of text on the person page, the Today page and the people list is checked against what
it is actually drawn on: labels and rich text through the colours their HTML and style sheets name
(and the palette for the rest), the people list (painted by a delegate) through its pixels.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel, Platform, Status
from relationjournal.ui import palette
from relationjournal.ui.cards import Card, CardLayout, lay_out_card
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.models import ROW_ROLE
from relationjournal.ui.qt import QApplication, QColor, QLabel, QPalette, QRect, QTextBrowser, QWidget
from relationjournal.ui.today import TodayPage
from relationjournal.ui.worker import wait_for_background_work
from tests.conftest import Sandbox

UI = Path(palette.__file__).parent
Role = QPalette.ColorRole


def desktop_dark() -> QPalette:
    """A dark palette as a desktop theme hands one to Qt (not the app's own): its placeholder is
    the text colour at half opacity, as Qt's themes make it."""
    colours = QPalette()
    for role, name in {
        Role.Window: "#242424", Role.WindowText: "#ffffff", Role.Base: "#1e1e1e", Role.AlternateBase: "#2a2a2a",
        Role.Text: "#ffffff", Role.Button: "#303030", Role.ButtonText: "#ffffff", Role.Light: "#505050",
        Role.Midlight: "#404040", Role.Mid: "#606060", Role.Dark: "#101010", Role.Highlight: "#1c5fa8",
        Role.HighlightedText: "#ffffff", Role.Link: "#78aeed", Role.ToolTipBase: "#303030",
        Role.ToolTipText: "#ffffff",
    }.items():  # fmt: skip
        colours.setColor(role, QColor(name))
    placeholder = QColor("#ffffff")
    placeholder.setAlpha(128)
    colours.setColor(Role.PlaceholderText, placeholder)
    return colours


PALETTES: dict[str, Callable[[], QPalette | None]] = {
    "light": lambda: None,  # Fusion's own
    "dark": palette.dark_palette,
    "desktop-dark": desktop_dark,
}


@pytest.fixture
def use_palette(qapp: QApplication) -> Iterator[Callable[[QPalette | None], None]]:
    """Fusion with a given palette on the whole app; the original style and palette come back after."""
    style, original = qapp.style().name(), QPalette(qapp.palette())

    def use(colours: QPalette | None) -> None:
        qapp.setStyle("Fusion")
        if colours is not None:
            qapp.setPalette(colours)

    yield use
    qapp.setStyle(style)
    qapp.setPalette(original)


# Reading the colours text is drawn in ----------------------------------------------------------
def parse_colour(value: str) -> QColor:
    colour = QColor(value.strip())
    assert colour.isValid(), f"a colour the test cannot read: {value!r}"
    return colour


def declarations(style: str) -> dict[str, QColor]:
    """The colours a CSS style (an HTML `style` attribute or a style sheet) sets."""
    found = {}
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name = name.strip().lower()
        if name == "color":
            found["color"] = parse_colour(value)
        elif name in ("background", "background-color") and value.strip():
            found["background"] = parse_colour(value.split()[0])
    return found


class TextRuns(HTMLParser):
    """The text of rich text, each run with the text colour and background it is drawn in."""

    def __init__(self, text: QColor, background: QColor, link: QColor):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, QColor, QColor]] = [("", text, background)]
        self.link = link
        self.runs: list[tuple[str, QColor, QColor]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        _, text, background = self.stack[-1]
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            text = self.link
        if values.get("color"):  # <font color=…>
            text = parse_colour(values["color"] or "")
        if values.get("bgcolor"):
            background = parse_colour(values["bgcolor"] or "")
        style = declarations(values.get("style") or "")
        self.stack.append((tag, style.get("color", text), style.get("background", background)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <br/>, <img/>: no text

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if data.replace("\xa0", " ").strip() and self.stack[-1][0] not in ("style", "head", "title"):
            self.runs.append((data.strip(), self.stack[-1][1], self.stack[-1][2]))


def painted_background(widget: QWidget) -> QColor:
    """What a widget's text stands on: the nearest widget (itself or above) that fills its background."""
    candidate: QWidget | None = widget
    while candidate is not None:
        own = declarations(candidate.styleSheet()).get("background")
        if own is not None:
            return own
        if candidate.autoFillBackground() or candidate.isWindow():
            return candidate.palette().color(candidate.backgroundRole())
        candidate = candidate.parentWidget()
    return widget.palette().color(Role.Window)


def label_runs(label: QLabel) -> list[tuple[str, QColor, QColor]]:
    colours = label.palette()
    text = declarations(label.styleSheet()).get("color", colours.color(label.foregroundRole()))
    background = painted_background(label)
    rich = label.textFormat().name == "RichText" or (label.textFormat().name == "AutoText" and "<" in label.text())
    if not rich:
        return [(label.text(), text, background)] if label.text().strip() else []
    parser = TextRuns(text, background, colours.color(Role.Link))
    parser.feed(label.text())
    return parser.runs


def browser_runs(browser: QTextBrowser) -> list[tuple[str, QColor, QColor]]:
    colours = browser.viewport().palette()
    parser = TextRuns(colours.color(Role.Text), colours.color(Role.Base), colours.color(Role.Link))
    parser.feed(browser.document().toHtml())
    return parser.runs


def hard_to_read(page: QWidget) -> list[str]:
    """Every visible label's and text browser's text under `page` whose contrast is below 4.5:1."""
    runs: list[tuple[str, QColor, QColor]] = []
    for label in page.findChildren(QLabel):
        if label.isVisible():
            runs += label_runs(label)
    for browser in page.findChildren(QTextBrowser):
        if browser.isVisible():
            runs += browser_runs(browser)
    assert runs, "no text found"
    return [
        f"{text[:40]!r}: {fg.name()} on {bg.name()} is {palette.contrast(fg, bg):.2f}:1"
        for text, fg, bg in runs
        if palette.contrast(fg, bg) < palette.MIN_CONTRAST
    ]


def unreadable_rows(window: MainWindow) -> list[str]:
    """The people list, from its pixels: in each unselected row, the name line and the line below
    it each hold a pixel of 4.5:1 contrast with the row's background (glyph strokes are drawn in
    the pen's colour; only their edges are blended)."""
    view = window.people.view
    image = view.viewport().grab().toImage()
    problems, checked = [], 0
    for row in range(window.people.model.rowCount()):
        index = window.people.model.index(row, 0)
        rect = view.visualRect(index)
        if view.selectionModel().isSelected(index) or rect.bottom() >= image.height():
            continue  # a selected row is drawn in the palette's Highlight and HighlightedText, not ours
        background = image.pixelColor(rect.left() + 2, rect.top() + 2)  # the padding, left of the text
        half = rect.height() // 2
        for line, top in (("first line", rect.top()), ("second line", rect.top() + half)):
            best = max(
                palette.contrast(image.pixelColor(x, y), background)
                for x in range(rect.left(), rect.right())
                for y in range(top + 1, top + half - 1)
            )
            if best < palette.MIN_CONTRAST:
                problems.append(f"row {row} {line}: at best {best:.2f}:1 on {background.name()}")
            checked += 1
    assert checked, "no rows checked"
    return problems


def fill(journal: Journal) -> int:
    """Someone with everything a page can show; reminders and a heavy load for Today."""
    journal.set_setting("quiet_hours", ["00:00", "00:00"])  # whatever time the test runs
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    lena = journal.add_person(
        PersonDraft("Lena Okafor", pronouns="she/her", organisation="Blue Harbour Bakery", role="Owner",
                    why_it_matters="Our first follower in Lagos.", remember="Two kids; runs on Sundays.",
                    reaches_out="Sam", cadence_days=14, tags=("community", "bakery"),
                    handles=((Platform.email, "lena@example.org"), (Platform.x, "@lena"))),
        now=three_days_ago,
    )  # fmt: skip
    journal.add_membership(lena.id, "Brand advocates", date(2026, 1, 1), review_on=date(2026, 6, 1))
    journal.add_note(lena.id, "Prefers voice notes to long messages.", pinned=True)
    journal.add_note(lena.id, "Her father is in hospital.", hard_event=True)
    journal.log_interaction(
        lena.id,
        InteractionDraft(Channel.instagram, summary="Her father passed away", hard_event=True,
                         occurred_at=three_days_ago, reached_out_by="Sam"),
        now=three_days_ago,
    )  # fmt: skip
    for i in range(4):  # enough hard events for the load banner
        other = journal.add_person(PersonDraft(f"Follower {i}", organisation="Lagos Runners", tags=("runner",)))
        journal.log_interaction(other.id, InteractionDraft(Channel.x, summary="A loss", hard_event=True))
    archived = journal.add_person(PersonDraft("Old Contact", organisation="Gone Ltd"))
    journal.archive_person(archived.id)
    return lena.id


def show(qtbot, journal: Journal, sandbox: Sandbox) -> MainWindow:
    window = MainWindow(sandbox.location, journal)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def check_everything(qtbot, window: MainWindow, person_id: int) -> None:
    window.open_person(person_id)
    page = window.person_page
    hard = next(r for r in range(page.model.rowCount()) if page.model.index(r, 0).data(ROW_ROLE).item.hard_event)
    page.table.selectRow(hard)
    html = page.header.text()
    assert all(part in html for part in ("she/her", "community", "Pinned:", "Brand advocates", "mailto:"))
    assert "hard event" in page.detail.toPlainText()
    assert hard_to_read(page) == []
    page.detail.show_entry(None)
    assert hard_to_read(page) == []  # the hint, muted

    assert unreadable_rows(window) == []
    window.people.status.set_value(Status.archived)  # the archived person, muted
    window.people.reload()
    assert window.people.model.rowCount() == 1
    window.people.view.selectionModel().clear()
    assert unreadable_rows(window) == []
    window.people.status.set_value(None)
    window.people.reload()
    assert hard_to_read(window.people) == []  # the count

    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):
        window.refresh_due()
    window.show_today()
    today = window.today
    assert today.load_banner.isVisible()
    details = [text for card in today.shown_cards() for text, _ in card_layout(today, card).details]
    assert any(d.startswith("Remember:") for d in details) and any(d.startswith("Why they matter:") for d in details)
    assert unreadable_cards(today) == []
    today.error.show_error("Could not snooze: the journal is read-only.")
    assert hard_to_read(today) == []
    today.cards.hide()
    today.empty.show()
    assert hard_to_read(today) == []  # "Nothing needs you today", its muted line and the link


def card_layout(today: TodayPage, card: Card) -> CardLayout:
    return lay_out_card(QRect(0, 0, today.cards.viewport().width(), 0), card, today.cards.font())


def unreadable_cards(today: TodayPage) -> list[str]:
    """Today's cards, from their pixels: each line of text (name, reminder, details, initials and
    buttons) holds a pixel of 4.5:1 contrast with what it is drawn on."""
    view, problems, checked = today.cards, [], 0
    for number, row in enumerate(view.card_model.rows):
        if not isinstance(row, Card):
            continue
        index = view.card_model.index(number, 0)
        view.scrollTo(index)
        QApplication.processEvents()
        image = view.viewport().grab().toImage()
        top = view.visualRect(index).top()
        layout = card_layout(today, row)
        card = layout.card.translated(0, top)
        background = image.pixelColor(card.left() + 4, card.top() + card.height() // 2)
        areas = [("name", layout.name.adjusted(0, 0, -layout.name.width() // 2, 0), background)]
        areas += [(text[:30], area, background) for text, area in layout.lines + layout.details]
        areas += [("initials", layout.avatar.adjusted(8, 8, -8, -8), palette.avatar(view.palette(), 0)[0])]
        for action, area in layout.buttons:
            fill = image.pixelColor(area.left() + 3, area.top() + 3 + top)
            areas.append((action.key, area.adjusted(3, 3, -3, -3), fill))
        for name, area, back in areas:
            if name == "initials":
                back = image.pixelColor(area.left(), area.center().y() + top)  # the circle, beside the letters
            area = area.translated(0, top)
            best = max(palette.contrast(image.pixelColor(x, y), back) for x in range(area.left(), area.right())
                       for y in range(area.top(), area.bottom()))  # fmt: skip
            if best < palette.MIN_CONTRAST:
                problems.append(f"card {number} {name!r}: at best {best:.2f}:1 on {back.name()}")
            checked += 1
    assert checked, "no cards checked"
    return problems


@pytest.mark.parametrize("name", PALETTES)
def test_text_is_readable_in_light_and_dark_palettes(
    qtbot, name: str, use_palette, journal: Journal, sandbox: Sandbox
) -> None:
    person_id = fill(journal)
    use_palette(PALETTES[name]())
    window = show(qtbot, journal, sandbox)
    try:
        check_everything(qtbot, window, person_id)
    finally:
        window.close()
        wait_for_background_work()


def test_the_pages_follow_a_palette_change_while_open(qtbot, use_palette, journal: Journal, sandbox: Sandbox) -> None:
    """The desktop switches to dark while the app is open: what was drawn light is drawn again."""
    person_id = fill(journal)
    use_palette(None)
    window = show(qtbot, journal, sandbox)
    try:
        window.open_person(person_id)
        light_header = window.person_page.header.text()
        use_palette(desktop_dark())  # (Qt tells the widgets from the event loop)
        qtbot.waitUntil(lambda: window.person_page.header.text() != light_header)
        check_everything(qtbot, window, person_id)
    finally:
        window.close()
        wait_for_background_work()


# The source: no colour named outside palette.py -----------------------------------------------
HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?:[0-9a-fA-F]{2})?\b")
CSS_COLOUR = re.compile(r"(?<![-\w])(color|background(-color)?)\s*:", re.IGNORECASE)
NAMED = re.compile(r"Qt\.GlobalColor\.(?!transparent\b)\w+|QColor\(\s*(?:[\"'\d]|Qt\.)")


def test_no_colour_is_named_outside_palette_py() -> None:
    offenders = []
    for path in sorted(UI.glob("**/*.py")):
        if path.name == "palette.py":
            continue
        source = path.read_text(encoding="utf-8")
        with path.open("rb") as stream:
            for token in tokenize.tokenize(stream.readline):
                if token.type == tokenize.STRING and (HEX.search(token.string) or CSS_COLOUR.search(token.string)):
                    offenders.append(f"{path.name}:{token.start[0]}: {token.string[:60]}")
        offenders += [f"{path.name}: {m.group()}" for m in NAMED.finditer(source)]
    assert offenders == []


def test_colours_reach_the_contrast_they_promise_on_any_background() -> None:
    """The semantic colours stay readable even on backgrounds no theme was designed for."""
    for grey in range(0, 256, 15):
        colours = QPalette(QColor(grey, grey, grey), QColor(grey, grey, grey))
        window, base = colours.color(Role.Window), colours.color(Role.Base)
        for colour, background in (
            (palette.muted(colours), window), (palette.muted(colours, Role.Base), base),
            (palette.error(colours), window), (palette.accent(colours, Role.Base), base),
            (palette.chip(colours)[1], palette.chip(colours)[0]),
            (palette.pinned(colours)[1], palette.pinned(colours)[0]),
            (palette.notice(colours)[1], palette.notice(colours)[0]),
        ):  # fmt: skip
            assert palette.contrast(colour, background) >= palette.MIN_CONTRAST, (grey, colour.name())
