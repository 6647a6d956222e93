"""The journal as a whole: export and import CSV (in the background, with progress), and settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from relationjournal.ui import dialogs, ops
from relationjournal.ui.qt import QFileDialog

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal
    from relationjournal.ui.mainwindow import MainWindow


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
            lambda _paths: status.showMessage(f"Exported to {folder}. These files are not encrypted.", 10000),
            on_cancelled=lambda: status.showMessage("Export cancelled: no file was left behind.", 10000),
        )

    def import_from(self, source: Path | None) -> None:
        """Import CSV files (a folder of exports) in the background; all rows or none, then every view follows."""
        window = self.window
        if source is None:
            chosen = QFileDialog.getExistingDirectory(window, "Import the CSV files in this folder")
            if not chosen:
                return
            source = Path(chosen)
        journal, status = self.journal, window.statusBar()

        def imported(counts: dict[str, int]) -> None:
            status.showMessage(f"Imported {sum(counts.values()):,} rows from {source}.", 10000)

        ops.run_operation(window, "Import from CSV", lambda _progress: journal.import_csv(source), imported)

    def settings(self) -> None:
        dialogs.SettingsDialog(self.journal, self.window).exec()
