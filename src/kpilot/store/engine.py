"""SQLAlchemy engines for the store, set up the same way for every command.

SQLite: write-ahead logging (readers never wait for a writer), a busy timeout (a writer waits its turn instead of
failing at once), foreign keys enforced (SQLite leaves them off unless asked on every connection), and transactions
that take the write lock when they begin if they are going to write (`BEGIN IMMEDIATE`): a transaction that reads,
then writes, would otherwise fail at once when another writer got in between, busy timeout or not. The file is
opened without being created, except by `kpilot db upgrade`.

PostgreSQL: psycopg 3, a connection checked before each use (a server that restarted is reconnected to), and a
connect timeout.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from kpilot.store.location import StoreLocation

BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 10
WRITING = "kpilot_writing"  # the execution option that marks a transaction that will write


def create_store_engine(location: StoreLocation, *, create: bool = False) -> Engine:
    """An engine for the store; `create` lets SQLite create a missing file (only `kpilot db upgrade` asks)."""
    if location.url is not None:
        return create_engine(
            location.url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "kpilot"},
        )
    uri = f"file:{quote(str(location.path))}?mode={'rwc' if create else 'rw'}"

    def connect() -> sqlite3.Connection:
        # check_same_thread=False: the pool may hand a connection to another thread (a server's workers); SQLite
        # itself is safe for that, and a connection is only ever used by one thread at a time.
        return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)

    # QueuePool, named: for a URL without a file SQLAlchemy would pick SingletonThreadPool (one connection per
    # thread, closed when more than five threads ask), which closes connections other threads are using: a server
    # answering sixteen requests at once crashed in the sqlite3 module.
    engine = create_engine("sqlite+pysqlite://", creator=connect, poolclass=QueuePool)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def writing(engine: Engine) -> Engine:
    """The same engine (and pool), for transactions that write."""
    return engine.execution_options(**{WRITING: True})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # isolation_level=None stops the sqlite3 module from starting transactions on its own; `_sqlite_begin` starts
    # them instead, with the right kind of BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    will_write = bool(connection.get_execution_options().get(WRITING))
    connection.exec_driver_sql("BEGIN IMMEDIATE" if will_write else "BEGIN")
