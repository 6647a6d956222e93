"""Insights' per-person index, 40 % smaller: the time in it as an integer, not as text.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30

Insights' pass over the people (who reaches out in the period, each one-sided run) reads every
page of the (person, direction, time, channel) index of migration 0010: on a 1,000,000-conversation
journal 12,000 pages, three times the page cache, so each reading decrypts them all again. The
time was in it as 27 characters of text; here it is the same moment as an integer, microseconds
since 1970, read from the fixed-width text (whole seconds, then the six digits after them, so it is
ordered exactly as the text is). The index is 7,700 pages and the pass 98 ms instead of 133 (see
`core/insights.py`). It replaces 0010's, so inserts keep the same number of indexes.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

USEC = (
    "(CAST(strftime('%s', substr(occurred_at, 1, 19)) AS INTEGER) * 1000000 "
    "+ CAST(substr(occurred_at, 21, 6) AS INTEGER))"
)


def upgrade() -> None:
    op.drop_index("ix_interaction_person_direction", table_name="interaction")
    op.execute(
        "CREATE INDEX ix_interaction_person_direction_usec ON interaction "
        f"(person_id, direction, {USEC}, channel, custom_channel_id)"
    )


def downgrade() -> None:
    op.drop_index("ix_interaction_person_direction_usec", table_name="interaction")
    op.create_index(
        "ix_interaction_person_direction",
        "interaction",
        ["person_id", "direction", "occurred_at", "channel", "custom_channel_id"],
    )
