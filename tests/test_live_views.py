"""Every view follows the journal's committed writes by itself: no stale count, list or page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PeopleFilter, PersonDraft
from relationjournal.core.vocabulary import Channel, ReminderKind
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.models import TimelineModel
from relationjournal.ui.qt import QDialogButtonBox, Qt
from relationjournal.ui.today import section_of
from tests.conftest import Sandbox
from tests.dialogs import in_next_dialog


def settled(qtbot, window: MainWindow) -> None:
    """Wait until the window has heard of every write and Today has been read again."""
    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):
        window.changes.flush()
        window.refresh_due()


def test_logging_with_ctrl_l_updates_the_today_count_at_once(qtbot, window: MainWindow, journal: Journal) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=30)
    person = journal.add_person(PersonDraft("Noor Haddad", cadence_days=7), now=long_ago)
    settled(qtbot, window)
    assert window.act_today.text() == "To&day (1)"  # stay in touch with Noor
    window.open_person(person.id)

    def log_it(dialog) -> None:
        qtbot.keyClicks(dialog.summary, "Asked how the move went")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    in_next_dialog(log_it)
    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):  # no timer, no hand-called refresh
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.act_today.text() == "To&day"
    assert journal.due_reminders() == []
    rows = [window.person_page.model.index(r, TimelineModel.SUMMARY).data()
            for r in range(window.person_page.model.rowCount())]  # fmt: skip
    assert rows == ["Asked how the move went"]


def test_no_view_is_stale_after_any_write(qtbot, window: MainWindow, journal: Journal, sandbox: Sandbox) -> None:
    """After each kind of write the service offers, what the window shows equals a fresh read."""
    long_ago = datetime.now(UTC) - timedelta(days=40)
    ada = journal.add_person(PersonDraft("Ada Lovelace", cadence_days=14, tags=("client",)), now=long_ago)
    settled(qtbot, window)
    window.open_person(ada.id)

    def shown_matches_journal() -> None:
        settled(qtbot, window)
        due = journal.due_reminders()
        count = f" ({len(due)})" if due else ""
        assert window.act_today.text() == f"To&day{count}"
        assert len(window.today.section_titles()) == len({section_of(d) for d in due})
        assert window.people.model.rowCount() == len(journal.person_ids(PeopleFilter()))
        rows = [window.people.model.row_data(r) for r in range(window.people.model.rowCount())]
        assert rows == journal.person_summaries([row.id for row in rows])  # last contact, tags, status: current
        names = {window.people.model.index(r, 0).data() for r in range(window.people.model.rowCount())}
        assert names == {p.display_name for p in journal.person_summaries(journal.person_ids(PeopleFilter()))}
        assert window.person_page.model.rowCount() == len(journal.timeline(ada.id))
        assert window.person_page.person == journal.person(ada.id)
        assert [window.people.tag.itemText(i) for i in range(1, window.people.tag.count())] == journal.tag_names()

    writes = [
        lambda: journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary="Said hello")),
        lambda: journal.add_note(ada.id, "Her father is ill.", hard_event=True),
        lambda: journal.add_person(PersonDraft("Grace Hopper", source="new follower")),
        lambda: journal.edit_person(ada.id, {"organisation": "Analytical Engines"}),
        lambda: journal.snooze_reminder(journal.reminders()[0].id, "next-week"),
        lambda: journal.complete_reminder(journal.reminders()[-1].id),
        lambda: journal.set_setting("default_cadence_days", 3),
        lambda: journal.set_tag_cadence("client", 2),
        lambda: journal.delete_note(next(e.item.id for e in journal.timeline(ada.id) if e.kind == "note")),
        lambda: journal.add_reminder(
            ReminderKind.follow_up, datetime.now(UTC) - timedelta(hours=1), "Call back", person_id=ada.id
        ),  # fmt: skip
        lambda: journal.archive_person(journal.find_person("Grace Hopper").id),
        lambda: journal.rename_tag("client", "clients"),
        lambda: journal.edit_person(ada.id, add_tags=["press"]),
        lambda: journal.merge_tags(["press"], into="clients"),
        lambda: journal.delete_tag("clients"),
    ]
    for write in writes:
        write()
        shown_matches_journal()
