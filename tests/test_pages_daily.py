"""What the pages show every day: notes without raw Markdown, search hits with their words marked
and their fields apart, search by keyboard, a person's whole page, and one wording throughout."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from relationjournal.core.journal import Journal
from relationjournal.core.markdown import plain_from_markdown
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel, Direction, Platform, Tone
from relationjournal.ui import cards, text
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.models import TimelineCells
from relationjournal.ui.pages import HTML_ROLE, PersonPage, SearchPage
from relationjournal.ui.programmes import MembershipDialog
from relationjournal.ui.qt import Qt, QTextDocument
from tests.conftest import run_cli

MARKDOWN_NOTE = "# Plans\nHer twins **Ada and Obi** start _school_ in September.\n\n- bring the `zine`\n- see [the site](https://example.org)"
MARKUP = ("**", "# ", "- ", "](", "`", "_school_")


def test_markdown_becomes_one_readable_line() -> None:
    plain = plain_from_markdown(MARKDOWN_NOTE)
    assert plain == "Plans · Her twins Ada and Obi start school in September. · bring the zine · see the site"
    assert plain_from_markdown("snake_case stays, 5 * 3 * 2 too, and <b>tags</b> are text") == (
        "snake_case stays, 5 * 3 * 2 too, and <b>tags</b> are text"
    )
    assert plain_from_markdown(r"\*not emphasis\* ~~gone~~ ![a photo](x.png)") == "*not emphasis* gone a photo"


def test_markdown_of_a_huge_note_is_read_only_as_far_as_it_is_shown() -> None:
    started = datetime.now(UTC)
    assert len(plain_from_markdown("**[" * 3_000_000, limit=300)) <= 301
    assert datetime.now(UTC) - started < timedelta(seconds=2)


def test_search_hits_keep_fields_apart_and_mark_the_words_in_plain_text(journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace", remember="Loves the **marathon** in _Berlin_"))
    journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary="Asked about the **marathon**",
                                                     body="She trains for the marathon in Berlin."))  # fmt: skip
    hits = journal.search("marathon", mark=("[", "]"))
    person = next(h for h in hits if h.kind == "person")
    assert [(p.label, p.text(("[", "]"))) for p in person.parts] == [("Remember", "Loves the [marathon] in Berlin")]
    talk = next(h for h in hits if h.kind == "interaction")
    assert [(p.label, p.text(("[", "]"))) for p in talk.parts] == [
        ("Summary", "Asked about the [marathon]"),
        ("Details", "She trains for the [marathon] in Berlin."),
    ]
    assert talk.snippet == "Summary: Asked about the [marathon] · Details: She trains for the [marathon] in Berlin."


def as_plain(markup: str) -> str:
    """Rich text as a reader sees it."""
    document = QTextDocument()
    document.setHtml(markup)
    return document.toPlainText()


# Markdown where it is shown in passing --------------------------------------------------------
def test_timeline_rows_show_notes_and_summaries_without_markdown(qtbot, journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    journal.add_note(ada.id, MARKDOWN_NOTE)
    journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary="**Marathon** in _Berlin_, see `plan`"))
    page = PersonPage(journal)
    qtbot.addWidget(page)
    page.show_person(ada.id)
    rows = [page.model.index(r, TimelineCells.SUMMARY).data() for r in range(page.model.rowCount())]
    assert rows == ["Marathon in Berlin, see plan", plain_from_markdown(MARKDOWN_NOTE)]
    assert not any(mark in row for row in rows for mark in MARKUP)


def test_the_pinned_banner_renders_markdown_and_keeps_only_safe_links(qtbot, journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    body = ("**Bring** the [zine](https://example.org/zine) for _Obi_\n\n- no [run](file:///etc/passwd)\n"
            "- no ![photo](https://tracker.example/pixel.png) <img src='x.png'>")  # fmt: skip
    journal.add_note(ada.id, body, pinned=True)
    page = PersonPage(journal)
    qtbot.addWidget(page)
    page.show_person(ada.id)
    header = page.header.text()
    assert "<b>Bring</b>" in header and '<a href="https://example.org/zine">zine</a>' in header
    assert "file:" not in header and "tracker.example" not in header and "<img" not in header
    shown = as_plain(header)
    assert "Pinned: Bring the zine for Obi · no run · no <img src='x.png'>" in shown  # raw HTML is text
    assert not any(mark in shown for mark in ("**", "](", "_Obi_"))


def test_today_remember_line_reads_without_markdown(qtbot, window: MainWindow, journal: Journal) -> None:
    journal.add_person(PersonDraft("Grace Hopper", cadence_days=7, remember="- **Loves** _COBOL_\n- has a [blog](https://e.org)"),
                       now=datetime.now(UTC) - timedelta(days=30))  # fmt: skip
    with qtbot.waitSignal(window.due_refreshed, timeout=10_000):
        window.changes.flush()
        window.refresh_due()
    window.show_today()
    today = window.today
    qtbot.waitUntil(lambda: len(today.shown_cards()) == 1, timeout=10_000)
    [card] = today.shown_cards()
    layout = cards.lay_out_card(today.cards.visualRect(today.cards.card_model.index(0, 0)), card, today.cards.font())
    assert "Remember: Loves COBOL · has a blog" in [line for line, _ in layout.details]  # as the card paints it


# Search: marked, escaped, apart, by keyboard --------------------------------------------------
def search_and_wait(qtbot, page: SearchPage, query: str) -> None:
    with qtbot.waitSignal(page.searched, timeout=10_000):
        page.search(query)


def test_search_hits_mark_the_words_and_show_names_and_notes_as_text(qtbot, journal: Journal) -> None:
    zoe = journal.add_person(PersonDraft("<b>Zoë</b> & co"))
    journal.log_interaction(zoe.id, InteractionDraft(Channel.email, summary="The **marathon** <i>plan</i>",
                                                     body="Training for the marathon in Berlin."))  # fmt: skip
    page = SearchPage(journal)
    qtbot.addWidget(page)
    search_and_wait(qtbot, page, "marathon")
    item = page.tree.topLevelItem(0).child(0)
    assert item.text(0) == ("<b>Zoë</b> & co — Summary: The marathon <i>plan</i> · "
                            "Details: Training for the marathon in Berlin.")  # fmt: skip
    markup = item.data(0, HTML_ROLE)
    assert "&lt;b&gt;Zoë&lt;/b&gt; &amp; co" in markup and "&lt;i&gt;plan&lt;/i&gt;" in markup
    assert markup.count("<b>marathon</b>") == 2
    assert as_plain(markup).replace("\u2068", "").replace("\u2069", "") == item.text(0)  # painted as it reads


def test_down_enter_up_and_esc_move_between_the_search_box_and_its_results(
    qtbot, window: MainWindow, journal: Journal
) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary="marathon training"))
    journal.add_note(ada.id, "She ran the marathon in Berlin.")
    grace = journal.add_person(PersonDraft("Grace Hopper"))
    window.open_person(grace.id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    tree = window.search_page.tree

    window.search.setFocus()
    qtbot.keyClicks(window.search, "marath")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)  # before the results are in: they are entered once they are
    qtbot.waitUntil(lambda: tree.hasFocus() and tree.currentItem() is tree.topLevelItem(0).child(0), timeout=10_000)
    assert window.search_page.shown_query == "marath"
    qtbot.keyClick(tree, Qt.Key.Key_Up)  # the first hit: back to the box
    assert window.search.hasFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.keyClick(tree, Qt.Key.Key_Down)  # past the "Conversations" heading, onto the conversation
    assert tree.currentItem().text(0).startswith("Ada Lovelace — Summary: marathon training")
    qtbot.keyClick(tree, Qt.Key.Key_Up)
    qtbot.keyClick(tree, Qt.Key.Key_Up)
    assert tree.currentItem() is tree.topLevelItem(0).child(0) and tree.hasFocus()

    qtbot.keyClick(tree, Qt.Key.Key_Escape)  # back where the user was, the box emptied
    assert window.stack.currentWidget() is window.person_page and window.person_page.person.id == grace.id
    assert window.search.text() == ""

    window.search.setFocus()
    qtbot.keyClicks(window.search, "berlin")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # Enter, nothing chosen: the first hit opens
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.person_page, timeout=10_000)
    assert window.person_page.person.id == ada.id
    assert window.person_page.current_entry().item.body == "She ran the marathon in Berlin."

    window.search.setFocus()
    window.search.selectAll()
    qtbot.keyClicks(window.search, "marathon")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    qtbot.waitUntil(tree.hasFocus, timeout=10_000)
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.keyClick(tree, Qt.Key.Key_Up)  # the hit chosen, then back up to the box...
    qtbot.keyClick(tree, Qt.Key.Key_Up)
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # ...Enter there opens the chosen hit
    assert window.stack.currentWidget() is window.person_page
    assert window.person_page.current_entry().item.body == "She ran the marathon in Berlin."


# The person page ------------------------------------------------------------------------------
def test_the_person_page_lists_everything_known_and_the_dates_to_come(qtbot, journal: Journal) -> None:
    today = datetime.now().astimezone().date()
    soon = today + timedelta(days=12)
    year = 1992 if (soon.month, soon.day) == (2, 29) else 1990  # (a leap year for a 29 February birthday)
    born = soon.replace(year=year)
    ada = journal.add_person(PersonDraft("Ada Lovelace", birthday=born, source="Met at PyCon 2024",
                                         how_we_met="She gave the **keynote**"))  # fmt: skip
    journal.add_membership(ada.id, "Brand advocates", today, review_on=today + timedelta(days=40))
    journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary="Sent the slides",
                                                     follow_up_on=today + timedelta(days=3)))  # fmt: skip
    page = PersonPage(journal)
    qtbot.addWidget(page)
    page.show_person(ada.id)
    shown = as_plain(page.header.text())
    turns = soon.year - year
    assert f"Birthday\n{born.day} {born:%B} {year}, turns {turns} in 12 days" in shown
    assert "Source\nMet at PyCon 2024" in shown and "How we met\nShe gave the keynote" in shown
    assert "Coming up\nin 3 days: Follow up with Ada Lovelace: Sent the slides" in shown
    review = today + timedelta(days=40)
    assert f"{review.day} {review:%b %Y}: Review Ada Lovelace's place in Brand advocates" in shown

    bare = journal.add_person(PersonDraft("Grace Hopper"))
    page.show_person(bare.id)
    shown = as_plain(page.header.text())
    for label in ("Birthday", "Source", "How we met", "Remember", "Why it matters", "Coming up", "Programme"):
        assert label not in shown  # nothing to say: no empty label


def test_a_long_name_and_address_wrap_rather_than_widen_the_window(qtbot, journal: Journal) -> None:
    long = journal.add_person(PersonDraft("Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessen",
                                          handles=((Platform.website, "example.org/" + "a" * 120),)))  # fmt: skip
    page = PersonPage(journal)
    qtbot.addWidget(page)
    page.show_person(long.id)
    assert page.header.minimumSizeHint().width() < 500
    assert "Wolfeschlegelsteinhausenbergerdorff" in as_plain(page.header.text()).replace("\u200b", "")


# One wording ----------------------------------------------------------------------------------
def test_who_reached_out_reads_as_a_sentence(qtbot, journal: Journal) -> None:
    assert text.reached_out(Direction.incoming, "me") == "They reached out to me"
    assert text.reached_out(Direction.incoming, "") == "They reached out"
    assert text.reached_out(Direction.outgoing, "") == "I reached out"
    assert text.reached_out(Direction.outgoing, "Zoë") == "Zoë from the team reached out"
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    journal.log_interaction(
        ada.id, InteractionDraft(Channel.email, Direction.incoming, summary="hi", reached_out_by="me")
    )
    journal.log_interaction(
        ada.id, InteractionDraft(Channel.email, Direction.outgoing, summary="yo", reached_out_by="Zoë")
    )
    page = PersonPage(journal)
    qtbot.addWidget(page)
    page.show_person(ada.id)
    tips = [page.model.index(r, TimelineCells.DIRECTION).data(Qt.ItemDataRole.AccessibleTextRole) for r in range(2)]
    assert sorted(tips) == ["They reached out to me", "Zoë from the team reached out"]
    page.table.selectRow(0)
    assert "(" not in page.detail.toPlainText().splitlines()[0]  # no "They reached out (me)"


def test_one_word_for_a_difficult_conversation_in_the_app_the_cli_and_csv(journal: Journal, tmp_path: Path) -> None:
    assert text.TONE_LABELS[Tone.negative] == "Difficult"
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    journal.log_interaction(ada.id, InteractionDraft(Channel.phone, summary="hard call", tone=Tone.negative))
    out = journal.export_csv(tmp_path / "out")[0].parent  # (the new dated folder inside the one chosen)
    with (out / "interactions.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["tone"] for row in rows] == ["difficult"]

    rows[0]["tone"] = "negative"  # as older versions exported it
    rows.append({**rows[0], "id": "", "tone": "Difficult", "summary": "another"})
    with (out / "interactions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    journal.delete_interaction(journal.timeline(ada.id)[0].item.id)
    for name in ("people.csv", "notes.csv", "reminders.csv", "programmes.csv", "tags.csv"):
        (out / name).unlink()
    journal.import_csv(out)
    tones = {e.item.summary: e.item.tone for e in journal.timeline(ada.id)}
    assert tones == {"hard call": Tone.negative, "another": Tone.negative}


def test_the_cli_takes_and_shows_the_same_tone_word(sandbox) -> None:
    assert run_cli("init").returncode == 0
    assert run_cli("person", "add", "Ada Lovelace").returncode == 0
    for word in ("difficult", "negative"):  # the app's word, and the one older versions took
        logged = run_cli("log", "Ada Lovelace", "--channel", "call", "--summary", word, "--tone", word)
        assert logged.returncode == 0, logged.stderr
    timeline = json.loads(run_cli("timeline", "Ada Lovelace", "--format", "json").stdout)
    assert [entry["tone"] for entry in timeline] == ["difficult", "difficult"]
    wrong = run_cli("log", "Ada Lovelace", "--channel", "call", "--summary", "x", "--tone", "sad")
    assert wrong.returncode == 2 and "positive, neutral, difficult" in wrong.stderr
    assert "one of positive, neutral, difficult" in run_cli("log", "--help").stdout


def test_the_programme_dialogs_name_the_person_in_a_title_that_fits(qtbot, journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace-Byron, Countess of Lovelace"))
    dialog = MembershipDialog(journal, ada.id)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Add Ada Lovelace-Byron, Countess of Lovelace to a programme"
    assert dialog.minimumWidth() > dialog.fontMetrics().horizontalAdvance(dialog.windowTitle())
