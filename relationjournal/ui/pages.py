"""The main window's pages: a person, the global timeline, and search results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.records import (
    NAME_LABEL,
    InteractionRecord,
    NoteRecord,
    PersonRecord,
    SearchHit,
    TimelineEntry,
    TimelineFilter,
)
from relationjournal.core.vocabulary import Channel, Direction, Tone
from relationjournal.ui import palette, text
from relationjournal.ui.dates import date_words
from relationjournal.ui.icons import icon
from relationjournal.ui.links import SafeTextBrowser, guard_label, is_openable
from relationjournal.ui.models import ROW_ROLE, PersonTimelineModel, TimelineCells, TimelineModel
from relationjournal.ui.qt import (
    QAbstractItemView,
    QAction,
    QApplication,
    QCheckBox,
    QDate,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QImage,
    QLabel,
    QModelIndex,
    QPainter,
    QPalette,
    QPersistentModelIndex,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTableView,
    QTextDocument,
    QTreeWidget,
    QTreeWidgetItem,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from relationjournal.ui.text import html_text
from relationjournal.ui.widgets import ChoiceBox, MutedLabel, add_group, date_edit, to_date
from relationjournal.ui.worker import run_in_background

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal
    from relationjournal.core.records import PersonPageView
    from relationjournal.ui.qt import QKeyEvent

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
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)  # what `set_entry_actions` gives it
    return view


def above_below(top: QWidget, bottom: QWidget, sizes: tuple[int, int]) -> QSplitter:
    """A list above the entry it shows, the user free to move the line between them."""
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(top)
    split.addWidget(bottom)
    split.setSizes(list(sizes))
    return split


def entry_html(entry: TimelineEntry, colours: QPalette, zone: tzinfo) -> tuple[str, str | None]:
    """A heading (HTML) and the Markdown body of a timeline entry, for the detail pane (times in `zone`)."""
    item = entry.item
    hard_event = palette.span("hard event", palette.accent(colours, BASE))
    if isinstance(item, NoteRecord):
        flags = " · pinned" if item.pinned else ""
        flags += f" · {hard_event}" if item.hard_event else ""
        return f"<p><b>Note</b> · {text.local_time(item.created_at, zone)}{flags}</p>", item.body
    assert isinstance(item, InteractionRecord)
    parts = [
        f"<b>{html_text(text.channel_label(item.channel))}</b>", text.local_time(item.occurred_at, zone),
        html_text(text.reached_out(item.direction, item.reached_out_by)),
        text.TONE_LABELS[item.tone], text.CONTEXT_LABELS[item.context],
    ]  # fmt: skip
    if item.hard_event:
        parts.append(hard_event)
    if item.follow_up_on:
        parts.append(f"follow up {item.follow_up_on:%d %b %Y}")
    heading = f"<p>{' · '.join(parts)}</p>"
    if item.summary:
        heading += f"<h3>{markdown_inline_html(item.summary)}</h3>"
    return heading, item.body or None


class _InertDocument(QTextDocument):
    """A document that loads nothing it names (see `links.SafeTextBrowser`): it is only read, never shown."""

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        return QImage() if kind == QTextDocument.ResourceType.ImageResource else ""


def markdown_inline_html(markdown: str, *, limit: int = 300) -> str:
    """Markdown as Qt renders it, rebuilt as a line of the few tags a label needs: bold, italic,
    struck out, code, and links that may open (`links.is_openable`; any other link is its text).
    Nothing else of the text is markup: no image, no raw HTML (shown as typed), no style. Blocks
    (paragraphs, list items, headings) are joined by " · "; about `limit` characters are shown."""
    document = _InertDocument()
    features = QTextDocument.MarkdownFeature
    document.setMarkdown(markdown[: 3 * limit], features.MarkdownDialectGitHub | features.MarkdownNoHTML)
    blocks, left = [], limit
    block = document.begin()
    while block.isValid() and left > 0:
        pieces = []
        fragments = block.begin()
        while not fragments.atEnd() and left > 0:
            fragment = fragments.fragment()
            fragments += 1
            form = fragment.charFormat()
            plain = fragment.text().replace("\ufffc", "").replace("\u2028", " ")  # (an image's place; a line break)
            if form.isImageFormat() or not plain:
                continue
            shown = html_text(plain[:left] + ("…" if len(plain) > left else ""))
            left -= len(plain)
            if form.fontWeight() >= 600 or block.blockFormat().headingLevel():
                shown = f"<b>{shown}</b>"
            if form.fontItalic() or form.fontUnderline():  # (Qt reads _this_ as underlined: Markdown means emphasis)
                shown = f"<i>{shown}</i>"
            if form.fontStrikeOut():
                shown = f"<s>{shown}</s>"
            if form.fontFixedPitch() or "monospace" in (form.fontFamilies() or []):
                shown = f"<code>{shown}</code>"
            href = form.anchorHref() if form.isAnchor() else ""
            pieces.append(f'<a href="{html_text(href)}">{shown}</a>' if href and is_openable(href) else shown)
        line = "".join(pieces).strip()
        if line:
            blocks.append(line)
        block = block.next()
    return " · ".join(blocks)


class EntryView(SafeTextBrowser):
    """Shows one timeline entry: its details and its Markdown, rendered by Qt (loading nothing, its
    links opened only through `links.open_link`)."""

    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal  # (whose clock its times are on)
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
        heading, body = entry_html(entry, self.palette(), text.zone(self.journal))
        self.setMarkdown(body or "")
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        cursor.insertHtml(heading)
        if body:
            cursor.insertBlock()


class PersonPage(QWidget):
    """A person's header, pinned notes, and their timeline of conversations and notes."""

    edit_entry = Signal()  # double-click or Enter on an entry: open it to edit

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self.person: PersonRecord | None = None
        self._shown: PersonPageView | None = None
        self.header = guard_label(QLabel())
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.header.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.header.setAccessibleName("Person")
        self.model = PersonTimelineModel(journal, self)
        self.table = timeline_table(self.model, show_person=False)
        self.table.setAccessibleName("Timeline")
        self.detail = EntryView(journal)
        self.empty = MutedLabel("Nothing here yet. Log a conversation (Ctrl+L) or write a note (Ctrl+N).")
        self.empty.setMargin(8)
        split = above_below(self.table, self.detail, (400, 200))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.header)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(lambda _index: self.edit_entry.emit())  # Enter, or a double-click

    def set_entry_actions(self, actions: list[QAction]) -> None:
        """The window's entry actions (open, delete), in the timeline's context menu and under its focus."""
        self.table.addActions(actions)

    def show_person(self, person_id: int, select_key: int | None = None) -> None:
        view = self.journal.person_page(person_id)
        self.person = view.person
        self._shown = view
        self.header.setText(self._header_html(view))
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
            self.header.setText(self._header_html(self._shown))  # its colours are chosen for the palette

    def current_entry(self) -> TimelineEntry | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.show_entry(current.data(ROW_ROLE) if current.isValid() else None)

    def _header_html(self, view: PersonPageView) -> str:
        """Everything known about the person, each field only when it holds something; long words
        may break, so that a long name or address wraps rather than widening the window."""
        p, colours = view.person, self.palette()  # (the header's own may not have caught up yet in a palette change)
        muted, zone = palette.muted(colours), text.zone(self.journal)
        title = f"<span style='font-size:20pt; font-weight:600'>{html_text(text.breakable(p.display_name))}</span>"
        if p.pronouns:
            title += " " + palette.span(f"({html_text(text.breakable(p.pronouns))})", muted)
        lines = [title]
        job = " · ".join(html_text(text.breakable(x)) for x in (p.role, p.organisation) if x)
        meta = [job] if job else []
        if p.tags:
            chip_back, chip_text = palette.chip(colours)
            meta.append(" ".join(palette.span(f"&nbsp;{html_text(t)}&nbsp;", chip_text, chip_back) for t in p.tags))
        meta.append(f"last contact {text.ago(p.last_contact, zone)}")
        if p.status.value != "active":
            meta.append(f"<i>{p.status.value}</i>")
        lines.append(" · ".join(meta))
        if p.handles:
            links = []
            for platform, value in p.handles:
                url = text.handle_link(platform, value)
                label = f"{text.PLATFORM_LABELS[platform]}: {html_text(text.breakable(value))}"
                links.append(f'<a href="{html_text(url)}">{label}</a>' if url and is_openable(url) else label)
            lines.append(" · ".join(links))
        today = datetime.now(zone).date()  # on the journal's clock, as every time here
        rows = [("Birthday", text.birthday_text(p.birthday, today) if p.birthday else ""),
                ("Why it matters", p.why_it_matters), ("Who reaches out", p.reaches_out),
                ("Remember", p.remember), ("How we met", p.how_we_met), ("Source", p.source)]  # fmt: skip
        rows += [(html_text(d.label), date_words(d, today)) for d in view.dates]  # (a label is the user's words)
        if p.cadence_days:
            rows.append(("Stay in touch", f"every {p.cadence_days} days"))
        for m in view.memberships:
            review = f", review {text.on_day(m.review_on, today)}" if m.review_on and not m.left_on else ""
            left = f", left {m.left_on:%d %b %Y}" if m.left_on else ""
            rows.append(("Programme", f"{m.programme} since {m.joined_on:%d %b %Y}{review}{left}"))
        now = datetime.now(UTC)
        coming = [f"{'now' if u.when <= now else text.on_day(u.when.astimezone(zone).date(), today)}: "
                  f"{text.plain_from_markdown(u.reminder.text, limit=120)}" for u in view.upcoming]  # fmt: skip
        rows.append(("Coming up", "\n".join(coming)))
        markdown = {"Why it matters", "Remember", "How we met", "Source"}  # (written freely, as notes are)
        table = "".join(
            f"<tr><td style='{palette.css(muted)}; padding-right:12px'>{label}</td><td>"
            + (markdown_inline_html(value, limit=1000) if label in markdown
               else html_text(text.breakable(value), breaks=True))
            + "</td></tr>"
            for label, value in rows
            if value.strip()
        )  # fmt: skip
        if table:
            lines.append(f"<table>{table}</table>")
        pin_back, pin_text = palette.pinned(colours)
        for note in view.pinned[:3]:
            lines.append(
                palette.span(f"&nbsp;Pinned: {markdown_inline_html(note.body, limit=200)}&nbsp;", pin_text, pin_back)
            )
        head = f"<div>{lines[0]}</div><div style='margin-top:2px'>{lines[1]}</div>"
        return head + "".join(f"<div style='margin-top:8px'>{line}</div>" for line in lines[2:])


class TimelinePage(QWidget):
    """Everyone's conversations, newest first, filterable by channel, tag, direction, tone and dates."""

    open_person = Signal(int, int)  # person id, timeline key
    edit_entry = Signal()  # double-click or Enter on a conversation: open it to edit
    loaded = Signal()

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self._generation = 0
        self.model = TimelineModel(journal, self)
        self.table = timeline_table(self.model, show_person=True)
        self.table.setAccessibleName("Global timeline")
        self.detail = EntryView(journal)
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
        self.table.activated.connect(lambda _index: self.edit_entry.emit())  # Enter, or a double-click
        self.show_on_page = QAction("Show on their &page", self.table)
        self.show_on_page.triggered.connect(lambda: self._open(self.table.currentIndex()))

    def set_entry_actions(self, actions: list[QAction]) -> None:
        """The window's entry actions (open, delete) in the context menu, then going to the person's page."""
        separator = QAction(self.table)
        separator.setSeparator(True)
        self.table.addActions([*actions, separator, self.show_on_page])

    def current_entry(self) -> TimelineEntry | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

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
            zone = text.zone(self.journal)
            first, after = to_date(self.since.date()), to_date(self.until.date().addDays(1))
            since = text.from_local(datetime.combine(first, time()), zone).astimezone(UTC)
            until = text.from_local(datetime.combine(after, time()), zone).astimezone(UTC)
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


HTML_ROLE = Qt.ItemDataRole.UserRole + 1  # a search hit's line as rich text (its words marked, all else escaped)
SELECTED_HTML_ROLE = Qt.ItemDataRole.UserRole + 2  # the same, in colours for when it is selected


def hit_html(hit: SearchHit, colours: QPalette, background: QPalette.ColorRole = BASE) -> str:
    """A hit's line as rich text: the person, then each field that matched, labelled and apart,
    the matched words bold. Everything the journal holds is escaped: a name is never markup."""
    muted = palette.muted(colours, background)
    parts = []
    for part in hit.parts:
        words = "".join(f"<b>{html_text(piece)}</b>" if matched else html_text(piece) for piece, matched in part.pieces)
        if part.labelled:
            words = f"{palette.span(html_text(part.label) + ':', muted)} {words}"
        parts.append(words)
    name = f"\u2068{html_text(hit.person_name)}\u2069"  # isolated: a right-to-left name keeps its place
    if _only_the_name(hit):
        return "".join(parts)  # the name is what matched: it is the whole line
    return f"{name}{palette.span(' — ', muted)}{palette.span(' · ', muted).join(parts)}"


def hit_text(hit: SearchHit) -> str:
    """A hit's line as plain text (what a screen reader says, and a tooltip's lines)."""
    parts = " · ".join(p.line() for p in hit.parts)
    return parts if _only_the_name(hit) else f"{hit.person_name} — {parts}"


def _only_the_name(hit: SearchHit) -> bool:
    return hit.kind == "person" and all(p.label == NAME_LABEL for p in hit.parts)


class HitDelegate(QStyledItemDelegate):
    """Paints a search hit's rich line (`HTML_ROLE`) in the item's colours; group headings as usual."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        markup = index.data(HTML_ROLE)
        if not markup:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, option.widget)
        where = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        document = _InertDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        direction = "rtl" if option.direction == Qt.LayoutDirection.RightToLeft else "ltr"  # (not guessed from a name)
        line = palette.span(index.data(SELECTED_HTML_ROLE) if selected else markup, colour)
        document.setHtml(f"<p dir='{direction}'>{line}</p>")
        painter.save()
        painter.setClipRect(where)
        painter.translate(where.left(), where.top() + (where.height() - document.size().height()) / 2)
        document.drawContents(painter)
        painter.restore()


class ResultTree(QTreeWidget):
    """The results, left by keyboard as well: Up on the first hit goes back to the search box, Esc
    back to where the user was."""

    up_from_top = Signal()
    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.escape.emit()
            return
        if event.key() == Qt.Key.Key_Up and not event.modifiers() and self.currentItem() is first_hit(self):
            self.up_from_top.emit()
            return
        super().keyPressEvent(event)


def first_hit(tree: QTreeWidget) -> QTreeWidgetItem | None:
    group = tree.topLevelItem(0)
    return group.child(0) if group is not None else None


class SearchPage(QWidget):
    """Search results grouped into people, notes and conversations; activating one opens it."""

    open_person = Signal(int, int)  # person id, timeline key (-1: none)
    searched = Signal(int)  # the results of the newest query are on screen (how many)

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self._generation = 0
        self.shown_query: str | None = None  # whose results are on screen (None while a search runs)
        self._hits: list[SearchHit] = []
        self._running = False  # a search is reading in the background
        self._waiting: str | None = None  # the query typed since, to run when it is done
        self.searches_run = 0  # how many searches really ran (typing fast runs fewer than keys)
        self.title = QLabel()
        self.best = QCheckBox("&Best matches first")
        self.best.setToolTip("Rank by how well each result matches (a moment longer on a large journal).\n"
                             "Off: the newest matches, shown as you type.")  # fmt: skip
        self.query = ""  # the latest query asked for
        self.best.toggled.connect(lambda _on: self.search(self.query))
        self.tree = ResultTree()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Search results")
        self.tree.setUniformRowHeights(True)
        self.tree.setItemDelegate(HitDelegate(self.tree))
        self.tree.itemActivated.connect(self._activate)
        self.tree.itemDoubleClicked.connect(self._activate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.best)
        layout.addLayout(header)
        layout.addWidget(self.tree, 1)

    def search(self, query: str) -> None:
        """Search in the background (newest matches first, or the best with the toggle); `searched` is
        emitted once the results are on screen.

        The newest query wins. One search reads at a time: what is typed meanwhile waits, and only
        the latest of it runs when the reading ends (the keys in between never cost a search).
        """
        self._generation += 1
        self.shown_query, self.query = None, query
        if not query.strip():
            self._waiting = None
            self._show(self._generation, query, [])
            return
        if self._running:
            self._waiting = query
            return
        self._running, self._waiting = True, None
        self.searches_run += 1
        generation, journal, best = self._generation, self.journal, self.best.isChecked()
        run_in_background(
            self,
            lambda: journal.search(query, limit=50, best=best),
            lambda hits: self._finished(lambda: self._show(generation, query, hits)),
            lambda error: self._finished(lambda: self._failed(error)),
        )

    def _finished(self, show: Callable[[], None]) -> None:
        self._running = False
        if self._waiting is not None:
            self.search(self._waiting)  # (these results are already stale: not shown)
        else:
            show()

    def enter_results(self) -> bool:
        """Move into the results from the search box, the first hit selected; False if there are none."""
        hit = first_hit(self.tree)
        if hit is None:
            return False
        self.tree.setCurrentItem(hit)
        self.tree.setFocus()
        return True

    def open_current(self) -> bool:
        """Open the selected hit, or the first; False if there is none."""
        item = self.tree.currentItem()
        if item is None or not item.data(0, Qt.ItemDataRole.UserRole):
            item = first_hit(self.tree)
        if item is None:
            return False
        self._activate(item)
        return True

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, JournalError):
            raise error
        self.title.setText(html_text(str(error)))

    def _show(self, generation: int, query: str, hits: list[SearchHit]) -> None:
        if generation != self._generation:
            return
        self.tree.clear()
        self.shown_query = query
        self.title.setText(
            f"<span style='font-size:16pt; font-weight:600'>{len(hits)} result{'s' if len(hits) != 1 else ''}</span>"
            f" for “{html_text(query)}”" if query.strip() else "Type to search people, notes and conversations."
        )  # fmt: skip
        groups = {"person": ("People", "person"), "note": ("Notes", "note"), "interaction": ("Conversations", "log")}
        self._hits = [hit for kind in groups for hit in hits if hit.kind == kind]  # as the tree lists them
        for kind, (title, icon_name) in groups.items():
            matching = [hit for hit in hits if hit.kind == kind]
            if not matching:
                continue
            group = add_group(self.tree, title, len(matching))
            for hit in matching:
                item = QTreeWidgetItem(group, [hit_text(hit)])
                item.setIcon(0, icon(icon_name))
                item.setToolTip(0, text.rich("\n".join([hit.person_name, *(p.line() for p in hit.parts)])))
                key = -1 if kind == "person" else hit.id << 1 | (kind == "note")
                item.setData(0, Qt.ItemDataRole.UserRole, (hit.person_id, key))
            group.setExpanded(True)
        self._colour_hits()
        top_hit = first_hit(self.tree)
        if top_hit is not None:
            self.tree.setCurrentItem(top_hit)
        self.searched.emit(len(hits))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "tree"):
            self._colour_hits()  # their muted labels are chosen for the palette

    def _colour_hits(self) -> None:
        colours = self.tree.palette()
        selected = QPalette(colours)
        selected.setColor(BASE, colours.color(QPalette.ColorRole.Highlight))
        groups = [self.tree.topLevelItem(g) for g in range(self.tree.topLevelItemCount())]
        items = [group.child(i) for group in groups if group is not None for i in range(group.childCount())]
        for item, hit in zip(items, self._hits, strict=True):  # (in the same order)
            if item is not None:
                item.setData(0, HTML_ROLE, hit_html(hit, colours))
                item.setData(0, SELECTED_HTML_ROLE, hit_html(hit, selected))

    def _activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        target = item.data(0, Qt.ItemDataRole.UserRole)
        if target:
            self.open_person.emit(*target)
