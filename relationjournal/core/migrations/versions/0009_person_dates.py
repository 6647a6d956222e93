"""Dates that matter on a person (a work anniversary, a wedding, a birthday without a year), yearly.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

`person_date` holds a label and a month and day, with the year when it is known. A person
deleted takes their dates with them. Reminders of a date (and of a person's birthday) are made
as they come due, one per occurrence: `reminder.occasion` names which (`birthday:5:2026-12-03`,
`date:17:2026-12-03`), so a reminder done or dismissed stays so and the next year brings a new
one. It is a column added, not a new reminder kind: a kind would widen the CHECK constraint,
which SQLite changes only by making the table again (as 0005 had to).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_person_date_person_id_person", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_person_date"),
    )
    op.create_index("ix_person_date_person_id", "person_date", ["person_id"])
    op.create_index("ix_person_date_month_day", "person_date", ["month", "day"])
    op.add_column("reminder", sa.Column("occasion", sa.Text(), nullable=True))
    op.create_index("ix_reminder_occasion", "reminder", ["occasion"])


def downgrade() -> None:
    op.drop_index("ix_reminder_occasion", table_name="reminder")
    op.drop_column("reminder", "occasion")
    op.drop_table("person_date")
