"""Small widgets the dialogs and pages share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from relationjournal.ui import palette
from relationjournal.ui.qt import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDate,
    QDateEdit,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QHBoxLayout,
    QIcon,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QRegularExpression,
    QRegularExpressionValidator,
    Qt,
    QTime,
    QTimeEdit,
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


class ClockRangeEdit(QWidget):
    """From–to wall-clock times that may span midnight (quiet hours, 21:00 to 08:00), or Off."""

    def __init__(self, start: str, end: str, off_text: str = "Off") -> None:
        super().__init__()
        self.start, self.end = QTimeEdit(), QTimeEdit()
        for edit, value, name in ((self.start, start, "from"), (self.end, end, "to")):
            edit.setDisplayFormat("HH:mm")
            edit.setTime(QTime.fromString(value, "HH:mm"))
            edit.setAccessibleName(name)
            edit.setWrapping(True)  # 23:59 steps on to 00:00, as the clock does
        self.off = QCheckBox(off_text)
        self.off.toggled.connect(self._switched)
        self.off.setChecked(start == end)  # equal ends are how "off" is stored
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start)
        row.addWidget(QLabel("to"))
        row.addWidget(self.end)
        row.addWidget(self.off)
        row.addStretch()
        self.setFocusProxy(self.start)
        self._switched(self.off.isChecked())

    def _switched(self, off: bool) -> None:
        self.start.setEnabled(not off)
        self.end.setEnabled(not off)

    def text(self) -> str:
        """`21:00-08:00`, or `off`: the text the CLI takes."""
        if self.off.isChecked():
            return "off"
        return f"{self.start.time().toString('HH:mm')}-{self.end.time().toString('HH:mm')}"


class TimeZonePicker(QComboBox):
    """Every IANA time zone, searchable by any part of its name ("berl", "new york"), with the
    system's zone first. Zones read with spaces for underscores; either is understood."""

    def __init__(self, current: str | None, names: list[str], system: str) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.system_label = f"System ({_readable(system)})"
        self._names = {_key(name): name for name in names}
        shown = [_readable(name) for name in names]
        self.addItem(self.system_label)
        self.addItems(shown)
        completer = QCompleter(shown, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        self.setCurrentText(self.system_label if current is None else _readable(current))

    def zone(self) -> str:
        """The chosen zone's IANA name; "" for the system's; what was typed if it names no zone (for
        the setting to refuse in one sentence)."""
        typed = self.currentText().strip()
        if typed.casefold() in ("", self.system_label.casefold(), "system"):
            return ""
        return self._names.get(_key(typed), typed)


def _readable(zone: str) -> str:
    return zone.replace("_", " ")


def _key(zone: str) -> str:
    return zone.replace("_", " ").casefold()


class DayListEdit(QLineEdit):
    """Whole numbers of days separated by commas (`2, 14, 90`); other characters cannot be typed."""

    def __init__(self, days: list[int]) -> None:
        super().__init__(", ".join(str(d) for d in days))
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9, ]*"), self))
        self.setPlaceholderText("e.g. 2, 14, 90")
