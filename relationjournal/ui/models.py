"""Qt item models over the journal service, loading rows lazily.

A model holds only the keys of its rows (people ids, timeline keys: 8 bytes each) and a bounded
cache of the rows it has shown. Painting a row that is not cached loads a small page of rows
around it in one query, so a 1,000,000-row timeline opens, scrolls and stays within memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.records import InteractionRecord, NoteRecord, PersonSummary, TimelineEntry
from relationjournal.core.vocabulary import Direction, Status
from relationjournal.ui import palette, text
from relationjournal.ui.icons import channel_icon, icon
from relationjournal.ui.qt import (
    QAbstractListModel,
    QAbstractTableModel,
    QGuiApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal

KEY_ROLE = Qt.ItemDataRole.UserRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE = 200
PERSON_PAGE = 100  # a few screens of a person's timeline: what opening their page reads
SUMMARY_CHARS = 300  # of a note or a conversation, in its timeline row (its Markdown dropped)
CACHE_ROWS = 2_000  # a few screens either way; a scrolled-away page is simply read again
Index = QModelIndex | QPersistentModelIndex


class NamedColumns:
    """A flat table's columns, named by `headers`."""

    headers: tuple[str, ...] = ()

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def safe_tooltip(value: Any, role: int) -> Any:
    """Qt reads a tooltip that looks like HTML as HTML (and loads images it names): journal text is escaped."""
    if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str):
        return text.rich(value)
    return value


class LazyRows:
    """Rows identified by integer keys; their data is fetched a page at a time and cached (LRU).

    A mixin over a Qt model class (`LazyListModel`, `LazyTableModel`), which provides the Qt side.
    """

    def __init__(self, load: Callable[[Sequence[int]], list[tuple[int, Any]]], parent: Any = None):
        super().__init__(parent)  # type: ignore[call-arg]  # the Qt model class next in the MRO
        self._load = load
        self._keys: Sequence[int] = ()
        self._cache: OrderedDict[int, Any] = OrderedDict()
        self.rows_loaded = 0  # how many rows were ever fetched: tests check it stays small

    def set_keys(self, keys: Sequence[int]) -> None:
        self.beginResetModel()  # type: ignore[attr-defined]
        self._keys = keys
        self._cache.clear()
        self.endResetModel()  # type: ignore[attr-defined]

    def key(self, row: int) -> int:
        return self._keys[row]

    def row_of(self, key: int) -> int | None:
        for row, candidate in enumerate(self._keys):
            if candidate == key:
                return row
        return None

    def forget(self, key: int) -> None:
        """Drop a cached row so that it is read again when next painted (after an edit).

        Deliberately no `dataChanged`: a list view answers it by laying out every row again, and
        each row's layout calls back into Python (30 ms for 10,000 people). The caller repaints.
        """
        self._cache.pop(key, None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._keys)

    def row_data(self, row: int) -> Any:
        key = self._keys[row]
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        start = max(0, row - PAGE // 4)
        wanted = [k for k in self._keys[start : start + PAGE] if k not in self._cache]
        try:
            loaded = self._load(wanted)
        except JournalError:  # unreadable just now (the file gone, the disk failing): the window says so
            return None  # an empty row, read again at the next paint
        for loaded_key, value in loaded:
            self._cache[loaded_key] = value
        self.rows_loaded += len(wanted)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return self._cache.get(key)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._keys):
            return None
        if role == KEY_ROLE:
            return self._keys[index.row()]
        item = self.row_data(index.row())
        if item is None:
            return None
        if role == ROW_ROLE:
            return item
        return safe_tooltip(self.cell(item, index.column(), role), role)

    def cell(self, item: Any, column: int, role: int) -> Any:
        raise NotImplementedError


class LazyListModel(LazyRows, QAbstractListModel):
    """One column, so Qt answers `columnCount` in C++.

    A list view lays out a reset model by asking `index()` for every row, and each `index()` asks
    `rowCount` and `columnCount`: two calls into Python per row were 30 ms for 10,000 people; one is
    half that.
    """


class LazyTableModel(NamedColumns, LazyRows, QAbstractTableModel):
    """Several named columns (a table view does not visit every row, so the Python counts are cheap)."""


class PeopleModel(LazyListModel):
    """One row per person; `PersonDelegate` draws name, organisation, tags and last contact."""

    def __init__(self, journal: Journal, parent: Any = None):
        super().__init__(lambda ids: [(p.id, p) for p in journal.person_summaries(ids)], parent)
        self.journal = journal  # (whose clock "last contact" is on)

    def cell(self, person: PersonSummary, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return person.display_name
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            last = text.ago(person.last_contact, text.zone(self.journal))
            return ", ".join(x for x in (person.display_name, person_subtitle(person), f"last contact {last}") if x)
        if role == Qt.ItemDataRole.ForegroundRole and person.status is Status.archived:
            return palette.muted(QGuiApplication.palette(), palette.Role.Base)
        return None


def person_subtitle(person: PersonSummary) -> str:
    return " · ".join(x for x in (person.organisation, ", ".join(person.tags)) if x)


class TimelineCells(NamedColumns):
    """The columns of a timeline and what each cell shows; shared by the global and a person's timeline."""

    headers = ("When", "Person", "Channel", "", "Summary", "Follow-up")
    WHEN, PERSON, CHANNEL, DIRECTION, SUMMARY, FOLLOW_UP = range(6)
    journal: Journal  # its times show on this journal's clock (`text.zone`), whichever window it is in

    def cell(self, entry: TimelineEntry, column: int, role: int) -> Any:
        item = entry.item
        display = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if column == self.WHEN and display:
            return text.local_time(entry.when, text.zone(self.journal))
        if column == self.PERSON and display:
            return item.person_name
        if isinstance(item, NoteRecord):
            return self._note_cell(item, column, role, display)
        return self._interaction_cell(item, column, role, display)

    def _note_cell(self, note: NoteRecord, column: int, role: int, display: bool) -> Any:
        if column == self.CHANNEL:
            if display:
                return "Pinned note" if note.pinned else "Note"
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("note")
        if column == self.SUMMARY:
            if display:
                return text.plain_from_markdown(note.body, limit=SUMMARY_CHARS)
            if role == Qt.ItemDataRole.DecorationRole and note.hard_event:
                return icon("heart")
        return None

    def _interaction_cell(self, interaction: InteractionRecord, column: int, role: int, display: bool) -> Any:
        if column == self.CHANNEL:
            if display:
                return text.channel_label(interaction.channel)
            if role == Qt.ItemDataRole.DecorationRole:
                return channel_icon(interaction.channel)
        if column == self.DIRECTION:
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("arrow-in" if interaction.direction is Direction.incoming else "arrow-out")
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return text.reached_out(interaction.direction, interaction.reached_out_by)
        if column == self.SUMMARY:
            if display:
                return text.plain_from_markdown(interaction.summary or interaction.body, limit=SUMMARY_CHARS)
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("heart" if interaction.hard_event else f"tone-{interaction.tone.value}")
        if column == self.FOLLOW_UP and display and interaction.follow_up_on:
            return f"{interaction.follow_up_on:%d %b %Y}"
        return None


class TimelineModel(TimelineCells, LazyTableModel):
    """Everyone's conversations, newest first: a million keys, the rows read as they are shown."""

    def __init__(self, journal: Journal, parent: Any = None):
        super().__init__(lambda keys: [(e.key, e) for e in journal.timeline_entries(keys)], parent)
        self.journal = journal


class PersonTimelineModel(TimelineCells, QAbstractTableModel):
    """A person's conversations and notes, newest first: the newest page at once, older pages as
    the view scrolls near the end (Qt's `canFetchMore`/`fetchMore`).

    A person's page opens at the top, so it never needs the whole timeline up front.
    """

    def __init__(self, journal: Journal, parent: Any = None):
        super().__init__(parent)
        self._journal = self.journal = journal
        self._person_id: int | None = None
        self._entries: list[TimelineEntry] = []
        self._complete = True

    def show_person(self, person_id: int) -> None:
        self.beginResetModel()
        self._person_id = person_id
        self._entries = self._journal.timeline(person_id, limit=PERSON_PAGE)
        self._complete = len(self._entries) < PERSON_PAGE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent) or self._person_id is None:
            return
        page = self._journal.timeline(self._person_id, limit=PERSON_PAGE, before=self._entries[-1])
        self._complete = len(page) < PERSON_PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._entries), len(self._entries) + len(page) - 1)
            self._entries.extend(page)
            self.endInsertRows()

    def row_of(self, key: int) -> int | None:
        """The row of an entry, reading older pages until it is reached (search opens old notes);
        None if it is not on this timeline (deleted since, or someone else's)."""
        wanted = self._journal.timeline_entries([key])
        if not wanted or wanted[0].item.person_id != self._person_id:
            return None
        searched = 0
        while True:
            for row in range(searched, len(self._entries)):
                if self._entries[row].key == key:
                    return row
            if self._complete or self._entries[-1].when < wanted[0].when:
                return None
            searched = len(self._entries)
            self.fetchMore()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == KEY_ROLE:
            return entry.key
        if role == ROW_ROLE:
            return entry
        return safe_tooltip(self.cell(entry, index.column(), role), role)
