"""A person's last contact, kept on the person row by triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

The people list sorts by it and the stay-in-touch rule reads it for every person; computing it
per person from 1,000,000 conversations cost tens of milliseconds each time. Times are the fixed-
width UTC text of the other time columns, so the latest is simply the largest.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

RECOMPUTE = (
    "UPDATE person SET last_contact_at = "
    "(SELECT max(occurred_at) FROM interaction WHERE person_id = {who}) WHERE id = {who}"
)


def upgrade() -> None:
    op.add_column("person", sa.Column("last_contact_at", sa.String(length=27), nullable=True))
    op.execute(
        "CREATE TRIGGER person_last_contact_insert AFTER INSERT ON interaction BEGIN "
        "UPDATE person SET last_contact_at = new.occurred_at WHERE id = new.person_id "
        "AND (last_contact_at IS NULL OR last_contact_at < new.occurred_at); END"
    )
    op.execute(
        "CREATE TRIGGER person_last_contact_update AFTER UPDATE OF occurred_at, person_id ON interaction BEGIN "
        + RECOMPUTE.format(who="old.person_id")
        + "; "
        + RECOMPUTE.format(who="new.person_id")
        + "; END"
    )
    op.execute(
        "CREATE TRIGGER person_last_contact_delete AFTER DELETE ON interaction BEGIN "
        + RECOMPUTE.format(who="old.person_id")
        + "; END"
    )
    op.execute(
        "UPDATE person SET last_contact_at = (SELECT max(occurred_at) FROM interaction WHERE person_id = person.id)"
    )
    op.create_index("ix_person_last_contact_at", "person", ["last_contact_at"])


def downgrade() -> None:
    op.drop_index("ix_person_last_contact_at", "person")
    for name in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER person_last_contact_{name}")
    op.drop_column("person", "last_contact_at")
