"""Today: what is due, grouped, with what helps act on it (reflections and programmes have their own modules).

Nothing here writes a message for the user: reminders show what is known about the person, and
the user writes in their own words.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.records import (
    GROUP_TITLES,
    DueReminder,
)
from relationjournal.core.vocabulary import ReminderKind
from relationjournal.ui import palette
from relationjournal.ui.icons import icon
from relationjournal.ui.links import guard_label
from relationjournal.ui.qt import (
    QAction,
    QDate,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QEvent,
    QHBoxLayout,
    QLabel,
    QMenu,
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
from relationjournal.ui.text import from_local, html_text, local_naive, local_time, plain_from_markdown, rich
from relationjournal.ui.widgets import (
    ErrorLine,
    add_group,
    date_time_edit,
    lay_out_dialog,
    to_datetime,
)

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal
    from relationjournal.core.wellbeing import EmotionalLoad

GROUP_ICONS = {"self_care": "heart", "check_in": "heart", "reach_out": "person", "follow_up": "log",
               "programme": "person-add", "other": "today"}  # fmt: skip
SNOOZES = {"1h": "For an hour", "evening": "Until this evening", "tomorrow": "Until tomorrow morning",
           "next-week": "For a week"}  # fmt: skip


class TodayPage(QWidget):
    """Due and overdue reminders, grouped, with actions: log, reflect, review, snooze, done."""

    log_with = Signal(int, int)  # person id, reminder id: log a conversation, then mark it done
    reflect_on = Signal(int)  # reminder id
    review = Signal(int)  # person id (programme review)
    open_person = Signal(int)
    changed = Signal()
    selection_changed = Signal()  # the window's Log conversation (Ctrl+L) follows the chosen reminder

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self.items: list[DueReminder] = []
        self.title = QLabel("<span style='font-size:16pt; font-weight:600'>Today</span>")
        self.load_banner = QLabel()
        self.load_banner.setWordWrap(True)
        self.load_banner.hide()
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Due reminders")
        self.tree.setRootIsDecorated(False)
        self.tree.currentItemChanged.connect(self._selection_changed)
        self.tree.itemActivated.connect(lambda *_: self.act())
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.detail = guard_label(QLabel())
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.act_button = QPushButton("&Log conversation…")
        self.act_button.clicked.connect(self.act)
        self.open_button = QPushButton("&Open person")
        self.open_button.clicked.connect(self._open)
        self.snooze_button = QToolButton()
        self.snooze_button.setText("S&nooze")
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.snooze_button)
        for key, label in SNOOZES.items():
            action = QAction(label, menu)
            action.triggered.connect(lambda _=False, k=key: self.snooze(k))
            menu.addAction(action)
        custom = QAction("Until…", menu)
        custom.triggered.connect(self.snooze_until_chosen)
        menu.addAction(custom)
        self.snooze_button.setMenu(menu)
        self.done_button = QPushButton("&Done")
        self.done_button.clicked.connect(self.done)
        self.dismiss_button = QPushButton("D&ismiss")
        self.dismiss_button.clicked.connect(self.dismiss)
        buttons = QHBoxLayout()
        for widget in (self.act_button, self.open_button, self.snooze_button, self.done_button, self.dismiss_button):
            buttons.addWidget(widget)
        buttons.addStretch()
        self.error = ErrorLine()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.load_banner)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self._colour()
        self._selection_changed(None, None)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "items"):
            self._colour()
            self._selection_changed()

    def _colour(self) -> None:
        """What takes its colours from the palette, again when it changes."""
        back, text = palette.notice(self.palette())
        self.load_banner.setStyleSheet(f"{palette.css(text, back)}; padding:10px; border-radius:6px;")
        more = ("Relationships grow in small, personal moments. Reminders appear here when someone would be "
                "glad to hear from you.")  # fmt: skip
        more = palette.span(more, palette.muted(self.palette()))
        self.empty.setText(f"<p style='font-size:13pt'>Nothing is due.</p><p>{more}</p>")

    def show_due(self, items: list[DueReminder], load: EmotionalLoad) -> None:
        """Show a freshly computed list (the window computes it off the GUI thread)."""
        current = self.current()
        self.items = items
        self.load_banner.setText(load.message())
        self.load_banner.setVisible(load.heavy)
        self.tree.clear()
        for group, title in GROUP_TITLES.items():
            members = [d for d in items if d.group == group]
            if not members:
                continue
            header = add_group(self.tree, title, len(members), icon(GROUP_ICONS[group]))
            for due in members:
                item = QTreeWidgetItem(header, [due.reminder.text])
                item.setToolTip(0, rich(due.reminder.text))
                item.setData(0, Qt.ItemDataRole.UserRole, due.reminder.id)
                if current is not None and current.reminder.id == due.reminder.id:
                    self.tree.setCurrentItem(item)
            header.setExpanded(True)
        self.tree.setVisible(bool(items))
        self.empty.setVisible(not items)
        if self.tree.currentItem() is None and (top := self.tree.topLevelItem(0)) is not None:
            first = top.child(0)  # every group holds at least one reminder
            if first is not None:
                self.tree.setCurrentItem(first)
        self._selection_changed(self.tree.currentItem(), None)

    def current(self) -> DueReminder | None:
        item = self.tree.currentItem()
        reminder_id = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return next((d for d in self.items if d.reminder.id == reminder_id), None)

    def _selection_changed(self, *_: Any) -> None:
        due = self.current()
        for button in (self.act_button, self.open_button, self.snooze_button, self.done_button, self.dismiss_button):
            button.setEnabled(due is not None)
        self.selection_changed.emit()
        if due is None:
            self.detail.setText("")
            return
        kind = due.reminder.kind
        self.act_button.setText(
            "&Write reflection…" if kind is ReminderKind.self_care
            else "&Review…" if kind is ReminderKind.programme_review
            else "&Log conversation…"
        )  # fmt: skip
        self.open_button.setEnabled(due.reminder.person_id is not None)
        lines = []
        muted = palette.muted(self.palette())
        if due.reminder.person_name and kind is not ReminderKind.self_care:
            lines.append(f"<b>{html_text(due.reminder.person_name, breaks=True)}</b>")
        if due.remember and kind is not ReminderKind.self_care:
            lines.append(f"{palette.span('Remember:', muted)} {html_text(plain_from_markdown(due.remember))}")
        if due.why_it_matters and kind is not ReminderKind.self_care:
            lines.append(f"{palette.span('Why it matters:', muted)} {html_text(due.why_it_matters, breaks=True)}")
        snoozed = due.reminder.snoozed_until
        since = f"Snoozed until {local_time(snoozed)}" if snoozed else f"Due {local_time(due.reminder.due_at)}"
        lines.append(palette.span(since, muted))  # on the journal's clock
        if kind is ReminderKind.welcome:
            lines.append("<i>Write it yourself, about them: there are no templates here, on purpose.</i>")
        self.detail.setText("<br>".join(lines))

    def act(self) -> None:
        due = self.current()
        if due is None:
            return
        if due.reminder.kind is ReminderKind.self_care:
            self.reflect_on.emit(due.reminder.id)
        elif due.reminder.kind is ReminderKind.programme_review and due.reminder.person_id is not None:
            self.review.emit(due.reminder.person_id)
        elif due.reminder.person_id is not None:
            self.log_with.emit(due.reminder.person_id, due.reminder.id)

    def can_log(self) -> bool:
        """Whether the chosen reminder asks for a conversation with someone (what Log conversation does here)."""
        due = self.current()
        return (
            due is not None
            and due.reminder.person_id is not None
            and due.reminder.kind not in (ReminderKind.self_care, ReminderKind.programme_review)
        )

    def log_conversation(self) -> None:
        """Log the conversation the chosen reminder asks for (the window's Ctrl+L on this page)."""
        if self.can_log():
            self.act()

    def _open(self) -> None:
        due = self.current()
        if due is not None and due.reminder.person_id is not None:
            self.open_person.emit(due.reminder.person_id)

    def _apply(self, action: Any) -> None:
        due = self.current()
        if due is None:
            return
        try:
            action(due.reminder.id)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        self.error.hide()
        self.changed.emit()

    def snooze(self, until: str) -> None:
        self._apply(lambda reminder_id: self.journal.snooze_reminder(reminder_id, until))

    def snooze_until_chosen(self) -> None:
        """Ask for a day and time, then snooze until then (moved past quiet hours)."""
        dialog, when = snooze_dialog(self)
        if dialog.exec():
            self.snooze(from_local(to_datetime(when.dateTime())).isoformat())

    def done(self) -> None:
        self._apply(self.journal.complete_reminder)

    def dismiss(self) -> None:
        self._apply(self.journal.dismiss_reminder)


def snooze_dialog(parent: QWidget | None = None) -> tuple[QDialog, QDateTimeEdit]:
    """The small "Snooze until" dialog and its day-and-time field (tomorrow, at this time)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Snooze until")
    t = local_naive(datetime.now(UTC) + timedelta(days=1))  # tomorrow, on the journal's clock
    when = date_time_edit(QDateTime(QDate(t.year, t.month, t.day), QTime(t.hour, t.minute)))
    when.setAccessibleName("Snooze until")
    lay_out_dialog(dialog, when, save=False)
    return dialog, when
