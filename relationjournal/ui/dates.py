"""A person's dates that matter (a work anniversary, a wedding, a birthday without a year): listed,
added and removed. Today shows each of them ahead and on the day (`wellbeing.materialise_dates`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from relationjournal.core.errors import JournalError
from relationjournal.core.records import PersonDateRecord, PersonRecord
from relationjournal.ui import text
from relationjournal.ui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from relationjournal.ui.widgets import MutedLabel, date_edit, lay_out_dialog, to_date

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal

# Offered as the user types; any other words are a label too.
SUGGESTED_LABELS = ("Work anniversary", "Wedding anniversary", "Joined the programme", "Birthday")


def date_words(found: PersonDateRecord, today: date) -> str:
    """The day, how many years it marks (as a birthday says the age) and how soon it comes when
    within a month: "14 December 2019, 7 years in 14 days", "20 June 2015 (11 years)",
    "7 March, in 12 days" (no year: no count), "3 June"."""
    day = f"{found.day} {date(2000, found.month, 1):%B}" + (f" {found.year}" if found.year else "")
    coming = text.next_birthday(date(found.year or 2000, found.month, found.day), today)
    soon, when = (coming - today).days <= 31, text.on_day(coming, today)
    marks = coming.year - found.year if found.year else 0  # the years it will mark when it comes
    if soon:
        return f"{day}, {years(marks)} {when}" if marks > 0 else f"{day}, {when}"
    return f"{day} ({years(marks - 1)})" if marks > 1 else day  # (the years it marks so far)


def years(count: int) -> str:
    return "1 year" if count == 1 else f"{count} years"


class DateDialog(QDialog):
    """Add a date that comes back every year: what it is (a suggestion, or your own words), the day,
    and whether the year counts."""

    def __init__(self, journal: Journal, person: PersonRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal, self.person = journal, person
        self.saved: PersonDateRecord | None = None
        self.setWindowTitle(f"Add a date for {person.display_name}")
        self.setMinimumWidth(420)
        self.label = QComboBox()
        self.label.setEditable(True)
        self.label.addItems(SUGGESTED_LABELS)
        self.label.setCurrentIndex(-1)
        line = self.label.lineEdit()
        assert line is not None  # (editable)
        line.setPlaceholderText("Work anniversary, Wedding anniversary, or your own words")
        self.label.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.day = date_edit(QDate.currentDate())
        self.no_year = QCheckBox("&No year: only the day and the month count")
        form = QFormLayout()
        for caption, widget in (("&What", self.label), ("&Day", self.day), ("", self.no_year)):
            form.addRow(caption, widget)
            widget.setAccessibleName(caption.replace("&", "") or "No year")
        self.error, self.buttons = lay_out_dialog(self, form)
        self.label.setFocus()

    def accept(self) -> None:
        try:
            self.saved = self.journal.add_person_date(
                self.person.id, self.label.currentText(), to_date(self.day.date()), no_year=self.no_year.isChecked()
            )
        except JournalError as error:
            self.error.show_error(str(error))
            return
        super().accept()


class PersonDatesDialog(QDialog):
    """A person's dates, in calendar order: add one, or remove one (asked first)."""

    def __init__(self, journal: Journal, person: PersonRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal, self.person = journal, person
        self.setWindowTitle(f"Dates that matter: {person.display_name}")
        self.setMinimumWidth(440)
        intro = MutedLabel("Each comes back every year: Today shows it a few days ahead and on the day.")
        intro.setWordWrap(True)
        self.dates = QListWidget()
        self.dates.setAccessibleName("Dates")
        self.empty = QLabel("No dates yet.")
        self.add = QPushButton("&Add a date…")
        self.remove = QPushButton("&Remove…")
        close = QPushButton("Close")
        close.setDefault(True)
        row = QHBoxLayout()
        for button in (self.add, self.remove):
            row.addWidget(button)
        row.addStretch()
        row.addWidget(close)
        layout = QVBoxLayout(self)
        for part in (intro, self.dates, self.empty):
            layout.addWidget(part)
        layout.addLayout(row)
        self.add.clicked.connect(self.add_date)
        self.remove.clicked.connect(self.remove_date)
        close.clicked.connect(self.accept)
        self.dates.currentRowChanged.connect(lambda _row: self.remove.setEnabled(self.dates.currentItem() is not None))
        self.reload()

    def reload(self, select: int | None = None) -> None:
        today = date.today()
        self.dates.clear()
        for found in self.journal.person_dates(self.person.id):
            item = QListWidgetItem(f"{found.label}: {date_words(found, today)}")
            item.setData(Qt.ItemDataRole.UserRole, found)
            self.dates.addItem(item)
            if found.id == select:
                self.dates.setCurrentItem(item)
        self.empty.setVisible(self.dates.count() == 0)
        self.remove.setEnabled(self.dates.currentItem() is not None)

    def add_date(self) -> None:
        dialog = DateDialog(self.journal, self.person, self)
        if dialog.exec() and dialog.saved is not None:
            self.reload(dialog.saved.id)

    def remove_date(self) -> None:
        item = self.dates.currentItem()
        if item is None:
            return
        found: PersonDateRecord = item.data(Qt.ItemDataRole.UserRole)
        box = QMessageBox(QMessageBox.Icon.Question, "Remove date",
                          f"Remove “{found.label}” from {self.person.display_name}'s dates? Today will no longer "
                          "remind you of it.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)  # fmt: skip
        box.setTextFormat(Qt.TextFormat.PlainText)  # a label is never markup
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() == QMessageBox.StandardButton.Yes:
            self.journal.remove_person_date(found.id)
            self.reload()
