"""What the pages show every day: notes without raw Markdown, search hits with their words marked
and their fields apart, search by keyboard, a person's whole page, and one wording throughout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from relationjournal.core.journal import Journal
from relationjournal.core.markdown import plain_from_markdown
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel

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
