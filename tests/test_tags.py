"""Tags: list, rename, merge, delete and their stay-in-touch cadence, in the service, the CLI and the app."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from relationjournal.core.errors import InvalidInput, NotFound
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft, TagRecord
from relationjournal.core.vocabulary import Channel, ReminderKind
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    Qt,
    QTimer,
)
from relationjournal.ui.tags import EMPTY_TEXT, CadenceBox, TagManagerDialog
from tests.conftest import run_cli

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning, outside quiet hours


def people_with_tags(journal: Journal) -> dict[str, tuple[str, ...]]:
    return {p.display_name: p.tags for p in journal.list_people()}


def table(journal: Journal) -> list[tuple[str, int | None, int]]:
    return [(t.name, t.cadence_days, t.people) for t in journal.tags()]


@pytest.fixture
def tagged(journal: Journal) -> Journal:
    """Ada: client, friend; Bo: Clients; Cy: friend (own cadence 10); Di: no tags. Reminders in UTC."""
    journal.set_setting("timezone", "UTC")
    journal.add_person(PersonDraft("Ada", tags=("client", "friend")), now=START)
    journal.add_person(PersonDraft("Bo", tags=("Clients",)), now=START)
    journal.add_person(PersonDraft("Cy", tags=("friend",), cadence_days=10), now=START)
    journal.add_person(PersonDraft("Di"), now=START)
    return journal


# The service ------------------------------------------------------------------------------------
def test_tags_lists_every_tag_with_its_cadence_and_how_many_carry_it(tagged: Journal) -> None:
    tagged.set_tag_cadence("friend", 30)
    ada = tagged.find_person("Ada")
    tagged.edit_person(ada.id, remove_tags=["client"])  # nobody carries "client" now; the tag stays
    records = tagged.tags()
    assert all(isinstance(t, TagRecord) for t in records)
    assert table(tagged) == [("client", None, 0), ("Clients", None, 1), ("friend", 30, 2)]


def test_a_cadence_is_set_and_cleared_in_any_letter_case_and_bad_values_change_nothing(tagged: Journal) -> None:
    assert tagged.set_tag_cadence("  FRIEND ", 21) == TagRecord(tagged.tags()[2].id, "friend", 21, 2)
    for bad in (0, 3661, "often", -3):
        with pytest.raises(InvalidInput, match="^cadence: "):
            tagged.set_tag_cadence("friend", bad)  # type: ignore[arg-type]
    with pytest.raises(NotFound) as unknown:
        tagged.set_tag_cadence("family", 7)
    assert str(unknown.value) == "There is no tag called 'family'."
    assert table(tagged)[2] == ("friend", 21, 2)
    assert tagged.set_tag_cadence("friend", None).cadence_days is None


def test_rename_keeps_people_and_cadence_and_may_change_only_the_letter_case(tagged: Journal) -> None:
    tagged.set_tag_cadence("friend", 30)
    renamed = tagged.rename_tag("FRIEND", " Friends ")
    assert (renamed.name, renamed.cadence_days, renamed.people) == ("Friends", 30, 2)
    assert tagged.rename_tag("friends", "FRIENDS").name == "FRIENDS"  # letter case only: the same tag
    assert people_with_tags(tagged) == {"Ada": ("client", "FRIENDS"), "Bo": ("Clients",), "Cy": ("FRIENDS",),
                                        "Di": ()}  # fmt: skip
    assert [p.display_name for p in tagged.list_people(tag="friends")] == ["Ada", "Cy"]


def test_rename_onto_another_tag_is_refused_and_points_to_merge(tagged: Journal) -> None:
    before = table(tagged)
    with pytest.raises(InvalidInput) as taken:
        tagged.rename_tag("Clients", "CLIENT")
    assert str(taken.value) == "tag: there is already a tag called 'client'; merge 'Clients' into it instead."
    for bad, message in (("", "must not be empty"), ("a, b", "commas"), ("two\nlines", "line breaks")):
        with pytest.raises(InvalidInput, match=message):
            tagged.rename_tag("client", bad)
    with pytest.raises(NotFound, match="^There is no tag called 'nope'.$"):
        tagged.rename_tag("nope", "yes")
    with pytest.raises(InvalidInput, match="^tag: name a tag.$"):
        tagged.rename_tag("  ", "yes")
    assert table(tagged) == before


def test_merge_links_everyone_once_and_keeps_the_target_cadence_or_takes_the_shortest(tagged: Journal) -> None:
    tagged.set_tag_cadence("friend", 30)
    tagged.set_tag_cadence("Clients", 14)
    merged = tagged.merge_tags(["friend", "Clients", "client"], "CLIENT")  # the target among the sources: ignored
    assert (merged.name, merged.cadence_days, merged.people) == ("client", 14, 3)  # it had none: the shortest
    assert table(tagged) == [("client", 14, 3)]
    assert people_with_tags(tagged) == {"Ada": ("client",), "Bo": ("client",), "Cy": ("client",), "Di": ()}

    tagged.edit_person(tagged.find_person("Di").id, add_tags=["vip"])
    tagged.set_tag_cadence("vip", 90)
    assert tagged.merge_tags(["client"], "vip").cadence_days == 90  # the target's own cadence stays


def test_a_merge_that_fails_changes_nothing(tagged: Journal) -> None:
    before, people = table(tagged), people_with_tags(tagged)
    with pytest.raises(NotFound, match="^There is no tag called 'nope'.$"):
        tagged.merge_tags(["Clients", "nope"], "client")  # the first source was fine: still nothing done
    with pytest.raises(NotFound, match="'nowhere'"):
        tagged.merge_tags(["Clients"], "nowhere")
    with pytest.raises(InvalidInput, match="^tag: name at least one other tag to merge into 'client'.$"):
        tagged.merge_tags(["CLIENT"], "client")
    assert table(tagged) == before and people_with_tags(tagged) == people


def test_delete_removes_the_tag_from_people_who_stay(tagged: Journal) -> None:
    tagged.set_tag_cadence("friend", 30)
    gone = tagged.delete_tag("Friend")
    assert (gone.name, gone.cadence_days, gone.people) == ("friend", 30, 2)  # as it was
    assert people_with_tags(tagged) == {"Ada": ("client",), "Bo": ("Clients",), "Cy": (), "Di": ()}
    assert tagged.count_people() == 4 and tagged.tag_names() == ["client", "Clients"]
    with pytest.raises(NotFound, match="^There is no tag called 'friend'.$"):
        tagged.delete_tag("friend")


def nudged(journal: Journal, now: datetime) -> list[str]:
    """The stay-in-touch nudges showing at `now`, by name."""
    due = journal.due_reminders(now=now)
    return sorted(d.reminder.person_name or "" for d in due if d.reminder.kind is ReminderKind.stay_in_touch)


def test_a_tag_cadence_brings_its_people_due_and_clearing_it_stops_the_nudge(tagged: Journal) -> None:
    later = START + timedelta(days=8)
    assert nudged(tagged, later) == []  # no cadence anywhere: nobody is due
    tagged.set_tag_cadence("client", 7)
    assert nudged(tagged, later) == ["Ada"]
    tagged.set_tag_cadence("client", None)
    assert nudged(tagged, later) == []  # the nudge already made goes with the cadence
    tagged.set_tag_cadence("client", 7)
    assert nudged(tagged, later) == ["Ada"]  # and comes back with it

    tagged.set_tag_cadence("client", 30)  # a longer cadence: not due yet, then due with the new wording
    assert nudged(tagged, later) == []
    month = START + timedelta(days=31)
    texts = {d.reminder.person_name: d.reminder.text for d in tagged.due_reminders(now=month)}
    assert texts == {"Ada": "Stay in touch with Ada: it has been over 1 month.",
                     "Cy": "Stay in touch with Cy: it has been over 10 days."}  # her own cadence  # fmt: skip

    def nudge_ids() -> dict[str, int]:
        return {d.reminder.person_name or "": d.reminder.id for d in tagged.due_reminders(now=month)}

    cy_nudge = nudge_ids()["Cy"]
    tagged.set_tag_cadence("friend", 5)  # Ada: the shortest of her tags' counts; Cy's own 10 days win
    assert nudged(tagged, START + timedelta(days=6)) == ["Ada"]
    tagged.set_tag_cadence("friend", None)
    assert nudged(tagged, START + timedelta(days=6)) == []
    assert nudge_ids()["Cy"] == cy_nudge  # hers still answers her own cadence: it was left alone


def test_merging_or_deleting_a_cadence_tag_settles_the_nudges_it_made(tagged: Journal) -> None:
    tagged.set_tag_cadence("Clients", 7)
    later = START + timedelta(days=8)
    assert nudged(tagged, later) == ["Bo"]
    tagged.merge_tags(["Clients"], "client")  # "client" had none: it takes 7 days, so Bo stays due
    assert nudged(tagged, later) == ["Ada", "Bo"]
    tagged.delete_tag("client")
    assert nudged(tagged, later) == []
    bo = tagged.find_person("Bo")
    tagged.edit_person(bo.id, add_tags=["client"])
    tagged.set_tag_cadence("client", 7)
    tagged.log_interaction(bo.id, InteractionDraft(Channel.phone, occurred_at=START + timedelta(days=2)))
    assert nudged(tagged, later) == []  # 6 days since they talked: not yet
    assert nudged(tagged, START + timedelta(days=9, hours=1)) == ["Bo"]


# The command line -------------------------------------------------------------------------------
def cli_ok(*args: str) -> str:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def cli_error(*args: str, code: int = 1) -> str:
    result = run_cli(*args)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_the_tag_commands_end_to_end() -> None:
    cli_ok("init")
    assert cli_ok("tag", "list") == (
        "No tags yet. Tag people as you add or edit them: relationjournal person edit PERSON --tag TAG\n"
    )
    cli_ok("person", "add", "Ada", "--tag", "client", "--tag", "\x1b]52;c;aGk=\x07red")
    cli_ok("person", "add", "Bo", "--tag", "Clients", "--tag", "client")

    listed = cli_ok("tag", "list")
    assert "\x1b" not in listed and "\\x1b]52;c;aGk=\\x07red" in listed  # shown, not acted on
    assert listed.splitlines()[0].split() == ["tag", "people", "stay", "in", "touch"]
    raw = json.loads(cli_ok("tag", "list", "--format", "json"))
    assert [(t["name"], t["people"], t["cadence_days"]) for t in raw] == [
        ("\x1b]52;c;aGk=\x07red", 1, None), ("client", 2, None), ("Clients", 1, None)]  # fmt: skip

    out = cli_ok("tag", "cadence", "CLIENT", "14")
    assert out == ("Stay in touch every 14 days with the people tagged 'client' (2 people carry it), unless they "
                   "have a cadence of their own.\n")  # fmt: skip
    assert "every 14 days" in cli_ok("tag", "list").splitlines()[2]
    for bad in ("0", "x", "3661", ""):
        assert "or off" in cli_error("tag", "cadence", "client", bad, code=2)
    assert (
        cli_ok("tag", "cadence", "client", "off") == "The tag 'client' no longer sets a cadence (2 people carry it).\n"
    )

    assert cli_error("tag", "rename", "Clients", "CLIENT") == (
        "relationjournal: tag: there is already a tag called 'client'; merge 'Clients' into it instead."
    )
    assert cli_error("tag", "rename", "nope", "x") == "relationjournal: There is no tag called 'nope'."
    assert cli_error("tag", "rename", "client", "a,b").startswith("relationjournal: tag: 'a,b' may not contain")
    cli_ok("tag", "cadence", "Clients", "30")
    assert cli_ok("tag", "merge", "Clients", "--into", "client") == (
        "Merged into 'client': 2 people carry it, to stay in touch every 30 days.\n"
    )
    assert cli_error("tag", "merge", "client", "--into", "nowhere") == (
        "relationjournal: There is no tag called 'nowhere'."
    )
    assert run_cli("tag", "merge", "client").returncode == 2  # --into is required
    assert (
        cli_ok("tag", "rename", "client", "Customers")
        == "Renamed the tag 'client' to 'Customers'; 2 people carry it.\n"
    )
    assert cli_ok("tag", "delete", "customers") == (
        "Deleted the tag 'Customers'; 2 people carried it, and they stay in the journal.\n"
    )
    assert cli_error("tag", "delete", "customers") == "relationjournal: There is no tag called 'customers'."
    people = json.loads(cli_ok("person", "list", "--format", "json"))
    assert [(p["display_name"], p["tags"]) for p in people] == [("Ada", ["\x1b]52;c;aGk=\x07red"]), ("Bo", [])]


# The app ----------------------------------------------------------------------------------------
def shown_rows(dialog: TagManagerDialog) -> list[list[str]]:
    """The table as the user sees it."""
    model = dialog.model
    return [[model.index(row, column).data() for column in range(3)] for row in range(model.rowCount())]


def answer_next_input_dialog(qtbot, *, text: str | None = None, choose: str | None = None) -> dict[str, str]:
    """Answer the next modal QInputDialog as a user would: type `text` (or pick `choose`), then OK."""
    seen: dict[str, str] = {}

    def look(left: int) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            if left:
                QTimer.singleShot(10, lambda: look(left - 1))
            return
        seen["title"], seen["label"] = dialog.windowTitle(), dialog.findChild(QLabel).text()
        if text is not None:
            edit = dialog.findChild(QLineEdit)
            qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            qtbot.keyClicks(edit, text)
        if choose is not None:
            combo = dialog.findChild(QComboBox)
            seen["choices"] = ", ".join(combo.itemText(i) for i in range(combo.count()))
            qtbot.keyClicks(combo, choose)
        seen["answer"] = dialog.textValue()
        ok = dialog.findChild(QDialogButtonBox).buttons()
        next(b for b in ok if b.text() not in ("&Cancel",)).click()

    QTimer.singleShot(0, lambda: look(300))
    return seen


def answer_next_message_box(button: QMessageBox.StandardButton) -> dict[str, str]:
    seen: dict[str, str] = {}

    def look(left: int) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen["text"], seen["button"] = box.text(), box.button(button).text()
            box.button(button).click()
        elif left:
            QTimer.singleShot(10, lambda: look(left - 1))

    QTimer.singleShot(0, lambda: look(300))
    return seen


def open_manager(qtbot, journal: Journal, window: MainWindow) -> TagManagerDialog:
    """As the main window's "Manage tags…" action does: the dialog on the journal, the window its parent."""
    dialog = TagManagerDialog(journal, window)
    qtbot.addWidget(dialog)
    dialog.open()  # modal, as `exec` shows it, without blocking the test
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def open_cadence_editor(qtbot, dialog: TagManagerDialog) -> CadenceBox:
    """Press F2 on the table: the selected row's cadence opens in a spin box."""
    qtbot.keyClick(dialog.table, Qt.Key.Key_F2)
    editors = [box for box in dialog.table.findChildren(CadenceBox) if box.isVisible()]  # (not one closing)
    assert len(editors) == 1 and editors[0].hasFocus()
    return editors[0]


def click_row(qtbot, dialog: TagManagerDialog, row: int, column: int = 0) -> None:
    rect = dialog.table.visualRect(dialog.model.index(row, column))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_tag_manager_sets_a_cadence_renames_merges_and_deletes(qtbot, window: MainWindow, tagged: Journal) -> None:
    dialog = open_manager(qtbot, tagged, window)
    assert dialog.parent() is window and not dialog.empty.isVisible()
    assert shown_rows(dialog) == [["client", "1", "none"], ["Clients", "1", "none"], ["friend", "2", "none"]]
    buttons = [dialog.rename_button, dialog.merge_button, dialog.delete_button, dialog.close_button]
    assert all("&" in b.text() for b in buttons)  # every button has a mnemonic

    # A cadence, typed into the spin box F2 opens on the selected row, and Enter.
    click_row(qtbot, dialog, 2)
    box = open_cadence_editor(qtbot, dialog)
    with qtbot.waitSignal(dialog.tags_changed):
        qtbot.keyClicks(box, "30")
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert shown_rows(dialog)[2] == ["friend", "2", "30 days"]
    assert table(tagged)[2] == ("friend", 30, 2)
    assert "Ada" in nudged(tagged, START + timedelta(days=31))
    box = open_cadence_editor(qtbot, dialog)  # blank means none
    with qtbot.waitSignal(dialog.tags_changed):
        qtbot.keyClick(box, Qt.Key.Key_Backspace)
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert shown_rows(dialog)[2] == ["friend", "2", "none"] and table(tagged)[2] == ("friend", None, 2)

    # Rename, answering the input dialog; onto another tag's name it is refused in the error line.
    click_row(qtbot, dialog, 1)
    asked = answer_next_input_dialog(qtbot, text="client")
    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert asked["label"] == "New name for the tag “Clients”:"
    assert dialog.error.isVisible()
    assert dialog.error.text() == "tag: there is already a tag called 'client'; merge 'Clients' into it instead."
    asked = answer_next_input_dialog(qtbot, text="Customers")
    with qtbot.waitSignal(dialog.tags_changed):
        qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    assert not dialog.error.isVisible()
    assert shown_rows(dialog) == [["client", "1", "none"], ["Customers", "1", "none"], ["friend", "2", "none"]]
    assert [t.name for t in dialog.selected()] == ["Customers"]  # still selected after the reload
    assert people_with_tags(tagged)["Bo"] == ("Customers",)

    # Merge the selected tag into one picked from the others.
    asked = answer_next_input_dialog(qtbot, choose="client")
    with qtbot.waitSignal(dialog.tags_changed):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert asked["choices"] == "client, friend"
    assert shown_rows(dialog) == [["client", "2", "none"], ["friend", "2", "none"]]
    assert people_with_tags(tagged) == {"Ada": ("client", "friend"), "Bo": ("client",), "Cy": ("friend",),
                                        "Di": ()}  # fmt: skip

    # Delete, after a confirmation that says how many people carry it; Cancel keeps it.
    click_row(qtbot, dialog, 1)
    said = answer_next_message_box(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert said["text"] == "Delete the tag “friend”? 2 people carry it; they stay in your journal, without this tag."
    assert len(shown_rows(dialog)) == 2
    said = answer_next_message_box(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.tags_changed):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert said["button"] == "&Delete tag"
    assert shown_rows(dialog) == [["client", "2", "none"]]
    assert people_with_tags(tagged) == {"Ada": ("client",), "Bo": ("client",), "Cy": (), "Di": ()}

    said = answer_next_message_box(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.tags_changed):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.empty.isVisible() and not dialog.table.isVisible()
    assert dialog.empty.text() == EMPTY_TEXT
    assert not dialog.rename_button.isEnabled() and not dialog.merge_button.isEnabled()
    assert tagged.tags() == [] and tagged.count_people() == 4

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_tag_manager_on_a_journal_without_tags_invites_tagging(qtbot, window: MainWindow, journal: Journal) -> None:
    dialog = open_manager(qtbot, journal, window)
    assert dialog.empty.isVisible() and dialog.empty.text() == EMPTY_TEXT
    assert not dialog.table.isVisible()
    assert not any(b.isEnabled() for b in (dialog.rename_button, dialog.merge_button, dialog.delete_button))
