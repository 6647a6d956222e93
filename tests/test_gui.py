"""The desktop app, driven with pytest-qt (offscreen) against real encrypted journals."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from relationjournal.core.access import create_journal, open_journal
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel, Direction
from relationjournal.ui import dialogs
from relationjournal.ui.cards import actions_for, lay_out_card
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.models import ROW_ROLE, PeopleModel, PersonTimelineModel, TimelineModel
from relationjournal.ui.programmes import ProgrammeReviewDialog
from relationjournal.ui.qt import QApplication, QDialog, QDialogButtonBox, QMessageBox, QRect, Qt, QTime, QTimer
from relationjournal.ui.reflections import ReflectionDialog
from relationjournal.ui.unlock import FirstRunDialog, RecoveryKeyDialog, passphrase_dialog
from relationjournal.ui.worker import wait_for_background_work
from tests.conftest import Sandbox


def answer_next_message_box(button: QMessageBox.StandardButton) -> None:
    """Click `button` on the next modal message box, as a user would."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:
            QTimer.singleShot(10, click)

    QTimer.singleShot(0, click)


def test_the_window_paints_first_and_fills_when_the_journal_is_attached(
    qtbot, journal: Journal, sandbox: Sandbox
) -> None:
    journal.add_person(PersonDraft("Amaka Obi"))
    main = MainWindow(sandbox.location)
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.first_painted):
        main.show()
    assert main.statusBar().currentMessage() == "Opening your journal…"
    assert not main.act_add.isEnabled() and not main.search.isEnabled()  # nothing to act on yet
    main.attach(journal)
    assert main.act_add.isEnabled() and main.search.isEnabled()
    assert main.people.model.index(0, 0).data() == "Amaka Obi"
    assert main.statusBar().currentMessage() == ""
    main.close()
    wait_for_background_work()


def test_first_run_creates_a_journal_and_shows_the_recovery_key(qtbot, sandbox: Sandbox, tmp_path: Path) -> None:
    first = FirstRunDialog(sandbox.location)
    qtbot.addWidget(first)
    assert str(sandbox.location.database) in first.intro.text()  # says where, and how it is protected
    assert "encrypted" in first.intro.text() and "keyring" in first.intro.text()
    assert first.use_keyring.isChecked()
    first.create()
    assert first.result() == QDialog.DialogCode.Accepted
    assert sandbox.location.database.exists() and first.recovery_key
    first.journal.close()

    shown = RecoveryKeyDialog(first.recovery_key)
    qtbot.addWidget(shown)
    assert shown.key_label.text() == first.recovery_key
    assert not shown.ok.isEnabled()  # not before the user says they kept it
    shown.copy()
    assert QApplication.clipboard().text() == first.recovery_key
    saved = tmp_path / "key.txt"
    shown.save(str(saved))
    assert first.recovery_key in saved.read_text()
    assert saved.stat().st_mode & 0o777 == 0o600
    shown.kept.setChecked(True)
    assert shown.ok.isEnabled()


def test_first_run_with_a_passphrase_and_then_unlock(qtbot, sandbox: Sandbox) -> None:
    first = FirstRunDialog(sandbox.location)
    qtbot.addWidget(first)
    first.use_passphrase.setChecked(True)
    first.passphrase.setText("purple elephants dance")
    first.repeat.setText("purple elephants dunce")
    first.create()
    assert "differ" in first.error.text() and not sandbox.location.database.exists()
    first.repeat.setText("purple elephants dance")
    first.create()
    assert first.recovery_key is None
    first.journal.add_person(PersonDraft("Grace"))
    first.journal.close()

    unlock = passphrase_dialog(sandbox.location)
    qtbot.addWidget(unlock)
    unlock.secret.setText("wrong passphrase")
    unlock.accept()
    assert unlock.error.isVisibleTo(unlock) and "does not open" in unlock.error.text()
    assert unlock.result() != QDialog.DialogCode.Accepted and unlock.journal is None
    unlock.secret.setText("purple elephants dance")
    unlock.accept()
    assert unlock.result() == QDialog.DialogCode.Accepted
    with unlock.journal as journal:
        assert journal.find_person("grace").display_name == "Grace"


def test_add_person_log_note_then_find_them_everywhere(qtbot, window: MainWindow, journal: Journal) -> None:
    assert window.people.empty.isVisible()  # a new journal invites the first person

    add = dialogs.PersonDialog(journal, parent=window)
    qtbot.addWidget(add)
    add.name.setText("Amaka Obi")
    add.organisation.setText("Lagos Translators")
    add.tags.setText("translator, client")
    add.handles.setPlainText("x:@amaka\nbogus")
    add.accept()
    assert "PLATFORM:HANDLE" in add.error.text() and add.saved is None  # refused, nothing lost
    assert add.name.text() == "Amaka Obi"
    add.handles.setPlainText("x:@amaka\nemail:amaka@example.org")
    add.accept()
    person = add.saved
    assert person is not None and person.tags == ("client", "translator")
    window.changes.flush()  # what the main window hears after a committed write
    window.open_person(person.id)
    assert window.people.view.isVisible() and window.people.model.rowCount() == 1
    assert "Amaka Obi" in window.person_page.header.text()
    assert "mailto:amaka@example.org" in window.person_page.header.text()

    log = dialogs.InteractionDialog(journal, journal.person(person.id), parent=window)
    qtbot.addWidget(log)
    log.channel.set_value(Channel.linkedin)
    log.direction.set_value(Direction.incoming)
    log.summary.setText("Asked about the marathon in Berlin")
    log.hard_event.setChecked(False)
    log.accept()
    assert log.saved is not None and log.saved.channel is Channel.linkedin

    note = dialogs.NoteDialog(journal, journal.person(person.id), parent=window)
    qtbot.addWidget(note)
    note.editor.setPlainText("Her twins **Ada and Obi** start school in September.")
    assert "<b>Ada and Obi</b>" in note.preview.toHtml() or "font-weight" in note.preview.toHtml()
    qtbot.waitUntil(lambda: note.status.text() == "Saved", timeout=5000)  # autosaved, no button pressed
    note.close()
    window.changes.flush()  # the person page follows the journal's writes by itself

    summaries = [window.person_page.model.index(r, TimelineModel.SUMMARY).data()
                 for r in range(window.person_page.model.rowCount())]  # fmt: skip
    assert "Her twins Ada and Obi start school in September." in summaries  # the Markdown read, not shown
    assert "Asked about the marathon in Berlin" in summaries

    window.search.setText("marathon")
    with qtbot.waitSignal(window.search_page.searched):  # results come from a background search
        window.run_search()
    assert window.stack.currentWidget() is window.search_page
    tree = window.search_page.tree
    assert tree.topLevelItem(0).text(0) == "Conversations (1)"
    hit = tree.topLevelItem(0).child(0)
    window.search_page._activate(hit)
    assert window.stack.currentWidget() is window.person_page
    selected = window.person_page.current_entry()
    assert selected is not None and selected.item.summary == "Asked about the marathon in Berlin"
    assert "Asked about the marathon in Berlin" in window.person_page.detail.toPlainText()

    window.search.setText("twins")
    with qtbot.waitSignal(window.search_page.searched):  # results come from a background search
        window.run_search()
    assert window.search_page.tree.topLevelItem(0).text(0) == "Notes (1)"
    window.search.setText("lagos")
    with qtbot.waitSignal(window.search_page.searched):  # results come from a background search
        window.run_search()
    assert window.search_page.tree.topLevelItem(0).text(0) == "People (1)"

    with qtbot.waitSignal(window.timeline_page.loaded):
        window.show_timeline()
    timeline = window.timeline_page.model
    assert timeline.rowCount() == 1
    assert timeline.index(0, TimelineModel.PERSON).data() == "Amaka Obi"
    with qtbot.waitSignal(window.timeline_page.loaded):
        window.timeline_page.channel.set_value(Channel.email)
    assert timeline.rowCount() == 0 and window.timeline_page.count.text() == "0 conversations"


def test_people_filter_as_you_type_and_sort(qtbot, window: MainWindow, journal: Journal) -> None:
    now = datetime.now(UTC)
    for name, org, days_ago in (("Ada Lovelace", "Analytical", 30), ("Grace Hopper", "Navy", 2), ("Zoë", "", None)):
        person = journal.add_person(PersonDraft(name, organisation=org, cadence_days=7))
        if days_ago is not None:
            journal.log_interaction(
                person.id, InteractionDraft(Channel.email, occurred_at=now - timedelta(days=days_ago))
            )
    window.people.reload()
    names = lambda: [window.people.model.index(r, 0).data() for r in range(window.people.model.rowCount())]  # noqa: E731
    assert names() == ["Ada Lovelace", "Grace Hopper", "Zoë"]
    qtbot.keyClicks(window.people.filter, "nav")
    qtbot.waitUntil(lambda: names() == ["Grace Hopper"], timeout=2000)
    window.people.filter.clear()
    window.people.sort.set_value("last_contact")
    qtbot.waitUntil(lambda: names() == ["Grace Hopper", "Ada Lovelace", "Zoë"], timeout=2000)
    window.people.sort.set_value("overdue")
    # Ada: 30 days on a 7-day cadence is more overdue than Grace's 2 days; Zoë was added just now
    assert names()[0] == "Ada Lovelace"


def test_export_csv_from_the_dialog_warns_first(qtbot, window: MainWindow, journal: Journal, tmp_path: Path) -> None:
    journal.add_person(PersonDraft("Ada Lovelace"))
    folder = tmp_path / "export"
    answer_next_message_box(QMessageBox.StandardButton.Cancel)
    window.export_to(folder)
    assert not folder.exists()
    answer_next_message_box(QMessageBox.StandardButton.Yes)
    ticks: list[int] = []
    clock = QTimer(window, interval=5, timeout=lambda: ticks.append(1))
    clock.start()
    window.export_to(folder)  # returns at once: the export runs in the background
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Exported to"), timeout=10_000)
    clock.stop()
    assert ticks, "the window's event loop kept running during the export"
    [made] = folder.iterdir()  # a new dated folder inside the one chosen, named in the status bar
    assert str(made) in window.statusBar().currentMessage()
    with (made / "people.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["display_name"] for row in csv.DictReader(handle)] == ["Ada Lovelace"]


def test_settings_are_kept_in_the_journal_not_in_qsettings(qtbot, window: MainWindow, journal: Journal,
                                                           sandbox: Sandbox) -> None:  # fmt: skip
    settings = dialogs.SettingsDialog(journal, window)
    qtbot.addWidget(settings)
    settings.me.setText("Samira Distinctive")
    settings.edits["timezone"].setCurrentText("Mars/Olympus Mons")
    settings.accept()
    assert "not a time zone" in settings.error.text() and journal.setting("me") == ""  # nothing half-saved
    settings.edits["timezone"].setCurrentText(settings.edits["timezone"].system_label)
    settings.quiet.start.setTime(QTime(22, 0))
    settings.quiet.end.setTime(QTime(7, 30))
    settings.accept()
    assert journal.setting("me") == "Samira Distinctive"
    assert journal.setting("quiet_hours") == ["22:00", "07:30"]
    assert journal.rules().quiet.end.hour == 7
    journal.add_person(PersonDraft("Distinctive Person Name"))
    window.people.reload()
    window.close()  # saves geometry to QSettings
    for path in (sandbox.root / "config").rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert b"Distinctive" not in content and "Distinctive".encode("utf-16-le") not in content


@pytest.fixture
def big_journal(sandbox: Sandbox) -> Iterator[Journal]:
    created = create_journal(sandbox.location)
    created.journal.fill_demo(people=2_000, interactions=100_000, seed=3)
    yield created.journal
    created.journal.close()


def test_timeline_of_100000_conversations_loads_only_what_is_shown(
    qtbot, big_journal: Journal, sandbox: Sandbox
) -> None:
    main = MainWindow(sandbox.location, big_journal)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    with qtbot.waitSignal(main.timeline_page.loaded, timeout=30_000):
        main.show_timeline()
    model = main.timeline_page.model
    qtbot.waitExposed(main)
    assert model.rowCount() == 100_000
    view = main.timeline_page.table
    view.scrollToBottom()
    QApplication.processEvents()
    last = model.index(model.rowCount() - 1, TimelineModel.SUMMARY)
    assert last.data() and last.data(ROW_ROLE) is not None
    assert model.rows_loaded < 2_000  # the top and the bottom pages, not 100,000 rows
    assert main.people.model.rows_loaded < 1_000
    main.close()
    wait_for_background_work()


def test_a_persons_page_opens_on_the_newest_page_and_reads_older_ones_on_demand(
    qtbot, window: MainWindow, journal: Journal
) -> None:
    person = journal.add_person(PersonDraft("Noor Haddad"))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    journal.add_note(person.id, "Her first project was a **zine** about the harbour", now=start)
    for i in range(1, 450):
        journal.log_interaction(person.id, InteractionDraft(Channel.email, occurred_at=start + timedelta(days=i),
                                                             summary=f"message {i}"))  # fmt: skip
    window.changes.flush()  # the window has heard of these writes before the page is opened
    window.open_person(person.id)
    model, view = window.person_page.model, window.person_page.table
    assert model.rowCount() == 100  # only the newest page is read when the page opens
    assert model.index(0, TimelineModel.SUMMARY).data() == "message 449"
    view.scrollToBottom()
    QApplication.processEvents()  # reaching the end asks for the next page
    assert model.rowCount() == 200 and model.index(199, TimelineModel.SUMMARY).data() == "message 250"

    window.search.setText("zine")  # the oldest entry: the page reads on until it finds it
    with qtbot.waitSignal(window.search_page.searched):
        window.run_search()
    window.search_page._activate(window.search_page.tree.topLevelItem(0).child(0))
    selected = window.person_page.current_entry()
    assert selected is not None and "zine" in selected.item.body
    assert model.rowCount() == 450 and view.currentIndex().row() == 449


@pytest.mark.parametrize("make_model", [PeopleModel, TimelineModel, PersonTimelineModel])
def test_models_pass_qt_model_tester(qtmodeltester, journal: Journal, make_model: Callable) -> None:
    for i in range(30):
        person = journal.add_person(PersonDraft(f"Person {i}", tags=("client",)))
        journal.log_interaction(person.id, InteractionDraft(Channel.chat, summary=f"chat {i}"))
        journal.add_note(person.id, f"note {i}")
    model = make_model(journal)
    qtmodeltester.check(model)  # empty
    if isinstance(model, PeopleModel):
        model.set_keys(journal.person_ids())
        assert model.rowCount() == 30
    elif isinstance(model, PersonTimelineModel):
        model.show_person(journal.person_ids()[0])
        assert model.rowCount() == 2  # a person's page holds their conversations and their notes
    else:
        model.set_keys(journal.timeline_keys())
        assert model.rowCount() == 30  # the global timeline holds conversations; notes are on person pages
    qtmodeltester.check(model)


def test_reopen_after_close_keeps_everything(qtbot, sandbox: Sandbox) -> None:
    created = create_journal(sandbox.location)
    person = created.journal.add_person(PersonDraft("Ada"))
    note = dialogs.NoteDialog(created.journal, person)
    qtbot.addWidget(note)
    note.editor.setPlainText("typed and then the window closed")
    note.close()  # no Done, no wait for the autosave timer
    created.journal.close()
    with open_journal(sandbox.location) as journal:
        assert [e.item.body for e in journal.timeline(person.id)] == ["typed and then the window closed"]


def due_in_window(qtbot, window: MainWindow) -> list[str]:
    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):
        window.refresh_due()
    return [card.due.reminder.text for card in window.today.shown_cards()]


def test_today_panel_reflection_snooze_and_done(qtbot, window: MainWindow, journal: Journal, sandbox: Sandbox) -> None:
    journal.set_setting("quiet_hours", ["00:00", "00:00"])  # whatever time the test runs
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    lena = journal.add_person(PersonDraft("Lena", remember="Runs a bakery in Porto"), now=three_days_ago)
    journal.log_interaction(lena.id, InteractionDraft(Channel.instagram, summary="Her father died", hard_event=True,
                                                      occurred_at=three_days_ago), now=three_days_ago)  # fmt: skip
    assert window.stack.currentWidget() is window.today  # the app opens on Today
    texts = due_in_window(qtbot, window)
    assert window.today.section_titles() == ["Take care of yourself (2)", "Check-ins (1)"]
    assert window.act_today.text() == "To&day (3)"
    assert any("Check in on Lena" in t for t in texts)

    first = window.today.card(1)  # (row 0 is the heading)
    assert [a.label for a in actions_for(first.due)][0] == "&Reflect"
    reminder_id = first.due.reminder.id
    reflection = ReflectionDialog(journal, reminder_id, window)
    qtbot.addWidget(reflection)
    reflection.accept()
    assert "at least one question" in reflection.error.text()
    reflection.answers["not_mine_to_carry"].setPlainText("Distinctive answer: her grief is not mine to fix")
    reflection.accept()
    assert reflection.saved is not None
    window.show_reflections()
    assert "her grief is not mine to fix" in window.reflections_page.view.toPlainText()
    for path in sandbox.data_dir.iterdir():  # the reflection is encrypted like everything else
        assert b"Distinctive answer" not in path.read_bytes()

    # The reflection answers the day-after check on you too (it was due before it): the check-in is left.
    assert len(due_in_window(qtbot, window)) == 1
    window.show_today()
    check_in = window.today.current()
    assert check_in is not None and check_in.reminder.person_name == "Lena"
    details = lay_out_card(QRect(0, 0, 800, 0), window.today.card(1), window.today.font()).details
    assert "Remember: Runs a bakery in Porto" in [text for text, _ in details]
    view = window.today.cards
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.button_rect(1, "done").center())
    assert due_in_window(qtbot, window) == []
    assert window.today.empty.isVisibleTo(window.today)


def test_emotional_load_banner(qtbot, window: MainWindow, journal: Journal) -> None:
    for i in range(4):
        person = journal.add_person(PersonDraft(f"Follower {i}"))
        journal.log_interaction(person.id, InteractionDraft(Channel.x, summary="A loss", hard_event=True))
    due_in_window(qtbot, window)
    assert window.today.load_banner.isVisibleTo(window.today)
    assert "4 hard events" in window.today.load_banner.text()


def test_programme_review_needs_the_checklist_to_rotate_out(qtbot, journal: Journal) -> None:
    noor = journal.add_person(PersonDraft("Noor"))
    membership = journal.add_membership(noor.id, "Brand advocates", date(2026, 1, 1), review_on=date(2026, 6, 1))
    review = ProgrammeReviewDialog(journal, membership)
    qtbot.addWidget(review)
    ok = review.buttons.button(QDialogButtonBox.StandardButton.Ok)
    review.rotate.setChecked(True)
    assert not ok.isEnabled()
    review.thanked.setChecked(True)
    review.told.setChecked(True)
    assert not ok.isEnabled()  # and what was said is recorded
    review.record.setText("Thanked her for a wonderful year; perks end in March.")
    assert ok.isEnabled() and ok.text() == "Rotate &out"
    review.accept()
    assert journal.memberships(noor.id)[0].left_on is not None
    assert "perks end in March" in journal.timeline(noor.id)[0].item.body
