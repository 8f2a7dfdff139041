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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from kpilot.errors import DataError, Location, WarehouseError
from kpilot.i18n import Message, Raw
from kpilot.warehouse.date_formats import NO_FORMATS, DateFormats
from kpilot.warehouse.dates import AmbiguousDates
from kpilot.warehouse.failures import translated
from kpilot.warehouse.fitting import fit_to_schema
from kpilot.warehouse.ingest_log import EarlierLoad, LogEntry, earlier_load, ensure_log, record
from kpilot.warehouse.ingest_steps import (
    IngestReport,
    Loaded,
    backend_name,
    check_new_columns,
    check_table_name,
    digest,
    existing_schema,
    file_of,
    identical_rows,
    replace_by_key,
    when,
)
from kpilot.warehouse.keys import THE_KEY, check_key, key_columns
from kpilot.warehouse.notices import LoadedBefore, Notice, RowsAlreadyInTable
from kpilot.warehouse.parsed import ParsedFile
from kpilot.warehouse.readers import read_file, streams
from kpilot.warehouse.sessions import create_table_sql, insert_sql, quote, transaction
from kpilot.warehouse.written import AfterWrite, Written

__all__ = ["IngestReport", "Loaded", "check_table_name", "ingest_file", "ingest_parsed", "quote"]

_FORCE_HINT = Message("warehouse.loaded_before_hint")
_NOTHING_WRITTEN = Message("warehouse.nothing_written")


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
    after_write: AfterWrite | None = None,
) -> IngestReport:
    """Load `path` into `table` of the ibis backend `con` (DuckDB or PostgreSQL). Nothing is written on failure.

    `key` (a column or columns) makes the load an upsert; `declared_by` names where it comes from in messages
    ("source 'orders'", `ingest_settings.TableSettings.declared_by`). `date_formats` and `encoding` say how the file
    is written, where detection cannot.
    """
    check_table_name(table)
    backend_name(con)
    if encoding is None and streams(path):  # a large Parquet file: read and written a batch at a time
        from kpilot.warehouse.streaming import ingest_batches  # only large Parquet loads need it

        return ingest_batches(
            con, path, table, replace=replace, again=again, key=key, declared_by=declared_by, after_write=after_write
        )
    parsed = read_file(path, date_formats=date_formats, encoding=encoding)
    loaded = Loaded(content_sha256=digest(Path(parsed.source)), file=str(Path(parsed.source).resolve()))
    return ingest_parsed(
        con,
        parsed,
        table,
        loaded,
        replace=replace,
        again=again,
        key=key,
        declared_by=declared_by,
        named=str(path),
        after_write=after_write,
    )


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
    after_write: AfterWrite | None = None,
) -> IngestReport:
    """Load rows already read (`readers.read_file`, or rows pushed to the REST API) with every check and guarantee
    of `ingest_file`: the one ingest, whatever the rows came from. `named` is the file as the command that loads it
    names it, for a hint that shows the command (default: where the rows were read from). `after_write` runs in
    the load's transaction once the rows and the log entry are written (it keeps the rollups: engine.rollups), so
    that what it writes commits with them or not at all."""
    check_table_name(table)
    backend = backend_name(con)
    columns_of_key = key_columns(key)
    if parsed.table.num_rows == 0:
        raise DataError(Message("warehouse.no_rows"), location=parsed.location(), hint=_NOTHING_WRITTEN)
    existing = existing_schema(con, table)
    try:
        if existing is not None and not replace:
            data, mode = fit_to_schema(parsed, table, existing), ("upsert" if columns_of_key else "append")
        else:
            parsed.check_dates()
            data, mode = parsed.table, ("replace" if existing is not None else "create")
            check_new_columns(parsed, backend)
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
    replaced_rows, notices = _write(con, backend, load, after_write)
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


def _write(con: Any, backend: str, load: _Load, after_write: AfterWrite | None) -> tuple[int, tuple[Notice, ...]]:
    """Write the rows and the log entry in one transaction; the rows replaced by key, and notices."""

    def failure(message: Raw, error: BaseException) -> WarehouseError:  # the transaction was rolled back
        return WarehouseError(
            Message("warehouse.write_failed", table=load.table, problem=message), hint=_NOTHING_WRITTEN
        )

    table, data = load.table, load.data
    notices: list[Notice] = []
    replaced_rows = 0
    stage: str | None = None
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
            notices.append(LoadedBefore(table, when(earlier.loaded_at), file_of(earlier)))
        if load.mode == "replace":
            session.execute(f"DROP TABLE {quote(table)}")
        if load.mode in ("create", "replace"):
            session.execute(create_table_sql(table, data.schema, backend))
        if load.mode in ("create", "replace"):
            session.load(table, data)
        else:
            stage = session.stage(data, like=table)
            if load.mode == "append":
                same = identical_rows(session, table, stage, data.column_names)
                if same == data.num_rows and not load.again:
                    raise _all_rows_present(load)
                if same:
                    notices.append(RowsAlreadyInTable(table, same, data.num_rows))
            else:
                replaced_rows = replace_by_key(session, table, stage, load.key)
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
        if after_write is not None:
            notices += after_write(session, Written(table, load.mode, stage))
    return replaced_rows, tuple(notices)


def _already_loaded(load: _Load, earlier: EarlierLoad) -> DataError:
    return DataError(
        Message("warehouse.loaded_before", table=load.table, when=when(earlier.loaded_at), file=file_of(earlier)),
        location=Location(file=load.parsed.source),
        hint=_FORCE_HINT,
    )


def _all_rows_present(load: _Load) -> DataError:
    return DataError(
        Message("warehouse.rows_present", count=load.data.num_rows, table=load.table),
        location=Location(file=load.parsed.source),
        hint=_FORCE_HINT,
    )
