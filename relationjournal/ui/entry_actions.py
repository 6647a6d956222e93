"""What the user does to a timeline: log a conversation, write a note, open (edit) or delete an entry,
and undo a delete.

A delete is kept in memory for the session (never written anywhere), so Ctrl+Z puts the entry
back with its reminders. Edits, deletes and undos are written off the GUI thread (`worker`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from relationjournal.core.errors import JournalError
from relationjournal.core.records import DeletedEntry, InteractionRecord, NoteRecord, TimelineEntry, timeline_key
from relationjournal.ui import dialogs
from relationjournal.ui.qt import QMessageBox, Qt
from relationjournal.ui.worker import run_in_background

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal
    from relationjournal.ui.mainwindow import MainWindow
    from relationjournal.ui.pages import PersonPage, TimelinePage


class EntryActions:
    def __init__(self, window: MainWindow, journal: Journal):
        self.window, self.journal = window, journal
        self.deleted: list[DeletedEntry] = []  # this session's deletes, newest last: what Ctrl+Z puts back

    def log(self, person_id: int | None = None) -> None:
        """Log a conversation with `person_id` (Insights' one-sided list), else with the person shown."""
        window = self.window
        shown = window.person_page.person
        if person_id is None:
            if shown is None:
                return
            person_id = shown.id
        try:
            person = self.journal.person(person_id)
        except JournalError as error:  # (gone since the list was drawn)
            window.statusBar().showMessage(str(error), 8000)
            return
        dialog = dialogs.InteractionDialog(self.journal, person, window)
        if dialog.exec() and dialog.saved:
            window.statusBar().showMessage(f"Logged a conversation with {dialog.saved.person_name}.", 5000)
            if dialog.saved.hard_event:
                self._say_what_was_scheduled(dialog.saved.id)

    def _say_what_was_scheduled(self, interaction_id: int) -> None:
        """After hard news, say calmly what is now scheduled (check-ins, the evening's care), as the CLI does."""
        from relationjournal.core.vocabulary import utc_now
        from relationjournal.core.wellbeing import scheduled_sentence

        journal = self.journal
        sentence = scheduled_sentence(journal.reminders_from(interaction_id), utc_now(), journal.rules().zone)
        self.window.notice.say(sentence)

    def note(self) -> None:
        if self.window.person_page.person is not None:
            dialogs.NoteDialog(self.journal, self.window.person_page.person, parent=self.window).exec()

    def current(self) -> TimelineEntry | None:
        """The entry selected on the timeline in view: everyone's, or else the person's."""
        showing = self.window.stack.currentWidget()
        timeline: TimelinePage = self.window.timeline_page
        person: PersonPage = self.window.person_page
        if showing is timeline:
            return timeline.current_entry()
        if showing is person:
            return person.current_entry()
        return None

    def open(self) -> None:
        """Open the selected conversation or note to edit it, in the dialog it was written in."""
        entry = self.current()
        if entry is None:
            return
        person = self.journal.person(entry.item.person_id)
        if isinstance(entry.item, NoteRecord):
            dialogs.NoteDialog(self.journal, person, entry.item, parent=self.window).exec()
            return
        dialog = dialogs.InteractionDialog(self.journal, person, self.window, interaction=entry.item)
        if dialog.exec() and dialog.saved:
            self.window.statusBar().showMessage(f"Saved the conversation with {person.display_name}.", 5000)

    def delete(self) -> None:
        """Delete the selected entry once the user says so (Cancel is the default); Ctrl+Z undoes it."""
        entry = self.current()
        if entry is None:
            return
        what = "note" if entry.kind == "note" else "conversation"
        box = QMessageBox(QMessageBox.Icon.Question, f"Delete {what}",
                          f"Delete this {what} with {entry.item.person_name}?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.window)  # fmt: skip
        box.setInformativeText("You can undo it with Ctrl+Z (Edit ▸ Undo delete) until you close the app.")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        box.deleteLater()
        if answer != QMessageBox.StandardButton.Yes:
            return
        journal, item = self.journal, entry.item
        if isinstance(item, NoteRecord):
            work: Callable[[], DeletedEntry] = lambda: journal.delete_note(item.id)  # noqa: E731
        else:
            work = lambda: journal.delete_interaction(item.id)  # noqa: E731
        run_in_background(self.window, work, self._deleted, lambda error: self._failed(f"Delete {what}", error))

    def _deleted(self, deleted: DeletedEntry) -> None:
        self.deleted.append(deleted)
        self._update_undo()
        self.window.statusBar().showMessage(f"Deleted {_describe(deleted)} — Ctrl+Z to undo.", 15_000)

    def undo(self) -> None:
        """Put back the entry deleted last, and select it on the person's page."""
        if not self.deleted:
            return
        deleted = self.deleted.pop()
        self._update_undo()
        journal = self.journal

        def failed(error: Exception) -> None:  # kept, so that Ctrl+Z can try again
            self.deleted.append(deleted)
            self._update_undo()
            self._failed("Undo delete", error)

        run_in_background(self.window, lambda: journal.restore_entry(deleted),
                          lambda restored: self._restored(deleted, restored), failed)  # fmt: skip

    def _restored(self, deleted: DeletedEntry, restored: InteractionRecord | NoteRecord) -> None:
        kind: Literal["interaction", "note"] = "note" if isinstance(restored, NoteRecord) else "interaction"
        self.window.open_person(restored.person_id, timeline_key(kind, restored.id))
        self.window.statusBar().showMessage(f"Restored {_describe(deleted)}.", 8000)

    def _failed(self, title: str, error: Exception) -> None:
        if not isinstance(error, JournalError):
            raise error  # a bug: the crash dialog says so
        box = QMessageBox(QMessageBox.Icon.Critical, title, str(error), QMessageBox.StandardButton.Close, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
        box.deleteLater()

    def _update_undo(self) -> None:
        action = self.window.act_undo
        action.setEnabled(bool(self.deleted))
        action.setText(f"&Undo delete {_what(self.deleted[-1])}" if self.deleted else "&Undo delete")


def _what(deleted: DeletedEntry) -> str:
    return "note" if isinstance(deleted.entry, NoteRecord) else "conversation"


def _describe(deleted: DeletedEntry) -> str:
    return f"the {_what(deleted)} with {deleted.entry.person_name}"
