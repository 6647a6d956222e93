"""The journal as a whole: export and import (in the background, with progress), and settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relationjournal.ui import dialogs, ops
from relationjournal.ui.qt import QFileDialog, QInputDialog

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal
    from relationjournal.ui.mainwindow import MainWindow


@dataclass(frozen=True)
class ImportFormat:
    """A kind of file File > Import… reads; the user chooses among them once there is more than one."""

    label: str
    ask_source: str  # the title of the file or folder chooser
    folder: bool = True  # chosen as a folder; else as a file (a .zip, a .csv, a .vcf …)
    journal_csv: bool = False  # the journal's own CSV export: imported as it is, without a preview


IMPORT_FORMATS = (
    ImportFormat("An export from LinkedIn, X, Instagram, Facebook or Google Contacts, or a vCard file (.zip or file)",
                 "Choose the export (.zip as downloaded, or one of its files)", folder=False),
    ImportFormat("An unpacked export (its folder)", "Choose the export's folder"),
    ImportFormat("CSV files (an export of Relation Journal)", "Import the CSV files in this folder", journal_csv=True),
)  # fmt: skip
EXPORT_FILES = "Exports (*.zip *.csv *.json *.js *.vcf *.vcard);;All files (*)"


class DataActions:
    def __init__(self, window: MainWindow, journal: Journal):
        self.window, self.journal = window, journal

    def export_to(self, folder: Path | None) -> None:
        """Export to CSV after the plain-text warning, in the background with progress and Cancel."""
        window = self.window
        folder = dialogs.ask_export_folder(window, folder)
        if folder is None:
            return
        journal, status = self.journal, window.statusBar()
        ops.run_operation(
            window,
            "Export to CSV",
            lambda progress: journal.export_csv(folder, progress=progress),
            lambda paths: status.showMessage(f"Exported to {paths[0].parent}. These files are not encrypted.", 10000),
            on_cancelled=lambda: status.showMessage("Export cancelled: no file was left behind.", 10000),
        )

    def choose_format(self) -> ImportFormat | None:
        """Which kind of file to import: asked only once there is a choice."""
        if len(IMPORT_FORMATS) == 1:
            return IMPORT_FORMATS[0]
        labels = [f.label for f in IMPORT_FORMATS]
        label, chosen = QInputDialog.getItem(self.window, "Import", "What to import:", labels, 0, False)
        return IMPORT_FORMATS[labels.index(label)] if chosen else None

    def import_from(self, source: Path | None) -> None:
        """Import a file, folder or .zip: another platform's export after a preview (`ui/importing.py`), the
        journal's own CSV files at once; in the background, all or nothing, then every view follows."""
        from relationjournal.core.importing import is_journal_export

        window = self.window
        if source is None:
            kind = self.choose_format()
            if kind is None:
                return
            if kind.folder:
                chosen = QFileDialog.getExistingDirectory(window, kind.ask_source)
            else:
                chosen = QFileDialog.getOpenFileName(window, kind.ask_source, "", EXPORT_FILES)[0]
            if not chosen:
                return
            source = Path(chosen)
            journal_csv = kind.journal_csv or is_journal_export(source)
        else:
            journal_csv = is_journal_export(source)
        if not journal_csv:
            from relationjournal.ui import importing

            status_bar = window.statusBar()
            importing.import_export(window, self.journal, source, review_duplicates=window.persons.review_duplicates,
                                    status=lambda text: status_bar.showMessage(text, 10000))  # fmt: skip
            return
        journal, status = self.journal, window.statusBar()

        def imported(counts: dict[str, int]) -> None:
            status.showMessage(f"Imported {sum(counts.values()):,} rows from {source}.", 10000)

        ops.run_operation(window, "Import", lambda _progress: journal.import_csv(source), imported)

    def settings(self) -> None:
        dialogs.SettingsDialog(self.journal, self.window).exec()
