"""Load a data file into a warehouse table: validate everything first, then write in one transaction.

Three cases: the table does not exist (create it from the file), it exists (append; the file must fit the table's
columns and types), or `replace` (drop and recreate it from the file). The write runs in a single transaction on the
backend's own connection, so a failure at any point leaves the table as it was. We do not use ibis's
`create_table(overwrite=True)` for that: on DuckDB it drops and renames in separate autocommitted statements.
"""

from __future__ import annotations

import difflib
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import ibis
import ibis.common.exceptions as ibis_exc
import pyarrow as pa
import pyarrow.compute as pc

from kpilot.errors import DataError, KpilotError, WarehouseError
from kpilot.warehouse.readers import (
    Conversion,
    ParsedFile,
    cast_tolerant,
    parse_bool,
    parse_datetimes,
    parse_numbers_best,
    read_file,
)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_IDENTIFIER = 63  # PostgreSQL truncates longer names silently
_SHOWN_PROBLEMS = 5
_COPY_BATCH = 10_000
_EMPTY = "is empty, but the table column does not allow NULL"


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
    try:
        return con.table(table).schema()
    except ibis_exc.TableNotFound:
        return None
    except Exception as exc:  # a driver or type-mapping error: the table is there but unusable
        raise WarehouseError(f"cannot read the columns of table '{table}': {_first_line(exc)}") from exc


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
# Fitting a file to an existing table


@dataclass(frozen=True)
class _Problem:
    index: int  # data row in the file
    column: str
    text: str | None
    reason: str
    column_type: str


def fit_to_schema(parsed: ParsedFile, table: str, schema: ibis.Schema) -> pa.Table:
    """The file's data converted to the table's column types, or a DataError listing what does not fit."""
    _check_columns(parsed, table, list(schema.names))
    arrays: list[pa.Array] = []
    problems: list[_Problem] = []
    total = 0
    for name, dtype in schema.items():
        target = _arrow_type(dtype, table, name, parsed)
        converted = _convert(parsed, name, target)
        if converted is None:
            raise _unsupported_type(parsed, table, name, dtype)
        type_name = str(dtype.copy(nullable=True))
        count, shown = _problems(parsed, name, converted.bad, _reason(target), type_name)
        if not dtype.nullable:
            empty = pc.and_(pc.is_null(converted.values), pc.invert(converted.bad))
            more, more_shown = _problems(parsed, name, empty, _EMPTY, type_name)
            count, shown = count + more, shown + more_shown
        total += count
        problems.extend(shown)
        arrays.append(converted.values)
    if total:
        raise _misfit(parsed, table, problems, total)
    return pa.Table.from_arrays(arrays, names=list(schema.names))


def _check_columns(parsed: ParsedFile, table: str, expected: list[str]) -> None:
    present = parsed.table.column_names
    missing = [name for name in expected if name not in present]
    unexpected = [name for name in present if name not in expected]
    if not missing and not unexpected:
        return
    parts = []
    if missing:
        parts.append("missing column(s) " + ", ".join(f"'{name}'" for name in missing))
    if unexpected:
        parts.append("unexpected column(s) " + ", ".join(_with_suggestion(name, missing) for name in unexpected))
    raise DataError(
        f"the file does not fit table '{table}': " + "; ".join(parts),
        location=parsed.location(),
        hint="rename the file's columns to the table's (the order does not matter), "
        "or use --replace to recreate the table from the file; nothing was written",
    )


def _with_suggestion(name: str, candidates: Sequence[str]) -> str:
    by_key = {candidate.casefold(): candidate for candidate in candidates}
    close = difflib.get_close_matches(name.casefold(), list(by_key), n=1, cutoff=0.6)
    return f"'{name}' (did you mean '{by_key[close[0]]}'?)" if close else f"'{name}'"


def _arrow_type(dtype: Any, table: str, name: str, parsed: ParsedFile) -> pa.DataType:
    try:
        return dtype.to_pyarrow()
    except Exception as exc:  # ibis has no Arrow equivalent for a few exotic database types
        raise _unsupported_type(parsed, table, name, dtype) from exc


def _unsupported_type(parsed: ParsedFile, table: str, name: str, dtype: Any) -> DataError:
    return DataError(
        f"column '{name}' of table '{table}' has type {dtype}, which kpilot cannot load from files",
        location=parsed.location(),
    )


def _convert(parsed: ParsedFile, name: str, target: pa.DataType) -> Conversion | None:
    """One file column as the target type; None if no conversion to that type exists."""
    source = parsed.table.column(name).combine_chunks()
    if source.type == target:
        return Conversion(source, pa.repeat(False, len(source)))
    if _castable(source.type, target):
        values, bad = cast_tolerant(source, target)
        if pa.types.is_date(target) and pa.types.is_timestamp(source.type):
            bad = pc.or_(bad, _has_time_of_day(source))
        return Conversion(values, bad)
    return _convert_text(parsed.text_of(name), target, parsed)


def _castable(source: pa.DataType, target: pa.DataType) -> bool:
    """Arrow casts that keep the meaning of a typed value (an int is not a bool, a number is not a date)."""
    types = pa.types

    def numeric(kind: pa.DataType) -> bool:
        return bool(types.is_integer(kind) or types.is_floating(kind) or types.is_decimal(kind))

    def temporal(kind: pa.DataType) -> bool:
        return bool(types.is_date(kind) or types.is_timestamp(kind))

    if numeric(source) and numeric(target):
        return True
    return temporal(source) and temporal(target)


def _has_time_of_day(stamps: pa.Array) -> pa.Array:
    midnight = stamps.cast(pa.date32()).cast(stamps.type)
    return pc.fill_null(pc.not_equal(stamps, midnight), False)


def _convert_text(text: pa.Array, target: pa.DataType, parsed: ParsedFile) -> Conversion | None:
    types = pa.types
    if types.is_string(target) or types.is_large_string(target):
        return Conversion(text.cast(target), pa.repeat(False, len(text)))
    if types.is_boolean(target):
        return parse_bool(text, digits=True)
    if types.is_integer(target) or types.is_floating(target) or types.is_decimal(target):
        return parse_numbers_best(text, parsed.number_style, target)
    if types.is_date(target) or types.is_timestamp(target):
        parsed_values = parse_datetimes(text)
        if types.is_date(target) and types.is_timestamp(parsed_values.values.type):
            late = _has_time_of_day(parsed_values.values)
            parsed_values = Conversion(parsed_values.values, pc.or_(parsed_values.bad, late))
        return _then_cast(parsed_values, target)
    return None


def _then_cast(first: Conversion, target: pa.DataType) -> Conversion:
    """A second step to the exact target type (int32, decimal(10,2), timestamp with a zone...)."""
    values, bad = cast_tolerant(first.values, target)
    return Conversion(values, pc.or_(first.bad, bad))


def _reason(target: pa.DataType) -> str:
    types = pa.types
    if types.is_integer(target):
        return "is not a whole number" + ("" if target == pa.int64() else f" that fits {target}")
    if types.is_floating(target):
        return "is not a number"
    if types.is_decimal(target):
        return f"is not a number that fits decimal({target.precision}, {target.scale})"
    if types.is_boolean(target):
        return "is not true/false, yes/no or 1/0"
    if types.is_date(target):
        return "is not a date"
    if types.is_timestamp(target):
        return "is not a date or timestamp"
    return f"cannot be stored as {target}"


def _problems(
    parsed: ParsedFile, name: str, mask: pa.Array, reason: str, column_type: str
) -> tuple[int, list[_Problem]]:
    indices = pc.indices_nonzero(pc.fill_null(mask, False))
    if not len(indices):
        return 0, []
    text = parsed.text_of(name)
    shown = [
        _Problem(index=index, column=name, text=text[index].as_py(), reason=reason, column_type=column_type)
        for index in indices[:_SHOWN_PROBLEMS].to_pylist()
    ]
    return len(indices), shown


def _misfit(parsed: ParsedFile, table: str, problems: list[_Problem], total: int) -> DataError:
    problems = sorted(problems, key=lambda problem: problem.index)[:_SHOWN_PROBLEMS]
    hint = "fix these values in the file, or use --replace to recreate the table from the file; nothing was written"
    first = problems[0]
    if total == 1:
        message = _describe(first) if parsed.has_lines else f"{parsed.where(first.index)}: {_describe(first)}"
        return DataError(message, location=parsed.location(first.index), hint=hint)
    lines = [f"{total} values do not fit table '{table}'" + (", the first ones:" if total > len(problems) else ":")]
    lines += [f"    {parsed.where(problem.index)}: {_describe(problem)}" for problem in problems]
    return DataError("\n".join(lines), location=parsed.location(first.index), hint=hint)


def _describe(problem: _Problem) -> str:
    if problem.reason == _EMPTY:
        return f"column '{problem.column}' {problem.reason}"
    value = "''" if problem.text is None else repr(_shorten(problem.text))
    return f"column '{problem.column}': {value} {problem.reason} (the table column is {problem.column_type})"


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------------------------
# Writing


class _Session(Protocol):
    """One open transaction: run statements and bulk-load rows; committed only if no exception escapes."""

    def execute(self, sql: str) -> None: ...

    def load(self, table: str, data: pa.Table) -> None: ...


def _write(con: Any, backend: str, table: str, data: pa.Table, mode: str) -> None:
    try:
        with _transaction(con, backend) as session:
            if mode == "replace":
                session.execute(f"DROP TABLE {quote(table)}")
            if mode != "append":
                session.execute(_create_sql(table, data.schema, backend))
            session.load(table, data)
    except KpilotError:
        raise
    except Exception as exc:  # any database error: the transaction was rolled back
        raise WarehouseError(
            f"could not write table '{table}': {_first_line(exc)}", hint="nothing was written"
        ) from exc


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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
