"""Full-text search: FTS5 indexes over people, notes and interactions, inside the encrypted file.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

External-content FTS5 tables store only the index (the text stays in its own table), kept in step
by triggers, and `rebuild` fills them from what a first-schema journal already holds.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXED = {
    "person": ("display_name", "organisation", "role", "how_we_met", "why_it_matters", "remember", "source"),
    "note": ("body",),
    "interaction": ("summary", "body", "reached_out_by"),
}


def upgrade() -> None:
    for table, columns in INDEXED.items():
        fts = f"{table}_fts"
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    for table in INDEXED:
        for suffix in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER {table}_fts_{suffix}")
        op.execute(f"DROP TABLE {table}_fts")
