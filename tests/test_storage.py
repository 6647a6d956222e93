"""The encrypted store: pragmas, schema migrations, key changes and error mapping, in process."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from relationjournal.core import migrate
from relationjournal.core.access import create_journal, open_journal
from relationjournal.core.database import make_engine
from relationjournal.core.errors import NotAJournal, NotFound, WrongKey
from relationjournal.core.journal import Journal
from relationjournal.core.locations import create_private_file
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vault import JournalMeta, Key, write_meta
from relationjournal.core.vocabulary import Channel, Platform
from tests.conftest import Sandbox, snapshot
from tests.data.make_first_schema_journal import FIXTURE, FIXTURE_KEY


def test_connections_use_wal_memory_temp_store_and_foreign_keys(journal: Journal) -> None:
    with journal._engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("temp_store") == 2  # MEMORY: no unencrypted temp files
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL: a reported commit survives power loss
        assert pragma("cipher_version").startswith("4.")


def test_migrations_head_matches_the_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == migrate.HEAD_REVISION


def test_a_first_schema_journal_opens_upgraded_with_nothing_lost(sandbox: Sandbox) -> None:
    location = sandbox.location
    shutil.copy(FIXTURE, location.database)
    engine = make_engine(location.database, FIXTURE_KEY)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == "0001"
    engine.dispose()
    import keyring

    write_meta(location, JournalMeta(journal_id="fixture", protection="keyring"))
    keyring.set_password("relationjournal", "fixture", FIXTURE_KEY.raw.hex())

    with open_journal(location) as journal:
        person = journal.find_person("amaka obi")
        assert person.tags == ("translator",) and person.cadence_days == 30
        assert person.remember == "her twins started school"
        timeline = journal.timeline(person.id)
        assert [e.kind for e in timeline] == ["interaction", "note"]
        assert timeline[0].item.summary == "Asked for a reference letter"
        # the search index added by revision 0002 covers what the first schema already held
        assert {hit.kind for hit in journal.search("jollof")} == {"note"}
        assert {hit.kind for hit in journal.search("reference")} == {"interaction"}
        assert {hit.kind for hit in journal.search("yoruba")} == {"person"}
        with journal._engine.connect() as connection:
            assert migrate.current_revision(connection) == migrate.HEAD_REVISION
        assert journal.integrity_problems() == []


def test_an_empty_or_plain_sqlite_file_is_not_a_journal(sandbox: Sandbox) -> None:
    location = sandbox.location
    write_meta(location, JournalMeta(journal_id="x", protection="passphrase"))
    create_private_file(location.database)
    with pytest.raises(NotAJournal, match="empty"):
        open_journal(location, passphrase="whatever1")
    location.database.unlink()
    import sqlite3

    plain = sqlite3.connect(location.database)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    before = snapshot(location.data_dir)
    with pytest.raises(NotAJournal, match="unencrypted SQLite"):
        open_journal(location, passphrase="whatever1")
    assert snapshot(location.data_dir) == before


def test_a_wrong_raw_key_is_refused_before_any_write(sandbox: Sandbox) -> None:
    created = create_journal(sandbox.location)
    created.journal.add_person(PersonDraft("Ada"))
    created.journal.close()
    before = snapshot(sandbox.data_dir)
    engine = make_engine(sandbox.location.database, Key.generate())
    with pytest.raises(WrongKey):
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    engine.dispose()
    assert snapshot(sandbox.data_dir) == before


def test_a_persons_timeline_pages_through_everything_in_order_once(journal: Journal) -> None:
    """Pages chained by `before` give every entry exactly once, newest first, even when many share a time."""
    person = journal.add_person(PersonDraft("Amaka Obi"))
    other = journal.add_person(PersonDraft("Someone Else"))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(230):
        when = start + timedelta(hours=i // 7)  # seven conversations to an hour: ties cross page boundaries
        journal.log_interaction(person.id, InteractionDraft(Channel.email, occurred_at=when, summary=f"talk {i}"))
    for i in range(40):
        journal.add_note(person.id, f"note {i}", now=start + timedelta(hours=i))
    journal.log_interaction(other.id, InteractionDraft(Channel.x, occurred_at=start, summary="not hers"))

    pages = [journal.timeline(person.id, limit=100)]
    while len(pages[-1]) == 100:
        pages.append(journal.timeline(person.id, limit=100, before=pages[-1][-1]))
    seen = [entry for page in pages for entry in page]
    assert [len(page) for page in pages] == [100, 100, 70]
    assert len({entry.key for entry in seen}) == 270  # none repeated, none skipped
    assert seen == sorted(seen, key=lambda e: (e.when, e.key), reverse=True)
    assert {entry.item.person_name for entry in seen} == {"Amaka Obi"}
    assert journal.timeline_entries([e.key for e in seen[::-1]]) == seen[::-1]  # the same records, by key
    with pytest.raises(NotFound, match="no person with id 999"):
        journal.timeline(999)


def test_the_hot_queries_use_their_indexes(journal: Journal) -> None:
    """EXPLAIN QUERY PLAN of the statements the service really runs: no hot path scans a big table
    or sorts it whole (that is what would make them slow at 1,000,000 interactions)."""
    from sqlalchemy import event

    from relationjournal.core.records import PeopleFilter

    for i in range(20):
        person = journal.add_person(PersonDraft(f"Person {i}", tags=("client",), handles=((Platform.x, f"@p{i}"),)))
        journal.log_interaction(person.id, InteractionDraft(Channel.email, summary=f"talk {i}"))
        journal.add_note(person.id, f"note {i}")
    statements: list[str] = []

    def trace(dbapi_connection, _record, _proxy) -> None:
        dbapi_connection.set_trace_callback(statements.append)  # the SQL as run, with its values

    event.listen(journal._engine, "checkout", trace)
    journal._engine.dispose()  # pooled connections check out again, now traced

    def plan_of(call) -> str:
        statements.clear()
        call()
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        with journal._engine.connect() as connection:
            return "\n".join(row[3] for s in selects for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}"))

    page = plan_of(lambda: journal.timeline(1, limit=100))
    assert "ix_interaction_person_when" in page and "ix_note_person_created" in page
    assert "SCAN i\n" not in page + "\n" and "SCAN n\n" not in page + "\n"
    keys = plan_of(journal.timeline_keys)
    assert "ix_interaction_when" in keys and "TEMP B-TREE" not in keys  # 1,000,000 keys come out sorted
    people = plan_of(lambda: journal.person_ids(PeopleFilter(text="per")))
    assert "ix_person_name_nocase" in people and "TEMP B-TREE" not in people
    assert "CORRELATED" not in people  # handles and tags are read once, not once per person
