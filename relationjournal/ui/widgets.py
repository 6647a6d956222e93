"""Small widgets the dialogs and pages share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from relationjournal.core.clock import parse_day
from relationjournal.core.errors import InvalidInput
from relationjournal.ui import palette
from relationjournal.ui.qt import (
    QCalendarWidget,
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
    QLocale,
    QObject,
    QPlainTextEdit,
    QRegularExpression,
    QRegularExpressionValidator,
    QSize,
    Qt,
    QTime,
    QTimeEdit,
    QToolButton,
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


class _KeepsContentsFitting(QObject):
    """Keeps a window at least as tall as its contents need at its current width.

    Qt sets a window's minimum size from its layout's minimum size, which ignores height-for-width:
    a word-wrapped label that needs one more line at the window's width takes it from the line
    edits below it (squashed to a few pixels), and a part shown later (the first-run dialog's
    passphrase fields) is squeezed into the height the window already had.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if isinstance(watched, QWidget) and kind in (QEvent.Type.LayoutRequest, QEvent.Type.Resize, QEvent.Type.Show):
            layout = watched.layout()
            if layout is not None:
                if kind == QEvent.Type.LayoutRequest:
                    layout.activate()
                need = layout.totalMinimumSize().height()
                if layout.hasHeightForWidth():
                    need = max(need, layout.totalHeightForWidth(watched.width()))
                if watched.minimumHeight() != need:
                    watched.setMinimumHeight(need)  # (grows the window if it was shorter)
        return False


def keep_fitting(window: QWidget) -> None:
    """Keep `window` tall enough for its contents whatever its width, and as parts show and hide."""
    window.installEventFilter(_KeepsContentsFitting(window))


def lay_out_dialog(
    dialog: QDialog, *parts: QWidget | QLayout, ok: str | None = None, save: bool = True
) -> tuple[ErrorLine, QDialogButtonBox]:
    """Stack `parts`, an error line and Save (or OK) / Cancel wired to accept / reject."""
    error = ErrorLine()
    standard = QDialogButtonBox.StandardButton
    accept = standard.Save if save else standard.Ok
    buttons = QDialogButtonBox(accept | standard.Cancel)
    # Texts of our own: some desktops' themes give these a mnemonic (&Save, &Cancel) that a field's
    # label already has. Enter saves (the default button) and Escape cancels.
    buttons.button(accept).setText(ok or ("Save" if save else "OK"))
    buttons.button(standard.Cancel).setText("Cancel")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    for part in (*parts, error, buttons):
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    keep_fitting(dialog)
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


class LinesEdit(QPlainTextEdit):
    """Plain text that shows `lines` lines at least (in its current font, at any scale), and grows
    with the window instead of a fixed height."""

    def __init__(self, value: str, lines: int) -> None:
        super().__init__(value)
        self.lines = lines

    def _height(self) -> int:
        return self.fontMetrics().lineSpacing() * self.lines + 14

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height())


def text_edit(value: str = "", placeholder: str = "", lines: int = 3) -> QPlainTextEdit:
    """A few lines of plain text; Tab moves on to the next field instead of typing a tab."""
    edit = LinesEdit(value, lines)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    return edit


def locale_date_habits(locale: QLocale | None = None) -> tuple[str, dict[str, int]]:
    """How the user's locale writes a day: the order of its short numeric form ("dmy", "mdy" or
    "ymd") and its month names, long and short, for `parse_day`."""
    locale = locale or QLocale()
    short = locale.dateFormat(QLocale.FormatType.ShortFormat)
    positions = {letter: short.find(letter) for letter in "dMy"}
    order = "".join(sorted("dmy", key=lambda letter: positions["M" if letter == "m" else letter]))
    names: dict[str, int] = {}
    for month in range(1, 13):
        for kind in (QLocale.FormatType.LongFormat, QLocale.FormatType.ShortFormat):
            for name in (locale.monthName(month, kind), locale.standaloneMonthName(month, kind)):
                names[name.casefold().strip(". ")] = month
    return (order if -1 not in positions.values() else "dmy"), names


class OptionalDateEdit(QWidget):
    """A day the user may leave empty, typed as they usually write one (`7 Dec 2026`, `2026-12-07`,
    `December 7, 2026`, their locale's short form) or picked from a calendar.

    Text that is no date is never dropped quietly: the field says why under it, and `value()`
    raises `InvalidInput` with the same sentence, so the dialog can refuse to save.
    """

    def __init__(self, field: str, near: Callable[[], date] = date.today) -> None:
        super().__init__()
        self.field = field
        self._near = near  # where the calendar opens when nothing (or no year) is typed
        self.line = QLineEdit()
        self.line.setClearButtonEnabled(True)
        self.pick = QToolButton()
        self.pick.setText("Calendar…")
        self.pick.setToolTip("Pick the day from a calendar")
        self.pick.setAccessibleName(f"Pick {field} from a calendar")
        self.pick.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.pick.clicked.connect(self.open_calendar)
        self.calendar = QCalendarWidget(self)
        self.calendar.setWindowFlags(Qt.WindowType.Popup)
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self.problem = ErrorLine()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, 1)
        row.addWidget(self.pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        self.setFocusProxy(self.line)
        self.line.setPlaceholderText(f"e.g. {self._shown(near())}; empty for none")
        self.line.editingFinished.connect(self._tidy)
        self.line.textEdited.connect(self._recheck)

    def setAccessibleName(self, name: str) -> None:
        """The name belongs to the text field, which is what a screen reader lands on."""
        super().setAccessibleName(name)
        self.line.setAccessibleName(name)

    def value(self) -> date | None:
        """The day typed, None if the field is empty; `InvalidInput` if the text is no date."""
        order, names = locale_date_habits(self.locale())
        try:
            return parse_day(self.line.text(), self.field, numeric_order=order, month_names=names)
        except InvalidInput as error:
            self.problem.show_error(str(error))  # the field says why, whoever asked
            raise

    def setDate(self, value: date | QDate | None) -> None:
        """Show `value` (None: empty)."""
        if isinstance(value, QDate):
            value = to_date(value) if value.isValid() else None
        self.line.setText("" if value is None else self._shown(value))
        self.problem.hide()

    def _shown(self, value: date) -> str:
        return self.locale().toString(QDate(value.year, value.month, value.day), "d MMM yyyy")

    def _tidy(self) -> None:
        """Once typed: a day is shown back the app's way (so `12/7` shows which day it was read as),
        anything else is refused in words."""
        try:
            self.setDate(self.value())
        except InvalidInput:
            pass  # (said under the field)

    def _recheck(self) -> None:
        if not self.problem.isHidden():
            try:
                self.value()
            except InvalidInput:
                return
            self.problem.hide()

    def calendar_day(self) -> date:
        """Where the calendar opens: the day typed; else the typed year, on today's month; else `near`."""
        try:
            value = self.value()
        except InvalidInput:
            value = None
            self.problem.hide()  # only the calendar was asked for: not yet a refusal
        if value is not None:
            return value
        near = self._near()
        years = [int(word) for word in self.line.text().split() if word.isdigit() and len(word) == 4]
        if years and 1 <= years[-1] <= 9999:
            return near.replace(year=years[-1], day=1)
        return near

    def open_calendar(self) -> None:
        day = self.calendar_day()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.calendar.setCurrentPage(day.year, day.month)
        self.calendar.adjustSize()
        below = self.line.mapToGlobal(self.line.rect().bottomLeft())
        self.calendar.move(below)
        self.calendar.show()
        self.calendar.setFocus()

    def _picked(self, chosen: QDate) -> None:
        self.calendar.hide()
        self.setDate(chosen)
        self.line.setFocus()


def years_ago(years: int) -> Callable[[], date]:
    """Today, `years` years ago (1 March for 29 February): where a birthday calendar opens."""

    def near() -> date:
        today = date.today()
        try:
            return today.replace(year=today.year - years)
        except ValueError:
            return date(today.year - years, 3, 1)

    return near


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
