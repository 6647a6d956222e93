"""Importing other platforms' exports into the journal: the engine, the command line and File → Import…."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from relationjournal.core.errors import InvalidInput
from relationjournal.core.importing import plan_import
from relationjournal.core.journal import Journal
from relationjournal.core.progress import Cancelled
from relationjournal.core.records import PersonDraft
from relationjournal.core.vocabulary import Channel, Direction, Platform, ReminderKind
from relationjournal.ui.importing import ImportPreview
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.merge import DuplicatesDialog
from relationjournal.ui.qt import QApplication, QFileDialog, QInputDialog, QLineEdit, QMessageBox
from tests.conftest import run_cli
from tests.dialogs import in_next_dialog

DATA = Path(__file__).parent / "data" / "imports"
TABLES = ("person", "handle", "note", "interaction", "reminder", "person_tag", "tag", "import_source")


def counts(journal: Journal) -> dict[str, int]:
    with journal._reading() as session:
        return {table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in TABLES}


def copy_of(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return target


def entries(journal: Journal, name: str) -> list[Any]:
    person = journal.find_person(name)
    return [e.item for e in journal.timeline(person.id) if e.kind == "interaction"]


@pytest.fixture
def utc_journal(journal: Journal) -> Journal:
    journal.set_setting("timezone", "UTC")  # the times in conversation bodies, and their days
    return journal


# Each format ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("folder", "kinds", "new", "conversations"),
    [
        ("linkedin", ("linkedin",), 3, 6),
        ("linkedin-2019", ("linkedin",), 3, 2),  # Ada twice: connection and correspondent (suggested)
        ("x", ("x",), 3, 4),
        ("instagram", ("instagram",), 4, 0),
        ("facebook", ("facebook",), 6, 0),
        ("google", ("google",), 3, 0),
        ("google-2018", ("google",), 1, 0),
        ("vcard", ("vcard",), 4, 0),
    ],
)
def test_each_format_imports_as_downloaded(
    journal: Journal, folder: str, kinds: tuple[str, ...], new: int, conversations: int
) -> None:
    summary = journal.import_source(DATA / folder)
    assert summary.kinds == kinds and not summary.dry_run
    assert summary.people_new == new and journal.count_people() == new
    assert summary.conversations_added == conversations
    assert counts(journal)["interaction"] == conversations
    assert journal.integrity_problems() == []


def test_the_zip_as_downloaded_and_a_single_file_import_too(journal: Journal, tmp_path: Path) -> None:
    archive = tmp_path / "Basic_LinkedInDataExport_11-30-2026.zip"
    with zipfile.ZipFile(archive, "w") as made:
        for file in (DATA / "linkedin").iterdir():
            made.write(file, file.name)
    assert journal.import_source(archive).people_new == 3
    summary = journal.import_source(DATA / "vcard" / "contacts.vcf", kind="vcard")
    assert summary.people_new == 2 and summary.people_matched == 2  # Ada and Zoë, by e-mail and profile


def test_each_import_fills_in_what_the_export_says(utc_journal: Journal) -> None:
    journal = utc_journal
    journal.import_source(DATA / "linkedin")
    ada = journal.find_person("Ada Lovelace")
    assert (ada.organisation, ada.role) == ("Analytical Engines Ltd", "Head of Research")
    assert ada.how_we_met == "Connected on LinkedIn on 2024-03-15" and ada.source == "imported from LinkedIn"
    assert (Platform.linkedin, "https://www.linkedin.com/in/ada-lovelace-0815") in ada.handles
    journal.import_source(DATA / "vcard")
    max_ = journal.find_person("Max Mustermann")
    assert max_.remember == "Birthday: 7 March (year not known)"  # a birthday without a year is not made up
    assert (Platform.email, "max@example.com") in max_.handles
    journal.import_source(DATA / "x")
    x_person = journal.find_person("X account 2001")  # known only by its id: named so, with its link
    assert (Platform.x, "https://x.com/i/user/2001") in x_person.handles


# Idempotence ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("folder", ["linkedin", "x", "instagram", "facebook", "google", "vcard"])
def test_importing_the_same_export_again_adds_nothing(journal: Journal, folder: str) -> None:
    journal.import_source(DATA / folder)
    before = counts(journal)
    again = journal.import_source(DATA / folder)
    assert counts(journal) == before
    assert again.people_new == again.people_matched == again.conversations_added == again.messages_added == 0
    assert again.people_already_imported > 0


def test_a_newer_export_adds_only_what_is_new(utc_journal: Journal, tmp_path: Path) -> None:
    journal = utc_journal
    journal.import_source(DATA / "linkedin")
    before = counts(journal)
    newer = copy_of("linkedin", tmp_path)
    with (newer / "Connections.csv").open("a", encoding="utf-8") as connections:
        connections.write("Katherine,Johnson,https://www.linkedin.com/in/kjohnson,,NASA,Mathematician,01 Dec 2026\n")
    with (newer / "messages.csv").open("a", encoding="utf-8") as messages:
        messages.write(  # later on a day already imported, and on a new day
            "2-YWJj==,,Sam Owner,https://www.linkedin.com/in/sam-owner,Ada Lovelace,"
            "https://www.linkedin.com/in/ada-lovelace-0815,2023-06-11 16:00:00 UTC,,See you there!,SENT,,No,No\n"
            "2-YWJj==,,Ada Lovelace,https://www.linkedin.com/in/ada-lovelace-0815,Sam Owner,"
            "https://www.linkedin.com/in/sam-owner,2023-07-01 09:30:00 UTC,,Great talk.,INBOX,,No,No\n"
        )
    summary = journal.import_source(newer)
    assert (summary.people_new, summary.people_already_imported) == (1, 3)
    assert (summary.conversations_added, summary.conversations_extended, summary.messages_added) == (1, 1, 2)
    after = counts(journal)
    assert after["person"] == before["person"] + 1 and after["interaction"] == before["interaction"] + 1
    bodies = [entry.body for entry in entries(journal, "Ada Lovelace")]
    assert "15:33 Ada: Thanks for the intro!\nSee you at the conference.\n16:00 Me: See you there!" in bodies
    assert "09:30 Ada: Great talk." in bodies
    assert journal.import_source(newer).messages_added == 0


# Matching ----------------------------------------------------------------------------------------------------
def test_a_strong_key_joins_an_existing_person_and_fills_only_empty_fields(journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada L.", role="Countess", handles=((Platform.email, "ADA@example.org"),)))
    zoe = journal.add_person(PersonDraft("Zoë", handles=((Platform.x, "https://x.com/Zoe_M"),)))
    summary = journal.import_source(DATA / "google")
    assert summary.people_matched == 2 and summary.matched_by == {"e-mail": 1, "X account": 1}
    assert summary.people_new == 1 and journal.count_people() == 3  # only the bakery is new
    after = journal.person(ada.id)
    assert after.display_name == "Ada L." and after.role == "Countess"  # what the user wrote stays
    assert after.organisation == "Analytical Engines Ltd"  # an empty field is filled in
    assert (Platform.phone, "+44 20 7946 0000") in after.handles and len(after.handles) > 2
    assert journal.person(zoe.id).birthday is not None and journal.person(zoe.id).display_name == "Zoë"
    assert summary.fields_filled["organisation"] == 1


def test_similar_names_are_only_suggested_never_joined(journal: Journal) -> None:
    journal.add_person(PersonDraft("Zoe Muller"))
    journal.add_person(PersonDraft("Dupont Renée"))
    journal.add_person(PersonDraft("openbakery"))  # the same as an Instagram user name: not a real name
    summary = journal.import_source(DATA / "facebook")
    reasons = {(s.imported, s.existing): s.reason for s in summary.suggestions}
    assert reasons[("Zoë Müller", "Zoe Muller")] == "same name ignoring accents"
    assert reasons[("Renée Dupont", "Dupont Renée")] == "same name in another order"
    assert summary.people_matched == 0 and journal.count_people() == 3 + 6
    instagram = journal.import_source(DATA / "instagram")
    assert instagram.suggestions_total == 0 and instagram.people_new == 4


# New followers ----------------------------------------------------------------------------------------------
def test_a_later_followers_list_welcomes_only_the_new_followers(journal: Journal, tmp_path: Path) -> None:
    first = journal.import_source(DATA / "x")
    assert first.new_followers == first.welcome_reminders == 0  # a first list: thousands of welcomes help no one
    assert not [r for r in journal.reminders() if r.kind is ReminderKind.welcome]
    newer = copy_of("x", tmp_path)
    follower = newer / "data" / "follower.js"
    follower.write_text(
        follower.read_text(encoding="utf-8").replace('"accountId" : "2001"', '"accountId" : "2003"'), encoding="utf-8"
    )
    second = journal.import_source(newer)
    assert (second.new_followers, second.welcome_reminders, second.no_longer_following) == (1, 1, 1)
    [welcome] = [r for r in journal.reminders() if r.kind is ReminderKind.welcome]
    assert welcome.person_name == "X account 2003"
    assert journal.import_source(newer).new_followers == 0  # the same list again: nobody new


def test_a_new_follower_not_yet_in_the_journal_comes_in_as_a_new_follower(journal: Journal, tmp_path: Path) -> None:
    journal.import_source(DATA / "instagram")
    newer = copy_of("instagram", tmp_path)
    followers = newer / "connections" / "followers_and_following" / "followers_2.json"
    data = json.loads(followers.read_text(encoding="utf-8"))
    data.append({"title": "", "media_list_data": [], "string_list_data": [
        {"href": "https://www.instagram.com/noor.a", "value": "noor.a", "timestamp": 1764460800}]})  # fmt: skip
    followers.write_text(json.dumps(data), encoding="utf-8")
    summary = journal.import_source(newer)
    assert summary.people_new == 1 and summary.new_followers == 1
    noor = journal.find_person("noor.a")
    assert noor.source == "new follower on Instagram"
    assert [r.person_name for r in journal.reminders() if r.kind is ReminderKind.welcome] == ["noor.a"]


# Conversations --------------------------------------------------------------------------------------------
def test_messages_become_one_entry_per_conversation_person_and_day_with_direction(utc_journal: Journal) -> None:
    journal = utc_journal
    journal.import_source(DATA / "linkedin")
    [group] = entries(journal, "Grace Hopper")
    assert group.body == "12:00 Grace: Shall we meet on Friday?\n13:00 Me: Friday works. 3 < 4, and a bold plan"
    assert group.summary == "Project group: Shall we meet on Friday?"
    assert group.direction is Direction.incoming and group.channel is Channel.linkedin
    zoe = entries(journal, "Zoë Müller")
    assert group.body in [entry.body for entry in zoe]  # a group conversation is on each participant's timeline
    ada = {entry.summary: entry for entry in entries(journal, "Ada Lovelace")}
    assert ada["Introduction"].direction is Direction.outgoing
    assert ada["Introduction"].body == "09:00 Me: Hi Ada,\n\nmeet Grace & co. here"
    assert journal.find_person("Zoë Müller").last_contact.isoformat() == "2024-02-03T10:00:00+00:00"
    assert [hit.person_name for hit in journal.search("conference")] == ["Ada Lovelace"]


def test_x_direct_messages_take_their_direction_from_the_account(utc_journal: Journal) -> None:
    journal = utc_journal
    journal.import_source(DATA / "x")
    one = {entry.body: entry for entry in entries(journal, "X account 2001")}
    assert one["18:00 Me: Hi! Loved your talk."].direction is Direction.outgoing
    assert one["09:15 X account 2001: Tea & cake on Monday?"].direction is Direction.incoming
    assert all(entry.channel is Channel.x for entry in one.values())


def test_the_owner_chosen_in_the_preview_sets_the_direction(journal: Journal) -> None:
    plan = plan_import(journal, DATA / "linkedin-2019")
    [owner] = plan.owners
    assert owner.name == "Sam Owner" and not owner.certain
    ada_key = next(key for key, name in owner.candidates if name == "Ada Lovelace")
    journal.import_source(DATA / "linkedin-2019", owners={"linkedin": ada_key})
    assert journal.find_person("Sam Owner")  # Ada said to be the owner: Sam is the one written to


# Dry run, cancel, bad input --------------------------------------------------------------------------------
def test_a_dry_run_says_what_the_import_does_and_changes_nothing(journal: Journal) -> None:
    journal.add_person(PersonDraft("Zoe Muller"))
    before = counts(journal)
    plan = plan_import(journal, DATA / "linkedin")
    assert counts(journal) == before and plan.dry_run
    assert plan.preview[0].name == "Ada Lovelace" and plan.preview[0].outcome == "new"
    done = journal.import_source(DATA / "linkedin")
    written = done.as_json()
    written["suggested_duplicates"] = [{**s, "imported_id": None} for s in written["suggested_duplicates"]]
    assert {**written, "dry_run": True} == plan.as_json()  # the plan is what the import does


def test_cancel_leaves_the_journal_as_it_was(journal: Journal) -> None:
    journal.import_source(DATA / "google")
    before = counts(journal)

    def cancel(done: int, total: int, what: str) -> None:
        raise Cancelled("Cancelled: nothing was changed.")

    with pytest.raises(Cancelled):
        journal.import_source(DATA / "linkedin", progress=cancel)
    assert counts(journal) == before


def test_a_malformed_file_is_one_line_and_nothing_is_written(journal: Journal, tmp_path: Path) -> None:
    broken = copy_of("x", tmp_path)
    messages = broken / "data" / "direct-messages.js"
    messages.write_text(messages.read_text(encoding="utf-8")[:300], encoding="utf-8")  # cut off
    with pytest.raises(InvalidInput) as error:
        journal.import_source(broken)  # the followers are read (and written) before the cut is met
    assert "direct-messages.js" in str(error.value) and "\n" not in str(error.value)
    assert counts(journal) == dict.fromkeys(TABLES, 0)


# The command line -------------------------------------------------------------------------------------------
def test_the_import_command_for_each_format_dry_run_json_and_bad_input(tmp_path: Path) -> None:
    assert run_cli("init").returncode == 0
    dry = run_cli("import", str(DATA / "linkedin"), "--dry-run")
    assert dry.returncode == 0 and "People new: 3" in dry.stdout and "Dry run: nothing was changed." in dry.stdout
    assert "Sam Owner" in dry.stdout and "Skipped: 3" in dry.stdout
    assert json.loads(run_cli("person", "list", "--format", "json").stdout) == []
    for folder, new in (("linkedin", 3), ("x", 3), ("instagram", 4), ("facebook", 6), ("google", 2), ("vcard", 2)):
        done = run_cli("import", str(DATA / folder), "--format", "json", "--tag", "imported")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["people_new"] == new, folder
    again = json.loads(run_cli("import", str(DATA / "linkedin"), "--format", "json").stdout)
    assert again["people_new"] == 0 and again["people_already_imported"] == 3
    people = json.loads(run_cli("person", "list", "--format", "json").stdout)
    assert all("imported" in p["tags"] for p in people)
    wrong = run_cli("import", str(DATA / "x"), "--from", "linkedin")
    assert wrong.returncode == 1 and wrong.stderr.strip() == "relationjournal: x: no linkedin export in it."
    not_one = tmp_path / "notes.txt"
    not_one.write_text("just some text\n", encoding="utf-8")
    bad = run_cli("import", str(not_one))
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    assert "notes.txt: not an export" in bad.stderr
    assert run_cli("import").returncode == 2
    assert json.loads(run_cli("person", "list", "--format", "json").stdout) == people


# The app -----------------------------------------------------------------------------------------------------
def test_file_import_shows_a_preview_then_imports_and_offers_the_duplicates(
    qtbot: Any, window: MainWindow, journal: Journal
) -> None:
    journal.add_person(PersonDraft("Zoe Muller"))
    seen: dict[str, Any] = {}

    def what(dialog: QInputDialog) -> None:
        dialog.setTextValue(dialog.comboBoxItems()[0])  # an export: a .zip or a file
        dialog.accept()

    def choose(dialog: QFileDialog) -> None:
        # typed, as a user would (selectFile leaves the name field alone while it has the focus)
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(DATA / "vcard" / "contacts.vcf"))
        dialog.accept()

    def preview(dialog: ImportPreview) -> None:
        seen["found"] = dialog.found.text()
        seen["details"] = dialog.details.toPlainText()
        seen["rows"] = [dialog.rows.topLevelItem(i).text(1) for i in range(dialog.rows.topLevelItemCount())]
        assert journal.count_people() == 1  # the preview changed nothing
        dialog.tag.setText("from-phone")
        dialog.import_button.click()

    def done(box: QMessageBox) -> None:
        seen["summary"] = box.text()
        [review] = [b for b in box.buttons() if b.text() == "&Review possible duplicates…"]
        in_next_dialog(lambda d: (seen.setdefault("duplicates", d), d.reject()), DuplicatesDialog)
        review.click()

    in_next_dialog(what, QInputDialog)
    in_next_dialog(choose, QFileDialog)
    in_next_dialog(preview, ImportPreview)
    in_next_dialog(done, QMessageBox)
    window.act_import.trigger()
    qtbot.waitUntil(lambda: "duplicates" in seen, timeout=20_000)
    assert seen["found"].startswith("Found in contacts.vcf: vCard, 6 records.")
    assert "People new: 4" in seen["details"] and "Zoë Müller may be Zoe Muller" in seen["details"]
    assert seen["rows"][:2] == ["Zoë Müller", "Ada Lovelace"]
    assert "Imported contacts.vcf." in seen["summary"] and "People new: 4" in seen["summary"]
    assert journal.count_people() == 5
    assert "from-phone" in journal.find_person("Max Mustermann").tags
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=10_000)


def test_a_preview_cancelled_imports_nothing_and_a_drop_opens_it(
    qtbot: Any, window: MainWindow, journal: Journal
) -> None:
    from relationjournal.ui.qt import QDragEnterEvent, QDropEvent, QMimeData, QPointF, Qt, QUrl

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(DATA / "facebook"))])
    seen: list[str] = []
    in_next_dialog(lambda d: (seen.append(d.found.text()), d.reject()), ImportPreview)
    point = QPointF(20, 20)
    action, button, keys = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point.toPoint(), action, mime, button, keys)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    window.dropEvent(QDropEvent(point, action, mime, button, keys))  # as Qt delivers a folder dropped on the window
    qtbot.waitUntil(lambda: bool(seen) and QApplication.activeModalWidget() is None, timeout=20_000)
    assert seen[0].startswith("Found in facebook: Facebook")
    assert journal.count_people() == 0
    assert window.statusBar().currentMessage() == "Import cancelled: nothing was changed."
