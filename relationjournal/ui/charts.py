"""The Insights page's charts: bars, dots and lines painted with QPainter, coloured from the palette,
read with the keyboard and the mouse, and saved as PNG or SVG by the same painting code.

Why Qt's own painting and not a plotting library: these five charts are bars, dots and a line on two
axes. pyqtgraph drew them until issue 17, but it needs NumPy, and the two with NumPy's OpenBLAS and
the QtOpenGL binding pyqtgraph imports made up 56 MB of a 184 MB bundle whose budget is 150.

A draw function (`draw_rhythm` …) describes a chart once, in its data's coordinates: `Bars`, `Dots`,
`Curve`, `Level` lines, axis ticks and a legend. `Chart.paint` maps them to pixels each time it
paints, so a resize, a HiDPI screen and a 2× PNG need nothing drawn again.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import overload

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
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QPointF,
    QPolygonF,
    QRect,
    QRectF,
    QSaveFile,
    QScrollArea,
    QSize,
    QSvgGenerator,
    Qt,
    QToolTip,
    QTransform,
    QWheelEvent,
    QWidget,
    Signal,
)

Role = QPalette.ColorRole
SHOWN_CHANNELS = 8  # more channels than this, and the rest are one "Other channels" colour
SHOWN_BARS = 12  # people, tags or programmes drawn as bars (the lists below hold them all)
NAME_WIDTH = 160  # pixels: the left axis of the charts that name people, tags or programmes
LEGEND_INSET = 8  # pixels: the legend above its plot, from the chart's left edge
SWATCH = 12  # pixels: a legend entry's colour sample
TICK_SPACING = 48  # pixels: at least this between the value axis's numbers


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


# What a chart is made of, in its data's coordinates ----------------------------------------------
@dataclass
class Bars:
    """Rectangles (x0, y0, x1, y1) filled with one brush, outlined with `pen` if any."""

    rects: list[QRectF]
    brush: QBrush
    pen: QPen | None = None


@dataclass
class Dots:
    """Round dots `size` pixels across, whatever the zoom."""

    points: QPolygonF
    colour: QColor
    size: float = 8.0


@dataclass
class Curve:
    """A line through points."""

    points: QPolygonF
    pen: QPen


@dataclass
class Level:
    """A line across the plot at value `y`, with words at its left or right end, just above it."""

    y: float
    pen: QPen
    words: str = ""
    at_right: bool = False


@dataclass(frozen=True)
class LegendEntry:
    """A legend's line: a sample (a box in `brush`, outlined by `pen`; or a stroke of `pen`) and words."""

    words: str
    brush: QBrush | None
    pen: QPen | None = None


@dataclass
class Figure:
    """Everything a chart shows: the items, the ranges, the ticks, the axis titles and the legend.

    `across` charts lay their rows (people, tags, programmes) down the left axis, the first at the top;
    the others lay weeks or people along the bottom. Ticks left as None are numbers chosen to fit."""

    items: list[Bars | Dots | Curve | Level] = field(default_factory=list)
    x_range: tuple[float, float] = (0.0, 1.0)
    y_range: tuple[float, float] = (0.0, 1.0)
    x_ticks: list[tuple[float, str]] | None = None
    y_ticks: list[tuple[float, str]] | None = None
    x_title: str = ""
    y_title: str = ""
    legend: list[LegendEntry] = field(default_factory=list)
    names: bool = False  # the left axis names rows (a fixed NAME_WIDTH), not numbers


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


def nice_ticks(low: float, high: float, room: float) -> list[tuple[float, str]]:
    """Round numbers (steps of 1, 2 or 5 times a power of ten) between `low` and `high`, about one
    every TICK_SPACING pixels of `room`; whole numbers for counts, as few decimals as the step needs."""
    span = high - low
    if span <= 0 or room <= 0:
        return []
    raw = span / max(room / TICK_SPACING, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * 0.999)
    if span >= 1 and step < 1:
        step = 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    first = math.ceil(low / step - 1e-9)
    count = math.floor(high / step + 1e-6) - first + 1
    return [((first + k) * step, f"{(first + k) * step:,.{decimals}f}") for k in range(max(count, 0))]


def _box(x0: float, y0: float, x1: float, y1: float) -> QRectF:
    return QRectF(QPointF(x0, y0), QPointF(x1, y1))


def _no_pen() -> QPen:
    return QPen(Qt.PenStyle.NoPen)


class Chart(QWidget):
    """A chart the keyboard can read: ← → (or ↑ ↓) move between its spots, each told in `pointed` (the
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
        self.setMinimumWidth(320)
        self.setMouseTracking(True)  # tooltips as the mouse moves, no button held
        self.across = across  # bars across: spots are told apart by y, not x
        self.figure = Figure()
        self.spots: Sequence[Spot] = []
        self.current = -1
        self.tip = ""  # the text of the last tooltip shown (what the mouse or the keys point at)
        self.pick_radius: float | None = None  # pixels: set for dots (a dot must be near); None: the nearest bar
        self.marker_shown = False
        self._xs: Sequence[float] = []
        self._ys: Sequence[float] = []
        self.save_action = QAction("Save chart…", self)
        self.save_action.triggered.connect(self.save_requested)
        self.addAction(self.save_action)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def sizeHint(self) -> QSize:
        return QSize(640, self.minimumHeight())

    # Describing --------------------------------------------------------------------------------
    def begin(self) -> QPalette:
        """Start a new figure (the draw functions fill it in) and forget what was pointed at."""
        self.figure = Figure(names=self.across)
        self.spots, self.current, self.tip, self.marker_shown = [], -1, "", False
        self._xs, self._ys = [], []
        self.update()
        return self.palette()

    def set_spots(self, spots: Sequence[Spot], xs: Sequence[float] | None = None,
                  ys: Sequence[float] | None = None) -> None:  # fmt: skip
        """What the keys and the mouse can point at; `xs` and `ys` save reading each spot's place."""
        self.spots = spots
        self._xs = xs if xs is not None else [s.x for s in spots]
        self._ys = ys if ys is not None else [s.y for s in spots]
        self.update()

    # Geometry ----------------------------------------------------------------------------------
    def _legend_rows(self, width: float) -> list[list[tuple[LegendEntry, float]]]:
        """The legend's entries flowed into rows that fit `width` pixels, with each entry's width."""
        metrics = QFontMetrics(self.font())
        rows: list[list[tuple[LegendEntry, float]]] = [[]]
        used = 0.0
        for entry in self.figure.legend:
            wide = SWATCH + 6 + metrics.horizontalAdvance(entry.words) + 18
            if rows[-1] and used + wide > width:
                rows.append([])
                used = 0.0
            rows[-1].append((entry, wide))
            used += wide
        return [row for row in rows if row]

    def layout_in(self, size: QSize) -> tuple[QRectF, QRectF]:
        """Where the plot and the legend go in a chart of `size`: the legend in its own rows above the
        plot, so no bar ever reaches under it however tall."""
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        figure = self.figure
        legend_rows = self._legend_rows(size.width() - 2 * LEGEND_INSET)
        legend_height = len(legend_rows) * (line + 4)
        legend = QRectF(LEGEND_INSET, 4, size.width() - 2 * LEGEND_INSET, legend_height)
        if figure.names:
            left = float(NAME_WIDTH)
        else:
            numbers = figure.y_ticks if figure.y_ticks is not None else [(0, "0,000")]
            left = max((metrics.horizontalAdvance(words) for _, words in numbers), default=0) + 14.0
            left = max(left, 40.0)
        if figure.y_title:
            left += line + 4
        top = 4 + legend_height + (8 if legend_height else 10)
        bottom = line + 10 + (line + 4 if figure.x_title else 0)
        plot = QRectF(left, top, max(size.width() - left - 16, 10), max(size.height() - top - bottom, 10))
        return plot, legend

    def _to_pixels(self, plot: QRectF) -> QTransform:
        """The map from the figure's data to `plot`: y grows upwards, or down the rows of an `across` chart."""
        (x0, x1), (y0, y1) = self.figure.x_range, self.figure.y_range
        sx = plot.width() / ((x1 - x0) or 1.0)
        sy = plot.height() / ((y1 - y0) or 1.0)
        if self.across:  # the first row at the top
            return QTransform(sx, 0, 0, sy, plot.left() - x0 * sx, plot.top() - y0 * sy)
        return QTransform(sx, 0, 0, -sy, plot.left() - x0 * sx, plot.bottom() + y0 * sy)

    def position_of(self, x: float, y: float) -> QPointF:
        """Where the data point (x, y) is on the chart, in the widget's pixels."""
        plot, _ = self.layout_in(self.size())
        return self._to_pixels(plot).map(QPointF(x, y))

    def plot_rect(self) -> QRectF:
        return self.layout_in(self.size())[0]

    def legend_rect(self) -> QRectF:
        return self.layout_in(self.size())[1]

    # Painting ----------------------------------------------------------------------------------
    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        self.paint(painter, self.size(), marker=self.marker_shown)
        if self.hasFocus():  # where the keys are: a quiet frame in the highlight colour
            pen = QPen(self.palette().color(Role.Highlight), 1.5)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)
        painter.end()

    def paint(self, painter: QPainter, size: QSize, *, marker: bool = False) -> None:
        """Paint the figure into `size` pixels: the screen, a PNG and an SVG all come from here."""
        colours = self.palette()
        back, text = colours.color(Role.Base), colours.color(Role.Text)
        figure = self.figure
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self.font())
        painter.fillRect(QRectF(0, 0, size.width(), size.height()), back)
        plot, legend = self.layout_in(size)
        to_pixels = self._to_pixels(plot)
        metrics = QFontMetrics(self.font())
        axis_pen = QPen(palette.mix(text, back, 0.6), 1)
        grid_pen = QPen(palette.mix(text, back, 0.86), 1)
        # The value axis's grid and numbers
        value_ticks = self._value_ticks(plot)
        painter.setPen(grid_pen)
        for value, _ in value_ticks:
            if self.across:
                x = to_pixels.map(QPointF(value, 0)).x()
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            else:
                y = to_pixels.map(QPointF(0, value)).y()
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        # The items, clipped to the plot
        painter.save()
        painter.setClipRect(plot.adjusted(-1, -1, 1, 1))
        for item in figure.items:
            self._paint_item(painter, item, to_pixels, plot, metrics)
        painter.restore()
        # Axes, their ticks and titles
        painter.setPen(axis_pen)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.topLeft(), plot.bottomLeft())
        self._paint_ticks(painter, plot, to_pixels, value_ticks, metrics, text)
        painter.setPen(text)
        if figure.x_title:
            painter.drawText(QRectF(plot.left(), size.height() - metrics.height() - 4, plot.width(), metrics.height()),
                             Qt.AlignmentFlag.AlignCenter, figure.x_title)  # fmt: skip
        if figure.y_title:
            painter.save()
            painter.translate(4, plot.center().y())
            painter.rotate(-90)
            painter.drawText(QRectF(-plot.height() / 2, 0, plot.height(), metrics.height()),
                             Qt.AlignmentFlag.AlignCenter, figure.y_title)  # fmt: skip
            painter.restore()
        self._paint_legend(painter, legend, metrics, text)
        if marker and 0 <= self.current < len(self.spots):
            spot_at = to_pixels.map(QPointF(self._xs[self.current], self._ys[self.current]))
            painter.setPen(QPen(colours.color(Role.Highlight), 2))
            if self.across:
                painter.drawLine(QPointF(plot.left(), spot_at.y()), QPointF(plot.right(), spot_at.y()))
            else:
                painter.drawLine(QPointF(spot_at.x(), plot.top()), QPointF(spot_at.x(), plot.bottom()))

    def _ticks_along(self, plot: QRectF) -> list[tuple[float, str]]:
        """The bottom axis's ticks: the figure's own, or round numbers (spaced wider: they are read across)."""
        figure = self.figure
        return figure.x_ticks if figure.x_ticks is not None else nice_ticks(*figure.x_range, plot.width() * 0.6)

    def _value_ticks(self, plot: QRectF) -> list[tuple[float, str]]:
        """The value axis's ticks: along the bottom for bars across, else up the left."""
        figure = self.figure
        if self.across:
            return self._ticks_along(plot)
        return figure.y_ticks if figure.y_ticks is not None else nice_ticks(*figure.y_range, plot.height())

    def _paint_item(self, painter: QPainter, item: Bars | Dots | Curve | Level, to_pixels: QTransform,
                    plot: QRectF, metrics: QFontMetrics) -> None:  # fmt: skip
        if isinstance(item, Bars):
            painter.setPen(item.pen if item.pen is not None else _no_pen())
            painter.setBrush(item.brush)
            for rect in item.rects:
                painter.drawRect(to_pixels.mapRect(rect))
        elif isinstance(item, Dots):
            pen = QPen(item.colour, item.size)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawPoints(to_pixels.map(item.points))
        elif isinstance(item, Curve):
            painter.setPen(item.pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(to_pixels.map(item.points))
        else:
            y = to_pixels.map(QPointF(0, item.y)).y()
            painter.setPen(item.pen)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            if item.words:
                painter.setPen(item.pen.color())
                wide = metrics.horizontalAdvance(item.words) + 4
                x = plot.right() - wide - 2 if item.at_right else plot.left() + 4
                painter.drawText(QRectF(x, y - metrics.height() - 1, wide, metrics.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, item.words)  # fmt: skip

    def _paint_ticks(self, painter: QPainter, plot: QRectF, to_pixels: QTransform,
                     value_ticks: list[tuple[float, str]], metrics: QFontMetrics, text: QColor) -> None:  # fmt: skip
        figure = self.figure
        line = metrics.height()
        painter.setPen(text)
        if self.across:  # numbers along the bottom, names down the left
            along, down = value_ticks, figure.y_ticks or []
        else:
            along, down = self._ticks_along(plot), value_ticks
        last_right = -1e9
        for value, words in along:  # centred under their place; one that would overlap the last is left out
            x = to_pixels.map(QPointF(value, figure.y_range[0])).x()
            wide = metrics.horizontalAdvance(words)
            left = min(max(x - wide / 2, 0), plot.right() + 14 - wide)
            if left < last_right + 8 or x < plot.left() - 2 or x > plot.right() + 2:
                continue
            painter.drawText(QRectF(left, plot.bottom() + 4, wide + 2, line), Qt.AlignmentFlag.AlignLeft, words)
            last_right = left + wide
        room = plot.left() - 8 - (line + 4 if figure.y_title else 0)
        for value, words in down:
            y = to_pixels.map(QPointF(figure.x_range[0], value)).y()
            if y < plot.top() - 2 or y > plot.bottom() + 2:
                continue
            shown = metrics.elidedText(words, Qt.TextElideMode.ElideRight, int(room)) if figure.names else words
            painter.drawText(QRectF(plot.left() - 8 - room, y - line / 2, room, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)  # fmt: skip

    def _paint_legend(self, painter: QPainter, legend: QRectF, metrics: QFontMetrics, text: QColor) -> None:
        line = metrics.height()
        y = legend.top()
        for row in self._legend_rows(legend.width()):
            x = legend.left()
            for entry, wide in row:
                sample = QRectF(x, y + (line - SWATCH) / 2 + 2, SWATCH, SWATCH)
                if entry.brush is None:  # a line's sample: a stroke across the box
                    painter.setPen(entry.pen if entry.pen is not None else QPen(text))
                    painter.drawLine(QPointF(sample.left(), sample.center().y()),
                                     QPointF(sample.right(), sample.center().y()))  # fmt: skip
                else:
                    painter.setPen(entry.pen if entry.pen is not None else _no_pen())
                    painter.setBrush(entry.brush)
                    painter.drawRect(sample)
                painter.setPen(text)
                painter.drawText(QRectF(x + SWATCH + 6, y + 2, wide - SWATCH - 6, line),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, entry.words)  # fmt: skip
                x += wide
            y += line + 4

    # Reading -----------------------------------------------------------------------------------
    def spot_at(self, where: QPointF) -> int:
        """The spot at a place on the chart (widget pixels): the nearest bar or row, or with
        `pick_radius` a dot that near; -1 if none, or if the place is outside the plot."""
        plot, _ = self.layout_in(self.size())
        if not self.spots or not plot.adjusted(-4, -4, 4, 4).contains(where):
            return -1
        to_pixels = self._to_pixels(plot)
        to_data, _ = to_pixels.inverted()
        if self.pick_radius is None:  # the nearest along the category axis
            at = to_data.map(where)
            values, wanted = (self._ys, at.y()) if self.across else (self._xs, at.x())
            return min(range(len(values)), key=lambda i: abs(values[i] - wanted))
        near, best = -1, self.pick_radius
        reach = self.pick_radius / max(to_pixels.m11(), 1e-12)  # the radius in data units along x
        at = to_data.map(where)
        low = bisect.bisect_left(self._xs, at.x() - reach)  # (dots are drawn in x order)
        high = bisect.bisect_right(self._xs, at.x() + reach)
        for i in range(low, high):
            spot = to_pixels.map(QPointF(self._xs[i], self._ys[i]))
            distance = math.hypot(spot.x() - where.x(), spot.y() - where.y())
            if distance <= best:
                near, best = i, distance
        return near

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.spot_at(event.position())
        if index < 0:
            QToolTip.hideText()
            return
        self.tip = self.spots[index].text
        QToolTip.showText(event.globalPosition().toPoint(), self.tip, self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        index = self.spot_at(event.position())
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
        self.marker_shown = True
        self.tip = spot.text
        self.setAccessibleDescription(spot.text)  # (read out by a screen reader; the page shows it under the chart)
        self.pointed.emit(spot.text)
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, keys = Qt.Key(event.key()), Qt.Key
        steps = {keys.Key_Left: -1, keys.Key_Right: 1, keys.Key_Up: -1, keys.Key_Down: 1,
                 keys.Key_PageUp: -10, keys.Key_PageDown: 10}  # fmt: skip
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
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.marker_shown = False
        self.update()

    # Saving ------------------------------------------------------------------------------------
    def image_bytes(self, kind: str) -> bytes:
        """The chart as it is drawn, without the keyboard's marker: PNG at twice the size, or SVG."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QBuffer.OpenModeFlag.WriteOnly)
        size = self.size()
        if kind == "png":
            image = QImage(size * 2, QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(2)
            painter = QPainter(image)
            self.paint(painter, size)
            painter.end()
            image.save(buffer, "PNG")  # type: ignore[call-overload]  # (the stubs say bytes; PySide6 takes str only)
        else:
            generator = QSvgGenerator()
            generator.setOutputDevice(buffer)
            generator.setSize(size)
            generator.setViewBox(QRect(0, 0, size.width(), size.height()))
            generator.setTitle(self.accessibleName())
            painter = QPainter(generator)
            self.paint(painter, size)
            painter.end()
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
def draw_rhythm(chart: Chart, insights: Insights) -> dict[str, int]:
    """Conversations per week, stacked by channel; business hatched over a paler fill. Returns the
    totals per context (for the summary line)."""
    colours = chart.begin()
    figure = chart.figure
    weeks = weeks_between(insights.since, insights.until)
    index = {week: i for i, week in enumerate(weeks)}
    by_channel: dict[str, int] = {}
    for cell in insights.rhythm:
        by_channel[cell.channel] = by_channel.get(cell.channel, 0) + cell.conversations
    ranked = sorted(by_channel, key=lambda name: (-by_channel[name], name))
    shown = ranked if len(ranked) <= SHOWN_CHANNELS + 1 else ranked[:SHOWN_CHANNELS]  # (never "Other" for one)
    other = "Other channels"
    names = shown + ([other] if len(ranked) > len(shown) else [])
    heights = {(name, context): [0] * len(weeks) for name in names for context in ("personal", "business")}
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
    base = [0] * len(weeks)
    back, text = colours.color(Role.Base), colours.color(Role.Text)
    labelled: set[str] = set()
    for context in ("personal", "business"):
        for number, name in enumerate(names):
            height = heights[(name, context)]
            if not any(height):
                continue
            colour = series_colour(colours, number) if name != other else palette.mix(text, back, 0.7)
            rects = [_box(i - 0.4, base[i], i + 0.4, base[i] + h) for i, h in enumerate(height) if h]
            if context == "personal":
                figure.items.append(Bars(rects, QBrush(colour)))
            else:
                figure.items.append(Bars(rects, QBrush(palette.mix(colour, back, 0.55)), QPen(colour, 1)))
                figure.items.append(Bars(rects, QBrush(colour, Qt.BrushStyle.BDiagPattern)))
            if name not in labelled:  # one entry a channel; business is told by its hatching
                figure.legend.append(LegendEntry(name, QBrush(colour)))
                labelled.add(name)
            base = [b + h for b, h in zip(base, height, strict=True)]
    if totals["business"]:
        figure.legend.append(LegendEntry("Business (hatched)", QBrush(text, Qt.BrushStyle.BDiagPattern), QPen(text)))
    top = max(base, default=0)
    figure.x_ticks = month_ticks(weeks)
    figure.x_range = (-0.7, len(weeks) - 0.3)
    figure.y_range = (0, max(top * 1.08, 4))
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
    figure = chart.figure
    rows = list(rows)[:SHOWN_BARS]
    n = len(rows)
    chart.setFixedHeight(max(200, 90 + 30 * n))  # a readable row for every name
    they_colour, me_colour = series_colour(colours, 0), series_colour(colours, 1)
    figure.items.append(Bars([_box(0, i - 0.39, r.they, i - 0.01) for i, r in enumerate(rows)], QBrush(they_colour)))
    figure.items.append(Bars([_box(0, i + 0.01, r.me, i + 0.39) for i, r in enumerate(rows)], QBrush(me_colour)))
    figure.legend += [LegendEntry("They started", QBrush(they_colour)), LegendEntry("You started", QBrush(me_colour))]
    figure.y_ticks = [(i, r.key) for i, r in enumerate(rows)]
    widest = float(max((max(r.they, r.me) for r in rows), default=0))
    figure.x_range = (0, max(widest * 1.15, 4))
    figure.y_range = (-0.6, max(n, 1) - 0.4)
    chart.set_spots([Spot(widest / 2, i, f"{r.key}: they started {r.they}, you started {r.me}", r.person_id)
                     for i, r in enumerate(rows)])  # fmt: skip


def draw_slipping(chart: Chart, slipping: Sequence[Slipping]) -> dict[str, int]:
    """Everyone with a cadence, the most overdue first, by how far along their cadence they are;
    lines at once and twice the cadence part on time, late and very late. Returns the count a band."""
    colours = chart.begin()
    figure = chart.figure
    ratios = [s.ratio for s in slipping]
    ceiling = min(max(max(ratios, default=0) * 1.1, 2.5), 6.0)
    shown = [min(ratio, ceiling) for ratio in ratios]  # the far outliers sit on the top edge (their tooltip says)
    bands: dict[str, list[int]] = {"on time": [], "late": [], "very late": []}
    for i, person in enumerate(slipping):
        bands[person.band].append(i)
    for band, chosen in bands.items():  # one item a band: one colour each, not one a person
        points = QPolygonF([QPointF(i, shown[i]) for i in chosen])
        figure.items.append(Dots(points, band_colour(colours, band)))
        figure.legend.append(LegendEntry(band.capitalize(), QBrush(band_colour(colours, band))))
    line = palette.muted(colours, Role.Base)
    dashed = QPen(line, 1, Qt.PenStyle.DashLine)
    figure.items += [Level(1.0, dashed, "late ↑", at_right=True), Level(2.0, dashed, "very late ↑", at_right=True)]
    spread = max(len(slipping), 2)
    figure.x_range = (-0.5 - 0.02 * spread, spread - 0.5 + 0.02 * spread)
    figure.y_range = (0, ceiling * 1.02)
    figure.y_title = "since contact ÷ cadence"
    figure.x_title = "people, most overdue first"
    chart.pick_radius = 10

    def spot(i: int) -> Spot:
        s = slipping[i]
        said = f"{s.name}: {s.days_since} days since contact, every {s.cadence_days} days wanted ({s.band})"
        return Spot(i, shown[i], said, s.person_id)

    chart.set_spots(LazySpots(len(slipping), spot), range(len(slipping)), shown)
    return {band: len(chosen) for band, chosen in bands.items()}


def draw_load(chart: Chart, insights: Insights) -> None:
    """Hard events and reflections per week, the load Today measures as a line, its threshold
    dashed, and the heavy weeks under a soft band."""
    colours = chart.begin()
    figure = chart.figure
    weeks: list[LoadWeek] = insights.load
    n = len(weeks)
    top = max([insights.load_threshold, *(max(w.hard_events, w.reflections, w.load) for w in weeks)])
    ceiling = max(top * 1.12, 4.0)
    heavy = [i for i, w in enumerate(weeks) if w.heavy]
    if heavy:
        band = palette.mix(palette.notice(colours)[0], colours.color(Role.Base), 0.35)  # gently
        figure.items.append(Bars([_box(i - 0.5, 0, i + 0.5, ceiling) for i in heavy], QBrush(band)))
        figure.legend.append(LegendEntry("Heavy week", QBrush(band)))
    accent, calm = palette.accent(colours, Role.Base), series_colour(colours, 0)
    figure.items.append(Bars([_box(i - 0.39, 0, i - 0.01, w.hard_events) for i, w in enumerate(weeks)], QBrush(accent)))
    figure.items.append(Bars([_box(i + 0.01, 0, i + 0.39, w.reflections) for i, w in enumerate(weeks)], QBrush(calm)))
    load_pen = QPen(colours.color(Role.Text), 2)
    figure.items.append(Curve(QPolygonF([QPointF(i, w.load) for i, w in enumerate(weeks)]), load_pen))
    threshold_pen = QPen(palette.error(colours, Role.Base), 1.5, Qt.PenStyle.DashLine)
    figure.items.append(Level(insights.load_threshold, threshold_pen, f"threshold {insights.load_threshold}"))
    figure.legend += [LegendEntry("Hard events", QBrush(accent)), LegendEntry("Reflections", QBrush(calm)),
                      LegendEntry(f"Load ({insights.load_window_days} days)", None, load_pen)]  # fmt: skip
    figure.x_ticks = month_ticks([w.week for w in weeks])
    figure.x_range = (-0.7, max(n, 1) - 0.3)
    figure.y_range = (0, ceiling)
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
    figure = chart.figure
    rows = list(programmes)[:SHOWN_BARS]
    n = len(rows)
    chart.setFixedHeight(max(150, 70 + 30 * n))
    colour = series_colour(colours, 2)
    figure.items.append(Bars([_box(0, i - 0.3, len(p.members), i + 0.3) for i, p in enumerate(rows)], QBrush(colour)))
    figure.legend.append(LegendEntry("Members", QBrush(colour)))
    figure.y_ticks = [(i, p.programme) for i, p in enumerate(rows)]
    figure.x_range = (0, max(max((len(p.members) for p in rows), default=0) * 1.15, 4))
    figure.y_range = (-0.6, max(n, 1) - 0.4)
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
        spots.append(Spot(len(view.members) / 2, i, said))
    chart.set_spots(spots)
