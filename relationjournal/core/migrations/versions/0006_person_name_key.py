"""People found by name regardless of case and accents: a folded copy of each name, kept by triggers.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

The people filter compares what the user types with every person's name and organisation on
each keystroke. SQLite's LIKE ignores case for ASCII letters only, so "zoe" never found "Zoë" and
"muller" never found "Müller". Folding 10,000 names in Python for every keystroke costs more than a
frame; instead each person's folded "name organisation" is kept in `person_name_key`, written by
triggers through the `rj_fold` SQL function (`core/folding.fold`, registered on every connection
the journal opens: `core/database.py`). A table of its own, not a column on `person`: updating the
person row from its own trigger would also run the person search index's triggers a second time.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KEY = "rj_fold(new.display_name || ' ' || new.organisation)"


def upgrade() -> None:
    op.create_table(
        "person_name_key",
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("folded", sa.Text(), nullable=False),
    )
    op.execute(
        "CREATE TRIGGER person_name_key_insert AFTER INSERT ON person BEGIN "
        f"INSERT OR REPLACE INTO person_name_key (person_id, folded) VALUES (new.id, {KEY}); END"
    )
    op.execute(
        "CREATE TRIGGER person_name_key_update AFTER UPDATE OF display_name, organisation, id ON person BEGIN "
        "DELETE FROM person_name_key WHERE person_id = old.id; "
        f"INSERT OR REPLACE INTO person_name_key (person_id, folded) VALUES (new.id, {KEY}); END"
    )
    op.execute(
        "INSERT INTO person_name_key (person_id, folded) "
        "SELECT id, rj_fold(display_name || ' ' || organisation) FROM person"
    )


def downgrade() -> None:
    for name in ("insert", "update"):
        op.execute(f"DROP TRIGGER person_name_key_{name}")
    op.drop_table("person_name_key")
