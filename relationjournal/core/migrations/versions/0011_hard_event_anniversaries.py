"""The anniversary of a hard event: a year after a loss or a crisis was logged, Today says so, once.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30

`anniversary` on a conversation and on a note: whether its hard event comes back to Today a year
later (on by default; the log and edit dialogs and the CLI turn it off). A column on the event, not
a table of exceptions, because the flag belongs to the event: deleting, restoring, merging and the
CSV round trip carry it with no bookkeeping, and adding a column with a constant default does not
rewrite SQLite's table (a million conversations migrate in no time).

The due pass looks up one local day's hard events a year back. Partial indexes on the time of
hard events only (a handful of rows) keep that lookup an index search however long the journal
is: conversations have one since 0010 (Insights' load), notes get theirs here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("interaction", "note"):
        op.add_column(table, sa.Column("anniversary", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_index("ix_note_hard_event_created", "note", ["created_at"], sqlite_where=sa.text("hard_event = 1"))


def downgrade() -> None:
    op.drop_index("ix_note_hard_event_created", table_name="note")
    for table in ("note", "interaction"):
        op.drop_column(table, "anniversary")
