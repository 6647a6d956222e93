"""Links in journal text: which may open, and how. Every view of journal text goes through here.

Notes, names and handles are typed by the user or imported from a CSV file someone else made, and
Qt would act on any link in them: a text browser follows a `file:` link by loading the file into
itself, loads the images a note names (from this disk, whatever the path), and with
`openExternalLinks` hands any other scheme to the system, which may run a program for it (`smb:`,
`javascript:`, a custom scheme some installed program registered). So here:

- only web, mail and phone links (`OPENABLE_SCHEMES`) ever open, and only after the user has seen
  the whole address and chosen Open (`open_link`); any other link says it was not opened, and why;
- `SafeTextBrowser` never loads anything: no file, no image, no style sheet, no page, local or
  remote; it shows the text it is given and nothing else;
- `guard_label` makes a rich-text label's links go through `open_link` too.
"""

from __future__ import annotations

import textwrap

from relationjournal.ui.qt import (
    QDesktopServices,
    QImage,
    QLabel,
    QMessageBox,
    Qt,
    QTextBrowser,
    QTextDocument,
    QUrl,
    QWidget,
)

OPENABLE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
ADDRESS_LINE = 48  # characters a line: a message box wraps only at spaces, so a long address is cut here
NOT_OPENED = "Only web (http, https), email (mailto) and phone (tel) links open from the journal."


def as_url(url: QUrl | str) -> QUrl:
    return url if isinstance(url, QUrl) else QUrl(url)


def is_openable(url: QUrl | str) -> bool:
    """True for a well-formed web, mail or phone link: the only links the app hands to the system."""
    url = as_url(url)
    if not url.isValid() or url.scheme().lower() not in OPENABLE_SCHEMES:
        return False
    if url.scheme().lower() in ("http", "https"):
        return bool(url.host())
    return bool(url.path().strip())


def full_address(url: QUrl | str) -> str:
    """The address as it would be handed to the system: percent-encoded, an international domain
    name in its ASCII form, so that nothing in it can pass for something else. An address Qt cannot
    read is shown as it was written."""
    parsed = as_url(url)
    if parsed.isValid():
        return bytes(parsed.toEncoded().data()).decode("ascii")
    return url if isinstance(url, str) else "(an address that cannot be read)"


def open_link(parent: QWidget | None, url: QUrl | str) -> bool:
    """Ask, showing the full address, then hand `url` to the system; True if it was handed over.

    Any other link than a web, mail or phone link is never opened: the user is told so, and why.
    """
    address = "\n".join(textwrap.wrap(full_address(url), ADDRESS_LINE, break_on_hyphens=False))
    url = as_url(url)
    if not is_openable(url):
        box = plain_message_box(parent, "Link not opened", f"This link was not opened:\n{address}")
        box.setInformativeText(NOT_OPENED)
        box.exec()
        return False
    what = {"mailto": "Write an email to this address", "tel": "Call this number"}.get(
        url.scheme().lower(), "Open this address in your browser"
    )
    box = plain_message_box(parent, "Open link?", f"{what}?\n{address}", QMessageBox.Icon.Question)
    box.setStandardButtons(QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is not box.button(QMessageBox.StandardButton.Open):
        return False
    return QDesktopServices.openUrl(url)


def plain_message_box(
    parent: QWidget | None, title: str, message: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information
) -> QMessageBox:
    """A message box whose text is never read as rich text (an address may hold `<img ...>`)."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(message)
    return box


class SafeTextBrowser(QTextBrowser):
    """A text browser for journal text that loads nothing and follows no link by itself.

    Every resource the text names (an image, a style sheet, a page) is answered with nothing: a
    blank pixel for an image (Qt reads an image's path from disk itself when the answer is not an
    image) and empty text for the rest. A clicked link goes through `open_link`.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open)

    def _open(self, url: QUrl) -> None:
        open_link(self, url)

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        if kind == QTextDocument.ResourceType.ImageResource:
            blank = QImage(1, 1, QImage.Format.Format_ARGB32)
            blank.fill(Qt.GlobalColor.transparent)
            return blank
        return ""

    def doSetSource(self, name: QUrl | str, kind: object = None) -> None:
        """Never navigate: the browser shows the text it was given, not another file or page."""


def guard_label(label: QLabel) -> QLabel:
    """A rich-text label whose links go through `open_link` rather than straight to the system."""
    label.setOpenExternalLinks(False)
    label.linkActivated.connect(lambda link: open_link(label, link))
    return label
