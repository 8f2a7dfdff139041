"""One write transaction on a warehouse, DuckDB or PostgreSQL: statements, queries, and bulk loads of Arrow data.

Everything `ingest_file` writes (the table, its rows and the ingest log entry) goes through one session, so it
commits together or not at all. We do not use ibis's `create_table(overwrite=True)`: on DuckDB it drops and renames
in separate autocommitted statements.

Rows are first put where SQL can see them (a "stage"): on DuckDB the Arrow table itself, registered as a view (no
copy); on PostgreSQL a temporary table filled by COPY, dropped at commit. Statements then move them into the table,
which lets an upsert delete the rows it replaces, and lets ingest compare the file's rows with the table's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import ibis
import pyarrow as pa

_COPY_BATCH = 10_000


class Session(Protocol):
    """One open transaction; committed only if no exception escapes the `transaction` block."""

    backend: str

    def execute(self, sql: str, params: Sequence[object] | None = None) -> None:
        """Run a statement; `?` marks each parameter."""

    def fetch(self, sql: str, params: Sequence[object] | None = None) -> list[tuple[Any, ...]]:
        """Run a query; `?` marks each parameter."""

    def stage(self, data: pa.Table, like: str) -> str:
        """Make `data` readable by SQL under the returned name (a temporary table like table `like` on PostgreSQL)."""

    def load(self, table: str, data: pa.Table) -> None:
        """Bulk-load `data` into `table` (a table created in this transaction, whose columns are `data`'s)."""

    def lock(self, table: str) -> None:
        """Keep other writers off `table` until commit (readers are not blocked)."""


@contextmanager
def transaction(con: Any, backend: str) -> Iterator[Session]:
    if backend == "duckdb":
        with _duckdb_transaction(con.con) as session:
            yield session
    else:
        with _postgres_transaction(con.con) as session:
            yield session


def quote(identifier: str) -> str:
    """A SQL identifier in double quotes, as both DuckDB and PostgreSQL read it."""
    return '"' + identifier.replace('"', '""') + '"'


def create_table_sql(table: str, schema: pa.Schema, backend: str) -> str:
    definitions = ibis.Schema.from_pyarrow(schema).to_sqlglot_column_defs(backend)
    return f"CREATE TABLE {quote(table)} (" + ", ".join(column.sql(backend) for column in definitions) + ")"


def insert_sql(table: str, stage: str, columns: Sequence[str]) -> str:
    listed = ", ".join(quote(name) for name in columns)
    return f"INSERT INTO {quote(table)} ({listed}) SELECT {listed} FROM {quote(stage)}"


class DuckDBSession:
    backend = "duckdb"

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._views: list[str] = []

    def execute(self, sql: str, params: Sequence[object] | None = None) -> None:
        self._raw.execute(sql, params)

    def fetch(self, sql: str, params: Sequence[object] | None = None) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._raw.execute(sql, params).fetchall()]

    def stage(self, data: pa.Table, like: str) -> str:
        # DuckDB reads the Arrow table in place through a registered view: no copy, no staging table.
        view = f"_kpilot_stage_{uuid.uuid4().hex}"
        self._raw.register(view, data)
        self._views.append(view)
        return view

    def load(self, table: str, data: pa.Table) -> None:
        self.execute(insert_sql(table, self.stage(data, table), data.column_names))

    def lock(self, table: str) -> None:
        """Nothing to do: a DuckDB file has one writer at a time, and kpilot ingest is it."""

    def close(self) -> None:
        for view in self._views:
            self._raw.unregister(view)


@contextmanager
def _duckdb_transaction(raw: Any) -> Iterator[Session]:
    session = DuckDBSession(raw)
    raw.begin()
    try:
        yield session
    except BaseException:
        raw.rollback()
        raise
    else:
        raw.commit()
    finally:
        session.close()


class PostgresSession:
    backend = "postgres"

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[object] | None = None) -> None:
        self._cursor.execute(_placeholders(sql, params), params)

    def fetch(self, sql: str, params: Sequence[object] | None = None) -> list[tuple[Any, ...]]:
        self._cursor.execute(_placeholders(sql, params), params)
        return [tuple(row) for row in self._cursor.fetchall()]

    def stage(self, data: pa.Table, like: str) -> str:
        name = f"_kpilot_stage_{uuid.uuid4().hex}"
        self._cursor.execute(f"CREATE TEMPORARY TABLE {quote(name)} (LIKE {quote(like)}) ON COMMIT DROP")
        self.load(name, data)
        return name

    def load(self, table: str, data: pa.Table) -> None:
        # COPY is PostgreSQL's bulk path; ibis's insert of in-memory data goes row by row.
        columns = ", ".join(quote(name) for name in data.column_names)
        with self._cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for batch in data.to_batches(max_chunksize=_COPY_BATCH):
                for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                    copy.write_row(row)

    def lock(self, table: str) -> None:
        # SHARE ROW EXCLUSIVE conflicts with itself and with writes, not with reads: two ingests into one table
        # take turns, so that neither checks for the other's rows before they are committed.
        self._cursor.execute(f"LOCK TABLE {quote(table)} IN SHARE ROW EXCLUSIVE MODE")


def _placeholders(sql: str, params: Sequence[object] | None) -> str:
    """psycopg marks parameters with %s; without parameters it reads the statement as is (a % stays a %)."""
    return sql if params is None else sql.replace("%", "%%").replace("?", "%s")


@contextmanager
def _postgres_transaction(raw: Any) -> Iterator[Session]:
    with raw.transaction(), raw.cursor() as cursor:
        yield PostgresSession(cursor)
