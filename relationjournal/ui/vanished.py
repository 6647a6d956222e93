"""When the journal's file is deleted or replaced while the app has it open.

The app still has the journal open (one connection reads the deleted file), so nothing is lost
yet: writes are refused (`Journal.ensure_file`), what the user typed stays in its editor, and this
dialog says what happened and offers the way out: put the journal back where it was, or, when
another file now stands there, keep what was open as a rescued copy beside the backups.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from relationjournal.core.errors import JournalError
from relationjournal.ui.qt import QMessageBox, Qt, QWidget

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal

GONE_TEXT = (
    "Your journal file was deleted or moved by another program while Relation Journal had it open.\n\n"
    "Nothing is lost yet: the app still has everything that was saved, and what you are typing stays in its "
    "window, but nothing more can be saved until the journal is back.\n\n"
    "Put it back now, to {path}?"
)
REPLACED_TEXT = (
    "Your journal file was replaced by another file while Relation Journal had it open. Nothing more is saved "
    "to either.\n\nSave what the app has open as a rescued copy in {folder}? Afterwards quit, and restore the "
    "copy with `relationjournal restore FILE` if the new file is not the journal you want."
)


def offer_rescue(journal: Journal, parent: QWidget | None = None) -> bool:
    """Explain a vanished or replaced journal file and offer to rescue it; True once it is writable again."""
    problem = journal.file_problem()
    if problem is None:
        return True
    from relationjournal.core.locations import JournalLocation

    location = JournalLocation(journal.path.parent)
    if problem == "gone":
        text, action = GONE_TEXT.format(path=journal.path), "&Put it back"
    else:
        text, action = REPLACED_TEXT.format(folder=location.backups), "&Save a rescued copy"
    box = QMessageBox(QMessageBox.Icon.Warning, "Your journal file is gone", text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    rescue = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Not now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(rescue)
    box.exec()
    if box.clickedButton() is not rescue:
        return False
    try:
        if problem == "gone":
            journal.put_back()
            return True
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        saved = journal.put_back(location.backups / f"journal-{stamp}-rescued.db")
    except JournalError as error:
        _tell(parent, f"It could not be rescued: {error}")
        return False
    _tell(parent, f"What was open is saved, encrypted with the journal's key, as {saved}.")
    return False


def _tell(parent: QWidget | None, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, "Relation Journal", text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
