"""Alembic's entry point: runs the migrations on the connection `kpilot.store.revisions` hands over.

There is no alembic.ini and no offline (SQL script) mode: kpilot opens the store itself, so the URL and the
connection's setup (SQLite pragmas, the PostgreSQL driver) are the same for migrations as for every other use.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from kpilot.errors import InternalError
from kpilot.store.models import Base


def run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise InternalError("the store's migrations run through kpilot.store.revisions, which passes a connection")
    # Batch mode: SQLite alters a table by copying it, which Alembic does for us when migrations use batch_alter_table.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run()
