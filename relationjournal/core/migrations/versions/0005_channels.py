"""Channels people use: WhatsApp, Telegram, Signal, Slack, Teams... and channels of the user's own.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

A conversation's channel is a built-in one (the `channel` column, its CHECK constraint widened to
the new names) or one the user added (`custom_channel_id`, a row of the new `custom_channel`
table); exactly one of the two is set. Built-ins stay an enum so that a typo can never become a
channel, and a custom channel is one row so that renaming it is one write.

SQLite changes a CHECK constraint only by making the table again. Foreign keys stay on during a
migration (they cannot be turned off inside its transaction), so dropping the old table deletes
its rows first as far as other tables can tell: a reminder's link to the conversation that made
it would be set to NULL. The links are kept aside and put back. The old table's triggers (the
search index's and the person's last contact) and indexes go with it and are made again from
their own stored SQL; the search index itself is untouched, as every row keeps its id.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_CHANNELS = ("x", "linkedin", "instagram", "facebook", "email", "phone", "meeting", "chat", "other")
NEW_CHANNELS = (
    "whatsapp",
    "telegram",
    "signal",
    "slack",
    "teams",
    "discord",
    "mastodon",
    "bluesky",
    "tiktok",
    "youtube",
)
COLUMNS = (
    "id, person_id, occurred_at, channel, direction, summary, body, tone, context, hard_event, reached_out_by, "
    "follow_up_on, created_at"
)


def _table(name: str, channels: tuple[str, ...], *, custom: bool) -> str:
    allowed = ", ".join(f"'{c}'" for c in channels)
    return (
        f"CREATE TABLE {name} (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tperson_id INTEGER NOT NULL, \n"
        "\toccurred_at VARCHAR(27) NOT NULL, \n"
        + (
            "\tchannel VARCHAR(20), \n\tcustom_channel_id INTEGER, \n"
            if custom
            else "\tchannel VARCHAR(20) NOT NULL, \n"
        )
        + "\tdirection VARCHAR(20) NOT NULL, \n"
        "\tsummary TEXT NOT NULL, \n"
        "\tbody TEXT NOT NULL, \n"
        "\ttone VARCHAR(20) NOT NULL, \n"
        "\tcontext VARCHAR(20) NOT NULL, \n"
        "\thard_event BOOLEAN NOT NULL, \n"
        "\treached_out_by TEXT NOT NULL, \n"
        "\tfollow_up_on DATE, \n"
        "\tcreated_at VARCHAR(27) NOT NULL, \n"
        "\tCONSTRAINT pk_interaction PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_interaction_person_id_person FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE, \n"
        + (
            "\tCONSTRAINT fk_interaction_custom_channel_id_custom_channel FOREIGN KEY(custom_channel_id) "
            "REFERENCES custom_channel (id) ON DELETE RESTRICT, \n"
            "\tCONSTRAINT ck_interaction_one_channel CHECK ((channel IS NULL) <> (custom_channel_id IS NULL)), \n"
            if custom
            else ""
        )
        + f"\tCONSTRAINT ck_interaction_channel CHECK (channel IN ({allowed})), \n"
        "\tCONSTRAINT ck_interaction_direction CHECK (direction IN ('in', 'out')), \n"
        "\tCONSTRAINT ck_interaction_tone CHECK (tone IN ('positive', 'neutral', 'negative')), \n"
        "\tCONSTRAINT ck_interaction_context CHECK (context IN ('personal', 'business'))\n"
        ")"
    )


def _remake_interaction(new_table: str) -> None:
    """Make `interaction` again as `new_table` says, keeping every row, id, trigger, index and reminder link."""
    bind = op.get_bind()
    kept = [
        sql
        for (sql,) in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'interaction' AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL ORDER BY type, name"
        )
    ]
    op.execute(
        "CREATE TEMP TABLE reminder_source AS "
        "SELECT id, source_interaction_id FROM reminder WHERE source_interaction_id IS NOT NULL"
    )
    op.execute(new_table)
    op.execute(f"INSERT INTO interaction_new ({COLUMNS}) SELECT {COLUMNS} FROM interaction")
    op.execute("DROP TABLE interaction")
    op.execute("ALTER TABLE interaction_new RENAME TO interaction")
    for sql in kept:
        op.execute(sql)
    op.execute(
        "UPDATE reminder SET source_interaction_id = "
        "(SELECT kept.source_interaction_id FROM temp.reminder_source AS kept WHERE kept.id = reminder.id) "
        "WHERE id IN (SELECT id FROM temp.reminder_source)"
    )
    op.execute("DROP TABLE temp.reminder_source")


def upgrade() -> None:
    op.create_table(
        "custom_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_custom_channel"),
        sa.UniqueConstraint("key", name="uq_custom_channel_key"),
    )
    _remake_interaction(_table("interaction_new", OLD_CHANNELS[:-1] + NEW_CHANNELS + ("other",), custom=True))
    op.create_index("ix_interaction_custom_channel_id", "interaction", ["custom_channel_id"])


def downgrade() -> None:
    # The old schema has no place for the new channels: their conversations become "other".
    op.execute(
        "UPDATE interaction SET channel = 'other', custom_channel_id = NULL "
        f"WHERE channel IS NULL OR channel IN ({', '.join(repr(c) for c in NEW_CHANNELS)})"
    )
    op.drop_index("ix_interaction_custom_channel_id", "interaction")
    _remake_interaction(_table("interaction_new", OLD_CHANNELS, custom=False))
    op.drop_table("custom_channel")
