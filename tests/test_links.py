"""Links and images in journal text: nothing is loaded, and only web, mail and phone links open,
each after the user has seen its full address and chosen Open.

What the system would be asked to open is observed through Qt's own mechanism for it: a URL
handler registered with `QDesktopServices.setUrlHandler` receives every address the app hands to
`QDesktopServices.openUrl` (and nothing reaches a real browser or file manager).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from relationjournal.core.journal import Journal
from relationjournal.core.records import PersonDraft
from relationjournal.core.vocabulary import Platform
from relationjournal.ui.dialogs import NoteDialog
from relationjournal.ui.links import is_openable
from relationjournal.ui.pages import PersonPage, SearchPage
from relationjournal.ui.qt import (
    QApplication,
    QColor,
    QDesktopServices,
    QEvent,
    QHelpEvent,
    QImage,
    QLabel,
    QMessageBox,
    QObject,
    Qt,
    QTextBrowser,
    QTextDocument,
    QToolTip,
    QUrl,
    Slot,
)
from tests.dialogs import MessageBoxes

MARKER = "MARKER-7c1e secret file contents"
WATCHED_SCHEMES = ("http", "https", "mailto", "tel", "file", "javascript", "smb", "x-journal-test")
IMAGE_SIDE = 400


class SystemOpener(QObject):
    """Stands where the system's browser, mail program or file manager would: keeps each address."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def system_opens(qapp) -> Iterator[list[str]]:
    """Every address handed to the system during the test."""
    opener = SystemOpener()
    for scheme in WATCHED_SCHEMES:
        QDesktopServices.setUrlHandler(scheme, opener, "open_url")
    yield opener.urls
    for scheme in WATCHED_SCHEMES:
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture
def boxes() -> MessageBoxes:
    return MessageBoxes()


def marker_file(folder: Path) -> Path:
    path = folder / "private.txt"
    path.write_text(MARKER, encoding="utf-8")
    return path


def person_page_showing(qtbot, journal: Journal, body: str, **draft) -> PersonPage:
    """The person page of someone with one note, `body`, selected in their timeline, on screen."""
    person = journal.add_person(PersonDraft("Ada Hostile", **draft))
    journal.add_note(person.id, body)
    page = PersonPage(journal)
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    qtbot.waitExposed(page)
    page.show_person(person.id)
    page.table.selectRow(0)
    return page


def note_dialog_showing(qtbot, journal: Journal, body: str) -> NoteDialog:
    """A note being written, `body` in its live preview."""
    person = journal.add_person(PersonDraft("Ada Hostile"))
    dialog = NoteDialog(journal, journal.person(person.id))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.editor.setPlainText(body)
    return dialog


def showing(qtbot, journal: Journal, body: str, where: str) -> PersonPage | NoteDialog:
    return person_page_showing(qtbot, journal, body) if where == "entry" else note_dialog_showing(qtbot, journal, body)


def click_text(qtbot, view: QTextBrowser, text: str) -> None:
    """Click with the mouse on `text` in `view`, as a user clicks a link."""
    found = view.document().find(text)
    assert not found.isNull(), f"{text!r} is not shown"
    found.setPosition(found.selectionStart() + len(text) // 2)
    where = view.cursorRect(found).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)


def hostile_links(folder: Path) -> list[str]:
    return [
        QUrl.fromLocalFile(str(marker_file(folder))).toString(),
        "javascript:alert(document.cookie)",
        "smb://fileserver.example/share",
        "x-journal-test://run?command=rm",
    ]


@pytest.mark.parametrize("where", ["entry", "preview"])
@pytest.mark.parametrize("link", range(4), ids=["file", "javascript", "smb", "custom-scheme"])
def test_a_hostile_link_in_a_note_is_never_opened_or_followed(
    qtbot, journal: Journal, tmp_path: Path, system_opens: list[str], boxes: MessageBoxes, where: str, link: int
) -> None:
    href = hostile_links(tmp_path)[link]
    body = f"Before. [the hostile link]({href}) After."
    shown = showing(qtbot, journal, body, where)
    view = shown.detail if isinstance(shown, PersonPage) else shown.preview
    before = view.toPlainText()
    boxes.answer(QMessageBox.StandardButton.Ok)
    click_text(qtbot, view, "the hostile link")
    qtbot.waitUntil(lambda: bool(boxes.said or system_opens or view.toPlainText() != before), timeout=3000)
    assert system_opens == []  # nothing reached the system
    assert view.toPlainText() == before and MARKER not in view.toPlainText()  # the view did not navigate
    assert view.source().isEmpty()
    assert "not opened" in boxes.said[0] and href in boxes.said[0].replace("\n", "")  # and the user is told why


@pytest.mark.parametrize(
    "href", ["https://example.org/a/page?q=1&lang=en", "mailto:ada@example.org", "https://example.org/" + "a" * 300]
)
def test_a_web_or_mail_link_opens_only_after_the_user_chooses_open(
    qtbot, journal: Journal, system_opens: list[str], boxes: MessageBoxes, href: str
) -> None:
    page = person_page_showing(qtbot, journal, f"See [her page]({href}) for the details.")
    view = page.detail
    boxes.answer(QMessageBox.StandardButton.Cancel)
    click_text(qtbot, view, "her page")
    qtbot.waitUntil(lambda: bool(boxes.said or system_opens), timeout=3000)
    assert system_opens == []
    assert href in boxes.said[0].replace("\n", "")  # the full address, before anything opens
    assert boxes.default_was_cancel == [True]  # Enter does not open it
    assert system_opens == []

    boxes.answer(QMessageBox.StandardButton.Open)
    click_text(qtbot, view, "her page")
    qtbot.waitUntil(lambda: len(boxes.said) == 2, timeout=3000)
    assert system_opens == [href]
    assert "See her page for the details." in view.toPlainText()  # the entry is still shown


def image_file(folder: Path) -> Path:
    path = folder / "picture.png"
    image = QImage(IMAGE_SIDE, IMAGE_SIDE, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    return path


@pytest.mark.parametrize("where", ["entry", "preview"])
def test_images_named_in_a_note_are_never_loaded(qtbot, journal: Journal, tmp_path: Path, where: str) -> None:
    picture, private = image_file(tmp_path), marker_file(tmp_path)
    sources = [QUrl.fromLocalFile(str(picture)).toString(), str(picture), QUrl.fromLocalFile(str(private)).toString(),
               "https://tracker.example/pixel.png"]  # fmt: skip
    body = f'![a]({sources[0]})\n\n![b]({sources[1]}) <img src="{sources[1]}">\n\n![c]({sources[2]}) ![d]({sources[3]})'
    shown = showing(qtbot, journal, body, where)
    view = shown.detail if isinstance(shown, PersonPage) else shown.preview
    QApplication.processEvents()
    assert view.document().size().height() < IMAGE_SIDE  # a 400-pixel picture would show at 400 pixels
    for source in sources:
        loaded = view.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(source))
        assert loaded is None or loaded.width() <= 1, source
    assert MARKER not in view.toHtml()


def label_hrefs(label: QLabel) -> list[str]:
    """The link targets in a rich-text label, as Qt reads them from its text."""
    document = QTextDocument()
    document.setHtml(label.text())
    hrefs, block = [], document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().isAnchor():
                hrefs.append(fragment.charFormat().anchorHref())
            it += 1
        block = block.next()
    return hrefs


def test_a_website_handle_cannot_turn_the_header_link_into_a_file_link(
    qtbot, journal: Journal, system_opens: list[str], boxes: MessageBoxes
) -> None:
    hostile = "example.org' href='file:///etc/passwd"
    page = person_page_showing(qtbot, journal, "A note.",
                               handles=((Platform.website, hostile), (Platform.email, "ada@example.org")))  # fmt: skip
    hrefs = label_hrefs(page.header)
    assert "mailto:ada@example.org" in hrefs
    assert all(is_openable(href) for href in hrefs), hrefs  # no file: (or other) link was made
    assert hostile in page.header.text().replace("&#x27;", "'")  # the handle is still shown, as typed

    # Every link in the header, activated from the keyboard, goes through the question first.
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.header.setFocus()
    for _ in hrefs:
        assert page.header.focusNextPrevChild(True)  # what Tab does in a label: on to its next link
        boxes.answer(QMessageBox.StandardButton.Cancel)
        qtbot.keyClick(page.header, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(boxes.said) == len(hrefs), timeout=3000)  # each asked first, full address shown
    assert [said.splitlines()[-1] for said in boxes.said] == hrefs
    assert system_opens == []


def test_only_web_mail_and_phone_links_are_openable() -> None:
    assert all(map(is_openable, ["https://example.org", "http://example.org/x", "mailto:a@example.org",
                                 "tel:+441234567890", "HTTPS://EXAMPLE.ORG"]))  # fmt: skip
    assert not any(map(is_openable, ["file:///etc/passwd", "javascript:alert(1)", "smb://host/share", "",
                                     "x-journal-test:payload", "https://", "mailto:", "data:text/html,hi",
                                     "ftp://example.org", "/etc/passwd", "qrc:/x"]))  # fmt: skip


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform, showing a tooltip
def test_a_search_result_tooltip_shows_a_notes_markup_as_text_and_loads_no_image(
    qtbot, journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a short, relative path: the search snippet keeps all of it
    image_file(tmp_path)
    person = journal.add_person(PersonDraft("Ada"))
    journal.add_note(person.id, '<img src="picture.png"> harbour zine')
    page = SearchPage(journal)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    with qtbot.waitSignal(page.searched) as found:  # the search runs in the background
        page.search("zine")
    assert found.args == [1]
    item = page.tree.currentItem()
    where = page.tree.visualItemRect(item).center()
    hover = QHelpEvent(QEvent.Type.ToolTip, where, page.tree.viewport().mapToGlobal(where))
    QApplication.sendEvent(page.tree.viewport(), hover)  # what resting the mouse on the result sends
    qtbot.waitUntil(QToolTip.isVisible, timeout=3000)
    tip = next(w for w in QApplication.topLevelWidgets() if w.metaObject().className() == "QTipLabel")
    assert "picture.png" in tip.text() and "harbour zine" in tip.text()
    assert tip.sizeHint().height() < IMAGE_SIDE  # the picture is not shown
    QToolTip.hideText()
