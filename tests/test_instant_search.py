"""Finding people and words as you type: regardless of case and accents (issue 18)."""

from __future__ import annotations

from relationjournal.core.journal import Journal
from relationjournal.core.records import PeopleFilter, PersonDraft
from relationjournal.core.vocabulary import Platform
from relationjournal.ui.mainwindow import MainWindow


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
