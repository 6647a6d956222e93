"""The desktop app (PySide6). Qt enters the project only through `relationjournal.ui.qt`."""
