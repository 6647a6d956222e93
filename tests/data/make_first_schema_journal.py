"""Makes `journal-0001.db`: a journal as the first schema (revision 0001) wrote it, with a few rows.

Kept beside the file it makes, so anyone can see what the migration test starts from. The file
is committed: later edits to the migrations must still upgrade exactly this file.
Run: python tests/data/make_first_schema_journal.py
"""

from pathlib import Path

from relationjournal.core import migrate
from relationjournal.core.database import make_engine, writer
from relationjournal.core.vault import Key

HERE = Path(__file__).parent
FIXTURE = HERE / "journal-0001.db"
FIXTURE_KEY = Key(raw=bytes(range(32)))  # a test key, published on purpose

ROWS = """
INSERT INTO person (id, display_name, pronouns, organisation, role, how_we_met, why_it_matters, reaches_out,
    remember, birthday, source, status, cadence_days, created_at, updated_at)
VALUES (1, 'Amaka Obi', 'she/her', 'Lagos Translators', 'lead', 'a conference', 'our best Yoruba translator',
    'Sam', 'her twins started school', '1988-04-02', 'new follower', 'active', 30,
    '2025-01-05T09:00:00.000000Z', '2025-01-05T09:00:00.000000Z');
INSERT INTO tag (id, name, cadence_days) VALUES (1, 'translator', 60);
INSERT INTO person_tag (person_id, tag_id) VALUES (1, 1);
INSERT INTO handle (id, person_id, platform, value) VALUES (1, 1, 'linkedin', 'amaka-obi');
INSERT INTO note (id, person_id, body, pinned, hard_event, created_at, updated_at)
VALUES (1, 1, 'Loves **jollof** debates, ask about the marathon.', 1, 0,
    '2025-02-01T10:00:00.000000Z', '2025-02-01T10:00:00.000000Z');
INSERT INTO interaction (id, person_id, occurred_at, channel, direction, summary, body, tone, context, hard_event,
    reached_out_by, follow_up_on, created_at)
VALUES (1, 1, '2025-03-01T15:30:00.000000Z', 'linkedin', 'in', 'Asked for a reference letter', 'Happy to help.',
    'positive', 'business', 0, 'Sam', '2025-03-08', '2025-03-01T15:31:00.000000Z');
"""


def main() -> None:
    FIXTURE.unlink(missing_ok=True)
    engine = make_engine(FIXTURE, FIXTURE_KEY)
    with writer(engine).begin() as connection:
        migrate.upgrade(connection, "0001")
        for statement in ROWS.split(";"):
            if statement.strip():
                connection.exec_driver_sql(statement)
    engine.dispose()  # the last connection to close folds the WAL into the file and removes it
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
