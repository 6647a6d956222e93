"""Schema migrations (Alembic), run when a journal is opened.

A journal made by an older version opens in a newer one and is upgraded in one transaction, so
a failed upgrade leaves the file as it was. Alembic is imported only when an upgrade is due:
checking the version is one small query and keeps start-up fast.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from relationjournal.core.errors import NotAJournal

HEAD_REVISION = "0012"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def current_revision(connection: Connection) -> str | None:
    """The journal's schema revision; None for an empty file, NotAJournal for a foreign database."""
    tables = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    if "alembic_version" not in tables:
        raise NotAJournal("This encrypted database is not a Relation Journal.")
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def upgrade(connection: Connection, target: str = "head") -> None:
    """Bring the schema up to `target` inside the caller's transaction."""
    if target == "head" and current_revision(connection) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, target)
