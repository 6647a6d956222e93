"""CSV export and import: exact round trips, formula neutralisation, and all-or-nothing import."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlcipher3
from hypothesis import given
from hypothesis import strategies as st

from relationjournal.core import csvio
from relationjournal.core.access import create_journal
from relationjournal.core.errors import CsvImportError
from relationjournal.core.journal import Journal
from relationjournal.core.locations import resolve_location
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel, Context, Direction, Platform, ReminderKind, Tone
from tests.conftest import snapshot

HARD_STRINGS = [
    "Zoë Müller-Lüdenscheidt", "李小龍", "Ахмед Ильич", "محمد الأحمد", "עדי כהן", "सरिता शर्मा", "Nguyễn Thị Ánh",
    "🦄 Unicorn Club 🎉", 'She said "hi", then left', "commas, everywhere, here", "line one\nline two\r\nline three",
    "=HYPERLINK(\"http://evil\")", "+44 20 7946 0958", "-minus first", "@mention first", "'quoted first", "''twice",
    "\ttab first", "trailing space ", "   ", "back\\slash", "Ǆemal ß ﬁ",
]  # fmt: skip


def fill(journal: Journal) -> None:
    for i, text in enumerate(HARD_STRINGS):
        name = " ".join(text.split()) or f"Blank {i}"
        person = journal.add_person(
            PersonDraft(
                display_name=name,
                organisation=text,
                remember=text,
                why_it_matters=text,
                pronouns="they/them",
                birthday=date(1990, 1, 1 + i % 28),
                cadence_days=7 + i,
                source="new follower",
                handles=((Platform.x, f"@h{i}"), (Platform.email, f"p{i}@example.org"), (Platform.x, f"@alt{i}")),
                tags=(f"tag {i % 3}", "client"),
            )  # fmt: skip
        )
        journal.add_note(person.id, text if text.strip() else "(blank)", pinned=i % 2 == 0, hard_event=i % 5 == 0,
                         anniversary=i % 3 != 0)  # fmt: skip
        journal.log_interaction(
            person.id,
            InteractionDraft(
                channel=list(Channel)[i % len(Channel)],
                direction=Direction.incoming,
                summary=text,
                body=text * 2,
                occurred_at=datetime(2025, 3, 1 + i % 28, 12, 30, 15, 123456, tzinfo=UTC),
                tone=Tone.negative,
                context=Context.business,
                hard_event=True,
                reached_out_by=text,
                follow_up_on=date(2025, 4, 1),
                anniversary=i % 2 == 0,
            ),  # fmt: skip
        )
        journal.add_reminder(ReminderKind.custom, datetime(2026, 1, 1, tzinfo=UTC), text, person_id=person.id)
        journal.add_membership(person.id, f"Advocates {i}", date(2024, 5, 1), review_on=date(2025, 5, 1), notes=text)
        journal.add_person_date(person.id, text.strip() or f"Day {i}", date(1904 + 4 * i, 2, 29), no_year=i % 2 == 0)


def test_export_then_import_into_a_fresh_journal_round_trips_every_field(journal: Journal, tmp_path: Path) -> None:
    fill(journal)
    first = journal.export_csv(tmp_path / "first")[0].parent
    with create_journal(resolve_location(tmp_path / "fresh")).journal as fresh:
        counts = fresh.import_csv(first)
        assert counts["people.csv"] == len(HARD_STRINGS) and counts["interactions.csv"] == len(HARD_STRINGS)
        second = fresh.export_csv(tmp_path / "second")[0].parent
        assert snapshot(second) == snapshot(first)
        assert [p.display_name for p in fresh.list_people()] == [p.display_name for p in journal.list_people()]
        original = journal.timeline(limit=1000)
        copied = fresh.timeline(limit=1000)
        assert [e.item for e in copied] == [e.item for e in original]
        assert {e.item.anniversary for e in copied} == {True, False}  # (each kind's flag, both ways)
        ada = fresh.find_person(list(journal.list_people())[0].display_name).id
        assert fresh.person_dates(ada) == journal.person_dates(ada)


def test_dates_and_yearly_reminders_round_trip(berlin: Journal, tmp_path: Path) -> None:
    """A person's dates, and the reminder of one already dismissed, come back as they were: no second
    reminder of the same birthday once imported."""
    zoe = berlin.add_person(PersonDraft("Zoë"), now=datetime(2026, 1, 1, tzinfo=UTC)).id
    berlin.add_person_date(zoe, "Work anniversary", (3, 7))
    berlin.add_person_date(zoe, "Wedding", date(2015, 6, 20))
    (due,) = berlin.due_reminders(now=datetime(2026, 3, 7, 9, tzinfo=UTC))
    berlin.dismiss_reminder(due.reminder.id)
    folder = berlin.export_csv(tmp_path / "out")[0].parent
    assert (folder / "dates.csv").read_text(encoding="utf-8").splitlines()[:3] == [
        "id,person_id,person_name,label,month,day,year,created_at",
        f"1,{zoe},Zoë,Work anniversary,3,7,,{berlin.person_dates(zoe)[0].created_at.isoformat()}",
        f"2,{zoe},Zoë,Wedding,6,20,2015,{berlin.person_dates(zoe)[1].created_at.isoformat()}",
    ]  # fmt: skip
    with create_journal(resolve_location(tmp_path / "fresh")).journal as fresh:
        assert fresh.import_csv(folder)["dates.csv"] == 2
        fresh.set_setting("timezone", "Europe/Berlin")
        assert [(d.label, d.when) for d in fresh.person_dates(zoe)] == [("Work anniversary", "--03-07"),
                                                                       ("Wedding", "2015-06-20")]  # fmt: skip
        assert fresh.due_reminders(now=datetime(2026, 3, 7, 10, tzinfo=UTC)) == []  # dismissed stays dismissed


def test_formula_cells_are_neutralised_for_spreadsheets(journal: Journal, tmp_path: Path) -> None:
    fill(journal)
    folder = journal.export_csv(tmp_path, excel=True)[0].parent
    raw = (folder / "notes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    with (folder / "notes.csv").open(encoding="utf-8-sig", newline="") as handle:
        bodies = [row["body"] for row in csv.DictReader(handle)]
    assert all(not body.startswith(("=", "+", "-", "@", "\t", "\r")) for body in bodies)
    assert '\'=HYPERLINK("http://evil")' in bodies and "'''twice" in bodies


def test_import_into_a_journal_with_people_keeps_both(journal: Journal, tmp_path: Path) -> None:
    journal.add_person(PersonDraft("Already Here"))
    with create_journal(resolve_location(tmp_path / "other")).journal as other:
        ada = other.add_person(PersonDraft("Ada"))
        other.add_note(ada.id, "Ada's note")
        source = other.export_csv(tmp_path / "source")[0].parent
    journal.import_csv(source)
    ada = journal.find_person("Ada")
    assert ada.id == 2  # id 1 was taken, so Ada was renumbered and her note followed her
    assert [e.item.body for e in journal.timeline(ada.id)] == ["Ada's note"]


def test_an_import_keeps_each_conversations_id_where_it_is_free(journal: Journal, tmp_path: Path) -> None:
    """The ids a CSV shows keep naming the same conversations where the journal has no row by that id;
    a taken id gets a new one, as does a row without one, and every row is imported."""
    ada = journal.add_person(PersonDraft("Ada"))
    for summary in ("one", "two", "three"):
        journal.log_interaction(ada.id, InteractionDraft(Channel.email, summary=summary))
    journal.delete_interaction(2)  # id 2 is free again; 1 and 3 are taken
    folder = journal.export_csv(tmp_path / "out")[0].parent
    with (folder / "interactions.csv").open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    rows = [{**written[0], "id": str(file_id), "summary": summary}
            for file_id, summary in ((2, "kept 2"), (3, "was 3"), (7, "kept 7"), ("", "none"))]  # fmt: skip
    for name in ("people.csv", "notes.csv", "reminders.csv", "programmes.csv", "tags.csv", "dates.csv"):
        (folder / name).unlink(missing_ok=True)
    with (folder / "interactions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(written[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert journal.import_csv(folder)["interactions.csv"] == 4
    ids = {e.item.summary: e.item.id for e in journal.timeline(ada.id)}
    assert ids["kept 2"] == 2 and ids["kept 7"] == 7 and ids["one"] == 1 and ids["three"] == 3
    assert len({ids["was 3"], ids["none"], 1, 2, 3, 7}) == 6  # the other two got ids of their own


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("people.csv", "display_name,birthday\nAda,1815-12-10\nGrace,next tuesday\n", "people.csv:3: birthday"),
        ("people.csv", "display_name,colour\nAda,red\n", "people.csv:1: unknown column 'colour'"),
        ("people.csv", "id,display_name\n1,Ada\n1,Grace\n", "people.csv:3: id: 1 appears more than once"),
        ("people.csv", 'display_name\nAda\n"Grace\n', "people.csv"),  # cut short inside a quoted cell
        ("people.csv", "display_name,cadence_days\nAda,7,extra\n", "people.csv:2: has 3 cells"),
        ("notes.csv", "person_id,body\n99,hello\n", "notes.csv:2: person_id: no person 99"),
        ("interactions.csv", "person_id,occurred_at\n1,2025-01-01\n", "interactions.csv:1: missing column 'channel'"),
        ("interactions.csv", "person_id,occurred_at,channel\n1,2025-01-01T10:00,fax\n", "interactions.csv:2: channel"),
        ("dates.csv", "person_id,label,month,day,year\n1,Wedding,2,29,2023\n", "dates.csv:2: day: 29-2-2023 is not"),
        ("dates.csv", "person_id,label,month,day\n1,Wedding,13,1\n", "dates.csv:2: month: '13' is not a whole"),
        ("dates.csv", "person_id,label,month,day\n1,,1,1\n", "dates.csv:2: label: is empty"),
        ("notes.csv", "person_id,body,anniversary\n1,x,sometimes\n", "notes.csv:2: anniversary"),
        ("people.csv", "display_name\n\n", "people.csv"),
    ],
)
def test_a_bad_row_imports_nothing_and_names_file_line_and_field(
    journal: Journal, tmp_path: Path, filename: str, content: str, expected: str
) -> None:
    journal.add_person(PersonDraft("Existing"))
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    before = journal.list_people()
    if content == "display_name\n\n":  # a header and no rows is not an error: nothing to import
        assert journal.import_csv(path)["people.csv"] == 0
        return
    with pytest.raises(CsvImportError) as caught:
        journal.import_csv(path)
    assert expected in str(caught.value)
    assert str(caught.value).startswith("Nothing was imported")
    assert journal.list_people() == before


def test_wrong_encodings(journal: Journal, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("display_name\nZoë\n".encode("latin-1"))
    with pytest.raises(CsvImportError, match="people.csv:2: the file is not UTF-8"):
        journal.import_csv(path)
    path.write_bytes("display_name\nZoë\n".encode("utf-16"))  # with its BOM: read as UTF-16
    journal.import_csv(path)
    assert journal.find_person("zoë").display_name == "Zoë"


@given(st.text())
def test_neutralise_and_restore_are_inverse(value: str) -> None:
    cell = csvio.neutralise(value)
    assert csvio.restore(cell) == value
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


_SQLITE = sqlcipher3.connect(":memory:")  # the journal's own SQLite, to run the export's cell SQL


@given(st.lists(st.text().filter(lambda t: "\x00" not in t), min_size=2, max_size=4))
def test_export_lines_made_in_sql_match_csv_writer(values: list[str]) -> None:
    """Export has SQLite write each line; it must be exactly what `csv.writer` makes of the neutralised cells."""
    line = csvio.line_sql([csvio.text_cell_sql(f":v{i}") for i in range(len(values))])
    made = _SQLITE.execute(f"SELECT {line}", {f"v{i}": v for i, v in enumerate(values)}).fetchone()[0]
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\r\n").writerow([csvio.neutralise(v) for v in values])
    assert made == expected.getvalue()
    assert [csvio.restore(cell) for cell in next(csv.reader(io.StringIO(made, newline="")))] == values


def test_a_cancelled_export_leaves_nothing_and_reports_its_progress(journal: Journal, tmp_path) -> None:
    from relationjournal.core.progress import Cancelled

    journal.fill_demo(people=30, interactions=3000)
    heard: list[tuple[int, int]] = []

    def cancel_midway(done: int, total: int, what: str) -> None:
        heard.append((done, total))
        if done >= 1000:
            raise Cancelled("Cancelled: nothing was changed.")

    folder = tmp_path / "export"
    with pytest.raises(Cancelled):
        journal.export_csv(folder, progress=cancel_midway)
    assert not folder.exists()  # the folder it made is gone with the files
    assert heard[0][0] == 0 and heard[-1][0] >= 1000 and heard[-1][1] > 3000  # rows of every file counted
