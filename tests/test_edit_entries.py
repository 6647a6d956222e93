"""Editing and deleting what was logged: the journal service first, then the app's real actions.

Edits keep search and reminders right; a delete can be undone for the session, with the entry's
id, times and the reminders deleted with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from relationjournal.core.errors import InvalidInput, NotFound
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, InteractionRecord, NoteRecord, PersonDraft
from relationjournal.core.vocabulary import Channel, Context, ReminderKind, ReminderState
from relationjournal.ui import text
from relationjournal.ui.dialogs import InteractionDialog, NoteDialog
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.models import TimelineModel
from relationjournal.ui.qt import (
    QAction,
    QDate,
    QDialogButtonBox,
    QKeySequence,
    QMessageBox,
    QPushButton,
    Qt,
)
from tests.conftest import BERLIN, at
from tests.dialogs import in_next_dialog
from tests.test_user_flows import CTRL, evening_zone, press, today_items


def draft_of(record: InteractionRecord, **changes) -> InteractionDraft:
    """The draft a prefilled edit dialog gives back, with what the user changed."""
    values = {name: getattr(record, name) for name in ("channel", "direction", "occurred_at", "summary", "body",
                                                       "tone", "context", "hard_event", "reached_out_by",
                                                       "follow_up_on")}  # fmt: skip
    return InteractionDraft(**{**values, **changes})


def open_reminders(journal: Journal, interaction_id: int, kind: ReminderKind | None = None) -> list:
    return [r for r in journal.reminders_from(interaction_id)
            if r.state in (ReminderState.open, ReminderState.snoozed) and (kind is None or r.kind is kind)]  # fmt: skip


def due_kinds(journal: Journal, now: datetime) -> list[ReminderKind]:
    return [d.reminder.kind for d in journal.due_reminders(now=now)]


# The journal service -------------------------------------------------------------------------
def test_editing_a_conversation_changes_it_everywhere_and_search_follows(berlin: Journal) -> None:
    ada = berlin.add_person(PersonDraft("Ada Lovelace")).id
    logged = berlin.log_interaction(
        ada, InteractionDraft(Channel.email, occurred_at=at("2026-11-10 14:00"), summary="Marathon in Berlin"),
        now=at("2026-11-10 14:00"),
    )  # fmt: skip
    edited = berlin.edit_interaction(logged.id, draft_of(logged, summary="Swimming in Lisbon", channel=Channel.phone,
                                                         body="She trains at dawn"))  # fmt: skip
    assert (edited.id, edited.created_at, edited.person_name) == (logged.id, logged.created_at, "Ada Lovelace")
    shown = berlin.timeline(ada)[0].item
    assert (shown.summary, shown.channel, shown.body) == ("Swimming in Lisbon", Channel.phone, "She trains at dawn")
    assert [h.id for h in berlin.search("lisbon") if h.kind == "interaction"] == [logged.id]
    assert [h.id for h in berlin.search("dawn") if h.kind == "interaction"] == [logged.id]
    assert berlin.search("marathon") == []


def test_moving_a_conversation_in_time_moves_the_last_contact(berlin: Journal) -> None:
    ada = berlin.add_person(PersonDraft("Ada"), now=at("2026-01-01 10:00")).id
    first = berlin.log_interaction(ada, InteractionDraft(Channel.email, occurred_at=at("2026-11-01 10:00")))
    latest = berlin.log_interaction(ada, InteractionDraft(Channel.email, occurred_at=at("2026-11-10 10:00")))
    berlin.edit_interaction(latest.id, draft_of(latest, occurred_at=at("2026-10-01 10:00")))
    assert berlin.person(ada).last_contact == first.occurred_at
    assert [e.item.id for e in berlin.timeline(ada)] == [first.id, latest.id]  # the timeline is in the new order


def test_a_new_follow_up_date_moves_its_open_reminder_and_clearing_it_removes_it(berlin: Journal) -> None:
    ada = berlin.add_person(PersonDraft("Ada"), now=at("2026-11-01 10:00")).id
    logged = berlin.log_interaction(
        ada, InteractionDraft(Channel.email, occurred_at=at("2026-11-10 14:00"), summary="Her book",
                              follow_up_on=date(2026, 11, 20)), now=at("2026-11-10 14:00"),
    )  # fmt: skip
    [follow_up] = open_reminders(berlin, logged.id)
    berlin.snooze_reminder(follow_up.id, "2026-11-21T10:00", now=at("2026-11-20 09:00"))

    moved = berlin.edit_interaction(logged.id, draft_of(logged, follow_up_on=date(2026, 11, 25), summary="Her novel"))
    [again] = open_reminders(berlin, logged.id)
    assert again.id == follow_up.id and again.state is ReminderState.open  # the same reminder, its snooze gone
    assert again.due_at.astimezone(BERLIN) == at("2026-11-25 08:00") and "Her novel" in again.text
    assert ReminderKind.follow_up not in due_kinds(berlin, at("2026-11-22 12:00"))
    assert ReminderKind.follow_up in due_kinds(berlin, at("2026-11-25 09:00"))

    business = berlin.edit_interaction(logged.id, draft_of(moved, context=Context.business))
    assert open_reminders(berlin, logged.id)[0].business  # a business follow-up pauses after hard news
    berlin.edit_interaction(logged.id, draft_of(business, follow_up_on=None))
    assert open_reminders(berlin, logged.id) == []
    assert ReminderKind.follow_up not in due_kinds(berlin, at("2026-11-26 09:00"))

    berlin.edit_interaction(logged.id, draft_of(business, follow_up_on=date(2026, 12, 1)))  # a date added back
    [scheduled] = open_reminders(berlin, logged.id)
    assert scheduled.due_at.astimezone(BERLIN) == at("2026-12-01 08:00")


def test_an_edit_leaves_a_follow_up_that_was_done_alone(berlin: Journal) -> None:
    ada = berlin.add_person(PersonDraft("Ada")).id
    logged = berlin.log_interaction(ada, InteractionDraft(Channel.email, summary="Call back",
                                                          follow_up_on=date(2026, 11, 20)))  # fmt: skip
    [follow_up] = open_reminders(berlin, logged.id)
    berlin.complete_reminder(follow_up.id)
    berlin.edit_interaction(logged.id, draft_of(logged, summary="Called back"))
    assert open_reminders(berlin, logged.id) == []  # done stays done
    assert [r.state for r in berlin.reminders_from(logged.id)] == [ReminderState.done]


def test_marking_and_unmarking_a_hard_event_schedules_and_removes_the_care(berlin: Journal) -> None:
    lena = berlin.add_person(PersonDraft("Lena"), now=at("2026-11-01 10:00")).id
    logged = berlin.log_interaction(
        lena, InteractionDraft(Channel.phone, occurred_at=at("2026-11-10 12:00"), summary="Her father died"),
        now=at("2026-11-10 12:00"),
    )  # fmt: skip
    assert open_reminders(berlin, logged.id) == []
    hard = berlin.edit_interaction(logged.id, draft_of(logged, hard_event=True), now=at("2026-11-10 12:05"))
    check_ins = [r.due_at.astimezone(BERLIN) for r in open_reminders(berlin, logged.id, ReminderKind.check_in)]
    assert check_ins[0] == at("2026-11-12 12:00")
    assert len(open_reminders(berlin, logged.id, ReminderKind.self_care)) == 2
    assert berlin.emotional_load(now=at("2026-11-10 13:00")).hard_events == 1

    berlin.edit_interaction(logged.id, draft_of(hard, occurred_at=at("2026-11-09 12:00")))  # it was the day before
    moved = [r.due_at.astimezone(BERLIN) for r in open_reminders(berlin, logged.id, ReminderKind.check_in)]
    assert moved[0] == at("2026-11-11 12:00") and len(moved) == len(check_ins)

    berlin.edit_interaction(logged.id, draft_of(hard, hard_event=False))
    assert open_reminders(berlin, logged.id) == []
    assert berlin.emotional_load(now=at("2026-11-10 13:00")).hard_events == 0


def test_a_bad_edit_is_refused_and_changes_nothing(berlin: Journal) -> None:
    ada = berlin.add_person(PersonDraft("Ada")).id
    logged = berlin.log_interaction(ada, InteractionDraft(Channel.email, summary="Kept"))
    with pytest.raises(InvalidInput, match="timezone"):
        berlin.edit_interaction(logged.id, draft_of(logged, summary="Lost", occurred_at=datetime(2026, 11, 1, 10)))
    with pytest.raises(NotFound, match="no conversation with id 999"):
        berlin.edit_interaction(999, draft_of(logged))
    assert berlin.timeline(ada)[0].item == logged


def test_a_deleted_conversation_comes_back_with_its_id_times_and_reminders(berlin: Journal) -> None:
    ada = berlin.add_person(PersonDraft("Ada"), now=at("2026-01-01 10:00")).id
    older = berlin.log_interaction(ada, InteractionDraft(Channel.email, occurred_at=at("2026-11-01 10:00"),
                                                         summary="First", follow_up_on=date(2026, 11, 3)))  # fmt: skip
    [done] = open_reminders(berlin, older.id)
    berlin.complete_reminder(done.id)
    logged = berlin.log_interaction(
        ada, InteractionDraft(Channel.phone, occurred_at=at("2026-11-10 12:00"), summary="Hospital news",
                              body="Her mother is ill", hard_event=True, follow_up_on=date(2026, 11, 20)),
        now=at("2026-11-10 12:00"),
    )  # fmt: skip
    [follow_up] = open_reminders(berlin, logged.id, ReminderKind.follow_up)
    berlin.complete_reminder(open_reminders(berlin, logged.id, ReminderKind.self_care)[0].id)
    before = berlin.reminders_from(logged.id)
    entry = berlin.timeline(ada)[0]

    deleted = berlin.delete_interaction(logged.id)
    assert deleted.entry == entry.item and deleted.key == entry.key
    assert berlin.timeline(ada)[0].item.id == older.id and berlin.search("hospital") == []
    assert berlin.person(ada).last_contact == older.occurred_at
    assert follow_up.id not in [r.id for r in berlin.reminders()]  # its open reminders went with it
    assert len(deleted.reminders) == len(before) - 1 and len(deleted.unlinked) == 1  # the done one stays

    restored = berlin.restore_entry(deleted)
    assert restored == entry.item  # same id, text, times
    assert berlin.timeline(ada)[0] == entry
    assert berlin.reminders_from(logged.id) == before  # every reminder as it was, done or open
    assert [h.id for h in berlin.search("hospital")] == [logged.id]
    assert berlin.person(ada).last_contact == logged.occurred_at
    assert berlin.reminders_from(older.id)[0].state is ReminderState.done  # an older conversation's: untouched


def test_a_deleted_note_comes_back_as_it_was(berlin: Journal) -> None:
    ada = berlin.add_person(PersonDraft("Ada")).id
    note = berlin.add_note(ada, "Her twins start school", pinned=True, now=at("2026-11-01 10:00"))
    note = berlin.update_note(note.id, body="Her twins start school in September")
    deleted = berlin.delete_note(note.id)
    assert berlin.timeline(ada) == [] and berlin.pinned_notes(ada) == [] and berlin.search("twins") == []
    restored = berlin.restore_entry(deleted)
    assert restored == note and isinstance(restored, NoteRecord)
    assert berlin.pinned_notes(ada) == [note]
    assert [h.id for h in berlin.search("twins")] == [note.id]


def test_a_restored_entry_takes_a_new_id_when_its_own_was_taken(berlin: Journal) -> None:
    ada = berlin.add_person(PersonDraft("Ada")).id
    logged = berlin.log_interaction(ada, InteractionDraft(Channel.email, summary="The first"))
    deleted = berlin.delete_interaction(logged.id)
    taken = berlin.log_interaction(ada, InteractionDraft(Channel.email, summary="Logged meanwhile"))
    assert taken.id == logged.id  # SQLite gave the free id to the next conversation
    restored = berlin.restore_entry(deleted)
    assert restored.id != logged.id and restored == replace_id(logged, restored.id)
    assert {e.item.summary for e in berlin.timeline(ada)} == {"The first", "Logged meanwhile"}


def replace_id(record: InteractionRecord, new_id: int) -> InteractionRecord:
    return record._replace(id=new_id)


def test_restoring_is_refused_once_the_person_is_gone(berlin: Journal) -> None:
    ada = berlin.add_person(PersonDraft("Ada")).id
    deleted = berlin.delete_note(berlin.add_note(ada, "Gone").id)
    with pytest.raises(NotFound, match="no person with id 999"):
        berlin.restore_entry(replace(deleted, entry=deleted.entry._replace(person_id=999)))


# The app, through its real actions -----------------------------------------------------------


def summaries(window: MainWindow) -> list[str]:
    model = window.person_page.model
    return [model.index(row, TimelineModel.SUMMARY).data() for row in range(model.rowCount())]


def searched(qtbot, window: MainWindow, words: str) -> list[str]:
    """What the search page lists for `words`, typed in the search box."""
    window.search.setText(words)
    with qtbot.waitSignal(window.search_page.searched, timeout=10_000):
        window.run_search()
    tree = window.search_page.tree
    return [tree.topLevelItem(i).child(j).text(0) for i in range(tree.topLevelItemCount())
            for j in range(tree.topLevelItem(i).childCount())]  # fmt: skip


def double_click_row(qtbot, view, row: int) -> None:
    rect = view.visualRect(view.model().index(row, TimelineModel.SUMMARY))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def context_action(view, label: str) -> QAction:
    """The action the timeline's context menu offers as `label` (what a right-click shows)."""
    assert view.contextMenuPolicy() is Qt.ContextMenuPolicy.ActionsContextMenu
    [action] = [a for a in view.actions() if a.text().replace("&", "") == label]
    return action


def answer_delete(qtbot, button: str, seen: dict[str, Any]) -> None:
    """Answer the delete question: "Enter" presses whatever is the default, as a user hitting Enter."""

    def work(box: QMessageBox) -> None:
        seen["text"] = f"{box.text()} {box.informativeText()}"
        default = box.defaultButton()
        seen["default"] = default.text().replace("&", "") if default is not None else None
        if button == "Enter":
            qtbot.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)
        else:
            for chosen in [b for b in box.buttons() if b.text().replace("&", "") == button]:
                chosen.click()
        if box.isVisible():
            box.reject()  # no such button: the test fails on what it saw, rather than waiting forever

    in_next_dialog(work, QMessageBox)


def test_double_click_edits_a_conversation_and_the_timeline_and_search_follow(
    qtbot, window: MainWindow, journal: Journal, nothing_left_behind: None
) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    logged = journal.log_interaction(
        ada.id,
        InteractionDraft(
            Channel.email, summary="Marathon in Berlin", occurred_at=datetime.now(UTC) - timedelta(days=2)
        ),
    )
    window.changes.flush()
    window.open_person(ada.id)
    seen: dict[str, Any] = {}

    def edit(dialog: InteractionDialog) -> None:
        seen["title"], seen["summary"] = dialog.windowTitle(), dialog.summary.text()
        dialog.summary.selectAll()
        qtbot.keyClicks(dialog.summary, "Swimming in Lisbon")
        dialog.channel.set_value(Channel.phone)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    in_next_dialog(edit, InteractionDialog)
    double_click_row(qtbot, window.person_page.table, 0)
    assert seen == {"title": "Edit conversation with Ada Lovelace", "summary": "Marathon in Berlin"}
    qtbot.waitUntil(lambda: summaries(window) == ["Swimming in Lisbon"], timeout=10_000)
    model = window.person_page.model
    assert model.index(0, TimelineModel.CHANNEL).data() == text.CHANNEL_LABELS[Channel.phone]
    assert window.statusBar().currentMessage() == "Saved the conversation with Ada Lovelace."
    assert journal.timeline(ada.id)[0].item.occurred_at == logged.occurred_at  # the time was left as it was
    assert searched(qtbot, window, "lisbon") == ["Ada Lovelace — Summary: Swimming in Lisbon"]
    assert searched(qtbot, window, "marathon") == []


def test_enter_and_ctrl_o_edit_a_follow_up_date_and_today_follows(
    qtbot, window: MainWindow, journal: Journal, nothing_left_behind: None
) -> None:
    zone = evening_zone()
    journal.set_setting("timezone", zone)
    today = datetime.now(ZoneInfo(zone)).date()
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    logged = journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary="Her book proposal",
                                                              follow_up_on=today - timedelta(days=1)))  # fmt: skip
    window.changes.flush()
    press(qtbot, window, Qt.Key.Key_3, CTRL)
    qtbot.waitUntil(lambda: "Follow-ups (1)" in today_items(window), timeout=10_000)

    def follow_up_on(day: date) -> Callable[[InteractionDialog], None]:
        def work(dialog: InteractionDialog) -> None:
            dialog.follow_up.setDate(QDate(day.year, day.month, day.day))
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

        return work

    with qtbot.waitSignal(window.timeline_page.loaded, timeout=10_000):
        press(qtbot, window, Qt.Key.Key_T, CTRL)  # everyone's timeline: Enter opens the conversation
    window.timeline_page.table.selectRow(0)
    in_next_dialog(follow_up_on(today + timedelta(days=7)), InteractionDialog)
    qtbot.keyClick(window.timeline_page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Follow-ups (1)" not in today_items(window), timeout=10_000)
    [moved] = [r for r in journal.reminders() if r.kind is ReminderKind.follow_up]
    assert moved.due_at.astimezone(ZoneInfo(zone)).date() == today + timedelta(days=7)  # upcoming, next week
    assert moved.source_interaction_id == logged.id

    window.open_person(ada.id, journal.timeline(ada.id)[0].key)  # their page, the conversation selected
    in_next_dialog(follow_up_on(today), InteractionDialog)
    press(qtbot, window, Qt.Key.Key_O, CTRL)
    press(qtbot, window, Qt.Key.Key_3, CTRL)
    qtbot.waitUntil(lambda: "Follow-ups (1)" in today_items(window), timeout=10_000)  # due today, back on Today
    assert [r.id for r in journal.reminders() if r.kind is ReminderKind.follow_up] == [moved.id]


def test_delete_asks_with_cancel_as_the_default_and_ctrl_z_brings_the_conversation_back(
    qtbot, window: MainWindow, journal: Journal, nothing_left_behind: None
) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    logged = journal.log_interaction(ada.id, InteractionDraft(
        Channel.phone, summary="Hospital news", body="Her mother is ill", hard_event=True,
        occurred_at=datetime.now(UTC) - timedelta(days=1), follow_up_on=date.today() + timedelta(days=3),
    ))  # fmt: skip
    reminders = journal.reminders_from(logged.id)
    window.changes.flush()
    window.open_person(ada.id, journal.timeline(ada.id)[0].key)
    table = window.person_page.table
    table.setFocus()

    seen: dict[str, Any] = {}
    answer_delete(qtbot, "Enter", seen)
    press(qtbot, window, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)
    assert seen["default"] == "Cancel" and "cannot be undone" not in seen["text"]
    assert "Delete this conversation with Ada Lovelace?" in seen["text"]
    assert summaries(window) == ["Hospital news"] and journal.timeline(ada.id)  # Enter kept it

    answer_delete(qtbot, "Yes", seen)
    context_action(table, "Delete entry…").trigger()  # from the timeline's context menu
    qtbot.waitUntil(lambda: summaries(window) == [], timeout=10_000)
    assert window.statusBar().currentMessage() == "Deleted the conversation with Ada Lovelace — Ctrl+Z to undo."
    assert journal.reminders_from(logged.id) == [] and window.act_undo.isEnabled()
    assert window.act_undo.text() == "&Undo delete conversation"

    window.show_today()  # undo brings the entry back wherever the user is, and shows it
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    back = lambda: window.stack.currentWidget() is window.person_page and summaries(window) == ["Hospital news"]  # noqa: E731
    qtbot.waitUntil(back, timeout=10_000)
    selected = window.person_page.current_entry()
    assert selected is not None and selected.item == logged  # same id, text and time
    assert "Her mother is ill" in window.person_page.detail.toPlainText()
    assert journal.reminders_from(logged.id) == reminders  # its follow-up and care, as they were
    assert window.statusBar().currentMessage() == "Restored the conversation with Ada Lovelace."
    assert not window.act_undo.isEnabled()  # one delete, one undo
    assert searched(qtbot, window, "hospital") == ["Ada Lovelace — Summary: Hospital news"]


def test_a_note_opens_for_editing_and_its_delete_is_undone_from_the_edit_menu(
    qtbot, window: MainWindow, journal: Journal, nothing_left_behind: None
) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    note = journal.add_note(ada.id, "Her twins start school", now=datetime.now(UTC) - timedelta(days=3))
    window.changes.flush()
    window.open_person(ada.id)
    table = window.person_page.table

    def edit(dialog: NoteDialog) -> None:
        qtbot.keyClick(dialog.editor, Qt.Key.Key_End, CTRL)
        qtbot.keyClicks(dialog.editor, " in September")
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # Done

    in_next_dialog(edit, NoteDialog)
    double_click_row(qtbot, table, 0)
    qtbot.waitUntil(lambda: summaries(window) == ["Her twins start school in September"], timeout=10_000)
    edited = journal.timeline(ada.id)[0].item
    assert edited.created_at == note.created_at

    in_next_dialog(lambda dialog: dialog.accept(), NoteDialog)
    context_action(table, "Open/Edit entry…").trigger()  # the context menu opens it too

    seen: dict[str, Any] = {}
    table.selectRow(0)
    answer_delete(qtbot, "Yes", seen)
    table.setFocus()
    press(qtbot, window, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)
    assert seen["default"] == "Cancel" and "Delete this note with Ada Lovelace?" in seen["text"]
    qtbot.waitUntil(lambda: summaries(window) == [], timeout=10_000)
    assert window.statusBar().currentMessage() == "Deleted the note with Ada Lovelace — Ctrl+Z to undo."
    assert searched(qtbot, window, "twins") == []

    [undo] = [a for a in window.menuBar().actions() if a.text() == "&Edit"][0].menu().actions()
    assert undo.text() == "&Undo delete note" and undo.shortcut().matches(QKeySequence("Ctrl+Z"))
    undo.trigger()
    qtbot.waitUntil(lambda: summaries(window) == ["Her twins start school in September"], timeout=10_000)
    assert window.person_page.current_entry().item == edited  # same id, text and times, selected
    assert searched(qtbot, window, "twins") == ["Ada Lovelace — Her twins start school in September"]
