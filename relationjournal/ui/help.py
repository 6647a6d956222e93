"""Help: the keyboard shortcuts (read from the window's own actions, so the list never drifts) and the
user guide (docs/guide.md, shipped with the app, shown offline: it loads nothing and opens links
only as the rest of the app does, see links.py)."""

from __future__ import annotations

import re
from pathlib import Path

import relationjournal
from relationjournal.ui.links import SafeTextBrowser, open_link
from relationjournal.ui.qt import (
    QAction,
    QDialog,
    QDialogButtonBox,
    QKeySequence,
    QMainWindow,
    QTextCursor,
    QTreeWidget,
    QTreeWidgetItem,
    QUrl,
    QVBoxLayout,
    QWidget,
)

GUIDE = "guide.md"


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """(what, keys) for every action of `window` that has a shortcut, in the order they were made."""
    rows = []
    for action in window.actions():
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
        if keys:
            rows.append((_plain(action), " or ".join(dict.fromkeys(keys))))
    return rows


def _plain(action: QAction) -> str:
    """An action's label without its mnemonic, its trailing ellipsis or a count (`To&day (3)` → `Today`)."""
    text = re.sub(r"&(.)", r"\1", action.text()).rstrip("…").strip()
    return re.sub(r"\s*\(\d+\)$", "", text)


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.setMinimumSize(440, 480)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["Action", "Shortcut"])
        self.table.setRootIsDecorated(False)
        self.table.setAccessibleName("Keyboard shortcuts")
        for what, keys in shortcut_rows(window):
            QTreeWidgetItem(self.table, [what, keys])
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


def guide_path() -> Path:
    """The guide as shipped (beside the package in a wheel or a bundle), else in a source checkout."""
    package = Path(relationjournal.__file__).parent
    for candidate in (package / "docs" / GUIDE, package.parent / "docs" / GUIDE):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(GUIDE)


def _slug(heading: str) -> str:
    """A heading as a Markdown anchor (`Keys and recovery` → `keys-and-recovery`)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


class GuideBrowser(SafeTextBrowser):
    """The guide: a link to one of its own headings (`#backups`) scrolls there; any other goes
    through `open_link` (web, mail and phone only, asked first). Nothing is ever loaded."""

    def _open(self, url: QUrl) -> None:
        if not url.scheme() and url.hasFragment() and not url.path():
            self.scroll_to_heading(url.fragment())
        else:
            open_link(self, url)

    def headings(self) -> list[str]:
        found = []
        block = self.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel():
                found.append(block.text())
            block = block.next()
        return found

    def scroll_to_heading(self, anchor: str) -> bool:
        block = self.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and _slug(block.text()) == anchor.lower():
                cursor = QTextCursor(block)
                self.setTextCursor(cursor)
                self.ensureCursorVisible()
                return True
            block = block.next()
        return False


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Relation Journal: user guide")
        self.resize(720, 760)
        self.browser = GuideBrowser()
        self.browser.setAccessibleName("User guide")
        try:
            text = guide_path().read_text(encoding="utf-8")
        except OSError:
            text = "# The user guide is missing\n\nThis copy of Relation Journal was installed without its guide."
        self.browser.setMarkdown(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
