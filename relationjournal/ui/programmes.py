"""Programme membership: adding someone to a programme, and the review that keeps them or rotates them out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.records import (
    MembershipRecord,
)
from relationjournal.ui.links import guard_label
from relationjournal.ui.qt import (
    QCheckBox,
    QDate,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from relationjournal.ui.text import html_text
from relationjournal.ui.widgets import (
    date_edit,
    lay_out_dialog,
    to_date,
)

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal


def title_width(dialog: QDialog, least: int) -> int:
    """Wide enough for the window title (which names the person) not to be cut off, within reason."""
    return min(900, max(least, dialog.fontMetrics().horizontalAdvance(dialog.windowTitle()) + 160))


class ProgrammeReviewDialog(QDialog):
    """Review a member: keep them (with the next review date) or rotate them out with a short checklist."""

    def __init__(self, journal: Journal, membership: MembershipRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal, self.membership = journal, membership
        self.result_record: MembershipRecord | None = None
        self.setWindowTitle(f"Review {membership.person_name} in {membership.programme}")
        self.setMinimumWidth(title_width(self, 560))
        who, programme = html_text(membership.person_name, breaks=True), html_text(membership.programme, breaks=True)
        intro = QLabel(f"<b>{who}</b> has been in <b>{programme}</b> since {membership.joined_on:%d %b %Y}. "
                       "Be gracious, and be clear.")  # fmt: skip
        guard_label(intro)
        intro.setWordWrap(True)
        self.keep = QRadioButton("&Keep them in the programme")
        self.keep.setChecked(True)
        self.next_review = date_edit(QDate.currentDate().addMonths(6))
        self.next_review.setAccessibleName("Next review")
        self.rotate = QRadioButton("&Rotate them out")
        self.thanked = QCheckBox("I thanked them personally, in my own words")
        self.told = QCheckBox("I told them clearly what changes for them, and when")
        self.record = QLineEdit()
        self.record.setPlaceholderText("What you told them, so nobody is left unsure")
        self.record.setAccessibleName("What you told them")
        form = QFormLayout()
        form.addRow("Next review", self.next_review)
        rotate_box = QWidget()
        rotate_layout = QVBoxLayout(rotate_box)
        rotate_layout.setContentsMargins(24, 0, 0, 0)
        for widget in (self.thanked, self.told, self.record):
            rotate_layout.addWidget(widget)
        self.error, self.buttons = lay_out_dialog(self, intro, self.keep, form, self.rotate, rotate_box, save=False)
        for signal in (self.keep.toggled, self.thanked.toggled, self.told.toggled, self.record.textChanged):
            signal.connect(self._update)
        self._update()

    def _update(self, *_: Any) -> None:
        rotating = self.rotate.isChecked()
        for widget in (self.thanked, self.told, self.record):
            widget.setEnabled(rotating)
        self.next_review.setEnabled(not rotating)
        ready = not rotating or (
            self.thanked.isChecked() and self.told.isChecked() and bool(self.record.text().strip())
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Rotate &out" if rotating else "K&eep")
        ok.setEnabled(ready)

    def accept(self) -> None:
        try:
            if self.rotate.isChecked():
                self.result_record = self.journal.rotate_out(self.membership.id, record=self.record.text())
            else:
                next_review = to_date(self.next_review.date())
                self.result_record = self.journal.keep_in_programme(self.membership.id, next_review)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        super().accept()


class MembershipDialog(QDialog):
    """Add a person to a programme, with a review date."""

    def __init__(self, journal: Journal, person_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal, self.person_id = journal, person_id
        self.saved: MembershipRecord | None = None
        self.setWindowTitle(f"Add {journal.person(person_id).display_name} to a programme")
        self.setMinimumWidth(title_width(self, 440))
        self.programme = QLineEdit()
        self.programme.setPlaceholderText("e.g. Brand advocates")
        known = sorted({m.programme for m in journal.memberships()})
        if known:
            self.programme.setText(known[0])
        self.joined = date_edit(QDate.currentDate())
        self.review = date_edit(QDate.currentDate().addMonths(3))
        form = QFormLayout()
        form.addRow("&Programme", self.programme)
        form.addRow("&Joined", self.joined)
        form.addRow("&Review on", self.review)
        self.error, _ = lay_out_dialog(self, form)

    def accept(self) -> None:
        try:
            self.saved = self.journal.add_membership(
                self.person_id, self.programme.text(), to_date(self.joined.date()),
                review_on=to_date(self.review.date()),
            )  # fmt: skip
        except JournalError as error:
            self.error.show_error(str(error))
            return
        super().accept()
