"""Small widgets the dialogs and pages share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from relationjournal.ui import palette
from relationjournal.ui.qt import (
    QComboBox,
    QDate,
    QDateEdit,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QIcon,
    QLabel,
    QLayout,
    QPlainTextEdit,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


class ChoiceBox(QComboBox):
    """A combo box of Python values: enums keep their type (Qt would hand back plain strings)."""

    def __init__(self, labels: dict[Any, str], current: Any = None, *, anything: str | None = None):
        super().__init__()
        self._values: list[Any] = []
        self.set_choices(labels, anything=anything)
        self.set_value(current)

    def set_choices(self, labels: dict[Any, str], *, anything: str | None = None) -> None:
        """Replace the choices, keeping the current value where it is still offered, without signals."""
        current = self.value()
        self.blockSignals(True)
        self.clear()
        self._values = []
        if anything is not None:
            self._values.append(None)
            self.addItem(anything)
        for value, label in labels.items():
            self._values.append(value)
            self.addItem(label)
        self.set_value(current)
        self.blockSignals(False)

    def value(self) -> Any:
        index = self.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def set_value(self, value: Any) -> None:
        self.setCurrentIndex(self._values.index(value) if value in self._values else 0)


class ColouredLabel(QLabel):
    """A label whose text colour comes from `palette.py`, computed again when the palette changes
    (the desktop switched to dark, say)."""

    colour = staticmethod(palette.muted)

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self._recolour()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._recolour()  # (setting the same colour again is no change: no loop)

    def _recolour(self) -> None:
        palette.set_text_colour(self, self.colour(self.palette()))


class MutedLabel(ColouredLabel):
    """Secondary text: counts, hints."""


class ErrorLine(ColouredLabel):
    """One line under a form saying what was refused; hidden until there is something to say."""

    colour = staticmethod(palette.error)

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed, which may look like HTML
        self.setAccessibleName("Error")
        self.hide()

    def show_error(self, message: str) -> None:
        self.setText(message)
        self.show()


def lay_out_dialog(
    dialog: QDialog, *parts: QWidget | QLayout, ok: str | None = None, save: bool = True
) -> tuple[ErrorLine, QDialogButtonBox]:
    """Stack `parts`, an error line and Save (or OK) / Cancel wired to accept / reject."""
    error = ErrorLine()
    standard = QDialogButtonBox.StandardButton
    accept = standard.Save if save else standard.Ok
    buttons = QDialogButtonBox(accept | standard.Cancel)
    if ok:
        buttons.button(accept).setText(ok)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    for part in (*parts, error, buttons):
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    return error, buttons


def add_group(tree: QTreeWidget, title: str, count: int, icon: QIcon | None = None) -> QTreeWidgetItem:
    """A bold, expanded, unselectable group heading, e.g. "Check-ins (2)"."""
    group = QTreeWidgetItem(tree, [f"{title} ({count})"])
    group.setFlags(Qt.ItemFlag.ItemIsEnabled)
    font = group.font(0)
    font.setBold(True)
    group.setFont(0, font)
    if icon is not None:
        group.setIcon(0, icon)
    group.setExpanded(True)
    return group


def date_edit(value: QDate) -> QDateEdit:
    """A day, picked from a calendar, shown as `23 Nov 2026`."""
    edit = QDateEdit(value)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    return edit


def date_time_edit(value: QDateTime) -> QDateTimeEdit:
    """A day and time, picked from a calendar, shown as `23 Nov 2026 09:30`."""
    edit = QDateTimeEdit(value)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy HH:mm")
    return edit


def to_date(value: QDate) -> date:
    """`value` as a Python date (PySide6 types `QDate.toPython()` as any object)."""
    converted = value.toPython()
    assert isinstance(converted, date)
    return converted


def to_datetime(value: QDateTime) -> datetime:
    """`value` as a Python datetime, naive like Qt's local time (PySide6 types `toPython()` as any object)."""
    converted = value.toPython()
    assert isinstance(converted, datetime)
    return converted


def text_edit(value: str = "", placeholder: str = "", lines: int = 3) -> QPlainTextEdit:
    """A few lines of plain text; Tab moves on to the next field instead of typing a tab."""
    edit = QPlainTextEdit(value)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit
