"""What the user does to people from the main window: add, edit, archive, merge, programmes, tags.

A controller, not a widget: it opens the dialogs and, after a change, shows and selects the
person. The views refresh themselves from the journal's change notices (see `ui/changes.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from relationjournal.ui import dates, dialogs, merge, programmes, tags
from relationjournal.ui.qt import QDialog, QMessageBox, Qt

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal
    from relationjournal.ui.mainwindow import MainWindow


class PersonActions:
    def __init__(self, window: MainWindow, journal: Journal):
        self.window, self.journal = window, journal

    def add(self) -> None:
        dialog = dialogs.PersonDialog(self.journal, parent=self.window)
        if dialog.exec() and dialog.saved:
            self.select(dialog.saved.id)

    def edit(self) -> None:
        window = self.window
        if window.person_page.person is None:
            return
        dialog = dialogs.PersonDialog(self.journal, self.journal.person(window.person_page.person.id), parent=window)
        if dialog.exec() and dialog.saved:
            self.select(dialog.saved.id)

    def archive(self) -> None:
        window = self.window
        person = window.person_page.person
        if person is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Archive person",
                          f"Archive {person.display_name}? Their history is kept, and reminders about them stop. "
                          "You can bring them back by editing their status.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)  # fmt: skip
        box.setTextFormat(Qt.TextFormat.PlainText)  # a name is never markup
        if box.exec() == QMessageBox.StandardButton.Yes:
            self.journal.archive_person(person.id)
            self.select(person.id)

    def merge_with(self) -> None:
        """Merge the person shown with another (picked in the dialog, possible duplicates first)."""
        person = self.window.person_page.person
        if person is not None:
            self._merging(merge.MergeDialog(self.journal, person.id, self.window)).exec()

    def review_duplicates(self) -> None:
        """The journal's possible duplicates, each a click away from its merge."""
        self._merging(merge.DuplicatesDialog(self.journal, self.window)).exec()

    def _merging(self, dialog: merge.MergeDialog | merge.DuplicatesDialog) -> QDialog:
        dialog.merging.connect(self._before_merge)
        dialog.merged.connect(self.select)  # the window shows the kept person
        return dialog

    def _before_merge(self, keep_id: int, other_id: int) -> None:
        """The person about to be merged away is not left on screen: the kept one shows instead."""
        shown = self.window.person_page.person
        if shown is not None and shown.id == other_id:
            self.window.open_person(keep_id)

    def select(self, person_id: int) -> None:
        """Show and select a person just added or changed, once the views have heard of the change."""
        self.window.changes.flush()
        self.window.open_person(person_id)

    def add_to_programme(self) -> None:
        if self.window.person_page.person is not None:
            programmes.MembershipDialog(self.journal, self.window.person_page.person.id, self.window).exec()

    def review_current_programme(self) -> None:
        if self.window.person_page.person is not None:
            self.window.reminders.review_programme(self.window.person_page.person.id)

    def dates(self) -> None:
        """The person's dates that matter: add one, or remove one."""
        if self.window.person_page.person is not None:
            dates.PersonDatesDialog(self.journal, self.window.person_page.person, self.window).exec()

    def manage_tags(self) -> None:
        """Rename, merge and delete tags, set their cadence: the views follow through the change notices."""
        tags.TagManagerDialog(self.journal, self.window).exec()
