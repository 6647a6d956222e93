"""Several journals in the app: the name on screen, File → New/Open/Recent journals, two windows, and
File → Move to another computer… then Open a moved journal file. Real journals and keyring, real
widgets offscreen, every flow started from its QAction and its dialogs answered as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from relationjournal.core import registry
from relationjournal.core.applock import AppLock, app_is_running
from relationjournal.core.journal import Journal
from relationjournal.core.journallock import JournalLock
from relationjournal.core.journals import new_journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vault import recovery_key
from relationjournal.core.vocabulary import Channel
from relationjournal.ui.journals import OpenJournalDialog, Windows, fill_recent
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QThreadPool
from relationjournal.ui.unlock import RecoveryKeyDialog, SecretDialog
from tests.conftest import Sandbox
from tests.dialogs import in_next_dialog


@pytest.fixture
def app(qtbot: Any, journal: Journal, sandbox: Sandbox) -> Iterator[Windows]:
    """The app as `ui.app.run` makes it: a window on the default journal, opened by its opener, holding
    its app lock, in the app's list of windows."""
    from relationjournal.ui.app import JournalOpener

    windows = Windows()
    window = MainWindow(sandbox.location)
    lock = AppLock(sandbox.location)
    assert lock.acquire()
    opener = JournalOpener(window, sandbox.location, lock, quit_after_paint=False)
    windows.add(window, opener)
    window.show()
    qtbot.waitExposed(window)
    opener._show(journal)  # what opening the journal at start-up ends with
    yield windows
    QThreadPool.globalInstance().waitForDone()
    for shown, _opener in list(windows.open):
        shown.close()
    windows.close_all()


def client(name: str, person: str) -> registry.Entry:
    """Another client's journal, with one person in it."""
    made = new_journal(name)
    with made.created.journal as journal:
        journal.add_person(PersonDraft(person))
    return made.entry


def names(window: MainWindow) -> list[str]:
    model = window.people.model
    return sorted(model.index(row, 0).data() for row in range(model.rowCount()))


def first(windows: Windows) -> MainWindow:
    return windows.open[0][0]


def shown(windows: Windows, entry: registry.Entry) -> MainWindow | None:
    window = windows.window_for(entry.location)
    return window if window is not None and window.journal is not None else None


def test_the_title_status_bar_and_tray_name_the_journal(qtbot: Any, app: Windows) -> None:
    window = first(app)
    assert window.windowTitle() == "My journal — Relation Journal"
    assert window.journal_label.text() == "My journal"
    qtbot.waitUntil(lambda: window.tray.tooltip == "Relation Journal (My journal): nothing due")


def test_open_journal_switches_the_window_and_closes_the_first_journal_cleanly(
    qtbot: Any, app: Windows, journal: Journal, sandbox: Sandbox
) -> None:
    acme = client("Acme", "Acme Person")
    journal.add_person(PersonDraft("Mine Only"))
    old = first(app)

    def choose(dialog: OpenJournalDialog) -> None:
        assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
            "My journal (this window) · default", "Acme"]  # fmt: skip
        dialog.list.setCurrentRow(1)
        dialog.here.click()

    in_next_dialog(choose, OpenJournalDialog)
    old.act_open_journal.trigger()
    qtbot.waitUntil(lambda: shown(app, acme) is not None and not old.isVisible(), timeout=15_000)
    new = shown(app, acme)
    assert new is not None and new.windowTitle() == "Acme — Relation Journal"
    assert names(new) == ["Acme Person"]
    assert [w for w, _ in app.open] == [new]
    QThreadPool.globalInstance().waitForDone()
    assert not app_is_running(sandbox.location)  # the first journal is closed: nothing holds it
    with JournalLock(sandbox.location).acquire_exclusive(wait=0):
        pass
    assert [e.name for e in registry.recent()][0] == "Acme"


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform, bringing a window forward
def test_two_journals_in_two_windows_and_one_journal_never_twice(qtbot: Any, app: Windows) -> None:
    acme = client("Acme", "Acme Person")
    mine = first(app)

    def beside(dialog: OpenJournalDialog) -> None:
        dialog.list.setCurrentRow(1)
        dialog.beside.click()

    in_next_dialog(beside, OpenJournalDialog)
    mine.act_open_journal.trigger()
    qtbot.waitUntil(lambda: shown(app, acme) is not None, timeout=15_000)
    other = shown(app, acme)
    assert other is not None and mine.isVisible() and mine.journal is not None  # both open, side by side
    assert names(other) == ["Acme Person"] and "Acme Person" not in names(mine)
    # Acme again, from either window's Recent journals: brought forward, never a second window
    fill_recent(mine)
    recent = {a.text(): a for a in mine.recent_menu.actions()}
    assert set(recent) == {"My journal", "Acme"} and recent["My journal"].isChecked()
    recent["Acme"].trigger()
    in_next_dialog(lambda dialog: (dialog.list.setCurrentRow(1), dialog.beside.click()), OpenJournalDialog)
    mine.act_open_journal.trigger()
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)
    assert len(app.open) == 2 and mine.isVisible()
    assert AppLock(acme.location).acquire() is False  # held by its one window


def test_new_journal_refuses_a_taken_name_then_makes_one_and_switches_to_it(
    qtbot: Any, app: Windows, sandbox: Sandbox
) -> None:
    said: list[str] = []
    old = first(app)

    def kept(dialog: RecoveryKeyDialog) -> None:
        said.append(dialog.recovery_key)
        dialog.kept.setChecked(True)
        dialog.ok.click()

    def second(dialog: QInputDialog) -> None:
        in_next_dialog(kept, RecoveryKeyDialog)
        dialog.setTextValue("Globex")
        dialog.accept()

    def warned(box: QMessageBox) -> None:
        said.append(box.text())
        in_next_dialog(second, QInputDialog)
        box.button(QMessageBox.StandardButton.Ok).click()

    def taken(dialog: QInputDialog) -> None:
        in_next_dialog(warned, QMessageBox)
        dialog.setTextValue("MY JOURNAL")
        dialog.accept()

    in_next_dialog(taken, QInputDialog)
    old.act_new_journal.trigger()
    globex = registry.find("globex")
    qtbot.waitUntil(lambda: shown(app, globex) is not None and not old.isVisible(), timeout=15_000)
    assert said[0] == "There is already a journal called 'My journal'; choose another name."
    assert len(said[1]) == 65  # the recovery key, shown once
    new = shown(app, globex)
    assert new is not None and new.windowTitle() == "Globex — Relation Journal" and names(new) == []
    assert globex.location.data_dir == registry.journals_root() / "globex"
    assert [e.name for e in registry.entries()] == ["My journal", "Globex"]


def test_move_to_another_computer_then_open_the_moved_file_with_the_recovery_key(
    qtbot: Any, app: Windows, journal: Journal, tmp_path: Path
) -> None:
    journal.add_person(PersonDraft("Ada Lovelace"))
    journal.set_setting("me", "Charles")
    window = first(app)
    target = tmp_path / "usb" / "mine.rjournal"
    target.parent.mkdir()
    said: list[str] = []

    def save_as(dialog: QFileDialog) -> None:
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(target))
        dialog.accept()

    def told(box: QMessageBox) -> None:
        said.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()

    in_next_dialog(save_as, QFileDialog)
    in_next_dialog(told, QMessageBox)
    window.act_move_journal.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=15_000)
    assert target.is_file()
    assert "Open a moved journal file" in said[0] and "your recovery key" in said[0]
    assert "without your recovery key the file cannot be opened" in said[0]

    # Open it here as a new journal: a wrong key is refused in the dialog and makes nothing
    right = recovery_key(journal.key.raw or b"")
    wrong = recovery_key(bytes(32))
    errors: list[str] = []

    def secret(dialog: SecretDialog) -> None:
        dialog.secret.setText(wrong)
        dialog.accept()
        errors.append(dialog.error.text())
        assert [e.name for e in registry.entries()] == ["My journal"]
        assert not registry.journals_root().exists()
        dialog.secret.setText(right)
        dialog.accept()

    def named(dialog: QInputDialog) -> None:
        assert dialog.textValue() == "mine"
        in_next_dialog(secret, SecretDialog)
        dialog.setTextValue("Moved")
        dialog.accept()

    def chosen(dialog: QFileDialog) -> None:
        in_next_dialog(named, QInputDialog)
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(target))
        dialog.accept()

    in_next_dialog(lambda dialog: (in_next_dialog(chosen, QFileDialog), dialog.moved.click()), OpenJournalDialog)
    window.act_open_journal.trigger()
    moved = registry.find("Moved")
    qtbot.waitUntil(lambda: shown(app, moved) is not None, timeout=15_000)
    assert "does not open mine.rjournal: nothing was created" in errors[0]
    new = shown(app, moved)
    assert new is not None and names(new) == ["Ada Lovelace"]
    assert new.journal is not None and new.journal.setting("me") == "Charles"


def test_rename_and_remove_from_open_journal(qtbot: Any, app: Windows) -> None:
    """Rename changes the name (and the title of its window); remove asks, says what it deletes, and
    keeps the backups unless the box is ticked. An open journal is not removed."""
    from relationjournal.core import backups

    acme = client("Acme", "Acme Person")
    with new_journal("Globex").created.journal as globex:
        backups.backup_now(globex, registry.find("Globex").location)
    mine = first(app)
    said: list[str] = []

    def renamed(dialog: QInputDialog) -> None:
        dialog.setTextValue("Acme Corp")
        dialog.accept()

    def confirm(box: QMessageBox) -> None:
        said.append(f"{box.text()}\n{box.informativeText()}")
        next(b for b in box.buttons() if b.text() == "&Remove").click()

    def refuse(box: QMessageBox) -> None:
        said.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()

    def manage(dialog: OpenJournalDialog) -> None:
        dialog.list.setCurrentRow(1)
        in_next_dialog(renamed, QInputDialog)
        dialog.rename.click()
        assert dialog.list.item(1).text() == "Acme Corp"
        dialog.list.setCurrentRow(2)
        in_next_dialog(confirm, QMessageBox)
        dialog.remove.click()
        assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
            "My journal (this window) · default", "Acme Corp"]  # fmt: skip
        dialog.list.setCurrentRow(0)
        in_next_dialog(refuse, QMessageBox)
        dialog.remove.click()
        dialog.reject()

    in_next_dialog(manage, OpenJournalDialog)
    mine.act_open_journal.trigger()
    assert registry.find("acme corp").location == acme.location
    assert "Remove the journal 'Globex'?" in said[0] and "journal.db" in said[0] and "Its backups (1) stay" in said[0]
    globex_folder = registry.journals_root() / "globex"
    assert not (globex_folder / "journal.db").exists() and len(list((globex_folder / "backups").iterdir())) == 1
    assert said[1] == "'My journal' is open: close its window first."
    assert [e.name for e in registry.entries()] == ["My journal", "Acme Corp"]


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_each_window_shows_times_on_its_own_journals_clock(qtbot: Any, app: Windows, journal: Journal) -> None:
    """Two clients' journals in two zones, side by side: a conversation at 12:00 UTC reads 13:00 in
    the Berlin journal's window and 07:00 in the New York one's, whichever window was used last, and
    the day a log dialog offers is typed on its own journal's clock too."""
    noon = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    journal.set_setting("timezone", "Europe/Berlin")
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary="Plans", occurred_at=noon))
    made = new_journal("New York client")
    with made.created.journal as other_journal:
        other_journal.set_setting("timezone", "America/New_York")
        bob = other_journal.add_person(PersonDraft("Bob Kahn"))
        other_journal.log_interaction(bob.id, InteractionDraft(Channel.email, summary="Plans", occurred_at=noon))
    berlin = first(app)

    def when(window: MainWindow, person_id: int) -> tuple[str, str]:
        window.open_person(person_id)
        page = window.person_page
        page.table.selectRow(0)
        return page.model.index(0, page.model.WHEN).data(), page.detail.toPlainText()

    qtbot.waitUntil(lambda: when(berlin, ada.id)[0] == "20 Nov 2026, 13:00")  # (it follows its settings)
    in_next_dialog(lambda dialog: (dialog.list.setCurrentRow(1), dialog.beside.click()), OpenJournalDialog)
    berlin.act_open_journal.trigger()
    qtbot.waitUntil(lambda: shown(app, made.entry) is not None, timeout=15_000)
    new_york = shown(app, made.entry)
    assert new_york is not None and berlin.isVisible()
    for _ in range(2):  # used in turn, each keeps its own clock
        assert when(new_york, bob.id)[0] == "20 Nov 2026, 07:00"
        assert "20 Nov 2026, 07:00" in when(new_york, bob.id)[1]
        assert when(berlin, ada.id)[0] == "20 Nov 2026, 13:00"
        assert "20 Nov 2026, 13:00" in when(berlin, ada.id)[1]
    berlin.show_timeline()  # the whole timeline (read in the background) too
    model = berlin.timeline_page.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.index(0, model.WHEN).data() == "20 Nov 2026, 13:00"
    new_york.close()  # the other window closing leaves this one's clock alone
    assert when(berlin, ada.id)[0] == "20 Nov 2026, 13:00"


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # (the dialog brought forward, offscreen)
def test_a_switch_never_closes_a_window_under_a_dialog_with_typed_text(
    qtbot: Any, app: Windows, sandbox: Sandbox
) -> None:
    """File → Open journal… → Acme, and while Acme opens, a new person begun in the first window: that
    window stays, with its dialog and what was typed, until the person is saved; then it closes."""
    from relationjournal.core.access import open_journal
    from relationjournal.ui.dialogs import PersonDialog

    acme = client("Acme", "Acme Person")
    old = first(app)
    seen: list[object] = []

    def write(dialog: PersonDialog) -> None:
        dialog.name.setText("Grace Hopper")
        qtbot.waitUntil(lambda: shown(app, acme) is not None, timeout=15_000)  # Acme is on screen meanwhile
        qtbot.wait(50)
        seen.extend([old.isVisible(), dialog.isVisible(), dialog.name.text(), old.statusBar().currentMessage()])
        dialog.accept()

    in_next_dialog(lambda dialog: (dialog.list.setCurrentRow(1), dialog.here.click()), OpenJournalDialog)
    old.act_open_journal.trigger()
    in_next_dialog(write, PersonDialog)
    old.act_add.trigger()  # (before Acme is shown: it opens after its window's first paint)
    assert seen[:3] == [True, True, "Grace Hopper"]
    assert "closes once you have finished with what is open here" in str(seen[3])
    qtbot.waitUntil(lambda: not old.isVisible() and [w for w, _ in app.open] == [shown(app, acme)])
    QThreadPool.globalInstance().waitForDone()
    with open_journal(sandbox.location) as mine:
        assert [p.display_name for p in mine.person_summaries(mine.person_ids())] == ["Grace Hopper"]


def test_recent_journals_newest_first_and_a_deleted_one_is_offered_to_forget(
    qtbot: Any, app: Windows, journal: Journal
) -> None:
    """File → Recent journals: the last opened first. One whose folder was deleted outside the app is
    said in a line, offered to be forgotten, and never opened as a new, empty journal in its place."""
    import shutil
    from datetime import timedelta

    acme, globex = client("Acme", "Acme Person"), client("Globex", "Globex Person")
    registry.touch(globex.location, now=datetime.now(UTC) - timedelta(days=2))
    registry.touch(acme.location, now=datetime.now(UTC) - timedelta(days=1))
    window = first(app)
    fill_recent(window)
    assert [a.text() for a in window.recent_menu.actions()] == ["My journal", "Acme", "Globex"]
    shutil.rmtree(globex.location.data_dir)
    said: list[str] = []

    def answer(dialog: Any) -> None:
        said.append(f"{dialog.text()}\n{dialog.informativeText()}" if isinstance(dialog, QMessageBox)
                    else type(dialog).__name__)  # fmt: skip
        if isinstance(dialog, QMessageBox):
            next(b for b in dialog.buttons() if b.text() == "&Forget it").click()
        else:
            dialog.reject()

    in_next_dialog(answer)
    next(a for a in window.recent_menu.actions() if a.text() == "Globex").trigger()
    qtbot.waitUntil(lambda: bool(said))
    assert said[0].splitlines()[0] == (
        f"Globex is no longer in {globex.location.data_dir}: it was moved or deleted outside the app.")  # fmt: skip
    assert "nothing is deleted" in said[0]
    assert [e.name for e in registry.entries()] == ["My journal", "Acme"]
    assert not globex.location.data_dir.exists() and [w for w, _ in app.open] == [window]
    assert window.isVisible() and window.journal is journal


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's own clock (TZ) in New York, for this process."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_backups_are_listed_on_the_journals_clock_not_the_computers(
    qtbot: Any, app: Windows, berlin: Journal, sandbox: Sandbox, machine_in_new_york: None
) -> None:
    """A Berlin client's journal on a computer in New York: File → Backups… says a backup made at 12:00
    UTC was made at 13:00, as every other time in that window, and so does Restore…'s question."""
    from relationjournal.core import backups
    from relationjournal.ui.care import BackupsDialog

    backups.backup_now(berlin, sandbox.location, now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    window = first(app)
    seen: dict[str, str] = {}

    def cancel(box: QMessageBox) -> None:
        seen["asked"] = box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()

    def look(dialog: BackupsDialog) -> None:
        item = dialog.tree.topLevelItem(dialog.tree.topLevelItemCount() - 1)  # the oldest (today's is newer)
        assert item is not None
        seen["made"] = item.text(0)
        dialog.tree.setCurrentItem(item)
        in_next_dialog(cancel, QMessageBox)
        dialog.restore.click()
        dialog.reject()

    in_next_dialog(look, BackupsDialog)
    window.act_backups.trigger()
    assert seen["made"] == "2026-11-20 13:00:00"  # (the computer's clock says 07:00)
    assert seen["asked"] == "Restore the backup made 2026-11-20 13:00:00?"


# Add an existing journal folder… ---------------------------------------------------------------------
def journal_folder(folder: Path, person: str) -> str | None:
    """A journal made in `folder` as `--data-dir` makes one, with one person in it; its recovery key."""
    from relationjournal.core.access import create_journal
    from relationjournal.core.locations import JournalLocation

    created = create_journal(JournalLocation(folder))
    with created.journal as made:
        made.add_person(PersonDraft(person))
    return created.recovery_key


def pick_folder(folder: Path) -> Any:
    """The user choosing `folder` in the folder picker."""

    def pick(dialog: QFileDialog) -> None:
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(folder))
        dialog.accept()

    return pick


def add_folder_in(windows: Windows, folder: Path, *then: tuple[type, Any], refused: bool = False) -> list[str]:
    """File → Open journal… → Add an existing journal folder…, choosing `folder`; each of `then` (a dialog's
    type and what the user does in it) answers the next dialog. When `refused`, the message box that says
    why is closed and its text returned."""
    said: list[str] = []

    def told(box: QMessageBox) -> None:
        said.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()

    steps = [(QFileDialog, pick_folder(folder)), *then, *([(QMessageBox, told)] if refused else [])]

    def chain(index: int) -> Any:
        def step(dialog: Any) -> None:
            if index + 1 < len(steps):
                in_next_dialog(chain(index + 1), steps[index + 1][0])
            steps[index][1](dialog)

        return step

    def open_dialog(dialog: OpenJournalDialog) -> None:
        in_next_dialog(chain(0), QFileDialog)
        dialog.add_folder.click()
        if dialog.isVisible():  # refused: the dialog stays, for another try
            dialog.reject()

    in_next_dialog(open_dialog, OpenJournalDialog)
    first(windows).act_open_journal.trigger()
    return said


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_an_existing_journal_folder_is_added_by_its_folders_name_and_opened(
    qtbot: Any, app: Windows, tmp_path: Path
) -> None:
    """A journal used with --data-dir ~/clients/acme: File → Open journal… → Add an existing journal
    folder… puts it on the list as 'acme' and switches to it, the folder staying where it is."""
    folder = tmp_path / "clients" / "acme"
    journal_folder(folder, "Ada Lovelace")
    mine = first(app)
    add_folder_in(app, folder)
    acme = registry.find("acme")
    assert acme.location.data_dir == folder.resolve()
    qtbot.waitUntil(lambda: shown(app, acme) is not None, timeout=15_000)
    window = shown(app, acme)
    assert window is not None and names(window) == ["Ada Lovelace"]
    assert window.windowTitle() == "acme — Relation Journal"
    qtbot.waitUntil(lambda: not mine.isVisible())  # a switch, as Open does
    assert [e.name for e in registry.entries()] == ["My journal", "acme"]


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_folder_with_no_journal_or_already_listed_is_refused_in_one_line_and_nothing_is_added(
    qtbot: Any, app: Windows, sandbox: Sandbox, tmp_path: Path
) -> None:
    empty = tmp_path / "photos"
    empty.mkdir()
    (empty / "journal.db").write_bytes(b"not really")  # no settings file beside it
    before = registry.entries()
    said = add_folder_in(app, empty, refused=True)
    assert said == [f"{empty} holds no whole journal: journal.meta.json is missing beside journal.db; "
                    "nothing was added."]  # fmt: skip
    spelt_otherwise = sandbox.data_dir / ".." / sandbox.data_dir.name  # this window's own folder
    said = add_folder_in(app, spelt_otherwise, refused=True)
    assert said == [f"{sandbox.data_dir} is already in your list as 'My journal'; nothing was added."]
    assert registry.entries() == before
    assert len(app.open) == 1 and first(app).journal is not None  # nothing switched


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_copied_folder_with_a_taken_name_is_renamed_then_opens_with_its_recovery_key_kept_here(
    qtbot: Any, app: Windows, tmp_path: Path
) -> None:
    """A client's folder copied from another computer, whose name is taken here: asked for a name, then
    for its recovery key (its key is in the other computer's keyring); a wrong key adds nothing, the right
    one opens it and stays in this keyring."""
    from relationjournal.core.locations import JournalLocation
    from relationjournal.core.vault import delete_key, load_key, read_meta

    client("Acme", "Someone Else")
    folder = tmp_path / "usb" / "acme"
    right = journal_folder(folder, "Ada Lovelace")
    meta = read_meta(JournalLocation(folder))
    assert right is not None and meta is not None
    delete_key(meta.journal_id)  # (this computer's keyring never held it)
    wrong = recovery_key(bytes(32))
    asked: list[str] = []
    errors: list[str] = []

    def named(dialog: QInputDialog) -> None:
        asked.append(dialog.labelText())
        assert dialog.textValue() == "acme"
        dialog.setTextValue("Acme (old laptop)")
        dialog.accept()

    def secret(dialog: SecretDialog) -> None:
        dialog.secret.setText(wrong)
        dialog.accept()
        errors.append(dialog.error.text())
        assert [e.name for e in registry.entries()] == ["My journal", "Acme"]
        dialog.secret.setText(right)
        dialog.accept()

    add_folder_in(app, folder, (QInputDialog, named), (SecretDialog, secret))
    added = registry.find("Acme (old laptop)")
    qtbot.waitUntil(lambda: shown(app, added) is not None, timeout=15_000)
    window = shown(app, added)
    assert window is not None and names(window) == ["Ada Lovelace"]
    assert asked == ["There is already a journal called 'Acme'; choose another name.\nIts name in your list:"]
    assert errors == ["That recovery key does not open this journal; nothing was added."]
    assert load_key(meta.journal_id).raw is not None  # opens from now on without the recovery key
