"""File → Import… for other platforms' exports: a preview of what the import will do, then the import.

The preview is the import itself run as a dry run in the background (`Journal.import_source` with
`dry_run=True`), so what it says is what the import does. It shows what was found, the summary,
the first rows, the suggested duplicates, and who the user is in the messages (to be changed
where the export's own guess may be wrong); a tag can be added to everyone imported. Import runs
through `ops.run_operation` (progress, Cancel leaves the journal as it was) and ends with the
summary and a way to review possible duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from relationjournal.ui import ops
from relationjournal.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from relationjournal.core.importing import ImportSummary
    from relationjournal.core.journal import Journal

PLATFORMS = {"linkedin": "LinkedIn", "x": "X", "instagram": "Instagram", "facebook": "Facebook",
             "google": "Google Contacts", "vcard": "vCard"}  # fmt: skip


class ImportPreview(QDialog):
    """What importing an export will do; Import goes ahead, Cancel changes nothing."""

    def __init__(self, summary: ImportSummary, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = summary
        self.setWindowTitle("Import: preview")
        self.setMinimumSize(640, 480)
        found = ", ".join(PLATFORMS.get(kind, kind) for kind in summary.kinds)
        self.found = QLabel(f"Found in {path.name}: {found}, {summary.records:,} records. Nothing is imported "
                            "until you choose Import.")  # fmt: skip
        self.found.setTextFormat(Qt.TextFormat.PlainText)
        self.found.setWordWrap(True)
        self.details = QPlainTextEdit("\n".join(line for line in summary.lines() if not line.startswith("Dry run")))
        self.details.setReadOnly(True)
        self.details.setAccessibleName("What the import will do")
        self.rows = QTreeWidget()
        self.rows.setAccessibleName("The first records")
        self.rows.setHeaderLabels(["", "Name", "Where", "What happens"])
        self.rows.setRootIsDecorated(False)
        self.rows.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for row in summary.preview:
            self.rows.addTopLevelItem(QTreeWidgetItem([row.what, row.name, row.detail, row.outcome]))
        for column in range(3):
            self.rows.resizeColumnToContents(column)
        form = QFormLayout()
        self.owner_boxes: dict[str, QComboBox] = {}
        for owner in summary.owners:
            box = QComboBox()
            box.setAccessibleName(f"You in the {PLATFORMS.get(owner.kind, owner.kind)} messages")
            for key, name in owner.candidates:
                box.addItem(name, key)
            if box.findData(owner.key) < 0 and owner.key:
                box.insertItem(0, owner.name, owner.key)
            box.setCurrentIndex(max(0, box.findData(owner.key)))
            self.owner_boxes[owner.kind] = box
            label = f"&You in the {PLATFORMS.get(owner.kind, owner.kind)} messages:"
            if not owner.certain:
                label = f"&You in the {PLATFORMS.get(owner.kind, owner.kind)} messages (a guess; check it):"
            form.addRow(label, box)
        self.tag = QLineEdit()
        self.tag.setAccessibleName("Tag everyone imported")
        self.tag.setPlaceholderText("optional, e.g. linkedin-2026")
        form.addRow("&Tag everyone imported:", self.tag)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("&Import")
        self.import_button.setDefault(True)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.found)
        layout.addWidget(self.details, 2)
        layout.addWidget(QLabel("The first records:"))
        layout.addWidget(self.rows, 2)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def owners(self) -> dict[str, str]:
        """Who the user is in each platform's messages, as chosen (the participant key)."""
        return {kind: str(box.currentData()) for kind, box in self.owner_boxes.items() if box.currentData()}

    def tag_name(self) -> str | None:
        return self.tag.text().strip() or None


def import_export(
    parent: QWidget,
    journal: Journal,
    path: Path,
    *,
    review_duplicates: Callable[[], None],
    status: Callable[[str], None],
) -> None:
    """Preview (a dry run in the background), then, if the user says Import, the import itself."""

    def planned(summary: ImportSummary) -> None:
        preview = ImportPreview(summary, path, parent)
        if not preview.exec():
            status("Import cancelled: nothing was changed.")
            return
        tag, owners = preview.tag_name(), preview.owners()
        ops.run_operation(
            parent,
            "Import",
            lambda progress: journal.import_source(
                path, tag=tag, owners=owners, expected=summary.records, progress=progress
            ),  # fmt: skip
            imported,
            on_cancelled=lambda: status("Import cancelled: nothing was changed."),
        )

    def imported(summary: ImportSummary) -> None:
        status(f"Imported {path.name}: {summary.people_new:,} people new, {summary.people_matched:,} matched, "
               f"{summary.conversations_added:,} conversations.")  # fmt: skip
        box = QMessageBox(QMessageBox.Icon.Information, "Imported", "", parent=parent)
        box.setTextFormat(Qt.TextFormat.PlainText)  # names from the export are text, never markup
        box.setText("\n".join([f"Imported {path.name}.", "", *summary.lines()]))
        review = box.addButton("&Review possible duplicates…", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is review:
            review_duplicates()

    ops.run_operation(
        parent, "Reading the export", lambda progress: journal.import_source(path, dry_run=True, progress=progress),
        planned,
    )  # fmt: skip
