"""Alembic environment: migrations run on the connection the journal hands over."""

from alembic import context

from relationjournal.core.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
context.run_migrations()
