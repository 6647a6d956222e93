"""What the user does to a person's timeline: log a conversation, write a note, open or delete an entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relationjournal.ui import dialogs
from relationjournal.ui.qt import QMessageBox

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal
    from relationjournal.ui.mainwindow import MainWindow


class EntryActions:
    def __init__(self, window: MainWindow, journal: Journal):
        self.window, self.journal = window, journal

    def log(self) -> None:
        window = self.window
        if window.person_page.person is None:
            return
        dialog = dialogs.InteractionDialog(self.journal, self.journal.person(window.person_page.person.id), window)
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

    def open(self) -> None:
        page = self.window.person_page
        entry = page.current_entry()
        if entry is not None and page.person is not None and entry.kind == "note":
            dialogs.NoteDialog(self.journal, page.person, entry.item, parent=self.window).exec()

    def delete(self) -> None:
        entry = self.window.person_page.current_entry()
        if entry is None:
            return
        what = "note" if entry.kind == "note" else "conversation"
        answer = QMessageBox.question(self.window, f"Delete {what}", f"Delete this {what}? This cannot be undone.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        if entry.kind == "note":
            self.journal.delete_note(entry.item.id)
        else:
            self.journal.delete_interaction(entry.item.id)
