"""Merging duplicate people: nothing is lost, values not kept go into a note; finding possible duplicates."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from relationjournal.core.changes import Change
from relationjournal.core.errors import InvalidInput, NotFound
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft, ReflectionDraft
from relationjournal.core.vocabulary import Channel, Platform, ReminderKind, ReminderState, Status
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.merge import DuplicatesDialog, MergeDialog
from relationjournal.ui.qt import QMessageBox, QRadioButton, Qt
from tests.conftest import run_cli
from tests.dialogs import MessageBoxes, in_next_dialog

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def everything_of(journal: Journal, person_id: int) -> dict[str, Any]:
    """What the journal holds about a person, as counts and sets a user would check."""
    entries = journal.timeline(person_id, limit=10_000)
    person = journal.person(person_id)
    return {
        "conversations": sorted(e.item.summary for e in entries if e.kind == "interaction"),
        "notes": sorted(e.item.body for e in entries if e.kind == "note"),
        "reminders": sorted(r.text for r in journal.reminders(include_closed=True) if r.person_id == person_id),
        "programmes": sorted(m.programme for m in journal.memberships(person_id)),
        "reflections": sorted(r.feeling for r in journal.reflections() if r.person_id == person_id),
        "handles": set(person.handles),
        "tags": set(person.tags),
    }


@pytest.fixture
def zoes(journal: Journal) -> tuple[int, int]:
    keep = journal.add_person(
        PersonDraft("Zoë Müller", organisation="Acme", pronouns="she/her", remember="Her cat is called Miso",
                    handles=((Platform.email, "zoe@example.org"), (Platform.x, "@zoe")), tags=("client", "friend")),
        now=START,
    ).id  # fmt: skip
    other = journal.add_person(
        PersonDraft("Zoe Muller", organisation="Acme Translations Ltd", role="Editor", birthday=date(1990, 3, 7),
                    remember="Allergic to peanuts\nPrefers mornings", cadence_days=30,
                    handles=((Platform.email, "ZOE@example.org"), (Platform.linkedin, "zoe-muller")),
                    tags=("Client", "translator")),
        now=START + timedelta(days=1),
    ).id  # fmt: skip

    def talk(person_id: int, days: int, channel: Channel, summary: str, **more: Any) -> None:
        draft = InteractionDraft(channel, occurred_at=START + timedelta(days=days), summary=summary, **more)
        journal.log_interaction(person_id, draft, now=START)

    talk(keep, 2, Channel.email, "Sent the contract")
    talk(other, 9, Channel.linkedin, "Talked about the Lisbon marmalade festival", follow_up_on=date(2026, 2, 1))
    talk(other, 5, Channel.meeting, "Coffee")
    journal.add_note(keep, "Likes green tea", now=START)
    journal.add_note(other, "Moving to Porto in spring", pinned=True, now=START)
    journal.add_membership(other, "Translators circle", date(2026, 1, 10), review_on=date(2026, 4, 1))
    check = journal.add_reminder(ReminderKind.custom, START + timedelta(days=20), "Ask about Porto", person_id=other)
    journal.add_reminder(ReminderKind.custom, START + timedelta(days=21), "Send the book", person_id=keep)
    journal.save_reflection(ReflectionDraft(feeling="tired but fine"), reminder_id=check.id, now=START)
    return keep, other


def test_a_merge_keeps_every_conversation_note_reminder_handle_tag_programme_and_reflection(
    journal: Journal, zoes: tuple[int, int]
) -> None:
    keep, other = zoes
    mine, theirs = everything_of(journal, keep), everything_of(journal, other)
    heard: list[Change] = []
    journal.subscribe(heard.append)

    result = journal.merge_people(keep, other, {"organisation": "other"}, now=START + timedelta(days=30))

    after = everything_of(journal, keep)
    for kind in ("conversations", "reminders", "programmes", "reflections"):
        assert after[kind] == sorted(mine[kind] + theirs[kind]), kind
    assert after["notes"] == sorted(mine["notes"] + theirs["notes"] + [result.note])
    assert after["handles"] == {(Platform.email, "zoe@example.org"), (Platform.x, "@zoe"),
                                (Platform.linkedin, "zoe-muller")}  # the e-mail both had: once  # fmt: skip
    assert after["tags"] == {"client", "friend", "translator"}
    assert result.moved == {"conversations": 2, "notes": 1, "reminders": 3, "handles": 1, "tags": 1,
                            "programmes": 1, "reflections": 1}  # fmt: skip
    assert result.moved_text() == ("2 conversations, 1 note, 3 reminders, 1 handle, 1 tag, 1 programme membership, "
                                   "1 reflection")  # fmt: skip
    assert result.same_handles == 1 and not result.dry_run

    # Fields: the chosen value, an empty one filled in, and every value not kept in the note.
    zoe = journal.person(keep)
    assert (zoe.display_name, zoe.organisation, zoe.role, zoe.birthday, zoe.cadence_days, zoe.pronouns) == (
        "Zoë Müller", "Acme Translations Ltd", "Editor", date(1990, 3, 7), 30, "she/her")  # fmt: skip
    assert zoe.remember == "Her cat is called Miso"
    assert result.note == (
        "Merged from Zoe Muller on 2026-02-04: these values were not kept.\n"
        "- organisation was Acme\n"
        "- remember was Allergic to peanuts\n"
        "  Prefers mornings"
    )
    assert set(result.taken) == {"organisation", "role", "birthday", "cadence_days"}
    assert zoe.last_contact == START + timedelta(days=9)  # the latest of both (kept by the triggers)
    assert zoe.created_at == START  # known since the earlier of the two

    with pytest.raises(NotFound):
        journal.person(other)
    assert journal.count_people() == 1
    assert journal.integrity_problems() == []
    assert heard[-1].people == {keep, other} and heard[-1].entries == {keep, other} and heard[-1].reminders

    # Search finds the moved conversation, under the kept person's name; the note too.
    hits = journal.search("marmalade")
    assert [(h.kind, h.person_id, h.person_name) for h in hits] == [("interaction", keep, "Zoë Müller")]
    assert [h.person_id for h in journal.search("peanuts")] == [keep]
    assert [h.person_name for h in journal.search("Muller")] == ["Zoë Müller", "Zoë Müller"]  # person, note


def test_rows_of_a_table_a_later_version_adds_move_with_the_person(journal: Journal) -> None:
    """An importer's table of source keys (say) that refers to people: its rows follow the merge too."""
    keep = journal.add_person(PersonDraft("Zoë Müller")).id
    other = journal.add_person(PersonDraft("Zoe Muller")).id
    with journal._writing() as session:  # (as a later migration would make it)
        session.execute(text("CREATE TABLE source_key (id INTEGER PRIMARY KEY, key TEXT UNIQUE, "
                             "person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE)"))  # fmt: skip
        session.execute(text("INSERT INTO source_key (key, person_id) VALUES ('linkedin:zoe', :other)"),
                        {"other": other})  # fmt: skip
    journal.merge_people(keep, other)
    with journal._reading() as session:
        assert session.execute(text("SELECT key, person_id FROM source_key")).all() == [("linkedin:zoe", keep)]
    assert journal.integrity_problems() == []


def test_a_dry_run_says_what_a_merge_would_do_and_changes_nothing(journal: Journal, zoes: tuple[int, int]) -> None:
    keep, other = zoes
    before = (everything_of(journal, keep), everything_of(journal, other), journal.person(keep))
    heard: list[Change] = []
    journal.subscribe(heard.append)

    dry = journal.merge_people(keep, other, {"display_name": "other"}, dry_run=True, now=START)

    assert dry.dry_run and heard == []
    assert (everything_of(journal, keep), everything_of(journal, other), journal.person(keep)) == before
    assert journal.count_people() == 2 and len(journal.search("marmalade")) == 1
    real = journal.merge_people(keep, other, {"display_name": "other"}, now=START)
    assert (dry.moved, dry.noted, dry.note, dry.taken) == (real.moved, real.noted, real.note, real.taken)
    assert real.kept.display_name == "Zoe Muller" and ("display_name", "Zoë Müller") in real.noted


def test_merging_a_person_with_themself_or_with_nobody_is_one_clear_line(journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada")).id
    with pytest.raises(InvalidInput, match=r"^merge: a person cannot be merged with themself; choose two"):
        journal.merge_people(ada, ada)
    with pytest.raises(NotFound, match=r"^There is no person with id 99\.$"):
        journal.merge_people(ada, 99)
    with pytest.raises(InvalidInput, match=r"^merge: unknown field colour"):
        journal.merge_people(ada, 99, {"colour": "other"})  # type: ignore[dict-item]
    with pytest.raises(InvalidInput, match=r"^merge: choose keep or other for role\.$"):
        journal.merge_people(ada, 99, {"role": "both"})  # type: ignore[dict-item]
    assert journal.person(ada).display_name == "Ada"


def test_two_stay_in_touch_nudges_for_one_person_become_one(journal: Journal) -> None:
    first = journal.add_person(PersonDraft("Noor Haddad", cadence_days=7), now=START).id
    second = journal.add_person(PersonDraft("Noor Haddad", cadence_days=7, source="new follower"), now=START).id
    journal.add_person(PersonDraft("Sam", source="new follower"), now=START)
    journal.due_reminders(now=START + timedelta(days=10))  # the nudges are made as they come due

    def open_nudges(kind: ReminderKind) -> list[int | None]:
        return [r.person_id for r in journal.reminders() if r.kind is kind and r.state is ReminderState.open]

    assert sorted(open_nudges(ReminderKind.stay_in_touch)) == [first, second]
    assert len(open_nudges(ReminderKind.welcome)) == 2
    result = journal.merge_people(first, second)
    assert open_nudges(ReminderKind.stay_in_touch) == [first]
    assert len(open_nudges(ReminderKind.welcome)) == 2  # one for Noor (not two), one for Sam
    assert result.reminders_collapsed == 1
    assert journal.person(first).source == "new follower"  # filled in: the kept one had none


def test_possible_duplicates_by_e_mail_profile_and_names_ignoring_accents_or_order(journal: Journal) -> None:
    def add(name: str, *handles: tuple[Platform, str]) -> int:
        return journal.add_person(PersonDraft(name, handles=handles)).id

    zoe = add("Zoë Müller", (Platform.email, "Zoe@Example.org"))
    work = add("Dr Z. M.", (Platform.email, " zoe@example.org"))
    reordered = add("Muller Zoe")
    shouting = add("ZOË MÜLLER")
    add("Zoe Miller")  # similar, but another person
    add("Ada Lovelace")
    add("Ada Byron")
    linked = add("A. Lovelace-King", (Platform.linkedin, "https://www.linkedin.com/in/ada-lk/"))
    also = add("Ada King", (Platform.linkedin, "ada-lk"))
    bo = add("Bo", (Platform.phone, "+44 20 7946 0958"))
    chen = add("Bo Chen", (Platform.phone, "0044 (20) 7946-0958"))
    add("Cy", (Platform.phone, "123"))  # too short to say anything
    add("Cy Twin", (Platform.phone, "123"))

    found = journal.duplicate_suggestions()
    pairs = {(s.first.id, s.second.id): (s.reason, s.strong) for s in found}
    assert pairs == {
        (zoe, work): ("same e-mail Zoe@Example.org", True),
        (linked, also): ("same LinkedIn profile https://www.linkedin.com/in/ada-lk/", True),
        (bo, chen): ("same phone +44 20 7946 0958", True),
        (zoe, reordered): ("same name in another order", False),
        (zoe, shouting): ("same name ignoring case", False),
        (reordered, shouting): ("same name in another order", False),
    }
    assert [s.strong for s in found] == [True, True, True, False, False, False]  # near-certain first
    assert {(s.first.id, s.second.id) for s in journal.duplicate_suggestions(person_id=reordered)} == {
        (zoe, reordered), (reordered, shouting)}  # fmt: skip
    assert journal.duplicate_suggestions(limit=2) == found[:2]

    accent = add("Zoe Muller")
    initial = add("Z. Muller")
    reasons = {(s.first.id, s.second.id): s.reason for s in journal.duplicate_suggestions(person_id=accent)}
    assert reasons[(zoe, accent)] == "same name ignoring accents"
    assert reasons[(accent, initial)] == "same surname, and Z. may be Zoe"


def test_suggestions_over_ten_thousand_people_need_no_pairwise_scan(journal: Journal) -> None:
    journal.fill_demo(people=10_000, interactions=0)  # 1,224 names: about eight people share each one
    started = time.perf_counter()
    found = journal.duplicate_suggestions(limit=100_000)
    took = time.perf_counter() - started
    print(f"\nduplicate suggestions over 10,000 people: {took * 1000:.0f} ms, {len(found)} pairs")
    assert found and all(s.reason.startswith("same name") for s in found)


# The command line ---------------------------------------------------------------------------------
def cli_ok(*args: str) -> str:
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_person_merge_and_duplicates_on_the_command_line() -> None:
    cli_ok("init")
    cli_ok("person", "add", "Zoë Müller", "--org", "Acme", "--handle", "email:zoe@example.org")
    cli_ok("person", "add", "Zoe Muller", "--org", "Beta", "--role", "Editor", "--handle", "email:ZOE@example.org",
           "--tag", "client")  # fmt: skip
    cli_ok("log", "2", "--channel", "email", "--summary", "Talked about marmalade")

    table = cli_ok("person", "duplicates")
    assert table.splitlines()[1].split() == ["likely", "#1", "Zoë", "Müller", "(Acme)", "#2", "Zoe", "Muller", "(Beta)",
                                             "same", "e-mail", "zoe@example.org;", "same", "name", "ignoring",
                                             "accents"]  # fmt: skip
    listed = json.loads(cli_ok("person", "duplicates", "--format", "json"))
    assert [(d["first"]["id"], d["second"]["id"], d["reasons"], d["strong"]) for d in listed] == [
        (1, 2, ["same e-mail zoe@example.org", "same name ignoring accents"], True)]  # fmt: skip

    dry = cli_ok("person", "merge", "1", "Zoe Muller", "--dry-run", "--take", "org=other")
    assert dry.splitlines() == [
        "Dry run, nothing was changed. Merging #2 Zoe Muller into #1 Zoë Müller would move: 1 conversation, 1 tag.",
        "  Handles both had, kept once: 1.",
        "  Taken from Zoe Muller: organisation, role.",
        "  Not kept, would go into a note on Zoë Müller:",
        "    organisation: Acme",
    ]
    assert "#2  Zoe Muller" in cli_ok("person", "list")  # still there
    merged = cli_ok("person", "merge", "1", "2", "--take", "org")
    assert merged.splitlines()[0] == "Merged #2 Zoe Muller into #1 Zoë Müller: moved 1 conversation, 1 tag."
    assert merged.splitlines()[-1] == "  #2 Zoe Muller is no longer in the journal."
    shown = cli_ok("person", "show", "1")
    assert "Organisation:    Beta" in shown and "Talked about marmalade" in shown and "Merged from Zoe Muller" in shown
    assert "Zoë Müller" in cli_ok("search", "marmalade")
    assert cli_ok("person", "duplicates").startswith("No possible duplicates")

    for args, code, message in (
        (("person", "merge", "1", "1"), 1, "relationjournal: merge: a person cannot be merged with themself"),
        (("person", "merge", "1", "2"), 1, "relationjournal: No person has the id 2."),
        (("person", "merge", "1", "2", "--take", "colour=other"), 2, "'colour' is not a field; the fields are"),
        (("person", "merge", "1", "2", "--take", "org=both"), 2, "'org=both': say FIELD=other or FIELD=keep"),
    ):
        result = run_cli(*args)
        assert result.returncode == code and "Traceback" not in result.stderr
        assert message in result.stderr.strip().splitlines()[-1], result.stderr


# The app ------------------------------------------------------------------------------------------
def settle(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):
        window.changes.flush()
        window.refresh_due()


def radio(dialog: MergeDialog, field: str, side: int) -> QRadioButton:
    button = dialog.groups[field].button(side)
    assert isinstance(button, QRadioButton)
    return button


def test_merge_with_in_the_app_picks_a_suggested_duplicate_and_shows_the_kept_person(
    qtbot, window: MainWindow, journal: Journal, zoes: tuple[int, int]
) -> None:
    keep, other = zoes
    journal.add_person(PersonDraft("Sam Obi"))
    settle(qtbot, window)
    window.open_person(other)  # the one about to be merged away is on screen
    assert window.act_merge.isEnabled() and window.act_merge in menu_named(window, "&Person").actions()
    boxes = MessageBoxes()
    seen: dict[str, Any] = {}

    def merge_it(dialog: MergeDialog) -> None:
        # First the other person: the possible duplicate first, with why; typing narrows the list.
        first = dialog.people.item(0).text()
        seen["list"] = [dialog.people.item(i).text() for i in range(dialog.people.count())]
        assert first.startswith("Zoë Müller (Acme) — possible duplicate: same e-mail zoe@example.org")
        qtbot.keyClicks(dialog.filter, "sam")
        assert [dialog.people.item(i).text() for i in range(dialog.people.count())] == ["Sam Obi"]
        dialog.filter.clear()
        dialog.people.setCurrentRow(0)
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        # Side by side, a choice per field that differs: Zoe Muller (shown) stays unless swapped.
        assert radio(dialog, "organisation", 1).text() == "Acme Translations Ltd"
        qtbot.mouseClick(dialog.swap_button, Qt.MouseButton.LeftButton)
        assert dialog.keep_id == keep and radio(dialog, "organisation", 1).text() == "Acme"
        assert radio(dialog, "role", 2).isChecked()  # an empty value is filled in from the other
        assert "display_name" in dialog.groups and "pronouns" in dialog.groups
        radio(dialog, "organisation", 2).click()
        seen["summary"] = dialog.summary.text()
        boxes.answer(QMessageBox.StandardButton.Cancel)  # asked first; Cancel keeps both
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
        assert journal.count_people() == 3 and dialog.isVisible()
        boxes.answer(QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    in_next_dialog(merge_it, MergeDialog)
    window.act_merge.trigger()

    # (5 reminders: her follow-up, programme review and "Ask about Porto", and the stay-in-touch and programme
    # nudges Today made for her, since her cadence and programme ran out long before today)
    assert seen["summary"].splitlines() == [
        "Zoe Muller is merged into Zoë Müller and removed. Moves to Zoë Müller: 2 conversations, 1 note, 5 reminders, "
        "1 handle, 1 tag, 1 programme membership, 1 reflection.",
        "Handles both have are kept once (1).",
        "Values not kept go into a note on Zoë Müller, so nothing is lost: organisation: Acme; remember: Allergic "
        "to peanuts Prefers mornings.",
    ]
    assert boxes.default_was_cancel == [True, True]
    assert boxes.said[0].startswith("Merge Zoe Muller into Zoë Müller? Everything about Zoe Muller moves")
    settle(qtbot, window)
    assert window.person_page.person is not None and window.person_page.person.id == keep
    assert window.person_page.person.organisation == "Acme Translations Ltd"
    assert window.statusBar().currentMessage() == ""  # the page never tried to show the person who went
    assert window.people.selected_id() == keep
    names = [window.people.model.row_data(r).display_name for r in range(window.people.model.rowCount())]
    assert names == ["Sam Obi", "Zoë Müller"]
    shown = window.person_page.model.rowCount()
    assert shown == len(journal.timeline(keep, limit=100)) == 6  # 3 conversations, 2 notes and the merge's note
    with pytest.raises(NotFound):
        journal.person(other)


def test_possible_duplicates_lists_pairs_and_opens_the_merge_for_one(
    qtbot, window: MainWindow, journal: Journal
) -> None:
    zoe = journal.add_person(PersonDraft("Zoë Müller", handles=((Platform.email, "zoe@example.org"),))).id
    twin = journal.add_person(PersonDraft("Zoe Muller", organisation="Acme", status=Status.dormant)).id
    journal.add_person(PersonDraft("Ada Lovelace"))
    settle(qtbot, window)
    seen: dict[str, Any] = {}

    def review(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=10_000)
        item = dialog.tree.topLevelItem(0)
        seen["row"] = [item.text(c) for c in range(4)]
        boxes = MessageBoxes()

        def confirm(merge: MergeDialog) -> None:
            seen["kept"] = merge.keep_id
            boxes.answer(QMessageBox.StandardButton.Yes)
            qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)

        in_next_dialog(confirm, MergeDialog)
        with qtbot.waitSignal(dialog.loaded, timeout=10_000):
            qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
        seen["after"] = (dialog.tree.isVisible(), dialog.empty.text())
        dialog.reject()

    in_next_dialog(review, DuplicatesDialog)
    window.act_duplicates.trigger()

    assert seen["row"] == ["maybe", "Zoë Müller", "Zoe Muller (Acme)", "same name ignoring accents"]
    assert seen["kept"] == zoe
    assert seen["after"] == (False, "No possible duplicates: no two people share an e-mail, a phone, a profile or "
                             "a name.")  # fmt: skip
    settle(qtbot, window)
    kept = journal.person(zoe)
    assert (kept.organisation, kept.status) == ("Acme", Status.active)
    assert window.person_page.person is not None and window.person_page.person.id == zoe
    with pytest.raises(NotFound):
        journal.person(twin)


def menu_named(window: MainWindow, title: str):
    """The menu bar's menu called `title` (where it sits may change as menus are added)."""
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == title]
    return menu
