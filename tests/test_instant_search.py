"""Finding people and words as you type: regardless of case and accents (issue 18)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PeopleFilter, PersonDraft
from relationjournal.core.vocabulary import Channel, Platform
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import Qt
from tests.conftest import run_cli

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def names(journal: Journal, text: str) -> list[str]:
    """Who the people filter shows for `text` (in alphabetical order, as the list sorts by name)."""
    return sorted(p.display_name for p in journal.person_summaries(journal.person_ids(PeopleFilter(text=text))))


def test_the_people_filter_ignores_case_and_accents_in_names_organisations_and_tags(journal: Journal) -> None:
    journal.add_person(PersonDraft("Zoë Müller", organisation="Café Ölfabrik"))
    journal.add_person(PersonDraft("Zoe Smith", tags=("Ärzte",)))
    journal.add_person(PersonDraft("Jörg Straße", handles=((Platform.x, "@joerg"),)))
    journal.add_person(PersonDraft("Sam Obi"))

    assert names(journal, "zoe") == ["Zoe Smith", "Zoë Müller"]
    assert names(journal, "ZOË") == ["Zoe Smith", "Zoë Müller"]
    assert names(journal, "muller") == ["Zoë Müller"]
    assert names(journal, "zoe mull") == ["Zoë Müller"]  # every word, each anywhere
    assert names(journal, "olfabrik") == ["Zoë Müller"]  # the organisation
    assert names(journal, "arzte") == ["Zoe Smith"]  # a tag
    assert names(journal, "strasse") == ["Jörg Straße"]  # ß is ss
    assert names(journal, "joerg") == ["Jörg Straße"]  # a handle
    assert names(journal, "100%") == [] and names(journal, "_") == []  # LIKE's wildcards are only text


def test_the_folded_names_follow_every_change_of_a_person(journal: Journal) -> None:
    zoe = journal.add_person(PersonDraft("Zoë Müller"))
    other = journal.add_person(PersonDraft("Zoé Muller"))
    journal.edit_person(zoe.id, {"display_name": "Zoë Østergaard", "organisation": "Élan"})
    assert names(journal, "muller") == ["Zoé Muller"]
    assert names(journal, "ostergaard elan") == ["Zoë Østergaard"]
    journal.merge_people(zoe.id, other.id)
    assert names(journal, "zoe") == ["Zoë Østergaard"]  # the merged-away person's name is gone too


def test_typing_without_accents_in_the_app_finds_the_accented_name(qtbot, window: MainWindow, journal: Journal) -> None:
    journal.add_person(PersonDraft("Zoë Müller"))
    journal.add_person(PersonDraft("Sam Obi"))
    window.changes.flush()
    qtbot.keyClicks(window.people.filter, "zoe muller")
    qtbot.waitUntil(lambda: window.people.model.rowCount() == 1, timeout=5_000)
    assert window.people.model.index(0, 0).data() == "Zoë Müller"
    assert window.people.count.text() == "1 person match"


def marathon_talks(journal: Journal) -> dict[str, int]:
    """Three conversations that mention the marathon: the oldest is all about it (the best match),
    the newest mentions it once among many other words."""
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    said = {
        "all about it": "Marathon marathon marathon",
        "in passing": "Talked about the garden, the kids, the new job, and the marathon too, briefly",
        "latest": "Long call: school, holidays, her sister, work, books, and the marathon, among much else",
    }
    ids = {}
    for day, (name, summary) in enumerate(said.items()):
        ids[name] = journal.log_interaction(
            ada.id, InteractionDraft(Channel.email, occurred_at=START + timedelta(days=day), summary=summary)
        ).id
    return ids


def test_search_shows_the_newest_matches_first_and_the_best_on_request(journal: Journal) -> None:
    ids = marathon_talks(journal)
    newest = [hit.id for hit in journal.search("marat") if hit.kind == "interaction"]
    assert newest == [ids["latest"], ids["in passing"], ids["all about it"]]
    best = [hit.id for hit in journal.search("marat", best=True) if hit.kind == "interaction"]
    assert best[0] == ids["all about it"]  # ranked (bm25): the one that is all about it
    assert [hit.id for hit in journal.search("marat", limit=1) if hit.kind == "interaction"] == [ids["latest"]]


def test_a_one_letter_search_finds_people_only(journal: Journal) -> None:
    marathon_talks(journal)
    assert {hit.kind for hit in journal.search("m")} == set()  # no person's name begins with m
    assert {hit.kind for hit in journal.search("a")} == {"person"}  # Ada, not every "a…" word
    assert {hit.kind for hit in journal.search("ma")} == {"interaction"}


def test_the_command_line_searches_newest_first_or_best_with_best(journal: Journal) -> None:
    ids = marathon_talks(journal)
    journal.close()
    newest = json.loads(run_cli("search", "marathon", "--format", "json").stdout)
    best = json.loads(run_cli("search", "marathon", "--best", "--format", "json").stdout)
    assert [hit["id"] for hit in newest] == [ids["latest"], ids["in passing"], ids["all about it"]]
    assert best[0]["id"] == ids["all about it"]


def test_typing_fast_runs_only_the_latest_search_and_shows_its_results(
    qtbot, window: MainWindow, journal: Journal
) -> None:
    marathon_talks(journal)
    page = window.search_page
    with qtbot.waitSignal(page.searched, timeout=10_000):
        for typed in ("m", "ma", "mar", "mara", "marat"):  # faster than a search comes back
            page.search(typed)
    qtbot.wait(200)  # (nothing else arrives after)
    assert page.shown_query == "marat" and page.searches_run == 2  # "m" (already running), then "marat"
    assert page.title.text().startswith("<span") and "3 results" in page.title.text()


def test_the_best_matches_toggle_ranks_the_results_on_screen(qtbot, window: MainWindow, journal: Journal) -> None:
    marathon_talks(journal)
    window.search.setFocus()
    qtbot.keyClicks(window.search, "marathon")
    qtbot.waitUntil(lambda: window.search_page.shown_query == "marathon", timeout=10_000)
    tree = window.search_page.tree

    def first_conversation() -> str:
        return tree.topLevelItem(0).child(0).text(0)

    assert "among much else" in first_conversation()  # newest first while typing
    with qtbot.waitSignal(window.search_page.searched, timeout=10_000):
        qtbot.mouseClick(window.search_page.best, Qt.MouseButton.LeftButton)
    assert window.search_page.best.isChecked()
    assert "Marathon marathon marathon" in first_conversation()
