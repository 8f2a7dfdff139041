"""INSERT ... ON CONFLICT, the one statement that lets the database decide a race between two writers.

The outbox, new states and the scheduler's leases must be safe when two processes write the same key at once.
Reading first and inserting after leaves a gap between the two; a savepoint around an INSERT that may fail works,
but costs a round trip and, on PostgreSQL, logs an error for every lost race. `ON CONFLICT` asks the unique
constraint itself: on PostgreSQL the second writer waits for the first to commit and then does nothing (or its
conditional update); on SQLite writers already run one at a time. Both engines speak it (SQLite since 3.24), each
through its own SQLAlchemy dialect.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.store.models import Base


def upsert(session: Session, entity: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `entity`'s table for the session's engine, which knows `on_conflict_do_nothing` and
    `on_conflict_do_update`."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(entity)
    if dialect == "sqlite":
        return sqlite.insert(entity)
    raise InternalError(f"the store does not support the {dialect} database")
