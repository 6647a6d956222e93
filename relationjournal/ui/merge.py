"""Merging two people who are one: pick the other, choose each field, see what moves, merge.

`MergeDialog` asks the journal for a dry run whenever a choice changes, so what it says will move
and what will go into the note is exactly what the merge then does. `DuplicatesDialog` lists the
journal's possible duplicates (`Journal.duplicate_suggestions`) and opens the merge for one.
Neither refreshes a view: the window follows the journal's change notices. Just before a merge
is written, `merging(keep, other)` lets the window stop showing the person about to go.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING

from relationjournal.core.errors import JournalError
from relationjournal.core.folding import fold
from relationjournal.core.records import MERGE_FIELD_LABELS, PERSON_SCALAR_FIELDS, PeopleFilter
from relationjournal.ui import worker
from relationjournal.ui.qt import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from relationjournal.ui.widgets import ErrorLine, MutedLabel

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal
    from relationjournal.core.records import DuplicateSuggestion, MergeChoice, MergeResult, PersonRecord, PersonSummary

ID_ROLE = Qt.ItemDataRole.UserRole
MORE_PEOPLE = 200  # people listed besides the suggested duplicates; typing narrows the list
EMPTY = "(empty)"


def value_text(person: PersonRecord, field: str) -> str:
    """A field's value as the dialog shows it ("" for none)."""
    value = getattr(person, field)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value.value if isinstance(value, Enum) else value)


def _label(person: PersonSummary | PersonRecord) -> str:
    return person.display_name + (f" ({person.organisation})" if person.organisation else "")


def _plain(text: str) -> str:
    """Text for a button: one line, and `&` shown, not taken as a mnemonic."""
    line = " ".join(text.split())
    line = line if len(line) <= 60 else line[:59] + "…"
    return line.replace("&", "&&")


class MergeDialog(QDialog):
    """Person → Merge with…: the other person, then both side by side with a choice per differing field."""

    merging = Signal(int, int)  # (keep, other): just before the merge is written
    merged = Signal(int)  # the kept person's id, once merged

    def __init__(self, journal: Journal, keep_id: int, parent: QWidget | None = None, *, other_id: int | None = None):
        super().__init__(parent)
        self.journal = journal
        self.keep_id, self.other_id = keep_id, other_id
        self.outcome: MergeResult | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.setWindowTitle("Merge people")
        self.setMinimumSize(640, 480)
        self.pages = QStackedWidget()
        self.error = ErrorLine()

        # Page one: who is the same person?
        keep = journal.person(keep_id)
        self.ask = QLabel(f"Who is the same person as {keep.display_name}? Possible duplicates come first.")
        self.ask.setTextFormat(Qt.TextFormat.PlainText)
        self.ask.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to find a person")
        self.filter.setAccessibleName("Find a person")
        self.filter.setClearButtonEnabled(True)
        self.people = QListWidget()
        self.people.setAccessibleName("People")
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.next_button = QPushButton("&Next")
        self.next_button.setDefault(True)
        pick = QWidget()
        column = QVBoxLayout(pick)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.ask, self.filter, self.people):
            column.addWidget(widget)
        self.pages.addWidget(pick)

        # Page two: both side by side.
        self.grid = QGridLayout()
        table = QWidget()
        table.setLayout(self.grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(table)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What the merge does")
        self.swap_button = QPushButton("&Swap: keep the other")
        self.swap_button.clicked.connect(self.swap)
        compare = QWidget()
        column = QVBoxLayout(compare)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(scroll, 1)
        column.addWidget(self.summary)
        self.pages.addWidget(compare)

        self.back_button = QPushButton("&Back")
        self.merge_button = QPushButton("&Merge…")
        cancel = QPushButton("&Cancel")
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.swap_button)
        buttons.addStretch()
        for button in (self.next_button, self.merge_button, cancel):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self.filter.textChanged.connect(self._fill)
        self.people.itemActivated.connect(lambda _item: self.next())
        self.people.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.next_button.clicked.connect(self.next)
        self.back_button.clicked.connect(self.back)
        self.merge_button.clicked.connect(self.merge)
        cancel.clicked.connect(self.reject)
        self.suggested: list[DuplicateSuggestion] = []
        if other_id is None:
            try:
                self.suggested = journal.duplicate_suggestions(person_id=keep_id)
            except JournalError as error:
                self.error.show_error(str(error))
            self._fill()
            self.pages.setCurrentIndex(0)
            self.filter.setFocus()
        else:
            self._compare()
        self._update_buttons()

    # Page one -------------------------------------------------------------------------------------
    def _fill(self) -> None:
        """Suggested duplicates (with why), then people whose name, organisation, handle or tag has what is typed."""
        typed = self.filter.text().strip()
        self.people.clear()
        shown = {self.keep_id}
        for suggestion in self.suggested:
            other = suggestion.second if suggestion.first.id == self.keep_id else suggestion.first
            if typed and fold(typed) not in fold(_label(other)):
                continue
            self._add_item(other, f"{_label(other)} — possible duplicate: {suggestion.reason}")
            shown.add(other.id)
        try:
            ids = [i for i in self.journal.person_ids(PeopleFilter(text=typed)) if i not in shown][:MORE_PEOPLE]
            for summary in self.journal.person_summaries(ids):
                self._add_item(summary, _label(summary))
        except JournalError as error:
            self.error.show_error(str(error))
        if self.people.count():
            self.people.setCurrentRow(0)
        self._update_buttons()

    def _add_item(self, person: PersonSummary, text: str) -> None:
        item = QListWidgetItem(" ".join(text.split()))
        item.setData(ID_ROLE, person.id)
        self.people.addItem(item)

    def next(self) -> None:
        item = self.people.currentItem()
        if item is None:
            return
        self.other_id = int(item.data(ID_ROLE))
        self._compare()

    def back(self) -> None:
        self.error.hide()
        if not self.suggested and self.people.count() == 0:
            self._fill()
        self.pages.setCurrentIndex(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        comparing = self.pages.currentIndex() == 1
        self.next_button.setVisible(not comparing)
        self.next_button.setEnabled(self.people.currentItem() is not None)
        for button in (self.back_button, self.swap_button, self.merge_button):
            button.setVisible(comparing)
        self.merge_button.setDefault(comparing)
        self.next_button.setDefault(not comparing)

    # Page two -------------------------------------------------------------------------------------
    def _compare(self) -> None:
        """Show both people, a choice for each field where they differ, and what the merge does."""
        assert self.other_id is not None
        try:
            keep, other = self.journal.person(self.keep_id), self.journal.person(self.other_id)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        self.error.hide()
        while self.grid.count():
            taken = self.grid.takeAt(0)
            if taken is not None and (widget := taken.widget()) is not None:
                widget.setParent(None)
        for group in self.groups.values():
            group.deleteLater()
        self.groups = {}
        for column, (person, role) in enumerate(((keep, "stays"), (other, "merged in, then removed")), start=1):
            heading = QLabel(f"{person.display_name} ({role})")
            heading.setTextFormat(Qt.TextFormat.PlainText)
            heading.setWordWrap(True)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            self.grid.addWidget(heading, 0, column)
        row = 1
        for field in PERSON_SCALAR_FIELDS:
            mine, theirs = value_text(keep, field), value_text(other, field)
            if mine == theirs:
                continue
            self.grid.addWidget(QLabel(MERGE_FIELD_LABELS[field].capitalize()), row, 0)
            group = QButtonGroup(self)
            for column, value in enumerate((mine, theirs), start=1):
                button = QRadioButton(_plain(value) if value.strip() else EMPTY)
                button.setToolTip(value)
                button.setAccessibleName(f"{MERGE_FIELD_LABELS[field]}: {value or 'empty'}")
                group.addButton(button, column)
                self.grid.addWidget(button, row, column)
            keep_side = not (not mine.strip() and theirs.strip())  # an empty value is filled in from the other
            group.button(1 if keep_side else 2).setChecked(True)
            group.idToggled.connect(lambda _id, checked: self._summarise() if checked else None)
            self.groups[field] = group
            row += 1
        for label, mine, theirs in (
            ("Handles", ", ".join(v for _, v in keep.handles), ", ".join(v for _, v in other.handles)),
            ("Tags", ", ".join(keep.tags), ", ".join(other.tags)),
        ):
            if mine or theirs:
                self.grid.addWidget(QLabel(label), row, 0)
                for column, value in enumerate((mine, theirs), start=1):
                    shown = MutedLabel(value or "none")
                    shown.setTextFormat(Qt.TextFormat.PlainText)
                    shown.setWordWrap(True)
                    self.grid.addWidget(shown, row, column)
                row += 1
        if not self.groups:
            same = MutedLabel("Their details are the same: only their history moves.")
            self.grid.addWidget(same, row, 0, 1, 3)
            row += 1
        self.grid.setRowStretch(row, 1)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.pages.setCurrentIndex(1)
        self._update_buttons()
        self._summarise()

    def choices(self) -> dict[str, MergeChoice]:
        """The side chosen for each field that differs."""
        return {field: "keep" if group.checkedId() == 1 else "other" for field, group in self.groups.items()}

    def _summarise(self) -> None:
        """Say what the merge will do, from a dry run of it with the current choices."""
        assert self.other_id is not None
        try:
            result = self.journal.merge_people(self.keep_id, self.other_id, self.choices(), dry_run=True)
        except JournalError as error:
            self.error.show_error(str(error))
            self.merge_button.setEnabled(False)
            return
        self.error.hide()
        self.merge_button.setEnabled(True)
        kept, gone = result.kept.display_name, result.removed.display_name
        lines = [f"{gone} is merged into {kept} and removed. Moves to {kept}: {result.moved_text()}."]
        if result.same_handles:
            lines.append(f"Handles both have are kept once ({result.same_handles}).")
        if result.noted:
            values = "; ".join(f"{MERGE_FIELD_LABELS[f]}: {' '.join(v.split())[:80]}" for f, v in result.noted)
            lines.append(f"Values not kept go into a note on {kept}, so nothing is lost: {values}.")
        if result.reminders_collapsed:
            lines.append(f"Open reminders that repeat each other become one ({result.reminders_collapsed} removed).")
        self.summary.setText("\n".join(lines))

    def swap(self) -> None:
        """Keep the other person instead (their id, their page)."""
        if self.other_id is None:
            return
        self.keep_id, self.other_id = self.other_id, self.keep_id
        self._compare()

    def merge(self) -> None:
        """Ask (Cancel is the default), then merge in one transaction."""
        if self.other_id is None:
            return
        try:
            keep, other = self.journal.person(self.keep_id), self.journal.person(self.other_id)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Merge people",
                          f"Merge {other.display_name} into {keep.display_name}? Everything about "
                          f"{other.display_name} moves to {keep.display_name}, and values not kept go into a note. "
                          "This cannot be undone.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)  # fmt: skip
        box.setTextFormat(Qt.TextFormat.PlainText)  # a name is never markup
        box.button(QMessageBox.StandardButton.Yes).setText("&Merge")
        box.button(QMessageBox.StandardButton.Cancel).setText("&Cancel")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        self.merging.emit(keep.id, other.id)
        try:
            self.outcome = self.journal.merge_people(keep.id, other.id, self.choices())
        except JournalError as error:
            self.error.show_error(str(error))
            return
        self.merged.emit(self.outcome.kept.id)
        self.accept()


class DuplicatesDialog(QDialog):
    """Person → Possible duplicates…: who may be one person, and why; Merge… opens the merge for a pair."""

    loaded = Signal()
    merging = Signal(int, int)
    merged = Signal(int)

    def __init__(self, journal: Journal, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal = journal
        self.suggestions: list[DuplicateSuggestion] = []
        self.setWindowTitle("Possible duplicates")
        self.setMinimumSize(720, 420)
        intro = QLabel(
            "People who may be one person: “likely” when they share an e-mail, a phone or a profile, “maybe” "
            "when only their names match. Merging keeps everything of both."
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Possible duplicates")
        self.tree.setHeaderLabels(["", "Person", "May be the same as", "Why"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemActivated.connect(lambda *_: self.merge())
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.empty = MutedLabel("Looking for possible duplicates…")
        self.empty.setWordWrap(True)
        self.merge_button = QPushButton("&Merge…")
        self.merge_button.clicked.connect(self.merge)
        self.error = ErrorLine()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("&Close")
        close.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.tree, self.empty, self.error, close):
            layout.addWidget(widget)
        layout.setStretchFactor(self.tree, 1)
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        """Look again, off the GUI thread (10,000 people take a moment)."""
        self.merge_button.setEnabled(False)
        worker.run_in_background(self, self.journal.duplicate_suggestions, self._show, self._failed)

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, JournalError):
            raise error
        self.error.show_error(str(error))
        self.loaded.emit()

    def _show(self, suggestions: list[DuplicateSuggestion]) -> None:
        self.suggestions = suggestions
        self.tree.clear()
        for suggestion in suggestions:
            item = QTreeWidgetItem(["likely" if suggestion.strong else "maybe", _label(suggestion.first),
                                    _label(suggestion.second), suggestion.reason])  # fmt: skip
            self.tree.addTopLevelItem(item)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        self.tree.setVisible(bool(suggestions))
        self.empty.setText("" if suggestions else "No possible duplicates: no two people share an e-mail, a phone, "
                           "a profile or a name.")  # fmt: skip
        self.empty.setVisible(not suggestions)
        if (first := self.tree.topLevelItem(0)) is not None:
            self.tree.setCurrentItem(first)
        self._update_buttons()
        self.loaded.emit()

    def _update_buttons(self) -> None:
        self.merge_button.setEnabled(self.current() is not None)

    def current(self) -> DuplicateSuggestion | None:
        item = self.tree.currentItem()
        row = self.tree.indexOfTopLevelItem(item) if item is not None else -1
        return self.suggestions[row] if 0 <= row < len(self.suggestions) else None

    def merge(self) -> None:
        """Open the merge for the selected pair (the one added first stays unless swapped)."""
        chosen = self.current()
        if chosen is None:
            return
        try:
            dialog = MergeDialog(self.journal, chosen.first.id, self, other_id=chosen.second.id)
        except JournalError as error:  # one of them was changed elsewhere since the list was made
            self.error.show_error(str(error))
            self.reload()
            return
        dialog.merging.connect(self.merging)
        dialog.merged.connect(self.merged)
        if dialog.exec():
            self.reload()
