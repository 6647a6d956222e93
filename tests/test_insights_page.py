"""The Insights page, through the real window on real journals: View → Insights (Ctrl+6), the five
sections with a hand-made journal's numbers, opening and logging from its lists, filters, saving
charts, the empty journal and the dark palette."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtTest import QTest

from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft, ReflectionDraft
from relationjournal.core.vocabulary import Channel, Context, Direction, utc_now
from relationjournal.ui.charts import series_colour
from relationjournal.ui.dialogs import InteractionDialog
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.palette import dark_palette
from relationjournal.ui.qt import QApplication, QColor, QFileDialog, QImage, QPalette, QPoint, QPointF, Qt, QWheelEvent
from tests.dialogs import in_next_dialog

BERLIN = ZoneInfo("Europe/Berlin")


def monday(moment: datetime) -> date:
    day = moment.astimezone(BERLIN).date()
    return day - timedelta(days=day.weekday())


class Small:
    """A hand-made journal: three people with cadences (on time, late, very late), one who always
    writes first, four hard events in two days, a reflection, and a programme."""

    def __init__(self, journal: Journal):
        journal.set_setting("timezone", "Europe/Berlin")
        now = utc_now()
        self.now = now
        self.logged: list[tuple[datetime, str, str]] = []  # (when, channel, context)

        def ago(days: float) -> datetime:
            return now - timedelta(days=days)

        def person(name: str, cadence: int | None = None, tags: tuple[str, ...] = ()) -> int:
            return journal.add_person(PersonDraft(name, cadence_days=cadence, tags=tags), now=ago(90)).id

        def log(who: int, days: float, channel: Channel = Channel.email, *, incoming: bool = False,
                business: bool = False, hard: bool = False) -> None:  # fmt: skip
            when = ago(days)
            journal.log_interaction(who, InteractionDraft(
                channel, direction=Direction.incoming if incoming else Direction.outgoing, occurred_at=when,
                context=Context.business if business else Context.personal, hard_event=hard,
                summary="a word"), now=when)  # fmt: skip
            label = "Email" if channel is Channel.email else "WhatsApp"
            self.logged.append((when, label, "business" if business else "personal"))

        self.ada = person("Ada Lovelace", 7, ("volunteers",))
        self.ben = person("Ben Okri", 30)
        self.cleo = person("Cleo Moss", 30, ("donors",))
        self.dan = person("Dan Writes-First")
        self.eve = person("Eve Hart")
        log(self.ada, 20)  # very late: 20 days on a 7-day cadence
        log(self.ben, 40, Channel.whatsapp, business=True)  # late: 40 on 30
        log(self.cleo, 3, incoming=True)  # on time
        log(self.cleo, 3.1)
        for days in (50, 45, 38, 31, 26):  # Dan started each of his last five
            log(self.dan, days, Channel.whatsapp, incoming=True)
        for days in (16, 16.1, 15, 15.1):  # a heavy fortnight: 4 hard events, over the threshold of 3
            log(self.eve, days, hard=True)
        journal.save_reflection(ReflectionDraft(mine_to_carry="Listening."), now=ago(15))
        journal.add_membership(self.cleo, "Mentoring", ago(60).date(), review_on=now.date() + timedelta(days=20))

    def week_of(self, days: float) -> tuple[date, Counter[tuple[str, str]]]:
        week = monday(self.now - timedelta(days=days))
        return week, Counter((c, ctx) for when, c, ctx in self.logged if monday(when) == week)


@pytest.fixture
def small(journal: Journal) -> Small:
    return Small(journal)


def open_insights(qtbot: Any, window: MainWindow, *, keys: bool = False) -> Any:
    """View → Insights (or Ctrl+6), until the page has drawn its numbers."""
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.act_insights in view.actions()
    if keys:
        QTest.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    else:
        window.act_insights.trigger()
    page = window.insights
    assert page is not None and window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.insights is not None and page.status.isHidden(), timeout=20_000)
    return page


def test_view_insights_draws_the_five_sections_with_the_journals_numbers(
    qtbot: Any, window: MainWindow, small: Small
) -> None:
    page = open_insights(qtbot, window)
    assert [s.title for s in page.sections if s.isVisibleTo(page)] == [
        "Rhythm", "Who reaches out", "Slipping away", "Your load", "Programmes"]  # fmt: skip
    assert page.empty.isHidden()

    # 1. Rhythm: the week of Cleo's two conversations, its bar as high as that week's conversations
    week, counts = small.week_of(3)
    spot = next(s for s in page.rhythm.chart.spots if s.text.startswith(f"Week of {week:%-d %b %Y}:"))
    assert spot.y == sum(counts.values()) >= 2
    assert f"Email {counts['Email', 'personal']}" in spot.text
    assert (
        f"{len(small.logged)} conversations" in page.rhythm.summary.text()
        and "1 business" in page.rhythm.summary.text()
    )

    # 2. Who reaches out: Dan started all five, and is listed as one-sided
    rows = {page.reach_list.topLevelItem(i).text(0): page.reach_list.topLevelItem(i)
            for i in range(page.reach_list.topLevelItemCount())}  # fmt: skip
    assert (rows["Dan Writes-First"].text(1), rows["Dan Writes-First"].text(2)) == ("5", "0")
    one_sided = [page.one_sided.topLevelItem(i).text(0) for i in range(page.one_sided.topLevelItemCount())]
    assert one_sided == ["Dan Writes-First"]
    assert page.one_sided.topLevelItem(0).text(1) == "They"

    # 3. Slipping away: one a band, most overdue first
    assert page.slipping.summary.text() == "1 on time · 1 late · 1 very late"
    listed = [page.slipping_list.topLevelItem(i).text(0) for i in range(page.slipping_list.topLevelItemCount())]
    assert listed == ["Ada Lovelace", "Ben Okri", "Cleo Moss"]

    # 4. Your load: the heavy fortnight is marked, with Today's words; nobody is named
    assert "4 hard events and 1 reflection" in page.load.summary.text()
    assert "heavy week" in page.load.summary.text()
    assert page.load_note.isVisibleTo(page)
    assert "You have logged 4 hard events in the last 14 days. That is a lot to carry." in page.load_note.text()
    load_texts = " ".join([page.load.summary.text(), page.load_note.text(), *(s.text for s in page.load.chart.spots)])
    assert "heavy" in load_texts and "Eve" not in load_texts

    # 5. Programmes: Cleo, 3 days since contact, her review date
    group = page.programme_list.topLevelItem(0)
    assert group.text(0) == "Mentoring (1)"
    member = group.child(0)
    review = small.now.date() + timedelta(days=20)
    assert (member.text(0), member.text(1), member.text(2)) == ("Cleo Moss", "3 days", f"{review:%-d %b %Y}")


def test_ctrl_6_opens_insights_and_the_keyboard_reads_the_charts(qtbot: Any, window: MainWindow, small: Small) -> None:
    window.show_today()
    page = open_insights(qtbot, window, keys=True)
    # Tab goes from the filters to the first chart; the arrows read it week by week
    page.programme.setFocus()
    chart = page.rhythm.chart
    for _ in range(12):
        if chart.hasFocus():
            break
        QTest.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert chart.hasFocus()
    QTest.keyClick(chart, Qt.Key.Key_End)
    last = page.rhythm.readout.text()
    assert last.startswith("Week of") and last == chart.spots[-1].text
    QTest.keyClick(chart, Qt.Key.Key_Left)
    assert page.rhythm.readout.text() == chart.spots[-2].text
    # … and Tab goes on to the next section's list and chart
    QTest.keyClick(chart, Qt.Key.Key_Tab)
    assert window.focusWidget() is not chart


def test_a_slipping_person_opens_on_click_and_from_the_chart(qtbot: Any, window: MainWindow, small: Small) -> None:
    page = open_insights(qtbot, window)
    tree = page.slipping_list
    ben = tree.topLevelItem(1)
    page.area.ensureWidgetVisible(tree)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(ben).center())
    assert window.stack.currentWidget() is window.person_page
    assert window.person_page.person is not None and window.person_page.person.id == small.ben

    page = open_insights(qtbot, window)
    chart = page.slipping.chart
    chart.setFocus()
    QTest.keyClick(chart, Qt.Key.Key_Home)  # the most overdue: Ada
    QTest.keyClick(chart, Qt.Key.Key_Return)
    assert window.person_page.person is not None and window.person_page.person.id == small.ada


def test_log_a_conversation_from_the_one_sided_list_opens_the_log_dialog_for_that_person(
    qtbot: Any, window: MainWindow, small: Small, nothing_left_behind: None
) -> None:
    page = open_insights(qtbot, window)
    assert not page.log_button.isEnabled()
    page.one_sided.setCurrentItem(page.one_sided.topLevelItem(0))
    seen: list[str] = []

    def save(dialog: InteractionDialog) -> None:
        seen.append(dialog.person.display_name)
        QTest.keyClicks(dialog.summary, "Wrote back first, for once")
        dialog.accept()

    in_next_dialog(save, InteractionDialog)
    page.log_button.click()
    assert seen == ["Dan Writes-First"]
    assert window.statusBar().currentMessage() == "Logged a conversation with Dan Writes-First."
    # the page follows: Dan's run is broken, he is no longer one-sided
    qtbot.waitUntil(lambda: page.one_sided.topLevelItemCount() == 0, timeout=20_000)


def test_filters_change_the_numbers(qtbot: Any, window: MainWindow, small: Small) -> None:
    page = open_insights(qtbot, window)
    assert "13 conversations" in page.rhythm.summary.text()

    def choose(box: Any, text: str) -> None:
        drawn = page.insights
        box.setCurrentIndex(box.findText(text))
        qtbot.waitUntil(lambda: page.insights is not drawn and page.status.isHidden(), timeout=20_000)

    choose(page.tag, "volunteers")  # Ada only
    assert page.rhythm.summary.text().startswith("1 conversation in")
    assert page.slipping.summary.text() == "0 on time · 0 late · 1 very late"
    choose(page.tag, "All tags")
    choose(page.channel, "WhatsApp")  # Ben's and Dan's
    assert page.rhythm.summary.text().startswith("6 conversations in")
    choose(page.channel, "All channels")
    choose(page.period, "Last 3 months")
    assert "13 conversations in 14 weeks" in page.rhythm.summary.text()
    choose(page.programme, "Mentoring")  # Cleo's two conversations
    assert page.rhythm.summary.text().startswith("2 conversations in")


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_save_chart_writes_the_image(qtbot: Any, window: MainWindow, small: Small, tmp_path: Path, suffix: str) -> None:
    page = open_insights(qtbot, window)
    target = tmp_path / f"rhythm.{suffix}"

    def answer(dialog: QFileDialog) -> None:
        dialog.selectFile(str(target))
        dialog.accept()

    in_next_dialog(answer, QFileDialog)
    page.rhythm.save_button.click()
    data = target.read_bytes()
    if suffix == "png":
        assert data.startswith(b"\x89PNG") and len(data) > 2000
    else:
        assert "<svg" in data.decode("utf-8")
    assert page.status.text() == f"Saved the rhythm chart to {target}."


def test_save_chart_to_a_place_that_cannot_be_written_says_so(
    qtbot: Any, window: MainWindow, small: Small, tmp_path: Path
) -> None:
    page = open_insights(qtbot, window)
    target = tmp_path / "no-such-folder" / "load.png"
    in_next_dialog(lambda dialog: (dialog.selectFile(str(target)), dialog.accept()), QFileDialog)
    page.load.chart.save_action.trigger()  # the chart's own "Save chart…" (its context menu)
    said = page.error.text()
    assert page.error.isVisible() and said.startswith("Could not save the chart to") and "no-such-folder" in said
    assert not target.exists() and not target.parent.exists()


def test_an_empty_journal_shows_a_calm_explanation_and_no_plot(qtbot: Any, window: MainWindow) -> None:
    page = open_insights(qtbot, window)
    assert page.empty.isVisible() and page.empty.text().startswith("Nothing to show yet.")
    assert not any(section.chart.isVisible() for section in page.sections)
    assert page.area.isHidden()


def test_the_charts_follow_a_dark_palette(qtbot: Any, window: MainWindow, small: Small) -> None:
    page = open_insights(qtbot, window)
    chart = page.rhythm.chart

    def ground() -> QColor:  # the chart's own ground, at its bottom left corner, as painted
        return chart.grab().toImage().pixelColor(2, chart.height() - 3)

    assert ground() == page.palette().color(QPalette.ColorRole.Base)
    dark = dark_palette()
    window.setPalette(dark)
    qtbot.waitUntil(lambda: ground() == dark.color(QPalette.ColorRole.Base))
    # the bars take the dark palette's colours too (light hues that read on a dark ground)
    qtbot.waitUntil(lambda: chart.figure.legend[0].brush.color() == series_colour(dark, 0))
    assert series_colour(dark, 0) != series_colour(page.style().standardPalette(), 0)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # (a tooltip, offscreen)
def test_the_mouse_over_a_bar_tells_its_week_in_a_tooltip(qtbot: Any, window: MainWindow, small: Small) -> None:
    page = open_insights(qtbot, window)
    chart = page.rhythm.chart
    page.area.ensureWidgetVisible(chart)
    week, counts = small.week_of(3)
    index = next(i for i, s in enumerate(chart.spots) if s.text.startswith(f"Week of {week:%-d %b %Y}:"))
    QTest.mouseMove(chart, chart.position_of(index, 0.5).toPoint())
    qtbot.waitUntil(lambda: chart.tip == chart.spots[index].text)
    assert f"{sum(counts.values())} conversations" in chart.tip


def test_a_click_on_a_dot_opens_that_person(qtbot: Any, window: MainWindow, small: Small) -> None:
    page = open_insights(qtbot, window)
    chart = page.slipping.chart
    page.area.ensureWidgetVisible(chart)
    ben = next(i for i, s in enumerate(chart.spots) if s.key == small.ben)
    where = chart.position_of(chart.spots[ben].x, chart.spots[ben].y).toPoint()
    QTest.mouseClick(chart, Qt.MouseButton.LeftButton, pos=where + QPoint(3, 2))  # near the dot is enough
    assert window.stack.currentWidget() is window.person_page
    assert window.person_page.person is not None and window.person_page.person.id == small.ben


def test_the_mouse_wheel_over_a_chart_scrolls_the_page(qtbot: Any, window: MainWindow, small: Small) -> None:
    page = open_insights(qtbot, window)
    bar = page.area.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    chart = page.rhythm.chart
    at = QPointF(chart.rect().center())
    down = QPoint(0, -120)  # one notch
    wheel = QWheelEvent(at, QPointF(chart.mapToGlobal(at.toPoint())), down, down, Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(chart, wheel)
    assert bar.value() > 0


def test_every_legend_sits_above_its_plot_and_never_covers_it(qtbot: Any, window: MainWindow, small: Small) -> None:
    page = open_insights(qtbot, window)
    for section in page.sections:
        chart = section.chart
        legend, plot = chart.legend_rect(), chart.plot_rect()
        assert legend.height() >= 10 and legend.bottom() <= plot.top(), section.title  # no bar reaches it
    assert "Email" in [entry.words for entry in page.rhythm.chart.figure.legend]


def test_a_saved_png_is_the_chart_as_drawn_at_twice_its_size(
    qtbot: Any, window: MainWindow, small: Small, tmp_path: Path
) -> None:
    page = open_insights(qtbot, window)
    chart = page.load.chart
    chart.setFocus()
    QTest.keyClick(chart, Qt.Key.Key_Home)  # the keyboard's marker is on: it is not saved
    target = tmp_path / "load.png"
    chart.save(target)
    image = QImage(str(target))
    assert (image.width(), image.height()) == (2 * chart.width(), 2 * chart.height())
    assert image.pixelColor(4, image.height() - 6) == page.palette().color(QPalette.ColorRole.Base)
    svg = tmp_path / "load.svg"
    chart.save(svg)
    assert "threshold 3" in svg.read_text("utf-8") and "Hard events" in svg.read_text("utf-8")
