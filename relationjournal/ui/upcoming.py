"""Upcoming: every open reminder, due or still to come, by day, to move or remove; and the calm
notice that says what logging a hard event scheduled, with the way here.

The list is read off the GUI thread, like Today, and read again whenever the journal says its
reminders changed (`follow`), so a move or a removal made anywhere shows here at once.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.records import REMINDER_GROUPS, UpcomingReminder
from relationjournal.core.vocabulary import ReminderKind, utc_now
from relationjournal.ui import palette
from relationjournal.ui.icons import icon
from relationjournal.ui.qt import (
    QAbstractItemView,
    QDate,
    QDateTime,
    QDialog,
    QEvent,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    Qt,
    QTime,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from relationjournal.ui.text import rich
from relationjournal.ui.today import GROUP_ICONS
from relationjournal.ui.widgets import ErrorLine, MutedLabel, add_group, date_time_edit, lay_out_dialog, to_datetime
from relationjournal.ui.worker import run_in_background

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.changes import Change
    from relationjournal.core.journal import Journal

DUE_NOW = "Due now"
DUE_NOW_SHOWN = 5  # more than this, and Upcoming shows "Due now" folded (Today lists them)
EMPTY = "Nothing scheduled. Reminders you set and check-ins after hard events appear here."
WHEN, WHO, WHAT = range(3)


class UpcomingPage(QWidget):
    """Open reminders grouped by the day they show ("Due now", "Today", "Tomorrow", "Thu 3 Dec")."""

    open_person = Signal(int)
    loaded = Signal()  # a reading has been shown (tests wait for it)

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self.items: list[UpcomingReminder] = []
        self.zone: tzinfo | None = None
        self._generation = 0
        title = QLabel("<span style='font-size:16pt; font-weight:600'>Upcoming</span>")
        hint = MutedLabel("What is scheduled, by the day it comes. Move one to another day, or remove it.")
        hint.setWordWrap(True)
        self._loading = False
        self._due_now: QTreeWidgetItem | None = None  # the "Due now" group, folded when long (see _loaded)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Upcoming reminders")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["When", "Who", "Reminder"])
        self.tree.setRootIsDecorated(True)  # "Due now" can fold away: Today is where it is worked through
        self.due_now_open: bool | None = None  # the user's choice this session; None: folded when long
        self.tree.itemExpanded.connect(lambda item: self._folded(item, False))
        self.tree.itemCollapsed.connect(lambda item: self._folded(item, True))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(WHEN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHO, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(WHO, 170)
        self.tree.currentItemChanged.connect(self._selection_changed)
        self.tree.itemActivated.connect(lambda *_: self.move_selected())
        self.empty = MutedLabel(EMPTY)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.move_button = QPushButton("&Move…")
        self.move_button.setToolTip("Move it to another day or time")
        self.move_button.clicked.connect(self.move_selected)
        self.remove_button = QPushButton("&Remove…")
        self.remove_button.clicked.connect(self.remove_selected)
        self.open_button = QPushButton("&Open person")
        self.open_button.clicked.connect(self._open)
        buttons = QHBoxLayout()
        for button in (self.move_button, self.remove_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch()
        self.error = ErrorLine()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.tree.hide()
        self._selection_changed()

    # Reading -----------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the open reminders again off the GUI thread; a newer reading supersedes an older one."""
        self._generation += 1
        generation, journal = self._generation, self.journal

        def work() -> tuple[list[UpcomingReminder], tzinfo, datetime]:
            from relationjournal.core.clock import journal_zone

            return journal.upcoming_reminders(), journal_zone(journal), utc_now()

        run_in_background(self, work, lambda result: self._loaded(generation, *result), self._failed)

    def follow(self, change: Change) -> None:
        """A committed write: read again, if shown, when it touched reminders, names or settings (time zone)."""
        if self.isVisible() and (change.reminders or change.people or change.everything or change.settings):
            self.reload()

    def refresh_if_shown(self) -> None:
        """The minute timer: time alone moves reminders into "Due now" and "Tomorrow" into "Today"."""
        if self.isVisible():
            self.reload()

    def showEvent(self, event: Any) -> None:
        """Read on every showing: time moves reminders into "Due now" even when nothing was written."""
        super().showEvent(event)
        self.reload()

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, JournalError):
            raise error
        self.error.show_error(str(error))

    def _loaded(self, generation: int, items: list[UpcomingReminder], zone: tzinfo, now: datetime) -> None:
        if generation != self._generation:
            return
        from relationjournal.core.wellbeing import day_heading

        current = self.current()
        self.items, self.zone = items, zone
        self._loading = True  # (groups expanded while being built are not the user's choice)
        self._due_now = None
        self.tree.clear()
        groups: dict[str, list[UpcomingReminder]] = {}
        for item in items:
            groups.setdefault(DUE_NOW if item.when <= now else day_heading(item.when, now, zone), []).append(item)
        for heading, members in groups.items():
            group = add_group(self.tree, heading, len(members), icon("today"))
            group.setFirstColumnSpanned(True)
            if heading == DUE_NOW:
                self._due_now = group
                long = len(members) > DUE_NOW_SHOWN and len(groups) > 1
                group.setExpanded(self.due_now_open if self.due_now_open is not None else not long)
            for upcoming in members:
                row = self._row(group, upcoming, zone, with_day=heading == DUE_NOW, now=now)
                if current is not None and current.reminder.id == upcoming.reminder.id:
                    self.tree.setCurrentItem(row)
        self._loading = False
        self.tree.setVisible(bool(items))
        self.empty.setVisible(not items)
        self.error.hide()
        self._selection_changed()
        self.loaded.emit()

    def _folded(self, item: QTreeWidgetItem, folded: bool) -> None:
        if item is self._due_now and not self._loading:
            self.due_now_open = not folded

    def _row(
        self, group: QTreeWidgetItem, upcoming: UpcomingReminder, zone: tzinfo, *, with_day: bool, now: datetime
    ) -> QTreeWidgetItem:
        from relationjournal.core.wellbeing import day_heading

        reminder, local = upcoming.reminder, upcoming.when.astimezone(zone)
        when = f"{day_heading(upcoming.when, now, zone)} {local:%H:%M}" if with_day else f"{local:%H:%M}"
        mine = reminder.kind is ReminderKind.self_care or reminder.person_name is None
        row = QTreeWidgetItem(
            group, [when, "You" if mine else reminder.person_name or "", " ".join(reminder.text.split())]
        )
        row.setIcon(WHAT, icon(GROUP_ICONS[REMINDER_GROUPS[reminder.kind]]))
        row.setToolTip(WHAT, rich(reminder.text))
        row.setData(WHEN, Qt.ItemDataRole.UserRole, reminder.id)
        return row

    def current(self) -> UpcomingReminder | None:
        item = self.tree.currentItem()
        reminder_id = item.data(WHEN, Qt.ItemDataRole.UserRole) if item is not None else None
        return next((u for u in self.items if u.reminder.id == reminder_id), None)

    def _selection_changed(self, *_: Any) -> None:
        upcoming = self.current()
        self.move_button.setEnabled(upcoming is not None)
        self.remove_button.setEnabled(upcoming is not None)
        self.open_button.setEnabled(upcoming is not None and upcoming.reminder.person_id is not None)

    # Acting ------------------------------------------------------------------------------------
    def move_selected(self) -> None:
        """Ask for a new day and time (in the journal's time zone) and move the selected reminder there."""
        upcoming = self.current()
        if upcoming is None or self.zone is None:
            return
        if MoveDialog(self.journal, upcoming, self.zone, self).exec():
            self.error.hide()

    def remove_selected(self) -> None:
        """Remove the selected reminder, after asking (Cancel is the default)."""
        upcoming = self.current()
        if upcoming is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Remove reminder",
                          "Remove this reminder? It will not come back.", parent=self)  # fmt: skip
        box.setInformativeText(" ".join(upcoming.reminder.text.split()))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText("&Remove")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        try:
            self.journal.dismiss_reminder(upcoming.reminder.id)
        except JournalError as error:
            self.error.show_error(str(error))

    def _open(self) -> None:
        upcoming = self.current()
        if upcoming is not None and upcoming.reminder.person_id is not None:
            self.open_person.emit(upcoming.reminder.person_id)


class MoveDialog(QDialog):
    """A new day and time for one reminder, in the journal's time zone; refused times keep it open."""

    def __init__(self, journal: Journal, upcoming: UpcomingReminder, zone: tzinfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal, self.upcoming, self.zone = journal, upcoming, zone
        self.setWindowTitle("Move reminder")
        self.setMinimumWidth(460)
        what = QLabel(" ".join(upcoming.reminder.text.split()))
        what.setWordWrap(True)
        what.setTextFormat(Qt.TextFormat.PlainText)
        local = upcoming.when.astimezone(zone)
        self.when = date_time_edit(
            QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        )
        self.when.setAccessibleName("Move to")
        label = QLabel("Move &to")
        label.setBuddy(self.when)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.when, 1)
        self.error, _ = lay_out_dialog(self, what, row, ok="&Move", save=False)
        self.when.setFocus()

    def accept(self) -> None:
        chosen = to_datetime(self.when.dateTime()).replace(tzinfo=self.zone)
        try:
            self.journal.move_reminder(self.upcoming.reminder.id, chosen)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        super().accept()


class ScheduledNotice(QFrame):
    """A calm line above the pages after a hard event: what was scheduled, and the way to Upcoming."""

    open_upcoming = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("scheduled-notice")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # it names people: never read as HTML
        self.text.setAccessibleName("What was scheduled")
        self.open_button = QPushButton("Open &Upcoming")
        self.open_button.clicked.connect(self._open)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss")
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.close_button)
        self._colour()
        self.hide()

    def say(self, sentence: str) -> None:
        self.text.setText(sentence)
        self.setVisible(bool(sentence))

    def _open(self) -> None:
        self.hide()
        self.open_upcoming.emit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._colour()

    def _colour(self) -> None:
        back, text = palette.chip(self.palette())  # the calm colours of a tag, not the load banner's
        sheet = f"QFrame#scheduled-notice {{ {palette.css(text, back)}; border-radius:6px; }}"
        if sheet != self.styleSheet():  # (a style sheet set again could bring another palette change)
            self.setStyleSheet(sheet)
        palette.set_text_colour(self.text, text)
