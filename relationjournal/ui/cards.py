"""Today's reminders as cards, painted by a delegate in a list view: one card per reminder, with the
person's initials, what the reminder asks, why they matter, the last conversation in a line, and
the card's own buttons (painted areas, hit-tested, each with a key).

Painting instead of a widget per card keeps Today instant with a thousand reminders due: only the
cards on screen are drawn, and a section shows its first few with a "Show all" row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from relationjournal.core.records import DueReminder, InteractionRecord
from relationjournal.core.vocabulary import ReminderKind
from relationjournal.ui import palette, text
from relationjournal.ui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QColor,
    QContextMenuEvent,
    QEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QListView,
    QModelIndex,
    QMouseEvent,
    QObject,
    QPainter,
    QPalette,
    QPen,
    QPersistentModelIndex,
    QRect,
    QSize,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QToolTip,
    QWidget,
    Signal,
)

Role = QPalette.ColorRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

PAD = 14  # inside a card
GAP = 8  # between cards
SIDE = 16  # left and right of the column of cards
MAX_WIDTH = 860  # a readable column on a wide window
BUTTON_PAD = 10
BUTTON_GAP = 6
RADIUS = 10


# What a row is --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Header:
    section: str
    title: str
    count: int

    @property
    def label(self) -> str:
        return f"{self.title} ({self.count})"


@dataclass(frozen=True)
class Card:
    section: str
    due: DueReminder
    last: InteractionRecord | None
    zone: tzinfo  # the journal's, whose calendar days "3 weeks ago" counts (each window its own)
    known: bool = True  # whether `last` was read yet (a section just expanded reads it in the background)


@dataclass(frozen=True)
class More:
    section: str
    hidden: int
    total: int
    noun: str  # "stay-in-touch reminders"

    @property
    def label(self) -> str:
        return f"Show all {self.total} {self.noun}"


Row = Header | Card | More


@dataclass(frozen=True)
class CardAction:
    key: str  # what the page does: "log", "reflect", "review", "snooze", "done", "open"
    label: str  # with its mnemonic: the key that presses it on the chosen card
    name: str  # the accessible name: what it does, for whom

    @property
    def letter(self) -> str:
        return self.label[self.label.index("&") + 1].casefold()


def for_someone(due: DueReminder) -> bool:
    """Whether a card is about another person (a self-care card names whose news it follows, but is for the user)."""
    return due.reminder.person_id is not None and due.reminder.kind is not ReminderKind.self_care


def actions_for(due: DueReminder) -> tuple[CardAction, ...]:
    """A card's buttons: its own first action, then Snooze, Done and Open (self-care has no person)."""
    kind, name = due.reminder.kind, due.reminder.person_name or "them"
    snooze, done = CardAction("snooze", "&Snooze", "Snooze this reminder"), CardAction("done", "&Done", "Mark as done")
    if kind is ReminderKind.self_care or due.reminder.person_id is None:
        first = CardAction("reflect", "&Reflect", "Write a reflection") if kind is ReminderKind.self_care else None
        return tuple(a for a in (first, snooze, done) if a is not None)
    opening = CardAction("open", "&Open", f"Open {name}'s page")
    if kind is ReminderKind.programme_review:
        return CardAction("review", "&Review", f"Review {name}'s place in the programme"), snooze, done, opening
    return CardAction("log", "&Log", f"Log a conversation with {name}"), snooze, done, opening


# Text -----------------------------------------------------------------------------------------


def one_line(value: str) -> str:
    """Markdown as one plain line (the app's one helper for it)."""
    return text.plain_from_markdown(value)


def initials(name: str) -> str:
    """Up to two letters: the first of the first and of the last word ("Zoë Müller" → "ZM")."""
    words = [w for w in name.split() if any(c.isalnum() for c in w)]
    letters = [next(c for c in w if c.isalnum()) for w in (words[:1] + words[1:][-1:])]
    return "".join(letters).upper() or "?"


def last_line(last: InteractionRecord | None, zone: tzinfo, now: datetime | None = None) -> str:
    """When, where and what of the last conversation, in a line."""
    if last is None:
        return "No conversation logged yet"
    parts = [text.ago(last.occurred_at, zone, now).capitalize(), text.channel_label(last.channel)]
    summary = one_line(last.summary) or one_line(last.body)
    if summary:
        parts.append(summary)
    return "Last: " + " · ".join(parts)


def wrap(value: str, metrics: QFontMetrics, width: int, max_lines: int) -> list[str]:
    """`value` in lines no wider than `width`, at most `max_lines` (the last one elided)."""
    words, lines, current = value.split(), [], ""
    for position, word in enumerate(words):
        trial = f"{current} {word}" if current else word
        if not current or metrics.horizontalAdvance(trial) <= width:
            current = trial
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[position:])
            break
    if current:
        lines.append(current)
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines] or [""]


# The model ------------------------------------------------------------------------------------
class CardModel(QAbstractListModel):
    """Rows of headers, cards and "Show all" rows; `ROW_ROLE` gives the row itself."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.rows: list[Row] = []

    refreshed = Signal()  # the same rows, as tall as before, with fresher contents (no new layout)

    def set_rows(self, rows: list[Row]) -> None:
        """Show `rows`: in place when only what they say changed (the minute's refresh, the last
        conversations read after "Show all"), so the view keeps its layout and scroll position."""
        if rows and [shape(r) for r in rows] == [shape(r) for r in self.rows]:
            self.rows = rows
            self.refreshed.emit()
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, 0))
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid() or isinstance(self.rows[index.row()], Header):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return row.due.reminder.text if isinstance(row, Card) else row.label
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return spoken(row)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and isinstance(row, Card):
            keys = ", ".join(f"{a.name} ({a.letter.upper()})" for a in actions_for(row.due))
            return f"Enter opens it. Keys: {keys}."
        return None


def shape(row: Row) -> tuple[object, ...]:
    """What a row's height depends on: rows of the same shapes need no new layout."""
    if isinstance(row, Card):
        due = row.due
        return due.reminder.id, due.reminder.text, bool(due.why_it_matters.strip()), bool(due.remember.strip())
    return type(row).__name__, row.label


def spoken(row: Row) -> str:
    """A card as a screen reader says it."""
    if not isinstance(row, Card):
        return row.label
    due = row.due
    parts = [due.reminder.person_name or "" if for_someone(due) else "For you", one_line(due.reminder.text)]
    if for_someone(due):
        if due.why_it_matters.strip():
            parts.append(f"Why they matter: {one_line(due.why_it_matters)}")
        if row.known:
            parts.append(last_line(row.last, row.zone))
    return ". ".join(parts)


# Geometry -------------------------------------------------------------------------------------
@dataclass
class CardLayout:
    card: QRect
    avatar: QRect
    name: QRect
    lines: list[tuple[str, QRect]]  # the reminder's text
    details: list[tuple[str, QRect]]  # why they matter, remember, last conversation (muted)
    buttons: list[tuple[CardAction, QRect]]
    height: int


def column(rect: QRect) -> QRect:
    """The part of a row the cards use: side margins, at most `MAX_WIDTH`, centred."""
    width = min(rect.width() - 2 * SIDE, MAX_WIDTH)
    left = rect.left() + max(SIDE, (rect.width() - width) // 2)
    return QRect(left, rect.top(), max(width, 120), rect.height())


def bold(font: QFont) -> QFont:
    heavier = QFont(font)
    heavier.setWeight(QFont.Weight.DemiBold)
    return heavier


def heading(font: QFont) -> QFont:
    larger = bold(font)
    larger.setPointSizeF(max(font.pointSizeF(), 1.0) * 1.12)
    return larger


def lay_out_card(rect: QRect, row: Card, font: QFont) -> CardLayout:
    """Where everything of a card goes in a row `rect` (its height may be 0: then it says how tall)."""
    metrics, strong = QFontMetrics(font), QFontMetrics(bold(font))
    line, spacing = metrics.height(), metrics.lineSpacing()
    area = column(rect)
    card = QRect(area.left(), rect.top() + GAP // 2, area.width(), 0)
    inner_left, inner_right, top = card.left() + PAD, card.right() - PAD, card.top() + PAD
    size = max(36, line * 2 + 6)
    avatar = QRect(inner_left, top, size, size)
    left = avatar.right() + 1 + 12
    width = max(inner_right - left + 1, 60)
    button_height = line + 10
    actions = actions_for(row.due)
    widths = [metrics.horizontalAdvance(a.label.replace("&", "")) + 2 * BUTTON_PAD for a in actions]
    row_width = sum(widths) + BUTTON_GAP * (len(widths) - 1)
    beside = width - row_width >= min(260, width // 2)  # the buttons on the name's line, at its right
    top_height = max(strong.height(), button_height if beside else 0)
    name = QRect(left, top, width - (row_width + 12 if beside else 0), top_height)
    y = top + top_height + 2
    lines = []
    max_lines = 3 if row.due.reminder.kind is ReminderKind.self_care else 2
    for part in wrap(one_line(row.due.reminder.text), metrics, width, max_lines):
        lines.append((part, QRect(left, y, width, line)))
        y += spacing
    details = []
    due = row.due
    if for_someone(due):
        wanted = []
        if due.why_it_matters.strip():
            wanted.append(f"Why they matter: {one_line(due.why_it_matters)}")
        if due.remember.strip():
            wanted.append(f"Remember: {one_line(due.remember)}")
        last = last_line(row.last, row.zone) if row.known else "Last: …"  # (read soon: the card keeps its height)
        wanted.append(last)
        y += 4
        for detail in wanted:
            shown = metrics.elidedText(detail, Qt.TextElideMode.ElideRight, width)
            details.append((shown, QRect(left, y, width, line)))
            y += spacing
    buttons = []
    if beside:
        x = inner_right + 1 - row_width
        button_top = top + (top_height - button_height) // 2
    else:
        y += 8
        x, button_top = inner_right + 1 - row_width, y
        y += button_height
    for action, button_width in zip(actions, widths, strict=True):
        buttons.append((action, QRect(x, button_top, button_width, button_height)))
        x += button_width + BUTTON_GAP
    bottom = max(y, avatar.bottom() + 1) + PAD
    card.setHeight(bottom - card.top())
    return CardLayout(card, avatar, name, lines, details, buttons, bottom - rect.top() + GAP // 2)


def header_height(font: QFont, first: bool) -> int:
    return QFontMetrics(heading(font)).height() + (8 if first else 26) + 6


def more_height(font: QFont) -> int:
    return QFontMetrics(font).height() + 20


# Painting -------------------------------------------------------------------------------------
def card_background(colours: QPalette) -> QColor:
    """Light: the base colour, white on grey; dark: a shade lighter than the window, as cards lift."""
    if palette.is_dark(colours):
        return palette.mix(colours.color(Role.Window), colours.color(Role.WindowText), 0.06)
    return colours.color(Role.Base)


class CardDelegate(QStyledItemDelegate):
    """Paints headers, cards and "Show all" rows; the view asks it where a card's buttons are."""

    def __init__(self, view: CardView):
        super().__init__(view)
        self.view = view
        self.hover: tuple[int, str | None] | None = None  # row, and the button under the mouse
        self.pressed: tuple[int, str] | None = None
        self.focus_button = -1  # the chosen card's button that Space presses (Left/Right move it)
        self._layouts: dict[tuple[int, int, int, str], CardLayout] = {}
        self._heights: dict[tuple[int, int, int, str], int] = {}

    def forget(self) -> None:
        self._layouts.clear()
        self._heights.clear()

    def layout(self, rect: QRect, row: Card, font: QFont) -> CardLayout:
        """A card's geometry, kept for the few cards on screen (Qt rectangles are slow to free in bulk)."""
        key = (id(row), rect.width(), rect.top(), font.key())
        found = self._layouts.get(key)
        if found is None:
            if len(self._layouts) > 100:
                self._layouts.clear()
            found = self._layouts[key] = lay_out_card(rect, row, font)
            self._heights[key] = found.height
        return found

    def height(self, width: int, row: Card, font: QFont) -> int:
        """How tall a card is: kept for every card (plain numbers), so laying out thousands stays cheap."""
        key = (id(row), width, 0, font.key())
        found = self._heights.get(key)
        return found if found is not None else self.layout(QRect(0, 0, width, 0), row, font).height

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        row = index.data(ROW_ROLE)
        width = self.view.viewport().width()
        if isinstance(row, Header):
            return QSize(width, header_height(option.font, index.row() == 0))
        if isinstance(row, More):
            return QSize(width, more_height(option.font))
        if isinstance(row, Card):
            return QSize(width, self.height(width, row, option.font))
        return QSize(width, 0)

    def button_at(self, index: QModelIndex, point: object) -> str | None:
        """The key of the button of the card at `index` under `point` (viewport coordinates), if any."""
        row = index.data(ROW_ROLE)
        if isinstance(row, More):
            return "more" if column(self.view.visualRect(index)).contains(point) else None  # type: ignore[call-overload]
        if not isinstance(row, Card):
            return None
        rect = self.view.visualRect(index)
        for action, area in self.layout(QRect(0, 0, rect.width(), 0), row, self.view.font()).buttons:
            if area.translated(rect.left(), rect.top()).contains(point):  # type: ignore[call-overload]
                return action.key
        return None

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:  # fmt: skip
        """A button's tooltip is its accessible name: what it does, for whom."""
        row = index.data(ROW_ROLE)
        key = self.button_at(self.view.card_model.index(index.row(), 0), event.pos()) if isinstance(row, Card) else None
        if key is None or not isinstance(row, Card):
            QToolTip.hideText()
            return True
        action = next(a for a in actions_for(row.due) if a.key == key)
        QToolTip.showText(
            event.globalPos(), text.rich(f"{action.name} ({action.letter.upper()})"), view
        )  # a name: no markup
        return True

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        row = index.data(ROW_ROLE)
        option = QStyleOptionViewItem(option)
        option.palette = self.view.palette()  # a heading is a disabled row: its option's colours are greyed
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if isinstance(row, Header):
            self._paint_header(painter, option, row)
        elif isinstance(row, More):
            self._paint_more(painter, option, index.row())
        elif isinstance(row, Card):
            self._paint_card(painter, option, index.row(), row)
        painter.restore()

    def _paint_header(self, painter: QPainter, option: QStyleOptionViewItem, row: Header) -> None:
        colours, area = option.palette, column(option.rect)
        font = heading(option.font)
        metrics = QFontMetrics(font)
        base = area.bottom() - 6 - metrics.descent()
        painter.setFont(font)
        painter.setPen(colours.color(Role.WindowText))
        painter.drawText(area.left() + 2, base, row.title)
        width = metrics.horizontalAdvance(row.title)
        painter.setFont(option.font)
        painter.setPen(palette.muted(colours))
        painter.drawText(area.left() + 2 + width + 10, base, str(row.count))

    def _paint_more(self, painter: QPainter, option: QStyleOptionViewItem, number: int) -> None:
        colours, area = option.palette, column(option.rect)
        current = self.view.currentIndex().row() == number
        link = palette.readable(colours.color(Role.Link), colours.color(Role.Window), toward=colours.color(Role.Text))
        font = QFont(option.font)
        font.setUnderline(self.hover is not None and self.hover[0] == number or current)
        painter.setFont(font)
        painter.setPen(link)
        row: More = self.view.model().index(number, 0).data(ROW_ROLE)
        target = area.adjusted(PAD, 0, -PAD, 0)
        painter.drawText(target, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, row.label)
        if current and self.view.hasFocus():
            width = QFontMetrics(font).horizontalAdvance(row.label)
            painter.setPen(QPen(colours.color(Role.Highlight), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRect(target.left() - 6, area.top() + 4, width + 12, area.height() - 8), 6, 6)

    def _paint_card(self, painter: QPainter, option: QStyleOptionViewItem, number: int, row: Card) -> None:
        colours = option.palette
        geometry = self.layout(QRect(0, 0, option.rect.width(), 0), row, option.font)
        painter.translate(option.rect.left(), option.rect.top())
        background = card_background(colours)
        text_colour = palette.readable(colours.color(Role.Text), background)
        muted = palette.readable(palette.muted(colours, Role.Base), background, toward=text_colour)
        current = self.view.currentIndex().row() == number
        hovered = self.hover is not None and self.hover[0] == number
        focused = current and self.view.hasFocus()
        edge = palette.border(colours)
        if current:
            edge = colours.color(Role.Highlight)
        elif hovered:
            edge = palette.mix(edge, colours.color(Role.Highlight), 0.5)
        painter.setPen(QPen(edge, 2 if current else 1))
        painter.setBrush(background)
        painter.drawRoundedRect(geometry.card.adjusted(1, 1, -1, -1), RADIUS, RADIUS)

        due = row.due
        circle, initials_colour = palette.avatar(colours, (due.reminder.person_id or 0) if for_someone(due) else 0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(circle)
        painter.drawEllipse(geometry.avatar)
        mark = "♥" if due.reminder.kind is ReminderKind.self_care else initials(due.reminder.person_name or "")
        painter.setPen(initials_colour)
        painter.setFont(bold(option.font))
        painter.drawText(geometry.avatar, Qt.AlignmentFlag.AlignCenter, mark)

        name = due.reminder.person_name if for_someone(due) else "For you"
        painter.setPen(text_colour)
        strong = QFontMetrics(bold(option.font))
        painter.drawText(geometry.name, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         strong.elidedText(name or "", Qt.TextElideMode.ElideRight, geometry.name.width()))  # fmt: skip
        painter.setFont(option.font)
        for part, area in geometry.lines:
            painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, part)
        painter.setPen(muted)
        for part, area in geometry.details:
            painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, part)

        button_back = colours.color(Role.Button)
        for position, (action, area) in enumerate(geometry.buttons):
            under = hovered and self.hover is not None and self.hover[1] == action.key
            down = self.pressed == (number, action.key)
            fill = palette.mix(button_back, colours.color(Role.Highlight), 0.28 if down else 0.14 if under else 0.0)
            if position == 0 and action.key in ("log", "reflect", "review"):
                fill = palette.mix(fill, colours.color(Role.Highlight), 0.16)  # the card's own action
            painter.setPen(QPen(palette.border(colours), 1))
            painter.setBrush(fill)
            painter.drawRoundedRect(area.adjusted(0, 0, -1, -1), 6, 6)
            if focused and position == self.focus_button:
                painter.setPen(QPen(colours.color(Role.Highlight), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(area.adjusted(-2, -2, 1, 1), 7, 7)
            painter.setPen(palette.readable(colours.color(Role.ButtonText), fill))
            show = Qt.TextFlag.TextShowMnemonic if current else Qt.TextFlag.TextHideMnemonic
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter) | int(show), action.label)


# The view -------------------------------------------------------------------------------------
class CardView(QListView):
    """The list of cards: arrows and Tab move between cards (headers are skipped), Enter opens,
    the underlined letter presses a button of the chosen card, Left/Right and Space too."""

    pressed_action = Signal(int, str)  # row, action key ("open" for Enter and a double-click; "more")
    menu_requested = Signal(int, object)  # row, global position

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.delegate = CardDelegate(self)
        self.setItemDelegate(self.delegate)
        self.card_model = CardModel(self)
        self.setModel(self.card_model)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)  # "Show all" on hundreds: laid out in steps
        self.setBatchSize(25)
        self.setTabKeyNavigation(True)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.viewport().setBackgroundRole(Role.Window)
        self.setAccessibleName("Due reminders")
        self.card_model.modelReset.connect(self.delegate.forget)
        self.card_model.refreshed.connect(self.delegate.forget)

    def row(self, number: int) -> Row | None:
        return self.card_model.rows[number] if 0 <= number < len(self.card_model.rows) else None

    def button_rect(self, number: int, key: str) -> QRect:
        """Where the button `key` of the card in row `number` is, in the viewport (empty if none)."""
        row = self.row(number)
        if not isinstance(row, Card):
            return QRect()
        rect = self.visualRect(self.card_model.index(number, 0))
        for action, area in self.delegate.layout(QRect(0, 0, rect.width(), 0), row, self.font()).buttons:
            if action.key == key:
                return area.translated(rect.left(), rect.top())
        return QRect()

    def resizeEvent(self, event: object) -> None:
        self.delegate.forget()
        super().resizeEvent(event)  # type: ignore[arg-type]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self.delegate.forget()
            self.scheduleDelayedItemsLayout()
        super().changeEvent(event)

    def currentChanged(
        self, current: QModelIndex | QPersistentModelIndex, previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        self.delegate.focus_button = -1
        super().currentChanged(current, previous)
        self.viewport().update()

    def focusInEvent(self, event: object) -> None:
        super().focusInEvent(event)  # type: ignore[arg-type]
        if not self.currentIndex().isValid():
            self.choose_first()
        self.viewport().update()

    def focusOutEvent(self, event: object) -> None:
        super().focusOutEvent(event)  # type: ignore[arg-type]
        self.viewport().update()

    def choose_first(self) -> None:
        """The first card (or "Show all" row) becomes the chosen one."""
        for number, row in enumerate(self.card_model.rows):
            if not isinstance(row, Header):
                self.setCurrentIndex(self.card_model.index(number, 0))
                return

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """As a list moves, but never onto a section's heading."""
        moved = super().moveCursor(action, modifiers)
        Move = QAbstractItemView.CursorAction
        if action in (Move.MoveNext, Move.MovePrevious):  # (Tab, Shift+Tab): one card on or back
            step = 1 if action is Move.MoveNext else -1
            number = self.currentIndex().row() + step
        elif not moved.isValid():
            return moved
        else:
            number = moved.row()
            step = -1 if action in (Move.MoveUp, Move.MovePageUp, Move.MoveEnd) else 1
        while 0 <= number < len(self.card_model.rows) and isinstance(self.card_model.rows[number], Header):
            number += step
        if not 0 <= number < len(self.card_model.rows):
            if action in (Move.MoveNext, Move.MovePrevious):
                return self.currentIndex()  # Tab at either end: focus leaves the list
            number = self.currentIndex().row()
        return self.card_model.index(number, 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        number = self.currentIndex().row()
        row = self.row(number)
        key = event.key()
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.AltModifier)
        if row is not None and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.pressed_action.emit(number, "more" if isinstance(row, More) else "open")
            return
        if isinstance(row, More) and key == Qt.Key.Key_Space:
            self.pressed_action.emit(number, "more")
            return
        menu_key = key == Qt.Key.Key_Menu or (
            key == Qt.Key.Key_F10 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        )
        if isinstance(row, Card) and menu_key:
            where = self.viewport().mapToGlobal(self.visualRect(self.currentIndex()).center())
            self.menu_requested.emit(number, where)
            return
        if isinstance(row, Card):
            actions = actions_for(row.due)
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and plain:
                step = -1 if key == Qt.Key.Key_Left else 1
                self.delegate.focus_button = max(0, min(len(actions) - 1, self.delegate.focus_button + step))
                self.viewport().update()
                return
            if key == Qt.Key.Key_Space:
                chosen = actions[max(self.delegate.focus_button, 0)]
                self.pressed_action.emit(number, chosen.key)
                return
            typed = event.text().casefold()
            if plain and typed and (found := [a for a in actions if a.letter == typed]):
                self.pressed_action.emit(number, found[0].key)
                return
        if plain and event.text().strip() and key not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            event.accept()  # no type-ahead search jumping between cards on a stray letter
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        hit = self.delegate.button_at(index, event.position().toPoint()) if index.isValid() else None
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.setCurrentIndex(index)
            self.delegate.pressed = (index.row(), hit)
            self.viewport().update()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pressed, self.delegate.pressed = self.delegate.pressed, None
        if pressed is not None:
            index = self.indexAt(event.position().toPoint())
            self.viewport().update()
            if index.isValid() and (index.row(), self.delegate.button_at(index, event.position().toPoint())) == pressed:
                self.pressed_action.emit(*pressed)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and isinstance(self.row(index.row()), Card):
            if self.delegate.button_at(index, event.position().toPoint()) is None:
                self.pressed_action.emit(index.row(), "open")
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        hover = (index.row(), self.delegate.button_at(index, event.position().toPoint())) if index.isValid() else None
        if hover != self.delegate.hover:
            self.delegate.hover = hover
            self.viewport().update()
        clickable = hover is not None and hover[1] is not None
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.delegate.hover = None
        self.viewport().update()
        super().leaveEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            index = self.currentIndex()
            where = self.viewport().mapToGlobal(self.visualRect(index).center())
        else:
            index = self.indexAt(event.pos())
            where = event.globalPos()
        if index.isValid() and isinstance(self.row(index.row()), Card):
            self.setCurrentIndex(index)
            self.menu_requested.emit(index.row(), where)
