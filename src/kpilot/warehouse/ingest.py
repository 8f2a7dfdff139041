"""Load a data file into a warehouse table: validate everything first, then write in one transaction.

Four cases: the table does not exist (create it from the file), it exists (append; the file must fit the table's
columns and types), it has a key (upsert: the file's rows replace the table's rows with the same key), or `replace`
(drop and recreate it from the file). The write, the ingest log entry and the checks against the table's rows run in
a single transaction (`sessions`), so a failure at any point leaves the table as it was.

Appending refuses a file whose content was already appended to the table since kpilot last created it (the ingest
log), and a file all of whose rows are already in the table: both would double every KPI. `again` loads it anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.common.exceptions as ibis_exc
import pyarrow as pa

from kpilot.errors import DataError, Location, WarehouseError
from kpilot.i18n import Message, Raw
from kpilot.warehouse.connection import INTERNAL_PREFIX
from kpilot.warehouse.date_formats import NO_FORMATS, DateFormats
from kpilot.warehouse.dates import AmbiguousDates
from kpilot.warehouse.failures import translated
from kpilot.warehouse.fitting import fit_to_schema
from kpilot.warehouse.ingest_log import EarlierLoad, LogEntry, earlier_load, ensure_log, record
from kpilot.warehouse.keys import THE_KEY, check_key, key_columns
from kpilot.warehouse.notices import LoadedBefore, Notice, RowsAlreadyInTable
from kpilot.warehouse.parsed import ParsedFile
from kpilot.warehouse.readers import read_file
from kpilot.warehouse.sessions import Session, create_table_sql, insert_sql, quote, transaction

__all__ = ["IngestReport", "Loaded", "check_table_name", "ingest_file", "ingest_parsed", "quote"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_IDENTIFIER = 63  # PostgreSQL truncates longer names silently
_FORCE_HINT = Message("warehouse.loaded_before_hint")
_NOTHING_WRITTEN = Message("warehouse.nothing_written")


@dataclass(frozen=True)
class IngestReport:
    """What `ingest_file` did: rows written, whether the table was created or replaced, with a key how many of the
    table's rows the file's replaced, and the notices for the user."""

    table: str
    rows: int
    columns: int
    created: bool
    replaced: bool
    key: tuple[str, ...] = ()
    replaced_rows: int = 0
    notices: tuple[Notice, ...] = ()


def ingest_file(
    con: Any,
    path: Path,
    table: str,
    *,
    replace: bool = False,
    again: bool = False,
    key: str | Sequence[str] = (),
    date_formats: DateFormats = NO_FORMATS,
    encoding: str | None = None,
    declared_by: Message = THE_KEY,
) -> IngestReport:
    """Load `path` into `table` of the ibis backend `con` (DuckDB or PostgreSQL). Nothing is written on failure.

    `key` (a column or columns) makes the load an upsert; `declared_by` names where it comes from in messages
    ("source 'orders'", `ingest_settings.TableSettings.declared_by`). `date_formats` and `encoding` say how the file
    is written, where detection cannot.
    """
    check_table_name(table)
    _backend_name(con)
    parsed = read_file(path, date_formats=date_formats, encoding=encoding)
    loaded = Loaded(content_sha256=_digest(Path(parsed.source)), file=str(Path(parsed.source).resolve()))
    return ingest_parsed(
        con, parsed, table, loaded, replace=replace, again=again, key=key, declared_by=declared_by, named=str(path)
    )


@dataclass(frozen=True)
class Loaded:
    """What the ingest log records of what was read: the SHA-256 of its bytes, and the file it came from (an
    absolute path, or what stands for one, such as `api` for rows pushed to the REST API)."""

    content_sha256: str
    file: str


def ingest_parsed(
    con: Any,
    parsed: ParsedFile,
    table: str,
    loaded: Loaded,
    *,
    replace: bool = False,
    again: bool = False,
    key: str | Sequence[str] = (),
    declared_by: Message = THE_KEY,
    named: str | None = None,
) -> IngestReport:
    """Load rows already read (`readers.read_file`, or rows pushed to the REST API) with every check and guarantee
    of `ingest_file`: the one ingest, whatever the rows came from. `named` is the file as the command that loads it
    names it, for a hint that shows the command (default: where the rows were read from)."""
    check_table_name(table)
    backend = _backend_name(con)
    columns_of_key = key_columns(key)
    if parsed.table.num_rows == 0:
        raise DataError(Message("warehouse.no_rows"), location=parsed.location(), hint=_NOTHING_WRITTEN)
    existing = _existing_schema(con, table)
    try:
        if existing is not None and not replace:
            data, mode = fit_to_schema(parsed, table, existing), ("upsert" if columns_of_key else "append")
        else:
            parsed.check_dates()
            data, mode = parsed.table, ("replace" if existing is not None else "create")
            _check_new_columns(parsed, backend)
    except AmbiguousDates as error:
        raise error.for_command(named or parsed.source, table) from None
    check_key(data, columns_of_key, parsed, table, declared_by)
    load = _Load(
        table=table,
        mode=mode,
        data=data,
        key=columns_of_key,
        again=again,
        parsed=parsed,
        loaded=loaded,
    )
    replaced_rows, notices = _write(con, backend, load)
    return IngestReport(
        table=table,
        rows=data.num_rows,
        columns=data.num_columns,
        created=existing is None,
        replaced=mode == "replace",
        key=columns_of_key,
        replaced_rows=replaced_rows,
        notices=(*parsed.notices, *notices),
    )


def check_table_name(table: str) -> None:
    if not _IDENTIFIER.fullmatch(table) or len(table) > _MAX_IDENTIFIER:
        raise DataError(
            Message("warehouse.table_name_invalid", table=table),
            hint=Message("warehouse.table_name_invalid_hint", most=_MAX_IDENTIFIER),
            field="table",
        )
    if table.lower().startswith(INTERNAL_PREFIX):
        raise DataError(
            Message("warehouse.table_name_reserved", table=table, prefix=INTERNAL_PREFIX),
            hint=Message("warehouse.table_name_reserved_hint"),
            field="table",
        )


def _backend_name(con: Any) -> str:
    name = str(getattr(con, "name", ""))
    if name not in ("duckdb", "postgres"):
        raise WarehouseError(Message("warehouse.ingest_unsupported", backend=name or type(con).__name__))
    return name


def _existing_schema(con: Any, table: str) -> ibis.Schema | None:
    def failure(message: Raw, error: BaseException) -> WarehouseError:  # the table is there but unusable
        return WarehouseError(Message("warehouse.table_columns_unreadable", table=table, problem=message))

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
                Message("warehouse.column_name_too_long", column=name, most=_MAX_IDENTIFIER), location=parsed.location()
            )


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# --------------------------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class _Load:
    table: str
    mode: str  # create, replace, append, upsert
    data: pa.Table
    key: tuple[str, ...]
    again: bool
    parsed: ParsedFile
    loaded: Loaded


def _write(con: Any, backend: str, load: _Load) -> tuple[int, tuple[Notice, ...]]:
    """Write the rows and the log entry in one transaction; the rows replaced by key, and notices."""

    def failure(message: Raw, error: BaseException) -> WarehouseError:  # the transaction was rolled back
        return WarehouseError(
            Message("warehouse.write_failed", table=load.table, problem=message), hint=_NOTHING_WRITTEN
        )

    table, data = load.table, load.data
    notices: list[Notice] = []
    replaced_rows = 0
    with translated(failure), transaction(con, backend) as session:
        ensure_log(session)
        if load.mode != "create":
            session.lock(table)
        earlier = (
            earlier_load(session, table, load.loaded.content_sha256, load.parsed.sheet)
            if load.mode in ("append", "upsert")
            else None
        )
        if earlier is not None:
            if load.mode == "append" and not load.again:
                raise _already_loaded(load, earlier)
            notices.append(LoadedBefore(table, _when(earlier.loaded_at), _file_of(earlier)))
        if load.mode == "replace":
            session.execute(f"DROP TABLE {quote(table)}")
        if load.mode in ("create", "replace"):
            session.execute(create_table_sql(table, data.schema, backend))
        if load.mode in ("create", "replace"):
            session.load(table, data)
        else:
            stage = session.stage(data, like=table)
            if load.mode == "append":
                same = _identical_rows(session, table, stage, data.column_names)
                if same == data.num_rows and not load.again:
                    raise _all_rows_present(load)
                if same:
                    notices.append(RowsAlreadyInTable(table, same, data.num_rows))
            else:
                replaced_rows = _replace_by_key(session, table, stage, load.key)
            session.execute(insert_sql(table, stage, data.column_names))
        entry = LogEntry(
            table=table,
            file=load.loaded.file,
            sheet=load.parsed.sheet,
            content_sha256=load.loaded.content_sha256,
            mode=load.mode,
            file_rows=data.num_rows,
            replaced_rows=replaced_rows,
        )
        record(session, entry, dt.datetime.now(dt.UTC))
    return replaced_rows, tuple(notices)


def _identical_rows(session: Session, table: str, stage: str, columns: Sequence[str]) -> int:
    """How many of the staged rows have an identical row in the table (counted with repeats: two equal file rows
    need two equal table rows). Compared as text on PostgreSQL, where some types (json) have no equality."""

    def selected(name: str) -> str:
        return f"CAST({quote(name)} AS TEXT)" if session.backend == "postgres" else quote(name)

    listed = ", ".join(selected(name) for name in columns)
    rows = session.fetch(
        f"SELECT COUNT(*) FROM (SELECT {listed} FROM {quote(stage)} INTERSECT ALL SELECT {listed} FROM {quote(table)})"
        " AS same_rows"
    )
    return int(rows[0][0])


def _replace_by_key(session: Session, table: str, stage: str, key: Sequence[str]) -> int:
    """Delete the table's rows whose key is among the staged rows'; how many there were."""
    new = quote("_kpilot_new")  # an alias no user table is called: a table named like it would shadow it
    matching = " AND ".join(f"{new}.{quote(column)} = {quote(table)}.{quote(column)}" for column in key)
    condition = f"EXISTS (SELECT 1 FROM {quote(stage)} AS {new} WHERE {matching})"
    rows = session.fetch(f"SELECT count(*) FROM {quote(table)} WHERE {condition}")
    session.execute(f"DELETE FROM {quote(table)} WHERE {condition}")
    return int(rows[0][0])


def _already_loaded(load: _Load, earlier: EarlierLoad) -> DataError:
    return DataError(
        Message("warehouse.loaded_before", table=load.table, when=_when(earlier.loaded_at), file=_file_of(earlier)),
        location=Location(file=load.parsed.source),
        hint=_FORCE_HINT,
    )


def _all_rows_present(load: _Load) -> DataError:
    return DataError(
        Message("warehouse.rows_present", count=load.data.num_rows, table=load.table),
        location=Location(file=load.parsed.source),
        hint=_FORCE_HINT,
    )


def _when(moment: dt.datetime) -> str:
    """A load's time as the log has it, to the second and in UTC (ISO digits in every language)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") + " UTC"


def _file_of(earlier: EarlierLoad) -> str:
    return earlier.file + (f"#{earlier.sheet}" if earlier.sheet else "")
