"""Alembic's environment: runs the migrations on the connection records/database.py hands it."""

from alembic import context

from clinic_explainer.records.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
