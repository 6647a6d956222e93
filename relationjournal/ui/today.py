"""Today: what is due, as calm cards in the order that cares for the user first, each with its own
actions (reflections and programmes have their own modules; the cards are painted in `cards`).

Nothing here writes a message for the user: reminders show what is known about the person, and
the user writes in their own words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.records import GROUP_TITLES, DueReminder, InteractionRecord
from relationjournal.core.vocabulary import ReminderKind
from relationjournal.ui import palette, text
from relationjournal.ui.cards import SIDE, Card, CardView, Header, More, Row, actions_for, column
from relationjournal.ui.qt import (
    QAction,
    QDate,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QEvent,
    QFont,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPalette,
    QPushButton,
    QRect,
    QResizeEvent,
    QSizePolicy,
    Qt,
    QTime,
    QVBoxLayout,
    QWidget,
    Signal,
)
from relationjournal.ui.text import from_local, local_naive, rich
from relationjournal.ui.widgets import ErrorLine, date_time_edit, lay_out_dialog, to_datetime

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal
    from relationjournal.core.wellbeing import EmotionalLoad

# Today's sections: the journal's groups, in its order (the CLI's `reminders --due` shows the same).
SECTIONS = GROUP_TITLES
NOUNS = {
    "self_care": "reminders for you", "check_in": "check-ins", "follow_up": "follow-ups", "welcome": "welcomes",
    "stay_in_touch": "stay-in-touch reminders", "programme": "programme reminders", "other": "reminders",
}  # fmt: skip
GROUP_ICONS = {
    "self_care": "heart",
    "check_in": "heart",
    "welcome": "person",
    "stay_in_touch": "person",
    "follow_up": "log",
    "programme": "person-add",
    "other": "today",
}  # fmt: skip  (Upcoming's icons, by the journal's groups)
SHOW_FIRST = 5  # cards a section shows before its "Show all" row
SNOOZES = {"1h": "For an &hour", "evening": "Until this &evening", "tomorrow": "Until &tomorrow morning",
           "next-week": "For a &week"}  # fmt: skip
EMPTY_TITLE = "Nothing needs you today."
EMPTY_LINE = "Enjoy the quiet — or write to someone you've been thinking of."


def sized(font: QFont, scale: float, weight: QFont.Weight | None = None) -> QFont:
    larger = QFont(font)
    larger.setPointSizeF(max(font.pointSizeF(), 1.0) * scale)
    if weight is not None:
        larger.setWeight(weight)
    return larger


def section_of(due: DueReminder) -> str:
    return due.group


def sections(items: list[DueReminder], expanded: set[str]) -> Iterator[tuple[str, list[DueReminder], int]]:
    """Each section with reminders: its key, the reminders it shows (its first few, all once
    expanded) and how many it has; within a section, the journal's order (most overdue first)."""
    by_section: dict[str, list[DueReminder]] = {section: [] for section in SECTIONS}
    for due in items:
        by_section[section_of(due)].append(due)
    for section, members in by_section.items():
        if members:
            everything = section in expanded or len(members) <= SHOW_FIRST + 1  # never "Show all 6" for one more
            yield section, members if everything else members[:SHOW_FIRST], len(members)


def people_shown(items: list[DueReminder], expanded: set[str]) -> list[int]:
    """Whose last conversation the cards will show: read for these only (a thousand due stay cheap)."""
    return [d.reminder.person_id for _, shown, _ in sections(items, expanded) for d in shown
            if d.reminder.person_id is not None]  # fmt: skip


def arrange(
    items: list[DueReminder], last: dict[int, InteractionRecord | None], expanded: set[str], zone: tzinfo
) -> list[Row]:
    """The rows Today shows: each section's heading, its cards, and a "Show all" row for the rest.
    `last` holds the people whose last conversation was read (None: never spoken to)."""
    rows: list[Row] = []
    for section, shown, total in sections(items, expanded):
        rows.append(Header(section, SECTIONS[section], total))
        for due in shown:
            person = due.reminder.person_id or 0
            rows.append(Card(section, due, last.get(person), zone, known=person in last))
        if len(shown) < total:
            rows.append(More(section, total - len(shown), total, NOUNS[section]))
    return rows


class TodayPage(QWidget):
    """Due and overdue reminders as cards, grouped, each with its actions: log, reflect, review,
    snooze, done, open."""

    log_with = Signal(int, int)  # person id, reminder id: log a conversation, then mark it done
    reflect_on = Signal(int)  # reminder id
    review = Signal(int)  # person id (programme review)
    open_person = Signal(int)
    more_wanted = Signal()  # "Show all": read the last conversations of the people it brings
    show_upcoming = Signal()  # the empty day's link
    changed = Signal()
    selection_changed = Signal()  # the window's Log conversation (Ctrl+L) follows the chosen card

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self.items: list[DueReminder] = []
        self.last: dict[int, InteractionRecord | None] = {}
        self.expanded: set[str] = set()
        self.title = QLabel("Today")
        self.title.setFont(sized(self.title.font(), 1.6, QFont.Weight.DemiBold))  # (no style sheet: it fixes colours)
        self.date = QLabel()
        self.load_banner = QLabel()
        self.load_banner.setWordWrap(True)
        self.load_banner.setAccessibleName("A note on how much you are carrying")
        self.load_banner.hide()
        self.error = ErrorLine()
        top = QWidget()
        self.heading = heading = QVBoxLayout(top)  # its margins follow the cards' column (resizeEvent)
        heading.setContentsMargins(SIDE + 2, 16, SIDE, 4)
        heading.setSpacing(2)
        heading.addWidget(self.title)
        heading.addWidget(self.date)
        heading.addSpacing(8)
        heading.addWidget(self.load_banner)
        heading.addWidget(self.error)

        self.cards = CardView()
        self.cards.pressed_action.connect(self._pressed)
        self.cards.menu_requested.connect(self._card_menu)
        self.cards.selectionModel().currentChanged.connect(lambda *_: self.selection_changed.emit())
        self.snooze_menu = QMenu(self)
        for key, label in SNOOZES.items():
            action = QAction(label, self.snooze_menu)
            action.triggered.connect(lambda _=False, k=key: self.snooze(k))
            self.snooze_menu.addAction(action)
        custom = QAction("&Until…", self.snooze_menu)
        custom.triggered.connect(self.snooze_until_chosen)
        self.snooze_menu.addAction(custom)

        self.empty = QWidget()
        self.empty_title = QLabel(EMPTY_TITLE)
        self.empty_title.setFont(sized(self.empty_title.font(), 1.4))
        self.empty_line = QLabel(EMPTY_LINE)
        self.empty_line.setWordWrap(True)
        for words_label in (self.empty_title, self.empty_line):
            words_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.upcoming_link = QPushButton("See what is &coming up")
        self.upcoming_link.setFlat(True)
        self.upcoming_link.setCursor(Qt.CursorShape.PointingHandCursor)
        self.upcoming_link.clicked.connect(self.show_upcoming)
        words = QWidget()
        words.setMaximumWidth(480)
        words.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        calm_words = QVBoxLayout(words)
        calm_words.setSpacing(10)
        calm_words.addWidget(self.empty_title)
        calm_words.addWidget(self.empty_line)
        calm_words.addWidget(self.upcoming_link, 0, Qt.AlignmentFlag.AlignHCenter)
        calm = QHBoxLayout(self.empty)
        calm.addWidget(words, 0, Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.cards, 1)
        layout.addWidget(self.empty, 1)
        self.empty.hide()
        self._colour()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The title, date and banner line up with the cards' column."""
        super().resizeEvent(event)
        width = self.cards.viewport().width() if self.cards.isVisible() else self.width()
        area = column(QRect(0, 0, width, 0))
        self.heading.setContentsMargins(area.left() + 2, 16, max(SIDE, self.width() - area.right() - 1), 4)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "items"):
            self._colour()

    def _colour(self) -> None:
        """What takes its colours from the palette, again when it changes."""
        back, text = palette.notice(self.palette())
        self.load_banner.setStyleSheet(f"{palette.css(text, back)}; padding:12px 14px; border-radius:8px;")
        muted = palette.muted(self.palette())
        for label in (self.date, self.empty_line):
            palette.set_text_colour(label, muted)
        colours = self.palette()
        link = palette.readable(colours.color(QPalette.ColorRole.Link), colours.color(QPalette.ColorRole.Window))
        palette.set_text_colour(self.upcoming_link, link)
        self.date.setText(datetime.now().strftime("%A %d %B").replace(" 0", " "))

    # Showing ---------------------------------------------------------------------------------
    def show_due(
        self, items: list[DueReminder], load: EmotionalLoad, last: dict[int, InteractionRecord | None] | None = None
    ) -> None:
        """Show a freshly computed list (the window computes it, and the last conversation with each
        person in `people_shown`, off the GUI thread); a list like the one shown changes nothing."""
        self.load_banner.setText(load.message())
        self.load_banner.setVisible(load.heavy)
        self.date.setText(datetime.now().strftime("%A %d %B").replace(" 0", " "))
        last = self.last if last is None else last
        if items == self.items and last == self.last and self.cards.card_model.rows:
            return
        current = self.current()
        self.items, self.last = items, last
        self._rebuild(current.reminder.id if current is not None else None)

    def _rebuild(self, keep: int | None, near: int = 0) -> None:
        """Lay the rows out again; the card with id `keep` stays chosen, else the one now at `near`."""
        view = self.cards
        rows = arrange(self.items, self.last, self.expanded, text.zone(self.journal))
        view.card_model.set_rows(rows)
        self.cards.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        chosen = next((n for n, r in enumerate(rows) if isinstance(r, Card) and r.due.reminder.id == keep), None)
        if chosen is None:
            start = max(0, min(near, len(rows) - 1))
            chosen = next((n for n in range(start, len(rows)) if not isinstance(rows[n], Header)), None)
        if chosen is None:
            view.choose_first()
        else:
            view.setCurrentIndex(view.card_model.index(chosen, 0))
            view.scrollTo(view.currentIndex())
        self.selection_changed.emit()

    def section_titles(self) -> list[str]:
        """The headings shown, as "Check-ins (2)": what a user scanning the page reads first."""
        return [r.label for r in self.cards.card_model.rows if isinstance(r, Header)]

    def card(self, number: int) -> Card:
        """The card in row `number` (a test's and a menu's way to name one)."""
        row = self.cards.row(number)
        if not isinstance(row, Card):
            raise IndexError(f"row {number} is not a card")
        return row

    def shown_cards(self) -> list[Card]:
        return [r for r in self.cards.card_model.rows if isinstance(r, Card)]

    def current(self) -> DueReminder | None:
        row = self.cards.row(self.cards.currentIndex().row())
        return row.due if isinstance(row, Card) else None

    # Acting ----------------------------------------------------------------------------------
    def _pressed(self, number: int, key: str) -> None:
        row = self.cards.row(number)
        if isinstance(row, More):
            self.expanded.add(row.section)
            self._rebuild(None, number)
            self.more_wanted.emit()
            return
        if not isinstance(row, Card):
            return
        self.cards.setCurrentIndex(self.cards.card_model.index(number, 0))
        due = row.due
        if key == "open":
            if due.reminder.person_id is not None:
                self.open_person.emit(due.reminder.person_id)
            else:
                self.act()  # a card for the user: Enter writes the reflection
        elif key == "snooze":
            self._popup_snooze(number)
        elif key == "done":
            self.done()
        elif key == "dismiss":
            self.dismiss()
        else:
            self.act()

    def _popup_snooze(self, number: int) -> None:
        """The snooze choices, under the card's Snooze button."""
        where = self.cards.button_rect(number, "snooze").bottomLeft()
        self.snooze_menu.popup(self.cards.viewport().mapToGlobal(where))

    def _card_menu(self, number: int, where: Any) -> None:
        """Right-click or the Menu key: the card's actions, the snooze choices and Dismiss."""
        row = self.cards.row(number)
        if not isinstance(row, Card):
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in actions_for(row.due):
            if action.key == "snooze":
                menu.addMenu(self.snooze_menu).setText(action.label)
                continue
            item = menu.addAction(action.label + ("…" if action.key in ("log", "reflect", "review") else ""))
            item.setToolTip(rich(action.name))  # (a name may look like markup)
            item.triggered.connect(lambda _=False, k=action.key: self._pressed(number, k))
        menu.addSeparator()
        dismiss = menu.addAction("D&ismiss")
        dismiss.triggered.connect(lambda: self._pressed(number, "dismiss"))
        menu.popup(where)

    def act(self) -> None:
        """The chosen card's own action: write the reflection, review the programme place, or log."""
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

    def _apply(self, action: Callable[[int], object]) -> None:
        """Snooze, done or dismiss the chosen card; it leaves at once, the next one is chosen."""
        due = self.current()
        if due is None:
            return
        try:
            action(due.reminder.id)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        self.error.hide()
        near = self.cards.currentIndex().row()
        self.items = [d for d in self.items if d.reminder.id != due.reminder.id]
        self._rebuild(None, near)
        self.changed.emit()

    def snooze(self, until: str) -> None:
        self._apply(lambda reminder_id: self.journal.snooze_reminder(reminder_id, until))

    def snooze_until_chosen(self) -> None:
        """Ask for a day and time, then snooze until then (moved past quiet hours)."""
        zone = text.zone(self.journal)
        dialog, when = snooze_dialog(zone, self)
        if dialog.exec():
            self.snooze(from_local(to_datetime(when.dateTime()), zone).isoformat())

    def done(self) -> None:
        self._apply(self.journal.complete_reminder)

    def dismiss(self) -> None:
        self._apply(self.journal.dismiss_reminder)


def snooze_dialog(zone: tzinfo, parent: QWidget | None = None) -> tuple[QDialog, QDateTimeEdit]:
    """The small "Snooze until" dialog and its day-and-time field (tomorrow, at this time, in `zone`)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Snooze until")
    t = local_naive(datetime.now(UTC) + timedelta(days=1), zone)  # tomorrow, on the journal's clock
    when = date_time_edit(QDateTime(QDate(t.year, t.month, t.day), QTime(t.hour, t.minute)))
    when.setAccessibleName("Snooze until")
    lay_out_dialog(dialog, when, save=False)
    return dialog, when
