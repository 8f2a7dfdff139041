"""Load a data file into a warehouse table: validate everything first, then write in one transaction.

Three cases: the table does not exist (create it from the file), it exists (append; the file must fit the table's
columns and types), or `replace` (drop and recreate it from the file). The write runs in a single transaction on the
backend's own connection, so a failure at any point leaves the table as it was. We do not use ibis's
`create_table(overwrite=True)` for that: on DuckDB it drops and renames in separate autocommitted statements.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import ibis
import ibis.common.exceptions as ibis_exc
import pyarrow as pa

from kpilot.errors import DataError, WarehouseError
from kpilot.warehouse.failures import translated
from kpilot.warehouse.fitting import fit_to_schema
from kpilot.warehouse.parsed import ParsedFile
from kpilot.warehouse.readers import read_file

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_IDENTIFIER = 63  # PostgreSQL truncates longer names silently
_COPY_BATCH = 10_000


@dataclass(frozen=True)
class IngestReport:
    """What `ingest_file` did."""

    table: str
    rows: int
    columns: int
    created: bool
    replaced: bool


def ingest_file(con: Any, path: Path, table: str, *, replace: bool = False) -> IngestReport:
    """Load `path` into `table` of the ibis backend `con` (DuckDB or PostgreSQL). Nothing is written on failure."""
    check_table_name(table)
    backend = _backend_name(con)
    parsed = read_file(path)
    if parsed.table.num_rows == 0:
        raise DataError(
            "no rows: the file has a header but no data", location=parsed.location(), hint="nothing was written"
        )
    existing = _existing_schema(con, table)
    if existing is not None and not replace:
        data, mode = fit_to_schema(parsed, table, existing), "append"
    else:
        data, mode = parsed.table, ("replace" if existing is not None else "create")
        _check_new_columns(parsed, backend)
    _write(con, backend, table, data, mode)
    return IngestReport(
        table=table,
        rows=data.num_rows,
        columns=data.num_columns,
        created=existing is None,
        replaced=mode == "replace",
    )


def check_table_name(table: str) -> None:
    if not _IDENTIFIER.fullmatch(table) or len(table) > _MAX_IDENTIFIER:
        raise DataError(
            f"invalid table name '{table}'",
            hint=f"use letters, digits and underscores, not starting with a digit, at most {_MAX_IDENTIFIER} long",
        )


def _backend_name(con: Any) -> str:
    name = str(getattr(con, "name", ""))
    if name not in ("duckdb", "postgres"):
        raise WarehouseError(f"loading files into a '{name or type(con).__name__}' warehouse is not supported")
    return name


def _existing_schema(con: Any, table: str) -> ibis.Schema | None:
    def failure(message: str, error: BaseException) -> WarehouseError:  # the table is there but unusable
        return WarehouseError(f"cannot read the columns of table '{table}': {message}")

    with translated(failure):
        try:
            return con.table(table).schema()
        except ibis_exc.TableNotFound:
            return None


def _check_new_columns(parsed: ParsedFile, backend: str) -> None:
    if backend != "postgres":
        return
    for name in parsed.table.column_names:
        if len(name.encode()) > _MAX_IDENTIFIER:
            raise DataError(
                f"column name '{name}' is longer than PostgreSQL allows ({_MAX_IDENTIFIER} bytes)",
                location=parsed.location(),
            )


# --------------------------------------------------------------------------------------------------------------
# Writing


class _Session(Protocol):
    """One open transaction: run statements and bulk-load rows; committed only if no exception escapes."""

    def execute(self, sql: str) -> None: ...

    def load(self, table: str, data: pa.Table) -> None: ...


def _write(con: Any, backend: str, table: str, data: pa.Table, mode: str) -> None:
    def failure(message: str, error: BaseException) -> WarehouseError:  # the transaction was rolled back
        return WarehouseError(f"could not write table '{table}': {message}", hint="nothing was written")

    with translated(failure), _transaction(con, backend) as session:
        if mode == "replace":
            session.execute(f"DROP TABLE {quote(table)}")
        if mode != "append":
            session.execute(_create_sql(table, data.schema, backend))
        session.load(table, data)


@contextmanager
def _transaction(con: Any, backend: str) -> Iterator[_Session]:
    if backend == "duckdb":
        with _duckdb_transaction(con.con) as session:
            yield session
    else:
        with _postgres_transaction(con.con) as session:
            yield session


class _DuckDBSession:
    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._views: list[str] = []

    def execute(self, sql: str) -> None:
        self._raw.execute(sql)

    def load(self, table: str, data: pa.Table) -> None:
        # DuckDB reads the Arrow table in place through a registered view: no copy, no staging table.
        view = f"_kpilot_ingest_{uuid.uuid4().hex}"
        self._raw.register(view, data)
        self._views.append(view)
        columns = ", ".join(quote(name) for name in data.column_names)
        self._raw.execute(f"INSERT INTO {quote(table)} ({columns}) SELECT {columns} FROM {quote(view)}")

    def close(self) -> None:
        for view in self._views:
            self._raw.unregister(view)


@contextmanager
def _duckdb_transaction(raw: Any) -> Iterator[_Session]:
    session = _DuckDBSession(raw)
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


class _PostgresSession:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, sql: str) -> None:
        self._cursor.execute(sql)

    def load(self, table: str, data: pa.Table) -> None:
        # COPY is PostgreSQL's bulk path; ibis's insert of in-memory data goes row by row.
        columns = ", ".join(quote(name) for name in data.column_names)
        with self._cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for batch in data.to_batches(max_chunksize=_COPY_BATCH):
                for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                    copy.write_row(row)


@contextmanager
def _postgres_transaction(raw: Any) -> Iterator[_Session]:
    with raw.transaction(), raw.cursor() as cursor:
        yield _PostgresSession(cursor)


def _create_sql(table: str, schema: pa.Schema, backend: str) -> str:
    definitions = ibis.Schema.from_pyarrow(schema).to_sqlglot_column_defs(backend)
    return f"CREATE TABLE {quote(table)} (" + ", ".join(column.sql(backend) for column in definitions) + ")"


def quote(identifier: str) -> str:
    """A SQL identifier in double quotes, as both DuckDB and PostgreSQL read it."""
    return '"' + identifier.replace('"', '""') + '"'
