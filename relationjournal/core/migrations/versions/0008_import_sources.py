"""Source keys of imported records, so that importing an export again adds only what is new.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

One row per record an import took from another platform's export: a person (their
`source_key`, e.g. `x:id:12345`, and how they relate to the owner there: follower, following…),
a message (the conversation entry it went into) or a conversation's day on one person's
timeline (the entry that day's messages make). `list` rows say that a platform's followers list
was imported once: only a later list names new followers. A person deleted takes their rows
with them; an entry deleted leaves its messages known (a re-import does not bring it back).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("first_seen", sa.String(length=27), nullable=False),
        sa.Column("last_seen", sa.String(length=27), nullable=False),
        sa.Column("relations", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('person', 'message', 'conversation_day', 'list')", name="ck_import_source_kind"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_import_source_person_id_person", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name="fk_import_source_interaction_id_interaction",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_import_source"),
        sa.UniqueConstraint("source_key", name="uq_import_source_source_key"),
    )
    op.create_index("ix_import_source_person_id", "import_source", ["person_id"])
    op.create_index("ix_import_source_interaction_id", "import_source", ["interaction_id"])
    op.create_index("ix_import_source_platform_kind", "import_source", ["platform", "kind"])


def downgrade() -> None:
    op.drop_table("import_source")
