"""Wellbeing reminders: business pauses after hard events, reminder sources, and reflections.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch (copy) migration would drop person's FTS triggers.
    op.add_column("person", sa.Column("business_paused_until", sa.String(length=27), nullable=True))
    op.add_column("reminder", sa.Column("business", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "ALTER TABLE reminder ADD COLUMN source_interaction_id INTEGER REFERENCES interaction (id) ON DELETE SET NULL"
    )
    op.add_column("reminder", sa.Column("closed_at", sa.String(length=27), nullable=True))
    op.create_index("ix_reminder_person_kind", "reminder", ["person_id", "kind", "due_at"])
    op.create_table(
        "reflection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("mine_to_carry", sa.Text(), nullable=False),
        sa.Column("not_mine_to_carry", sa.Text(), nullable=False),
        sa.Column("who_else_supports", sa.Text(), nullable=False),
        sa.Column("will_do", sa.Text(), nullable=False),
        sa.Column("will_not_do", sa.Text(), nullable=False),
        sa.Column("who_i_can_talk_to", sa.Text(), nullable=False),
        sa.Column("feeling", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_reflection_person_id_person", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminder.id"], name="fk_reflection_reminder_id_reminder", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reflection"),
    )
    op.create_index("ix_reflection_created_at", "reflection", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_reflection_created_at", "reflection")
    op.drop_table("reflection")
    op.drop_index("ix_reminder_person_kind", "reminder")
    for column in ("closed_at", "source_interaction_id", "business"):
        op.drop_column("reminder", column)
    op.drop_column("person", "business_paused_until")
