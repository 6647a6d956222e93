"""The main window's pages: a person, the global timeline, and search results."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.records import (
    InteractionRecord,
    NoteRecord,
    PersonRecord,
    SearchHit,
    TimelineEntry,
    TimelineFilter,
)
from relationjournal.core.vocabulary import Channel, Direction, Tone
from relationjournal.ui import palette, text
from relationjournal.ui.icons import icon
from relationjournal.ui.links import SafeTextBrowser, guard_label, is_openable
from relationjournal.ui.models import ROW_ROLE, PersonTimelineModel, TimelineCells, TimelineModel
from relationjournal.ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QDate,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QModelIndex,
    QPalette,
    QSplitter,
    Qt,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from relationjournal.ui.text import html_text
from relationjournal.ui.widgets import ChoiceBox, MutedLabel, add_group, date_edit, to_date
from relationjournal.ui.worker import run_in_background

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal
    from relationjournal.core.records import MembershipRecord

BASE = QPalette.ColorRole.Base  # what a text browser's text stands on (a label's: Window)


def timeline_table(model: TimelineModel | PersonTimelineModel, *, show_person: bool) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(TimelineCells.SUMMARY, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    widths = {TimelineCells.WHEN: 140, TimelineCells.PERSON: 160, TimelineCells.CHANNEL: 125,
              TimelineCells.DIRECTION: 30, TimelineCells.FOLLOW_UP: 100}  # fmt: skip
    for column, width in widths.items():
        view.setColumnWidth(column, width)
    view.setColumnHidden(TimelineCells.PERSON, not show_person)
    return view


def above_below(top: QWidget, bottom: QWidget, sizes: tuple[int, int]) -> QSplitter:
    """A list above the entry it shows, the user free to move the line between them."""
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(top)
    split.addWidget(bottom)
    split.setSizes(list(sizes))
    return split


def entry_html(entry: TimelineEntry, colours: QPalette) -> tuple[str, str | None]:
    """A heading (HTML) and the Markdown body of a timeline entry, for the detail pane."""
    item = entry.item
    hard_event = palette.span("hard event", palette.accent(colours, BASE))
    if isinstance(item, NoteRecord):
        flags = " · pinned" if item.pinned else ""
        flags += f" · {hard_event}" if item.hard_event else ""
        return f"<p><b>Note</b> · {text.local_time(item.created_at)}{flags}</p>", item.body
    assert isinstance(item, InteractionRecord)
    parts = [
        f"<b>{text.CHANNEL_LABELS[item.channel]}</b>", text.local_time(item.occurred_at),
        text.DIRECTION_LABELS[item.direction] + (f" ({html_text(item.reached_out_by)})" if item.reached_out_by else ""),
        text.TONE_LABELS[item.tone], text.CONTEXT_LABELS[item.context],
    ]  # fmt: skip
    if item.hard_event:
        parts.append(hard_event)
    if item.follow_up_on:
        parts.append(f"follow up {item.follow_up_on:%d %b %Y}")
    heading = f"<p>{' · '.join(parts)}</p>"
    if item.summary:
        heading += f"<h3>{html_text(item.summary)}</h3>"
    return heading, item.body or None


class EntryView(SafeTextBrowser):
    """Shows one timeline entry: its details and its Markdown, rendered by Qt (loading nothing, its
    links opened only through `links.open_link`)."""

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Selected entry")
        self.entry: TimelineEntry | None = None
        self.show_entry(None)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "entry"):
            self.show_entry(self.entry)  # its colours are chosen for the palette

    def show_entry(self, entry: TimelineEntry | None) -> None:
        self.entry = entry
        if entry is None:
            hint = palette.span("Select a conversation or a note to read it here.", palette.muted(self.palette(), BASE))
            self.setHtml(f"<p>{hint}</p>")
            return
        heading, body = entry_html(entry, self.palette())
        self.setMarkdown(body or "")
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        cursor.insertHtml(heading)
        if body:
            cursor.insertBlock()


class PersonPage(QWidget):
    """A person's header, pinned notes, and their timeline of conversations and notes."""

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self.person: PersonRecord | None = None
        self._shown: tuple[PersonRecord, list[MembershipRecord], list[NoteRecord]] | None = None
        self.header = guard_label(QLabel())
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.header.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.header.setAccessibleName("Person")
        self.model = PersonTimelineModel(journal, self)
        self.table = timeline_table(self.model, show_person=False)
        self.table.setAccessibleName("Timeline")
        self.detail = EntryView()
        self.empty = MutedLabel("Nothing here yet. Log a conversation (Ctrl+L) or write a note (Ctrl+N).")
        self.empty.setMargin(8)
        split = above_below(self.table, self.detail, (400, 200))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.header)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    def show_person(self, person_id: int, select_key: int | None = None) -> None:
        view = self.journal.person_page(person_id)
        self.person = view.person
        self._shown = (view.person, list(view.memberships), list(view.pinned))
        self.header.setText(self._header_html(*self._shown))
        self.model.show_person(person_id)
        self.empty.setVisible(self.model.rowCount() == 0)
        self.detail.show_entry(None)
        if select_key is not None and (row := self.model.row_of(select_key)) is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def refresh(self) -> None:
        if self.person is not None:
            self.show_person(self.person.id)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._shown is not None:
            self.header.setText(self._header_html(*self._shown))  # its colours are chosen for the palette

    def current_entry(self) -> TimelineEntry | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.show_entry(current.data(ROW_ROLE) if current.isValid() else None)

    def _header_html(self, p: PersonRecord, memberships: list[MembershipRecord], pinned: list[NoteRecord]) -> str:
        colours = self.palette()  # (the header's own may not have caught up yet in a palette change)
        muted = palette.muted(colours)
        title = f"<span style='font-size:20pt; font-weight:600'>{html_text(p.display_name)}</span>"
        if p.pronouns:
            title += " " + palette.span(f"({html_text(p.pronouns)})", muted)
        lines = [title]
        job = " · ".join(html_text(x) for x in (p.role, p.organisation) if x)
        meta = [job] if job else []
        if p.tags:
            chip_back, chip_text = palette.chip(colours)
            meta.append(" ".join(palette.span(f"&nbsp;{html_text(t)}&nbsp;", chip_text, chip_back) for t in p.tags))
        meta.append(f"last contact {text.ago(p.last_contact)}")
        if p.status.value != "active":
            meta.append(f"<i>{p.status.value}</i>")
        lines.append(" · ".join(meta))
        if p.handles:
            links = []
            for platform, value in p.handles:
                url = text.handle_link(platform, value)
                label = f"{text.PLATFORM_LABELS[platform]}: {html_text(value)}"
                links.append(f'<a href="{html_text(url)}">{label}</a>' if url and is_openable(url) else label)
            lines.append(" · ".join(links))
        rows = [("Why it matters", p.why_it_matters), ("Who reaches out", p.reaches_out),
                ("Remember", p.remember), ("How we met", p.how_we_met)]  # fmt: skip
        if p.cadence_days:
            rows.append(("Stay in touch", f"every {p.cadence_days} days"))
        for m in memberships:
            review = f", review {m.review_on:%d %b %Y}" if m.review_on else ""
            left = f", left {m.left_on:%d %b %Y}" if m.left_on else ""
            rows.append(("Programme", f"{m.programme} since {m.joined_on:%d %b %Y}{review}{left}"))
        table = "".join(
            f"<tr><td style='{palette.css(muted)}; padding-right:12px'>{label}</td>"
            f"<td>{html_text(value, breaks=True)}</td></tr>"
            for label, value in rows
            if value
        )
        if table:
            lines.append(f"<table>{table}</table>")
        pin_back, pin_text = palette.pinned(colours)
        for note in pinned[:3]:
            first = html_text(" ".join(note.body.split())[:200])
            lines.append(palette.span(f"&nbsp;Pinned: {first}&nbsp;", pin_text, pin_back))
        head = f"<div>{lines[0]}</div><div style='margin-top:2px'>{lines[1]}</div>"
        return head + "".join(f"<div style='margin-top:8px'>{line}</div>" for line in lines[2:])


class TimelinePage(QWidget):
    """Everyone's conversations, newest first, filterable by channel, tag, direction, tone and dates."""

    open_person = Signal(int, int)  # person id, timeline key
    loaded = Signal()

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self._generation = 0
        self.model = TimelineModel(journal, self)
        self.table = timeline_table(self.model, show_person=True)
        self.table.setAccessibleName("Global timeline")
        self.detail = EntryView()
        self.channel = self._combo("Any channel", text.CHANNEL_LABELS)
        self.direction = self._combo("Either direction", text.DIRECTION_LABELS)
        self.tone = self._combo("Any tone", text.TONE_LABELS)
        self.tag = self._combo("Any tag", {})
        self.use_dates = QCheckBox("From")
        self.since, self.until = date_edit(QDate.currentDate().addMonths(-1)), date_edit(QDate.currentDate())
        for edit, name in ((self.since, "From date"), (self.until, "To date")):
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self.reload)
        self.use_dates.toggled.connect(self.reload)
        self.count = QLabel()
        filters = QHBoxLayout()
        for widget in (self.channel, self.tag, self.direction, self.tone, self.use_dates, self.since, QLabel("to"),
                       self.until):  # fmt: skip
            filters.addWidget(widget)
        filters.addStretch()
        filters.addWidget(self.count)
        split = above_below(self.table, self.detail, (450, 150))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        title = QLabel("<span style='font-size:16pt; font-weight:600'>Timeline</span>")
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.show_entry(current.data(ROW_ROLE) if current.isValid() else None)

    def _combo(self, anything: str, labels: dict[Any, str]) -> ChoiceBox:
        box = ChoiceBox(labels, anything=anything)
        box.setAccessibleName(anything)
        box.currentIndexChanged.connect(self.reload)
        return box

    def set_tags(self, names: list[str]) -> None:
        self.tag.set_choices({name: name for name in names}, anything="Any tag")

    def current_filter(self) -> TimelineFilter:
        since = until = None
        if self.use_dates.isChecked():
            # (days on the journal's clock, as the timeline shows them)
            since = text.from_local(datetime.combine(to_date(self.since.date()), time())).astimezone(UTC)
            until = text.from_local(datetime.combine(to_date(self.until.date().addDays(1)), time())).astimezone(UTC)
        channel: Channel | None = self.channel.value()
        direction: Direction | None = self.direction.value()
        tone: Tone | None = self.tone.value()
        return TimelineFilter(channel=channel, tag=self.tag.value(), direction=direction, tone=tone,
                              since=since, until=until)  # fmt: skip

    def reload(self) -> None:
        """Reload the keys off the GUI thread: a million-conversation journal takes longer than a frame."""
        self._generation += 1
        generation, wanted = self._generation, self.current_filter()
        self.count.setText("Loading…")
        run_in_background(
            self,
            lambda: self.journal.timeline_keys(wanted=wanted),
            lambda keys: self._loaded(generation, keys),
            lambda error: self.count.setText(str(error) if isinstance(error, JournalError) else "Could not load."),
        )

    def _loaded(self, generation: int, keys: Any) -> None:
        if generation != self._generation:
            return  # a newer filter was chosen while this one loaded
        self.model.set_keys(keys)
        rows = self.model.rowCount()
        self.count.setText(f"{rows:,} conversation{'s' if rows != 1 else ''}")
        self.detail.show_entry(None)
        self.loaded.emit()

    def _open(self, index: QModelIndex) -> None:
        entry = index.data(ROW_ROLE)
        if entry is not None:
            self.open_person.emit(entry.item.person_id, self.model.key(index.row()))


class SearchPage(QWidget):
    """Search results grouped into people, notes and conversations; activating one opens it."""

    open_person = Signal(int, int)  # person id, timeline key (-1: none)
    searched = Signal(int)  # the results of the newest query are on screen (how many)

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self._generation = 0
        self.title = QLabel()
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Search results")
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._activate)
        self.tree.itemDoubleClicked.connect(self._activate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)

    def search(self, query: str) -> None:
        """Search in the background; `searched` is emitted once the results are on screen.

        The newest query wins: results of a query typed over arrive too late and are dropped.
        """
        self._generation += 1
        generation = self._generation
        if not query.strip():
            self._show(generation, query, [])
            return
        journal = self.journal
        run_in_background(
            self,
            lambda: journal.search(query, limit=50, mark=("<b>", "</b>")),
            lambda hits: self._show(generation, query, hits),
            self._failed,
        )

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, JournalError):
            raise error
        self.title.setText(html_text(str(error)))

    def _show(self, generation: int, query: str, hits: list[SearchHit]) -> None:
        if generation != self._generation:
            return
        self.tree.clear()
        self.title.setText(
            f"<span style='font-size:16pt; font-weight:600'>{len(hits)} result{'s' if len(hits) != 1 else ''}</span>"
            f" for “{html_text(query)}”" if query.strip() else "Type to search people, notes and conversations."
        )  # fmt: skip
        groups = {"person": ("People", "person"), "note": ("Notes", "note"), "interaction": ("Conversations", "log")}
        for kind, (title, icon_name) in groups.items():
            matching = [hit for hit in hits if hit.kind == kind]
            if not matching:
                continue
            group = add_group(self.tree, title, len(matching))
            for hit in matching:
                plain = hit.snippet.replace("<b>", "").replace("</b>", "")
                label = f"{hit.person_name}: {' '.join(plain.split())}"
                if kind == "person" and plain.strip() == hit.person_name:
                    label = hit.person_name
                item = QTreeWidgetItem(group, [label])
                item.setIcon(0, icon(icon_name))
                item.setToolTip(0, text.rich(" ".join(plain.split())[:500]))
                key = -1 if kind == "person" else hit.id << 1 | (kind == "note")
                item.setData(0, Qt.ItemDataRole.UserRole, (hit.person_id, key))
            group.setExpanded(True)
        first = self.tree.topLevelItem(0)
        top_hit = first.child(0) if first is not None else None
        if top_hit is not None:
            self.tree.setCurrentItem(top_hit)
        self.searched.emit(len(hits))

    def _activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, Qt.ItemDataRole.UserRole)
        if target:
            self.open_person.emit(*target)
