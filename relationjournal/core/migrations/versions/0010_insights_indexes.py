"""Indexes for Insights: a year of conversations counted from indexes alone, never from the rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

Insights counts a year of conversations (250,000 in the benchmark's journal) by week and channel,
and by person and who started them. Reading those columns from the rows costs a page decryption
per conversation, scattered over the whole file (1.5 s a count); from these covering indexes it is
15 to 60 ms (see `core/insights.py`):

- `ix_interaction_person_direction` (person, direction, time, channel): who started the
  conversations with each person in a period, and how long the latest one-sided run is;
- `ix_interaction_channel_when` (channel, context, time, person): conversations per week on each
  channel in each context, without sorting them;
- `ix_interaction_hard_event` (time, hard events only): the user's load, week by week.

Together they add about 6 % to the file.
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_interaction_person_direction",
        "interaction",
        ["person_id", "direction", "occurred_at", "channel", "custom_channel_id"],
    )
    op.create_index(
        "ix_interaction_channel_when",
        "interaction",
        ["channel", "custom_channel_id", "context", "occurred_at", "person_id"],
    )
    op.execute("CREATE INDEX ix_interaction_hard_event ON interaction (occurred_at) WHERE hard_event = 1")


def downgrade() -> None:
    op.drop_index("ix_interaction_hard_event", table_name="interaction")
    op.drop_index("ix_interaction_channel_when", table_name="interaction")
    op.drop_index("ix_interaction_person_direction", table_name="interaction")
