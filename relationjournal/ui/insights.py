"""Insights: the shape of the past months in five sections (rhythm, who reaches out, slipping away,
your load, programmes), narrowed by period, tag, channel and programme.

The numbers are computed off the GUI thread (`Journal.insights`), like Today and Upcoming, and
read again whenever the page shows or the journal changes while it shows; drawing them is all the
GUI thread does; the charts (`charts.py`) are painted with QPainter. Every chart can be read with
the keyboard (Tab to it, then the arrow keys) and has a list or a summary line beside it; the load
section never names anyone.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.insights import Insights, InsightsFilter
from relationjournal.ui import charts, palette
from relationjournal.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QEvent,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    Qt,
    QTimer,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from relationjournal.ui.widgets import ErrorLine, MutedLabel, add_group
from relationjournal.ui.worker import run_in_background

if TYPE_CHECKING:
    from relationjournal.core.changes import Change
    from relationjournal.core.journal import Journal

PERIODS = (("Last 3 months", 91), ("Last 6 months", 182), ("Last year", 365), ("Last 2 years", 730))
DEFAULT_PERIOD = 2  # a year, as the issue asks and `InsightsFilter` defaults to
LISTED = 200  # rows a list shows (the most telling first); the summary line counts them all
EMPTY = ("Nothing to show yet. Insights draws on the conversations you log, the cadences you set for "
         "staying in touch, the hard events and reflections you write, and your programmes. Log a few "
         "conversations and come back: the shape of your weeks appears here.")  # fmt: skip
NOTHING_MATCHES = "Nothing matches these filters in this period. Try a longer period or fewer filters."
ROLE = Qt.ItemDataRole.UserRole
SAVE_FILTERS = "PNG image (*.png);;SVG image (*.svg)"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _tree(name: str, headers: list[str], *, groups: bool = False) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setAccessibleName(name)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(groups)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setMinimumHeight(150)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return tree


def _row(cells: list[str], person_id: int | None) -> QTreeWidgetItem:
    """A list row, not yet in its list: rows are added all at once (one by one, 200 cost 20 ms)."""
    item = QTreeWidgetItem(cells)
    for column in range(1, len(cells)):
        item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    item.setData(0, ROLE, person_id)
    return item


class Section(QFrame):
    """One of the page's five parts: a heading, a summary line, a chart with its "Save chart…"."""

    def __init__(self, title: str, hint: str, chart: charts.Chart):
        super().__init__()
        self.setObjectName("insights-section")
        self.chart = chart
        self.heading = QLabel(f"<span style='font-size:13pt; font-weight:600'>{title}</span>")
        self.title = title
        self.top = QHBoxLayout()
        self.top.addWidget(self.heading)
        self.top.addStretch()
        self.hint = MutedLabel(hint)
        self.hint.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # it may name people and tags
        self.summary.setAccessibleName(f"{title}: summary")
        self.readout = MutedLabel()  # what the keyboard points at in the chart, for screen readers too
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setAccessibleName(f"{title}: the point in view")
        self.save_button = QPushButton("Save chart…")
        self.save_button.setToolTip("Save this chart as a PNG or SVG image")
        self.save_button.setAccessibleName(f"Save the {title.lower()} chart")
        chart.pointed.connect(self.readout.setText)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 8, 0, 14)
        self.layout_.addLayout(self.top)
        self.layout_.addWidget(self.hint)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(chart)
        below = QHBoxLayout()
        below.addWidget(self.readout, 1)
        below.addWidget(self.save_button)
        self.layout_.addLayout(below)

    def add(self, widget: QWidget) -> None:
        self.layout_.addWidget(widget)


class InsightsPage(QWidget):
    """The five sections, the filters above them, and a calm explanation when there is nothing yet."""

    open_person = Signal(int)
    log_with = Signal(int)  # log a conversation with this person (the main window's log flow)
    loaded = Signal()  # a reading has been drawn (tests wait for it)

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self.insights: Insights | None = None
        self.wanted = InsightsFilter()
        self.draw_seconds = 0.0  # how long the last draw took (the benchmark reads it)
        self._generation = 0
        self._filling = True  # the filter boxes are being (re)filled, not changed by the user
        title = QLabel("<span style='font-size:16pt; font-weight:600'>Insights</span>")
        hint = MutedLabel("The shape of your weeks: how often you are in touch, who reaches out, "
                          "who is slipping away, and how much you are carrying.")  # fmt: skip
        hint.setWordWrap(True)

        self.period = self._combo("Period", [label for label, _ in PERIODS])
        self.period.setCurrentIndex(DEFAULT_PERIOD)
        self.tag = self._combo("Tag", ["All tags"])
        self.channel = self._combo("Channel", ["All channels"])
        self.programme = self._combo("Programme", ["All programmes"])
        self.filters = QWidget()
        row = QHBoxLayout(self.filters)
        row.setContentsMargins(0, 0, 0, 0)
        for label, box in (("&Period", self.period), ("T&ag", self.tag), ("C&hannel", self.channel),
                           ("P&rogramme", self.programme)):  # fmt: skip
            caption = QLabel(label)
            caption.setBuddy(box)
            row.addWidget(caption)
            row.addWidget(box)
            row.addSpacing(8)
        row.addStretch()
        self.status = MutedLabel("Reading your journal…")
        self.empty = MutedLabel(EMPTY)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setAccessibleName("Nothing to show yet")
        self.empty.hide()
        self.error = ErrorLine()

        # 1. Rhythm
        self.rhythm = Section("Rhythm", "Conversations per week, by channel; business conversations hatched.",
                              charts.Chart("Conversations per week"))  # fmt: skip
        # 2. Who reaches out
        self.reach = Section("Who reaches out", "Conversations they started against those you started.",
                             charts.Chart("Who started the conversations", across=True, height=300))  # fmt: skip
        self.reach_kind = QComboBox()
        self.reach_kind.addItems(["By person", "By tag"])
        self.reach_kind.setAccessibleName("Who reaches out: by person or by tag")
        self.reach_kind.currentIndexChanged.connect(lambda _: self._draw_reach())
        self.reach.top.addWidget(self.reach_kind)
        self.reach_list = _tree("Who reaches out", ["Who", "They started", "You started"])
        self.reach_list.itemActivated.connect(self._open_item)
        self.reach.add(self.reach_list)
        self.one_sided_title = QLabel("<b>One-sided lately</b>")
        self.reach.add(self.one_sided_title)
        self.one_sided_hint = MutedLabel()
        self.one_sided_hint.setWordWrap(True)
        self.reach.add(self.one_sided_hint)
        self.one_sided = _tree("One-sided relationships", ["Who", "Started by", "In a row", "Last contact"])
        self.one_sided.itemActivated.connect(lambda item, _column: self._log(item))
        self.one_sided.currentItemChanged.connect(lambda *_: self._one_sided_selected())
        self.reach.add(self.one_sided)
        self.log_button = QPushButton("&Log a conversation…")
        self.log_button.setToolTip("Log a conversation with the person selected above")
        self.log_button.clicked.connect(lambda: self._log(self.one_sided.currentItem()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.log_button)
        buttons.addStretch()
        self.reach.layout_.addLayout(buttons)
        # 3. Slipping away
        self.slipping = Section("Slipping away", "Everyone with a stay-in-touch cadence, by how far along it "
                                "they are. Click a person (or press Enter) to open them.",
                                charts.Chart("People by time since contact, relative to their cadence"))  # fmt: skip
        self.slipping.chart.activated.connect(self.open_person)
        self.slipping_list = _tree("Slipping away", ["Who", "Since contact", "Cadence", "How late"])
        self.slipping_list.itemClicked.connect(self._open_item)
        self.slipping_list.itemActivated.connect(self._open_item)
        self.slipping.add(self.slipping_list)
        # 4. Your load
        self.load = Section("Your load", "Hard events and reflections per week; the line is the load Today "
                            "measures, the dashed line its threshold.",
                            charts.Chart("Your load per week"))  # fmt: skip
        self.load_note = QLabel()
        self.load_note.setWordWrap(True)
        self.load_note.setTextFormat(Qt.TextFormat.PlainText)
        self.load_note.setAccessibleName("A note on how much you have been carrying")
        self.load_note.hide()
        self.load.add(self.load_note)
        # 5. Programmes
        self.programmes = Section("Programmes", "Members per programme, their review dates, and how long since "
                                  "each was in touch: don't leave them hanging.",
                                  charts.Chart("Members per programme", across=True, height=200))  # fmt: skip
        self.programme_list = _tree("Programme members", ["Who", "Since contact", "Review on"], groups=True)
        self.programme_list.itemClicked.connect(self._open_item)
        self.programme_list.itemActivated.connect(self._open_item)
        self.programmes.add(self.programme_list)

        self.sections = [self.rhythm, self.reach, self.slipping, self.load, self.programmes]
        for section in self.sections:
            section.save_button.clicked.connect(lambda _=False, s=section: self.save_chart(s))
            section.chart.save_requested.connect(lambda s=section: self.save_chart(s))
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 8, 0)
        for section in self.sections:
            column.addWidget(section)
        column.addStretch()
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setWidget(content)
        self.area.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.filters)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.area, 1)
        layout.addStretch(0)  # while reading (nothing above shown with a stretch): keeps the heading at the top
        self._one_sided_selected()
        self._recolour()
        self._filling = False

    def _combo(self, name: str, items: list[str]) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        box.addItems(items)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        box.currentIndexChanged.connect(self._filters_changed)
        return box

    # Reading -----------------------------------------------------------------------------------
    def _filters_changed(self, *_: Any) -> None:
        if not self._filling:
            self.reload()

    def _chosen(self, box: QComboBox) -> str | None:
        return box.currentText() if box.currentIndex() > 0 else None

    def reload(self) -> None:
        """Compute the numbers again off the GUI thread for the chosen filters; a newer reading wins."""
        self._generation += 1
        generation, journal = self._generation, self.journal
        days = PERIODS[self.period.currentIndex()][1]
        tag, channel, programme = self._chosen(self.tag), self._chosen(self.channel), self._chosen(self.programme)
        self.status.setText("Reading your journal…")
        self.status.show()

        def work() -> tuple[Insights, list[str], list[str], list[str]]:
            from relationjournal.core.clock import journal_zone
            from relationjournal.ui.text import channel_label

            today = datetime.now(journal_zone(journal)).date()
            since = None if days == 365 else today - timedelta(days=days - 1)
            wanted = InsightsFilter(since=since, tag=tag, channel=channel, programme=programme)
            found = journal.insights(wanted)
            programmes = sorted({m.programme for m in journal.memberships() if m.left_on is None}, key=str.casefold)
            channels = [channel_label(c) for c in journal.channels()]
            return found, journal.tag_names(), channels, programmes

        run_in_background(self, work, lambda result: self._loaded(generation, *result), self._failed)

    def follow(self, change: Change) -> None:
        """A committed write: read again, if shown, when it may change what the page draws."""
        if self.isVisible() and (change.entries or change.people or change.tags or change.settings
                                 or change.reflections or change.everything or change.channels):  # fmt: skip
            self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.reload()

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, JournalError):
            raise error
        self.status.hide()
        self.error.show_error(str(error))

    def _loaded(
        self, generation: int, insights: Insights, tags: list[str], channels: list[str], programmes: list[str]
    ) -> None:
        if generation != self._generation:
            return
        self._filling = True
        for box, names in ((self.tag, tags), (self.channel, channels), (self.programme, programmes)):
            chosen = box.currentText()
            first = box.itemText(0)
            if [box.itemText(i) for i in range(1, box.count())] != names:
                box.clear()
                box.addItems([first, *names])
                box.setCurrentIndex(max(box.findText(chosen), 0))
        self._filling = False
        self.error.hide()
        self.status.hide()
        self.show_insights(insights)
        self.loaded.emit()

    # Drawing -----------------------------------------------------------------------------------
    def show_insights(self, insights: Insights) -> None:
        """Draw `insights`: the five sections, or the calm explanation when there is nothing."""
        began = time.perf_counter()
        self.insights = insights
        filtered = any(box.currentIndex() > 0 for box in (self.tag, self.channel, self.programme))
        if insights.empty:
            self.empty.setText(NOTHING_MATCHES if filtered or self.period.currentIndex() != DEFAULT_PERIOD
                               else EMPTY)  # fmt: skip
            self.empty.show()
            self.area.hide()
            self.filters.setVisible(filtered or self.period.currentIndex() != DEFAULT_PERIOD)  # (the way back)
            self.draw_seconds = time.perf_counter() - began
            return
        self.empty.hide()
        self.filters.show()
        self._draw_rhythm(insights)
        self._draw_reach()
        self._draw_one_sided(insights)
        self._draw_slipping(insights)
        self._draw_load(insights)
        self._draw_programmes(insights)
        self.area.show()
        self.draw_seconds = time.perf_counter() - began

    def _draw_rhythm(self, insights: Insights) -> None:
        totals = charts.draw_rhythm(self.rhythm.chart, insights)
        weeks = len(charts.weeks_between(insights.since, insights.until))
        total = totals["personal"] + totals["business"]
        self.rhythm.summary.setText(
            f"{_plural(total, 'conversation')} in {weeks} weeks ({insights.since:%-d %b %Y} to "
            f"{insights.until:%-d %b %Y}): {totals['personal']:,} personal, {totals['business']:,} business."
        )

    def _draw_reach(self) -> None:
        insights = self.insights
        if insights is None:
            return
        by_tag = self.reach_kind.currentIndex() == 1
        rows = insights.reach_tags if by_tag else insights.reach_people
        charts.draw_reach(self.reach.chart, rows)
        self.reach.chart.setVisible(bool(rows))
        self.reach.save_button.setEnabled(bool(rows))
        they, me = sum(r.they for r in insights.reach_people), sum(r.me for r in insights.reach_people)
        self.reach.summary.setText(f"They started {they:,} conversations; you started {me:,}."
                                   if they or me else "No conversations in this period.")  # fmt: skip
        self.reach_list.clear()
        self.reach_list.addTopLevelItems(
            [_row([r.key, f"{r.they:,}", f"{r.me:,}"], r.person_id) for r in rows[:LISTED]]
        )
        if by_tag and not rows:
            self.reach_list.addTopLevelItem(_row(["No tagged people in these conversations.", "", ""], None))

    def _draw_one_sided(self, insights: Insights) -> None:
        after = insights.one_sided_after
        self.one_sided_hint.setText(f"People whose last {after} or more conversations were all started by the same "
                                    "side. Select one to log a conversation.")  # fmt: skip
        self.one_sided.clear()
        self.one_sided.addTopLevelItems([
            _row([item.name, "You" if item.started_by == "me" else "They", str(item.run),
                  f"{item.last_contact:%-d %b %Y}"], item.person_id)
            for item in insights.one_sided[:LISTED]
        ])  # fmt: skip
        self.one_sided.setVisible(bool(insights.one_sided))
        if not insights.one_sided:
            self.one_sided_hint.setText(f"No relationship is one-sided: none of the last {after} conversations "
                                        "with anyone were all started by the same side.")  # fmt: skip
        self._one_sided_selected()

    def _draw_slipping(self, insights: Insights) -> None:
        people = insights.slipping
        counts = charts.draw_slipping(self.slipping.chart, people)
        self.slipping.summary.setText(
            f"{counts['on time']:,} on time · {counts['late']:,} late · {counts['very late']:,} very late"
            if people
            else "Nobody has a stay-in-touch cadence yet: set one on a person or a tag."
        )
        self.slipping.chart.setVisible(bool(people))
        self.slipping.save_button.setEnabled(bool(people))
        self.slipping_list.clear()
        rows = []
        for person in people[:LISTED]:
            row = _row([person.name, f"{person.days_since:,} days", f"every {person.cadence_days} days", person.band],
                       person.person_id)  # fmt: skip
            row.setToolTip(0, f"Open {person.name}")
            rows.append(row)
        self.slipping_list.addTopLevelItems(rows)
        self.slipping_list.setVisible(bool(people))

    def _draw_load(self, insights: Insights) -> None:
        from relationjournal.core.wellbeing import EmotionalLoad

        charts.draw_load(self.load.chart, insights)
        heavy = [week for week in insights.load if week.heavy]
        hard = sum(w.hard_events for w in insights.load)
        written = sum(w.reflections for w in insights.load)
        self.load.summary.setText(
            f"{_plural(hard, 'hard event')} and {_plural(written, 'reflection')} in this period; "
            + (f"{_plural(len(heavy), 'heavy week')}, marked." if heavy else "no week was over the threshold.")
        )
        if heavy:  # the suggestion Today made then, in Today's words
            latest = heavy[-1]
            load = EmotionalLoad(latest.load, insights.load_window_days, insights.load_threshold)
            self.load_note.setText(f"Week of {latest.week:%-d %b %Y}: {load.message()}")
        self.load_note.setVisible(bool(heavy))

    def _draw_programmes(self, insights: Insights) -> None:
        views = insights.programmes
        charts.draw_programmes(self.programmes.chart, views)
        members = sum(len(view.members) for view in views)
        self.programmes.summary.setText(f"{_plural(len(views), 'programme')}, {_plural(members, 'member')}."
                                        if views else "No programmes yet.")  # fmt: skip
        self.programmes.chart.setVisible(bool(views))
        self.programmes.save_button.setEnabled(bool(views))
        self.programme_list.clear()
        for view in views:
            group = add_group(self.programme_list, view.programme, len(view.members))
            group.setFirstColumnSpanned(True)
            rows = []
            for member in view.members[:LISTED]:
                days = member.days_since_contact
                since = "not since joining" if days is None else f"{days:,} days"
                review = f"{member.review_on:%-d %b %Y}" if member.review_on else "—"
                rows.append(_row([member.name, since, review], member.person_id))
            group.addChildren(rows)
        self.programme_list.setVisible(bool(views))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            QTimer.singleShot(0, self._recolour)

    def _recolour(self) -> None:
        """The charts and the load note take the palette's colours again (a desktop turned dark)."""
        back, text = palette.notice(self.palette())
        self.load_note.setStyleSheet(f"{palette.css(text, back)}; padding:10px 12px; border-radius:6px;")
        if self.insights is not None and not self.insights.empty:
            self.show_insights(self.insights)

    # Acting ------------------------------------------------------------------------------------
    def _open_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        person_id = item.data(0, ROLE)
        if person_id is not None:
            self.open_person.emit(person_id)

    def _one_sided_selected(self) -> None:
        item = self.one_sided.currentItem()
        self.log_button.setEnabled(item is not None and item.data(0, ROLE) is not None)

    def _log(self, item: QTreeWidgetItem | None) -> None:
        if item is not None and item.data(0, ROLE) is not None:
            self.log_with.emit(item.data(0, ROLE))

    def save_chart(self, section: Section) -> None:
        """Ask where, then save the section's chart as PNG or SVG (by the name's suffix; PNG if none)."""
        stem = f"insights-{section.title.lower().replace(' ', '-')}"
        path, chosen = QFileDialog.getSaveFileName(self, f"Save the {section.title.lower()} chart",
                                                   f"{stem}.png", SAVE_FILTERS)  # fmt: skip
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".png", ".svg"):
            target = target.with_name(target.name + (".svg" if "svg" in chosen.lower() else ".png"))
        try:
            section.chart.save(target)
        except OSError as error:
            self.error.show_error(f"Could not save the chart to {target}: {error}")
            return
        self.error.hide()
        self.status.setText(f"Saved the {section.title.lower()} chart to {target}.")
        self.status.show()
