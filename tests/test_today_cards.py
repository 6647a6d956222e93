"""Issue 13, "A Today worth opening": each reminder a card with the person's initials, why they
matter and the last conversation, its own buttons, in the order that cares for the user first,
driven as a user would (clicks on the cards' buttons, keys), and a calm empty day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel, ReminderKind, ReminderState
from relationjournal.ui import cards, dialogs, palette, programmes, reflections
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import (
    QAbstractButton,
    QApplication,
    QColor,
    QDateTime,
    QDateTimeEdit,
    QDialogButtonBox,
    QEvent,
    QHelpEvent,
    QMenu,
    QPoint,
    Qt,
    QToolTip,
    QWidget,
)
from relationjournal.ui.text import rich
from relationjournal.ui.today import EMPTY_LINE, EMPTY_TITLE, TodayPage
from tests.dialogs import in_next_dialog
from tests.test_dialog_bugs import mnemonics

LEFT = Qt.MouseButton.LeftButton
PROGRAMME = [ReminderKind.programme_contact, ReminderKind.programme_review]


def fill(journal: Journal) -> dict[str, Any]:
    """One reminder of each kind due now: self-care and a check-in (a hard event 3 days ago), a
    follow-up, a welcome, stay in touch, and a programme review."""
    journal.set_setting("quiet_hours", ["00:00", "00:00"])  # whatever time the test runs
    now = datetime.now(UTC)
    three_days_ago, long_ago = now - timedelta(days=3), now - timedelta(days=40)
    lena = journal.add_person(PersonDraft("Lena Okafor", why_it_matters="Our first follower in Lagos"),
                              now=three_days_ago)  # fmt: skip
    journal.log_interaction(lena.id, InteractionDraft(Channel.instagram, summary="Her **father** died", hard_event=True,
                                                      occurred_at=three_days_ago), now=three_days_ago)  # fmt: skip
    ada = journal.add_person(PersonDraft("Ada Lovelace", why_it_matters="Leads engineering at our biggest client"))
    week_ago = now - timedelta(days=8)
    journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary="- Her book proposal\n- the deadline",
                                                     follow_up_on=date.today() - timedelta(days=1),
                                                     occurred_at=week_ago), now=week_ago)  # fmt: skip
    noor = journal.add_person(PersonDraft("Noor Haddad", source="new follower"))
    zoe = journal.add_person(PersonDraft("Zoë Müller", cadence_days=7), now=long_ago)
    journal.log_interaction(zoe.id, InteractionDraft(Channel.whatsapp, summary="Talked about the meetup",
                                                     occurred_at=long_ago), now=long_ago)  # fmt: skip
    sam = journal.add_person(PersonDraft("Sam Park"))
    journal.add_membership(sam.id, "Brand advocates", date.today() - timedelta(days=100),
                           review_on=date.today() - timedelta(days=1))  # fmt: skip
    return {"lena": lena, "ada": ada, "noor": noor, "zoe": zoe, "sam": sam}


def shown(qtbot, window: MainWindow) -> TodayPage:
    """Today, on screen, with what is due now."""
    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):
        window.changes.flush()
        window.show_today()
    return window.today


def row_of(today: TodayPage, kind: ReminderKind, name: str | None = None) -> int:
    rows = today.cards.card_model.rows
    return next(n for n, r in enumerate(rows) if isinstance(r, cards.Card) and r.due.reminder.kind is kind
                and (name is None or r.due.reminder.person_name == name))  # fmt: skip


def click_button(qtbot, today: TodayPage, number: int, key: str) -> None:
    """Click the card's painted button `key`, where it is on screen."""
    view = today.cards
    view.scrollTo(view.card_model.index(number, 0))
    area = view.button_rect(number, key)
    assert area.isValid(), f"no {key} button on row {number}"
    qtbot.mouseClick(view.viewport(), LEFT, pos=area.center())


def click_card(qtbot, today: TodayPage, number: int) -> QPoint:
    """Click a card away from its buttons (on its initials); where it was clicked."""
    view = today.cards
    view.scrollTo(view.card_model.index(number, 0))
    rect = view.visualRect(view.card_model.index(number, 0))
    where = QPoint(cards.column(rect).left() + cards.PAD + 8, rect.top() + cards.PAD + 14)
    qtbot.mouseClick(view.viewport(), LEFT, pos=where)
    return where


def card_texts(today: TodayPage) -> list[str]:
    return [cards.spoken(card) for card in today.shown_cards()]


def test_cards_show_initials_why_they_matter_and_the_last_conversation(qtbot, window: MainWindow, journal: Journal):
    people = fill(journal)
    today = shown(qtbot, window)
    ada = today.card(row_of(today, ReminderKind.follow_up))
    assert ada.due.reminder.person_id == people["ada"].id
    layout = cards.lay_out_card(today.cards.visualRect(today.cards.card_model.index(0, 0)), ada, today.cards.font())
    details = [text for text, _ in layout.details]
    assert details[0] == "Why they matter: Leads engineering at our biggest client"
    assert details[-1] == "Last: 1 week ago · Email · Her book proposal · the deadline"  # Markdown stripped
    assert cards.initials("Ada Lovelace") == "AL" and cards.initials("Zoë Müller") == "ZM"
    assert cards.initials("cher") == "C" and cards.initials("  ") == "?"
    assert cards.initials("Ana de la Cruz Fernández-Villaverde") == "AF" and cards.initials("(Bo) 李") == "B李"
    spoken = " | ".join(card_texts(today))
    assert "Last: 3 days ago · Instagram · Her father died" in spoken  # (no ** left)
    assert "No conversation logged yet" in spoken  # Noor, the new follower
    assert "**" not in spoken

    # The initials are painted, in a circle of the palette's colours, readable.
    number = row_of(today, ReminderKind.follow_up)
    today.cards.scrollTo(today.cards.card_model.index(number, 0))
    QApplication.processEvents()
    rect = today.cards.visualRect(today.cards.card_model.index(number, 0))
    image = today.cards.viewport().grab().toImage()
    ratio = image.width() / today.cards.viewport().width()
    circle = cards.lay_out_card(rect, ada, today.cards.font()).avatar
    background, text = palette.avatar(today.palette(), people["ada"].id)
    assert palette.contrast(text, background) >= palette.MIN_CONTRAST
    inside = circle.adjusted(4, 4, -4, -4)
    pixels = {image.pixelColor(int(x * ratio), int(y * ratio)).name()
              for x in range(inside.left(), inside.right()) for y in range(inside.top(), inside.bottom())}  # fmt: skip
    assert background.name() in pixels  # the circle
    assert any(palette.contrast(QColor(p), background) >= 3 for p in pixels)  # and letters on it


def test_sections_come_in_the_order_that_cares_for_the_user_first(qtbot, window: MainWindow, journal: Journal):
    fill(journal)
    today = shown(qtbot, window)
    assert today.section_titles() == ["Take care of yourself (2)", "Check-ins (1)", "Follow-ups (1)", "Welcomes (1)",
                                      "Stay in touch (1)", "Programmes (2)"]  # fmt: skip
    assert today.cards.currentIndex().row() == 1  # the first card (not its heading) is chosen
    assert today.current().reminder.kind is ReminderKind.self_care


def test_done_on_a_card_closes_that_reminder_and_the_card_goes(qtbot, window: MainWindow, journal: Journal):
    people = fill(journal)
    today = shown(qtbot, window)
    number = row_of(today, ReminderKind.stay_in_touch)
    reminder = today.card(number).due.reminder
    click_button(qtbot, today, number, "done")
    closed = next(r for r in journal.reminders(include_closed=True) if r.id == reminder.id)
    assert closed.state is ReminderState.done
    assert all(c.due.reminder.id != reminder.id for c in today.shown_cards())  # gone at once
    assert "Stay in touch (1)" not in today.section_titles()
    assert today.current() is not None and today.current().reminder.kind in PROGRAMME  # the next card is chosen
    qtbot.waitUntil(lambda: window.act_today.text() == "To&day (7)", timeout=10_000)  # and stays gone
    assert all(c.due.reminder.person_id != people["zoe"].id for c in today.shown_cards())


@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_snooze_through_its_dialog(qtbot, window: MainWindow, journal: Journal):
    fill(journal)
    today = shown(qtbot, window)
    number = row_of(today, ReminderKind.follow_up)
    reminder = today.card(number).due.reminder
    click_button(qtbot, today, number, "snooze")
    menu = today.snooze_menu
    qtbot.waitUntil(menu.isVisible)
    labels = [a.text().replace("&", "") for a in menu.actions()]
    assert labels == ["For an hour", "Until this evening", "Until tomorrow morning", "For a week", "Until…"]
    later = QDateTime.currentDateTime().addDays(3)

    def three_days(dialog: Any) -> None:
        dialog.findChild(QDateTimeEdit).setDateTime(later)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    in_next_dialog(three_days)
    until = menu.actions()[-1]
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(until).center())
    snoozed = next(r for r in journal.reminders() if r.id == reminder.id)
    assert snoozed.state is ReminderState.snoozed
    assert snoozed.snoozed_until is not None and snoozed.snoozed_until > datetime.now(UTC) + timedelta(days=2)
    assert "Follow-ups (1)" not in today.section_titles()


def test_log_on_a_card_opens_the_log_dialog_for_that_person(qtbot, window: MainWindow, journal: Journal):
    people = fill(journal)
    today = shown(qtbot, window)
    number = row_of(today, ReminderKind.stay_in_touch)
    seen: list[str] = []

    def log(dialog: Any) -> None:
        seen.append(dialog.windowTitle())
        qtbot.keyClicks(dialog.summary, "Caught up about the meetup")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    in_next_dialog(log, dialogs.InteractionDialog)
    click_button(qtbot, today, number, "log")
    assert seen == ["Log a conversation with Zoë Müller"]
    assert journal.timeline(people["zoe"].id)[0].item.summary == "Caught up about the meetup"
    qtbot.waitUntil(lambda: "Stay in touch (1)" not in today.section_titles(), timeout=10_000)


def test_open_on_a_card_and_enter_show_the_person(qtbot, window: MainWindow, journal: Journal):
    people = fill(journal)
    today = shown(qtbot, window)
    click_button(qtbot, today, row_of(today, ReminderKind.welcome), "open")
    assert window.stack.currentWidget() is window.person_page
    assert window.person_page.person.id == people["noor"].id

    window.show_today()
    number = row_of(today, ReminderKind.check_in)
    click_card(qtbot, today, number)
    assert today.current().reminder.kind is ReminderKind.check_in and today.cards.hasFocus()
    qtbot.keyClick(today.cards, Qt.Key.Key_Return)
    assert window.person_page.person.id == people["lena"].id

    window.show_today()
    number = row_of(today, ReminderKind.follow_up)
    qtbot.mouseDClick(today.cards.viewport(), LEFT, pos=click_card(qtbot, today, number))
    assert window.person_page.person.id == people["ada"].id


def test_a_self_care_card_reflects_and_a_programme_card_reviews(qtbot, window: MainWindow, journal: Journal):
    people = fill(journal)
    today = shown(qtbot, window)
    care = row_of(today, ReminderKind.self_care)
    assert [a.label for a in cards.actions_for(today.card(care).due)] == ["&Reflect", "&Snooze", "&Done"]
    assert "For you" in cards.spoken(today.card(care))
    seen: list[str] = []

    def close(dialog: Any) -> None:
        seen.append(dialog.windowTitle())
        dialog.reject()

    in_next_dialog(close, reflections.ReflectionDialog)
    click_button(qtbot, today, care, "reflect")
    assert seen == ["A moment for yourself"]

    review = row_of(today, ReminderKind.programme_review)
    assert [a.label for a in cards.actions_for(today.card(review).due)][0] == "&Review"
    in_next_dialog(close, programmes.ProgrammeReviewDialog)
    click_button(qtbot, today, review, "review")
    assert seen[-1] == "Review Sam Park in Brand advocates"
    assert window.person_page.person is None or window.person_page.person.id != people["sam"].id


def test_keyboard_moves_between_cards_and_letters_press_their_buttons(qtbot, window: MainWindow, journal: Journal):
    fill(journal)
    today = shown(qtbot, window)
    view = today.cards
    view.setFocus()
    kinds = []
    for _ in range(12):
        kinds.append(today.current().reminder.kind)
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        if not view.hasFocus():
            break
    assert kinds == [ReminderKind.self_care, ReminderKind.self_care, ReminderKind.check_in, ReminderKind.follow_up,
                     ReminderKind.welcome, ReminderKind.stay_in_touch, *PROGRAMME]  # fmt: skip
    assert not view.hasFocus()  # Tab past the last card leaves the list
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Down)  # across the "Check-ins" heading
    assert today.current().reminder.kind is ReminderKind.check_in
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Up)  # never onto the first heading
    assert view.currentIndex().row() == 1

    number = row_of(today, ReminderKind.welcome)
    view.setCurrentIndex(view.card_model.index(number, 0))
    reminder = today.current().reminder
    qtbot.keyClick(view, Qt.Key.Key_D)  # Done, the underlined letter
    assert next(r for r in journal.reminders(include_closed=True) if r.id == reminder.id).state is ReminderState.done

    seen: list[str] = []
    in_next_dialog(lambda dialog: (seen.append(dialog.windowTitle()), dialog.reject()), dialogs.InteractionDialog)
    qtbot.keyClick(view, Qt.Key.Key_Right)  # Snooze
    qtbot.keyClick(view, Qt.Key.Key_Left)  # back to Log
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert seen == [f"Log a conversation with {today.current().reminder.person_name}"]


def test_every_card_s_buttons_have_names_and_unique_keys(qtbot, window: MainWindow, journal: Journal):
    fill(journal)
    today = shown(qtbot, window)
    model = today.cards.card_model
    for number, row in enumerate(model.rows):
        if not isinstance(row, cards.Card):
            continue
        actions = cards.actions_for(row.due)
        letters = [a.letter for a in actions]
        assert len(letters) == len(set(letters)), letters
        assert all(a.name for a in actions)
        description = model.index(number, 0).data(Qt.ItemDataRole.AccessibleDescriptionRole)
        assert all(a.name in description for a in actions)
        assert model.index(number, 0).data(Qt.ItemDataRole.AccessibleTextRole) == cards.spoken(row)
    follow_up = cards.actions_for(today.card(row_of(today, ReminderKind.follow_up)).due)
    assert [a.name for a in follow_up] == ["Log a conversation with Ada Lovelace", "Snooze this reminder",
                                           "Mark as done", "Open Ada Lovelace's page"]  # fmt: skip
    letters: dict[str, str] = {}
    for letter, text in mnemonics(today):  # the page's own widgets: no two share a letter
        assert letter not in letters, (text, letters[letter])
        letters[letter] = text


def test_nothing_selected_no_row_of_disabled_buttons(qtbot, window: MainWindow, journal: Journal):
    fill(journal)
    today = shown(qtbot, window)
    buttons = [b for b in today.findChildren(QAbstractButton) if b.isVisibleTo(today)]
    assert buttons == []  # the actions are on the cards
    today.cards.selectionModel().clear()
    assert [b for b in today.findChildren(QAbstractButton) if b.isVisibleTo(today) and not b.isEnabled()] == []
    assert all(not isinstance(w, QMenu) or not w.isVisible() for w in today.findChildren(QWidget))


def test_an_empty_day_is_a_calm_message_with_a_link_to_upcoming(qtbot, window: MainWindow, journal: Journal):
    today = shown(qtbot, window)
    assert today.empty.isVisible() and not today.cards.isVisible()
    assert today.empty_title.text() == EMPTY_TITLE == "Nothing needs you today."
    assert today.empty_line.text() == EMPTY_LINE
    assert [b.text() for b in today.findChildren(QAbstractButton) if b.isVisible()] == ["See what is &coming up"]
    with qtbot.waitSignal(window.upcoming.loaded, timeout=10_000):
        qtbot.mouseClick(today.upcoming_link, LEFT)
    assert window.stack.currentWidget() is window.upcoming


def test_a_long_section_shows_its_first_cards_and_show_all(qtbot, window: MainWindow, journal: Journal):
    journal.set_setting("quiet_hours", ["00:00", "00:00"])
    long_ago = datetime.now(UTC) - timedelta(days=40)
    for i in range(12):
        person = journal.add_person(PersonDraft(f"Person {i:02}", cadence_days=7), now=long_ago)
        call = InteractionDraft(Channel.phone, summary=f"Call {i:02}", occurred_at=long_ago)
        journal.log_interaction(person.id, call, now=long_ago)
    today = shown(qtbot, window)
    rows = today.cards.card_model.rows
    assert today.section_titles() == ["Stay in touch (12)"]
    assert len(today.shown_cards()) == 5 and isinstance(rows[-1], cards.More)
    assert rows[-1].label == "Show all 12 stay-in-touch reminders"
    view = today.cards
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == len(rows) - 1
    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):  # the newly shown people's last conversations
        qtbot.keyClick(view, Qt.Key.Key_Return)
        assert len(today.shown_cards()) == 12
    assert not any(isinstance(r, cards.More) for r in today.cards.card_model.rows)
    by_name = sorted(today.shown_cards(), key=lambda c: c.due.reminder.person_name)
    assert all(f"Last: 1 month ago · Phone · Call {i:02}" in cards.spoken(card) for i, card in enumerate(by_name))
    assert today.current() is not None  # the card now where "Show all" was


@pytest.mark.parametrize("count", [1338])
def test_showing_a_thousand_due_reminders_is_quick(qtbot, journal: Journal, count: int):
    """Today with the benchmark journal's 1,338 due reminders: no widget per card, quick to show."""
    import time

    from relationjournal.core.records import DueReminder, ReminderRecord
    from relationjournal.core.wellbeing import EmotionalLoad

    now = datetime.now(UTC)
    items = [
        DueReminder(ReminderRecord(id=i, person_id=i, person_name=f"Person {i}", kind=ReminderKind.stay_in_touch,
                                   due_at=now, recurrence_days=None, text=f"Stay in touch with Person {i}.",
                                   state=ReminderState.open, snoozed_until=None, created_at=now), "stay_in_touch", 1.0)
        for i in range(1, count + 1)
    ]  # fmt: skip
    page = TodayPage(journal)
    qtbot.addWidget(page)
    page.resize(900, 800)
    page.show()
    qtbot.waitExposed(page)
    started = time.perf_counter()
    page.show_due(items, EmotionalLoad(0, 7, 3), {})
    QApplication.processEvents()
    took = time.perf_counter() - started
    assert page.section_titles() == [f"Stay in touch ({count})"]
    assert len(page.shown_cards()) == 5 and len(page.findChildren(QWidget)) < 60
    assert took < 0.5, took  # (measured ≈ a few ms; generous for a busy CI machine)


@pytest.mark.qt_log_ignore("This plugin does not support raise", "This plugin does not support grabbing")
def test_the_menu_key_offers_the_card_s_actions_and_dismiss(qtbot, window: MainWindow, journal: Journal):
    fill(journal)
    today = shown(qtbot, window)
    view = today.cards
    number = row_of(today, ReminderKind.welcome)
    view.setCurrentIndex(view.card_model.index(number, 0))
    reminder = today.current().reminder
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Menu)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    labels = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert labels == ["&Log…", "&Snooze", "&Done", "&Open", "D&ismiss"]
    dismiss = menu.actions()[-1]
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(dismiss).center())
    gone = next(r for r in journal.reminders(include_closed=True) if r.id == reminder.id)
    assert gone.state is ReminderState.dismissed
    assert "Welcomes (1)" not in today.section_titles()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform, showing a tooltip
def test_a_button_s_tooltip_names_what_it_does_and_a_name_stays_plain_text(qtbot, window: MainWindow, journal: Journal):
    journal.set_setting("quiet_hours", ["00:00", "00:00"])
    journal.add_person(
        PersonDraft("<b>Ada</b> <img src=x>", cadence_days=7), now=datetime.now(UTC) - timedelta(days=30)
    )
    today = shown(qtbot, window)
    view = today.cards
    where = view.button_rect(1, "log").center()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, where, view.viewport().mapToGlobal(where)))
    qtbot.waitUntil(lambda: QToolTip.text() != "")
    assert QToolTip.text() == rich("Log a conversation with <b>Ada</b> <img src=x> (L)")  # escaped: shown as typed
