"""The one place Qt is imported from: the UI shares one import style and one place to adapt."""

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

__all__ = [
    "QAction", "QApplication", "QEvent", "QKeySequence", "QLabel", "QMainWindow", "QMessageBox", "QObject",
    "QTimer", "QVBoxLayout", "QWidget", "Qt", "Signal", "Slot",
]  # fmt: skip
