"""The Insights page's charts: pyqtgraph plots that take their colours from the palette, can be read
with the keyboard and the mouse, and can be saved as PNG or SVG.

Imported only when the Insights page first opens: pyqtgraph brings NumPy (a third of a second),
which nothing else in the app needs. `pg.setConfigOptions` touches only pyqtgraph's own items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, overload

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]
from pyqtgraph import exporters

from relationjournal.core.insights import Insights, LoadWeek, ProgrammeView, ReachCount, Slipping
from relationjournal.ui import palette
from relationjournal.ui.qt import (
    QAction,
    QApplication,
    QBrush,
    QBuffer,
    QByteArray,
    QColor,
    QFocusEvent,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QPointF,
    QRect,
    QSaveFile,
    QScrollArea,
    QSize,
    QSvgGenerator,
    Qt,
    QToolTip,
    QWheelEvent,
    Signal,
)

pg.setConfigOptions(antialias=True)

Role = QPalette.ColorRole
SHOWN_CHANNELS = 8  # more channels than this, and the rest are one "Other channels" colour
SHOWN_BARS = 12  # people, tags or programmes drawn as bars (the lists below hold them all)
NAME_WIDTH = 160  # pixels: the left axis of the charts that name people, tags or programmes
LEGEND_INSET = 8  # pixels: a legend above its plot, from the chart's left edge


@dataclass(frozen=True)
class Spot:
    """One thing the keyboard and the tooltip can point at: a week's bar, a person, a programme."""

    x: float
    y: float
    text: str
    key: int | None = None  # a person's id: a click or Enter opens them


class LazySpots(Sequence[Spot]):
    """Spots made when asked for: thousands of people, of whom the user points at a few."""

    def __init__(self, count: int, make: Callable[[int], Spot]):
        self.size, self.make = count, make

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> Spot: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Spot]: ...
    def __getitem__(self, index: int | slice) -> Spot | Sequence[Spot]:
        if isinstance(index, slice):
            return [self.make(i) for i in range(*index.indices(self.size))]
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(index)
        return self.make(index)


def series_colour(colours: QPalette, index: int) -> QColor:
    """The `index`th series colour: hues a golden angle apart, light or deep as the palette is dark or light,
    starting from the palette's own highlight hue."""
    start = colours.color(Role.Highlight).hueF()
    hue = ((start if start >= 0 else 0.58) + index * 0.381966) % 1.0
    if palette.is_dark(colours, Role.Base):
        return QColor.fromHsvF(hue, 0.45, 0.92)
    return QColor.fromHsvF(hue, 0.62, 0.72)


def band_colour(colours: QPalette, band: str) -> QColor:
    """On time, late, very late: calm, the accent of hard events, the error colour."""
    if band == "on time":
        return series_colour(colours, 0)
    return palette.accent(colours, Role.Base) if band == "late" else palette.error(colours, Role.Base)


def short(chart: Chart, name: str) -> str:
    """A name cut to fit the left axis (a label wider than the axis is not drawn at all)."""
    return QFontMetrics(chart.font()).elidedText(name, Qt.TextElideMode.ElideRight, NAME_WIDTH - 22)


def weeks_between(since: date, until: date) -> list[date]:
    """Every Monday whose week touches [since, until]."""
    monday = since - timedelta(days=since.weekday())
    return [monday + timedelta(weeks=i) for i in range((until - monday).days // 7 + 1)]


def month_ticks(weeks: Sequence[date]) -> list[tuple[float, str]]:
    """A tick at the first week of each month ("Mar"; "Jan 2027" where the year turns)."""
    ticks: list[tuple[float, str]] = []
    for index, week in enumerate(weeks):
        if index == 0 or week.month != weeks[index - 1].month:
            first = index == 0 or week.year != weeks[index - 1].year
            ticks.append((index, f"{week:%b %Y}" if first else f"{week:%b}"))
    if len(ticks) > 14:  # two years and more: every other month
        ticks = ticks[::2]
    return ticks


class Chart(pg.PlotWidget):  # type: ignore[misc]
    """A plot the keyboard can read: ← → (or ↑ ↓) move between its spots, each told in `pointed` (the
    page's line under the chart) and the accessible description; the mouse's is told in a tooltip.
    Enter, like a click, opens the person a spot is."""

    activated = Signal(int)
    pointed = Signal(str)
    save_requested = Signal()

    def __init__(self, name: str, *, across: bool = False, height: int = 240):
        super().__init__()
        self.setAccessibleName(name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(height)
        self.setMenuEnabled(False)  # pyqtgraph's own menu (zoom, export …) gives way to "Save chart…"
        self.hideButtons()
        self.setMouseEnabled(x=False, y=False)
        self.across = across  # bars across: spots are told apart by y, not x
        self.spots: Sequence[Spot] = []
        self.current = -1
        self.tip = ""  # the text of the last tooltip shown (what the mouse or the keys point at)
        self._xy = np.zeros((0, 2))
        self.save_action = QAction("Save chart…", self)
        self.save_action.triggered.connect(self.save_requested)
        self.addAction(self.save_action)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.scene().sigMouseMoved.connect(self._hover)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.marker: Any = None

    # Drawing -------------------------------------------------------------------------------------
    def begin(self) -> QPalette:
        """Clear the plot and colour it from the palette (Base behind, Text for the axes)."""
        colours: QPalette = self.palette()
        item = self.getPlotItem()
        if item.legend is not None:
            item.legend.clear()  # first: emptied item by item, the legend would be laid out again for each
        item.clear()
        back, text = colours.color(Role.Base), colours.color(Role.Text)
        self.setBackground(back)
        grid = palette.mix(text, back, 0.6)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(grid))
            axis.setTextPen(pg.mkPen(text))
            axis.setTicks(None)
        item.showGrid(x=False, y=False)
        item.getAxis("left" if self.across else "bottom").setGrid(False)
        item.getAxis("bottom" if self.across else "left").setGrid(60)
        self.marker = pg.InfiniteLine(angle=0 if self.across else 90, movable=False,
                                      pen=pg.mkPen(colours.color(Role.Highlight), width=2))  # fmt: skip
        self.marker.setZValue(20)
        self.marker.hide()
        item.addItem(self.marker, ignoreBounds=True)
        self.spots, self.current, self.tip = [], -1, ""
        self._xy = np.zeros((0, 2))
        return colours

    def legend(self, columns: int = 3, *, above: bool = False) -> Any:
        """The chart's legend: inside the plot at its top left, or `above` it, in a row of its own
        that grows with the legend, so it never covers a bar however tall the bars are."""
        colours: QPalette = self.palette()
        item = self.getPlotItem()
        if item.legend is None and above:
            item.legend = pg.LegendItem(offset=None, colCount=columns)
            item.legend.setParentItem(item)
            item.legend.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(LEGEND_INSET, 2))
            item.legend.geometryChanged.connect(self._make_room_for_legend)
        elif item.legend is None:
            item.addLegend(offset=(8, 4), colCount=columns)
        legend = item.legend
        legend.setColumnCount(columns)
        legend.setLabelTextColor(colours.color(Role.Text))
        if above:  # on the chart's own ground, outside the plot: no box to set it apart
            legend.setBrush(pg.mkBrush(None))
            legend.setPen(pg.mkPen(None))
            return legend
        back = QColor(colours.color(Role.Base))
        back.setAlphaF(0.85)
        legend.setBrush(pg.mkBrush(back))
        legend.setPen(pg.mkPen(palette.border(colours)))
        return legend

    def _make_room_for_legend(self) -> None:
        """The plot's top row (pyqtgraph's title row, unused here) as tall as the legend above the plot."""
        item = self.getPlotItem()
        height = item.legend.height() if item.legend is not None else 0.0
        item.layout.setRowFixedHeight(0, height + 6 if height else 0)

    def set_spots(self, spots: Sequence[Spot], xy: Any = None) -> None:
        """What the keys and the mouse can point at; `xy` (n × 2) saves reading each spot's place."""
        self.spots = spots
        self._xy = xy if xy is not None else np.array([(s.x, s.y) for s in spots], dtype=float).reshape(-1, 2)

    # Reading ------------------------------------------------------------------------------------
    def nearest(self, at: QPointF, *, within: float | None = None) -> int:
        """The spot nearest to a point of the plot (in its data's coordinates); -1 if none is near."""
        if not self.spots:
            return -1
        width, height = self.getPlotItem().vb.viewPixelSize()
        dx = (self._xy[:, 0] - at.x()) / max(width, 1e-12)
        dy = (self._xy[:, 1] - at.y()) / max(height, 1e-12)
        distance = np.abs(dy) if self.across else np.abs(dx) if within is None else np.hypot(dx, dy)
        index = int(np.argmin(distance))
        return -1 if within is not None and distance[index] > within else index

    def _hover(self, scene_pos: QPointF) -> None:
        box = self.getPlotItem().vb
        if not box.sceneBoundingRect().contains(scene_pos):
            return
        index = self.nearest(box.mapSceneToView(scene_pos), within=self.pick_radius)
        if index < 0:
            QToolTip.hideText()
            return
        self.tip = self.spots[index].text
        QToolTip.showText(self.mapToGlobal(self.mapFromScene(scene_pos)), self.tip, self)

    pick_radius: float | None = None  # pixels: set for scatter plots (a point must be near); None: nearest bar

    def _clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        box = self.getPlotItem().vb
        index = self.nearest(box.mapSceneToView(event.scenePos()), within=self.pick_radius)
        if index >= 0:
            self.point_at(index)
            if self.spots[index].key is not None:
                self.activated.emit(self.spots[index].key)

    def point_at(self, index: int) -> None:
        """Point at a spot: the marker on it, its text in a tooltip and in `pointed`."""
        if not self.spots:
            return
        self.current = max(0, min(index, len(self.spots) - 1))
        spot = self.spots[self.current]
        if self.marker is not None:
            self.marker.setValue(spot.y if self.across else spot.x)
            self.marker.show()
        self.tip = spot.text
        self.setAccessibleDescription(spot.text)  # (read out by a screen reader; the page shows it under the chart)
        self.pointed.emit(spot.text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, keys = Qt.Key(event.key()), Qt.Key
        steps = {keys.Key_Left: -1, keys.Key_Right: 1, keys.Key_Up: -1, keys.Key_Down: 1,
                 keys.Key_PageUp: -10, keys.Key_PageDown: 10}  # fmt: skip
        if self.across:  # the first bar is at the top: Up goes to it
            steps[keys.Key_Up], steps[keys.Key_Down] = -1, 1
        if key in steps and self.spots:
            self.point_at(self.current + steps[key] if self.current >= 0 else 0)
        elif key == keys.Key_Home and self.spots:
            self.point_at(0)
        elif key == keys.Key_End and self.spots:
            self.point_at(len(self.spots) - 1)
        elif key in (keys.Key_Return, keys.Key_Enter, keys.Key_Space) and 0 <= self.current < len(self.spots):
            spot = self.spots[self.current]
            if spot.key is not None:
                self.activated.emit(spot.key)
        else:
            event.ignore()  # Tab and the rest go on to the page

    def wheelEvent(self, event: QWheelEvent) -> None:
        """The wheel scrolls the page the chart is on (the charts do not zoom)."""
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is None:
            event.ignore()
            return
        QApplication.sendEvent(area.verticalScrollBar(), event)
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.spots:
            self.point_at(max(self.current, 0))

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.marker is not None:
            self.marker.hide()

    # Saving ---------------------------------------------------------------------------------------
    def image_bytes(self, kind: str) -> bytes:
        """The chart as it is drawn, as PNG (pyqtgraph's ImageExporter, at twice the size) or SVG.

        SVG is drawn by Qt's own QSvgGenerator: pyqtgraph's SVGExporter fails on the closed paths Qt
        6.10 writes (pyqtgraph issue #3495)."""
        if kind == "png":
            exporter = exporters.ImageExporter(self.getPlotItem())
            exporter.parameters()["width"] = max(2 * self.width(), 400)
            image = exporter.export(toBytes=True)
            data = QByteArray()
            buffer = QBuffer(data)
            buffer.open(QBuffer.OpenModeFlag.WriteOnly)
            image.save(buffer, "PNG")
            buffer.close()
            return bytes(data.data())
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QBuffer.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(self.width(), self.height()))
        generator.setViewBox(QRect(0, 0, self.width(), self.height()))
        generator.setTitle(self.accessibleName())
        marker = self.marker is not None and self.marker.isVisible()
        if marker:
            self.marker.hide()
        painter = QPainter(generator)
        self.render(painter)
        painter.end()
        if marker:
            self.marker.show()
        buffer.close()
        return bytes(data.data())

    def save(self, path: Path) -> None:
        """Write the chart to `path` (its suffix says PNG or SVG) whole or not at all; OSError says why not."""
        kind = "svg" if path.suffix.lower() == ".svg" else "png"
        content = self.image_bytes(kind)
        file = QSaveFile(str(path))
        if not file.open(QSaveFile.OpenModeFlag.WriteOnly):
            raise OSError(file.errorString())
        file.write(QByteArray(content))
        if not file.commit():
            raise OSError(file.errorString())


# The five charts ---------------------------------------------------------------------------------
def _bars(chart: Chart, **values: Any) -> Any:
    item = pg.BarGraphItem(**values)
    chart.addItem(item)
    return item


def draw_rhythm(chart: Chart, insights: Insights) -> dict[str, int]:
    """Conversations per week, stacked by channel; business hatched over a paler fill. Returns the
    totals per context (for the summary line)."""
    colours = chart.begin()
    weeks = weeks_between(insights.since, insights.until)
    index = {week: i for i, week in enumerate(weeks)}
    by_channel: dict[str, int] = {}
    for cell in insights.rhythm:
        by_channel[cell.channel] = by_channel.get(cell.channel, 0) + cell.conversations
    ranked = sorted(by_channel, key=lambda name: (-by_channel[name], name))
    shown = ranked if len(ranked) <= SHOWN_CHANNELS + 1 else ranked[:SHOWN_CHANNELS]  # (never "Other" for one)
    other = "Other channels"
    names = shown + ([other] if len(ranked) > len(shown) else [])
    heights = {(name, context): np.zeros(len(weeks)) for name in names for context in ("personal", "business")}
    per_week: list[dict[tuple[str, str], int]] = [{} for _ in weeks]
    totals = {"personal": 0, "business": 0}
    for cell in insights.rhythm:
        if cell.week not in index:
            continue
        name = cell.channel if cell.channel in shown else other
        context = "business" if cell.context == "business" else "personal"
        heights[(name, context)][index[cell.week]] += cell.conversations
        key = (cell.channel, context)
        per_week[index[cell.week]][key] = per_week[index[cell.week]].get(key, 0) + cell.conversations
        totals[context] += cell.conversations
    legend = chart.legend(columns=4, above=True)
    base = np.zeros(len(weeks))
    x = np.arange(len(weeks), dtype=float)
    back, text = colours.color(Role.Base), colours.color(Role.Text)
    labelled: set[str] = set()
    for context in ("personal", "business"):
        for number, name in enumerate(names):
            height = heights[(name, context)]
            if not height.any():
                continue
            colour = series_colour(colours, number) if name != other else palette.mix(text, back, 0.7)
            if context == "personal":
                item = _bars(chart, x=x, height=height, y0=base.copy(), width=0.8, brush=pg.mkBrush(colour),
                             pen=pg.mkPen(None))  # fmt: skip
            else:
                pale = palette.mix(colour, back, 0.55)
                item = _bars(chart, x=x, height=height, y0=base.copy(), width=0.8, brush=pg.mkBrush(pale),
                             pen=pg.mkPen(colour, width=1))  # fmt: skip
                _bars(chart, x=x, height=height, y0=base.copy(), width=0.8,
                      brush=QBrush(colour, Qt.BrushStyle.BDiagPattern), pen=pg.mkPen(None))  # fmt: skip
            if name not in labelled:  # one entry a channel; business is told by its hatching
                legend.addItem(item, name)
                labelled.add(name)
            base += height
    if totals["business"]:
        sample = pg.BarGraphItem(x=[0], height=[0], width=0, brush=QBrush(text, Qt.BrushStyle.BDiagPattern),
                                 pen=pg.mkPen(text))  # fmt: skip
        legend.addItem(sample, "Business (hatched)")
    top = float(base.max()) if len(base) else 0.0
    chart.getPlotItem().getAxis("bottom").setTicks([month_ticks(weeks), []])
    chart.setXRange(-0.7, len(weeks) - 0.3, padding=0)
    chart.setYRange(0, max(top * 1.08, 4), padding=0)  # (the legend is above the plot, not over it)
    spots = []
    for i, week in enumerate(weeks):
        parts = sorted(per_week[i].items(), key=lambda kv: -kv[1])
        count = sum(per_week[i].values())
        told = ", ".join(f"{channel}{' (business)' if context == 'business' else ''} {n}"
                         for (channel, context), n in parts)  # fmt: skip
        said = f"Week of {week:%-d %b %Y}: {count} conversation{'s' if count != 1 else ''}"
        spots.append(Spot(i, float(base[i]), said + (f": {told}" if told else "")))
    chart.set_spots(spots)
    return totals


def draw_reach(chart: Chart, rows: Sequence[ReachCount]) -> None:
    """Who started the conversations, for the busiest people or tags: they (top bar) and you."""
    colours = chart.begin()
    rows = list(rows)[:SHOWN_BARS]
    n = len(rows)
    chart.setFixedHeight(max(200, 90 + 30 * n))  # a readable row for every name
    y = np.arange(n, dtype=float)
    they = np.array([r.they for r in rows], dtype=float)
    me = np.array([r.me for r in rows], dtype=float)
    legend = chart.legend(columns=2)
    first = _bars(chart, x0=0, y=y - 0.2, height=0.38, width=they, brush=pg.mkBrush(series_colour(colours, 0)),
                  pen=pg.mkPen(None))  # fmt: skip
    second = _bars(chart, x0=0, y=y + 0.2, height=0.38, width=me, brush=pg.mkBrush(series_colour(colours, 1)),
                   pen=pg.mkPen(None))  # fmt: skip
    legend.addItem(first, "They started")
    legend.addItem(second, "You started")
    item = chart.getPlotItem()
    item.getAxis("left").setTicks([[(i, short(chart, r.key)) for i, r in enumerate(rows)], []])
    item.getAxis("left").setWidth(NAME_WIDTH)
    item.getAxis("left").setStyle(textFillLimits=[(0, 1.0)])  # every name, however many
    item.invertY(True)
    widest = float(max(they.max(initial=0), me.max(initial=0)))
    chart.setXRange(0, max(widest * 1.15, 4), padding=0)
    chart.setYRange(-1.6, max(n, 1) - 0.4, padding=0)  # room above the first bar for the legend
    chart.set_spots([Spot(widest / 2, i, f"{r.key}: they started {r.they}, you started {r.me}", r.person_id)
                     for i, r in enumerate(rows)])  # fmt: skip


def draw_slipping(chart: Chart, slipping: Sequence[Slipping]) -> dict[str, int]:
    """Everyone with a cadence, the most overdue first, by how far along their cadence they are;
    lines at once and twice the cadence part on time, late and very late. Returns the count a band."""
    colours = chart.begin()
    ratios = np.fromiter((s.ratio for s in slipping), dtype=float, count=len(slipping))
    ceiling = float(min(max(ratios.max(initial=0) * 1.1, 2.5), 6.0))
    shown = np.minimum(ratios, ceiling)  # the far outliers sit on the top edge (their tooltip says how late)
    x = np.arange(len(slipping), dtype=float)
    bands = {"on time": ratios < 1, "late": (ratios >= 1) & (ratios < 2), "very late": ratios >= 2}  # (`Slipping.band`)
    for band, chosen in bands.items():  # one item a band: one brush each, not one a person
        chart.addItem(pg.ScatterPlotItem(x=x[chosen], y=shown[chosen], size=8, pen=pg.mkPen(None),
                                         brush=pg.mkBrush(band_colour(colours, band))))  # fmt: skip
    line = palette.muted(colours, Role.Base)
    for level, words in ((1.0, "late"), (2.0, "very late")):
        chart.addItem(pg.InfiniteLine(pos=level, angle=0, pen=pg.mkPen(line, style=Qt.PenStyle.DashLine)))
        label = pg.TextItem(f"{words} ↑", color=line, anchor=(1, 1))
        label.setPos(max(len(slipping) - 0.5, 0.5), level)
        chart.addItem(label)
    chart.setXRange(-0.5, max(len(slipping), 2) - 0.5, padding=0.02)
    chart.setYRange(0, ceiling, padding=0.02)
    item = chart.getPlotItem()
    item.setLabel("left", "since contact ÷ cadence", color=colours.color(Role.Text).name())
    item.setLabel("bottom", "people, most overdue first", color=colours.color(Role.Text).name())
    chart.pick_radius = 10

    def spot(i: int) -> Spot:
        s = slipping[i]
        said = f"{s.name}: {s.days_since} days since contact, every {s.cadence_days} days wanted ({s.band})"
        return Spot(i, float(shown[i]), said, s.person_id)

    chart.set_spots(LazySpots(len(slipping), spot), np.column_stack((x, shown)))
    return {band: int(chosen.sum()) for band, chosen in bands.items()}


def draw_load(chart: Chart, insights: Insights) -> None:
    """Hard events and reflections per week, the load Today measures as a line, its threshold
    dashed, and the heavy weeks under a soft band."""
    colours = chart.begin()
    weeks: list[LoadWeek] = insights.load
    n = len(weeks)
    x = np.arange(n, dtype=float)
    hard = np.array([w.hard_events for w in weeks], dtype=float)
    written = np.array([w.reflections for w in weeks], dtype=float)
    load = np.array([w.load for w in weeks], dtype=float)
    top = float(max(hard.max(initial=0), written.max(initial=0), load.max(initial=0), insights.load_threshold))
    ceiling = max(top * 1.45, 4.0)
    heavy = np.array([i for i, w in enumerate(weeks) if w.heavy], dtype=float)
    legend = chart.legend(columns=4)
    band = palette.mix(palette.notice(colours)[0], colours.color(Role.Base), 0.35)  # gently
    if len(heavy):
        soft = _bars(chart, x=heavy, height=ceiling, y0=0, width=1.0, brush=pg.mkBrush(band), pen=pg.mkPen(None))
        soft.setZValue(-10)
        legend.addItem(soft, "Heavy week")
    accent = palette.accent(colours, Role.Base)
    first = _bars(chart, x=x - 0.2, height=hard, width=0.38, brush=pg.mkBrush(accent), pen=pg.mkPen(None))
    second = _bars(chart, x=x + 0.2, height=written, width=0.38, brush=pg.mkBrush(series_colour(colours, 0)),
                   pen=pg.mkPen(None))  # fmt: skip
    legend.addItem(first, "Hard events")
    legend.addItem(second, "Reflections")
    text = colours.color(Role.Text)
    curve = chart.plot(x, load, pen=pg.mkPen(text, width=2))
    legend.addItem(curve, f"Load ({insights.load_window_days} days)")
    threshold = pg.InfiniteLine(pos=insights.load_threshold, angle=0,
                                pen=pg.mkPen(palette.error(colours, Role.Base), width=1.5,
                                             style=Qt.PenStyle.DashLine))  # fmt: skip
    chart.addItem(threshold)
    label = pg.TextItem(f"threshold {insights.load_threshold}", color=palette.error(colours, Role.Base),
                        anchor=(0, 1))  # fmt: skip
    label.setPos(-0.4, insights.load_threshold)
    chart.addItem(label)
    chart.getPlotItem().getAxis("bottom").setTicks([month_ticks([w.week for w in weeks]), []])
    chart.setXRange(-0.7, max(n, 1) - 0.3, padding=0)
    chart.setYRange(0, ceiling, padding=0)
    spots = []
    for i, w in enumerate(weeks):
        said = (f"Week of {w.week:%-d %b %Y}: {w.hard_events} hard event{'s' if w.hard_events != 1 else ''}, "
                f"{w.reflections} reflection{'s' if w.reflections != 1 else ''}; load {w.load} "
                f"(threshold {insights.load_threshold})")  # fmt: skip
        spots.append(Spot(i, float(max(w.hard_events, w.reflections, w.load)), said + (", heavy" if w.heavy else "")))
    chart.set_spots(spots)


def draw_programmes(chart: Chart, programmes: Sequence[ProgrammeView]) -> None:
    """Members per programme, with how long the longest-waiting member has gone without contact."""
    colours = chart.begin()
    rows = list(programmes)[:SHOWN_BARS]
    n = len(rows)
    chart.setFixedHeight(max(150, 90 + 30 * n))
    y = np.arange(n, dtype=float)
    members = np.array([len(p.members) for p in rows], dtype=float)
    item = _bars(chart, x0=0, y=y, height=0.6, width=members, brush=pg.mkBrush(series_colour(colours, 2)),
                 pen=pg.mkPen(None))  # fmt: skip
    item.setToolTip("Members")
    plot = chart.getPlotItem()
    plot.getAxis("left").setTicks([[(i, short(chart, p.programme)) for i, p in enumerate(rows)], []])
    plot.getAxis("left").setWidth(NAME_WIDTH)
    plot.getAxis("left").setStyle(textFillLimits=[(0, 1.0)])  # every name, however many
    plot.invertY(True)
    chart.setXRange(0, max(float(members.max(initial=0)) * 1.15, 4), padding=0)
    chart.setYRange(-0.6, max(n, 1) - 0.4, padding=0)
    spots = []
    for i, view in enumerate(rows):
        silences = [m.days_since_contact for m in view.members]
        never = sum(1 for s in silences if s is None)
        longest = max((s for s in silences if s is not None), default=None)
        said = f"{view.programme}: {len(view.members)} member{'s' if len(view.members) != 1 else ''}"
        if longest is not None:
            said += f"; the longest without contact: {longest} days"
        if never:
            said += f"; {never} not in touch since joining"
        spots.append(Spot(float(members[i]) / 2, i, said))
    chart.set_spots(spots)
