"""Load a large Parquet file batch by batch, so that its size is not held in memory (docs/ingest.md#large-files).

`ingest.ingest_file` sends here a Parquet file of at least `readers.STREAM_BYTES`. Two passes:

1. The rows are read BATCH_ROWS at a time (`ParquetFile.iter_batches`), typed and checked as the whole-file path
   does it (`spreadsheets.flat_column`, then `fitting.fit_to_schema` against an existing table, with each row's own
   number in messages), and written, checked and typed, to a staging Parquet file in the warehouse's spill folder.
   Only the key columns (when a key is given) are kept, to check every key against every other over the whole file.
   Every problem in the file is found here, before the warehouse is touched, as for a whole file.
2. One transaction, as `ingest._write`: the log and the table's rows are compared with the file, the table is
   created or replaced, and the staged rows go in. DuckDB reads the staging file itself (`read_parquet`): rows it
   inserts from Arrow data a batch at a time inside one transaction stay in its memory until the commit, whatever
   its `memory_limit`, while a scan of a Parquet file it writes to the table's storage as it goes. PostgreSQL gets
   the staged rows by COPY, a batch at a time. An append or an upsert reads them through a stage (a view of the
   file on DuckDB, a temporary table on PostgreSQL) with the same statements as for a whole file.

Any problem rolls the transaction back, and the staging file is removed whatever happens. What differs from the
whole file: a file whose values do not fit the table stops at the first batch that has such values (its message
lists and counts the problems of that batch).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from kpilot.errors import DataError, Location, WarehouseError
from kpilot.i18n import Message, Raw
from kpilot.warehouse.failures import translated
from kpilot.warehouse.fitting import fit_to_schema
from kpilot.warehouse.ingest_log import LogEntry, earlier_load, ensure_log, record
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
from kpilot.warehouse.parsed import ParsedFile, name_columns
from kpilot.warehouse.places import RowPlaces
from kpilot.warehouse.sessions import Session, create_table_sql, insert_sql, quote, transaction
from kpilot.warehouse.spreadsheets import flat_column, parquet_unreadable
from kpilot.warehouse.written import AfterWrite, Written

__all__ = ["BATCH_ROWS", "ingest_batches"]

BATCH_ROWS = 500_000  # rows read, checked and written at a time: tens of MB for a ten-column table
_NOTHING_WRITTEN = Message("warehouse.nothing_written")
_FORCE_HINT = Message("warehouse.loaded_before_hint")


@dataclass(frozen=True)
class _Plan:
    table: str
    mode: str  # create, replace, append, upsert
    existing: ibis.Schema | None  # the table's columns when appending or upserting
    key: tuple[str, ...]
    again: bool
    declared_by: Message
    loaded: Loaded
    source: str
    rows: int  # in the file


def ingest_batches(
    con: Any,
    path: Path,
    table: str,
    *,
    replace: bool = False,
    again: bool = False,
    key: str | Sequence[str] = (),
    declared_by: Message = THE_KEY,
    after_write: AfterWrite | None = None,
) -> IngestReport:
    """`ingest.ingest_file` for a large Parquet file: the same result, notices and errors (see the module's notes),
    the rows read and written a batch at a time."""
    check_table_name(table)
    backend = backend_name(con)
    columns_of_key = key_columns(key)
    source = str(path)
    file = _open(path, source)
    names, notices = name_columns(enumerate(file.schema_arrow.names), source, None)
    rows = file.metadata.num_rows
    if rows == 0:
        raise DataError(Message("warehouse.no_rows"), location=Location(file=source), hint=_NOTHING_WRITTEN)
    existing = existing_schema(con, table)
    if existing is not None and not replace:
        mode = "upsert" if columns_of_key else "append"
    else:
        mode = "replace" if existing is not None else "create"
    plan = _Plan(
        table=table,
        mode=mode,
        existing=existing if mode in ("append", "upsert") else None,
        key=columns_of_key,
        again=again,
        declared_by=declared_by,
        loaded=Loaded(content_sha256=digest(path), file=str(path.resolve())),
        source=source,
        rows=rows,
    )
    batches = _batches(file, [name for _, name in names], source)
    with _staging_file(con, backend, table) as staged:
        schema = _stage_rows(batches, plan, backend, staged)
        replaced_rows, written_notices = _write(con, backend, plan, _Staged(staged, schema), after_write)
    columns = len(schema.names)
    return IngestReport(
        table=table,
        rows=rows,
        columns=columns,
        created=existing is None,
        replaced=mode == "replace",
        key=columns_of_key,
        replaced_rows=replaced_rows,
        notices=(*notices, *written_notices),
    )


def _open(path: Path, source: str) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise parquet_unreadable(exc, source) from exc


def _batches(file: pq.ParquetFile, names: list[str], source: str) -> Iterator[ParsedFile]:
    """The file's rows, BATCH_ROWS at a time, each batch as the whole-file reader would type it, with the row
    numbers of its rows in the file."""
    first = 0
    try:
        for batch in file.iter_batches(batch_size=BATCH_ROWS):
            columns = {
                name: flat_column(pa.chunked_array([batch.column(index)]), name, source)
                for index, name in enumerate(names)
            }
            places = RowPlaces(
                source=source, positions=range(first + 1, first + batch.num_rows + 1), kind="row", has_lines=False
            )
            first += batch.num_rows
            yield ParsedFile(places=places, table=pa.table(columns))
    except (pa.ArrowException, OSError) as exc:  # a file damaged after its footer
        raise parquet_unreadable(exc, source) from exc


@dataclass(frozen=True)
class _Staged:
    """The file's rows as they will be written (typed, fitted to the table), in a Parquet file of their own."""

    path: Path
    schema: pa.Schema

    @property
    def columns(self) -> list[str]:
        return list(self.schema.names)


@contextmanager
def _staging_file(con: Any, backend: str, table: str) -> Iterator[Path]:
    """A new file's path in the warehouse's spill folder (DuckDB reads files there, fenced or not), removed after."""
    folder = Path(tempfile.gettempdir())
    if backend == "duckdb":
        (spill,) = con.con.execute("SELECT current_setting('temp_directory')").fetchone()
        folder = Path(spill) if spill else folder
    path = folder / f"_kpilot_load_{uuid.uuid4().hex}.parquet"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        yield path
    except OSError as exc:  # the spill folder cannot be made, or its disk is full
        raise WarehouseError(
            Message("warehouse.write_failed", table=table, problem=Raw(str(exc))), hint=_NOTHING_WRITTEN
        ) from exc
    finally:
        path.unlink(missing_ok=True)


def _stage_rows(batches: Iterator[ParsedFile], plan: _Plan, backend: str, staged: Path) -> pa.Schema:
    """Pass 1: every batch typed, fitted to the table's columns when there is one, and written to `staged`; the
    keys checked over the whole file. The columns written."""
    writer: pq.ParquetWriter | None = None
    keys: list[pa.Table] = []
    try:
        for parsed in batches:
            data = fit_to_schema(parsed, plan.table, plan.existing) if plan.existing is not None else parsed.table
            if writer is None:
                if plan.existing is None:
                    check_new_columns(parsed, backend)
                # Uncompressed: the file lives for one load, and DuckDB reads it fastest so.
                writer = pq.ParquetWriter(staged, data.schema, compression="none")
            if plan.key:
                if not set(plan.key) <= set(data.column_names):
                    check_key(data, plan.key, parsed, plan.table, plan.declared_by)  # names the missing key columns
                keys.append(data.select(list(plan.key)))
            writer.write_table(data)
    except pa.ArrowException as exc:  # writing the staging file
        raise WarehouseError(
            Message("warehouse.write_failed", table=plan.table, problem=Raw(str(exc))), hint=_NOTHING_WRITTEN
        ) from exc
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise DataError(Message("warehouse.no_rows"), location=Location(file=plan.source), hint=_NOTHING_WRITTEN)
    if plan.key:
        whole = RowPlaces(source=plan.source, positions=range(1, plan.rows + 1), kind="row", has_lines=False)
        every_key = pa.concat_tables(keys)
        check_key(every_key, plan.key, ParsedFile(places=whole, table=every_key), plan.table, plan.declared_by)
    return writer.schema


def _write(
    con: Any, backend: str, plan: _Plan, staged: _Staged, after_write: AfterWrite | None
) -> tuple[int, tuple[Notice, ...]]:
    """Pass 2: the staged rows and the log entry, in one transaction; the rows replaced by key, and notices."""

    def failure(message: Raw, error: BaseException) -> WarehouseError:  # the transaction was rolled back
        return WarehouseError(
            Message("warehouse.write_failed", table=plan.table, problem=message), hint=_NOTHING_WRITTEN
        )

    table = plan.table
    notices: list[Notice] = []
    replaced_rows = 0
    stage: str | None = None
    with translated(failure), transaction(con, backend) as session:
        ensure_log(session)
        if plan.mode != "create":
            session.lock(table)
        earlier = earlier_load(session, table, plan.loaded.content_sha256, None) if plan.existing is not None else None
        if earlier is not None:
            if plan.mode == "append" and not plan.again:
                raise DataError(
                    Message(
                        "warehouse.loaded_before", table=table, when=when(earlier.loaded_at), file=file_of(earlier)
                    ),
                    location=Location(file=plan.source),
                    hint=_FORCE_HINT,
                )
            notices.append(LoadedBefore(table, when(earlier.loaded_at), file_of(earlier)))
        if plan.mode == "replace":
            session.execute(f"DROP TABLE {quote(table)}")
        if plan.existing is None:
            session.execute(create_table_sql(table, staged.schema, backend))
            _insert(session, table, staged)
        else:
            stage = _stage(session, table, staged)
            if plan.mode == "append":
                same = identical_rows(session, table, stage, staged.columns)
                if same == plan.rows and not plan.again:
                    raise DataError(
                        Message("warehouse.rows_present", count=plan.rows, table=table),
                        location=Location(file=plan.source),
                        hint=_FORCE_HINT,
                    )
                if same:
                    notices.append(RowsAlreadyInTable(table, same, plan.rows))
            else:
                replaced_rows = replace_by_key(session, table, stage, plan.key)
            session.execute(insert_sql(table, stage, staged.columns))
        entry = LogEntry(
            table=table,
            file=plan.loaded.file,
            sheet=None,
            content_sha256=plan.loaded.content_sha256,
            mode=plan.mode,
            file_rows=plan.rows,
            replaced_rows=replaced_rows,
        )
        record(session, entry, dt.datetime.now(dt.UTC))
        if after_write is not None:
            notices += after_write(session, Written(table, plan.mode, stage))
        if stage is not None and backend == "duckdb":
            session.execute(f"DROP VIEW {quote(stage)}")  # a DuckDB temporary view lives as long as the connection
    return replaced_rows, tuple(notices)


def _stage(session: Session, table: str, staged: _Staged) -> str:
    """The staged rows readable by SQL under the returned name: on DuckDB a view of the staging file, on PostgreSQL
    a temporary table like the table, dropped at commit."""
    name = f"_kpilot_stage_{uuid.uuid4().hex}"
    if session.backend == "duckdb":
        listed = ", ".join(quote(column) for column in staged.columns)
        session.execute(f"CREATE TEMPORARY VIEW {quote(name)} AS SELECT {listed} FROM {_read(staged)}")
    else:
        session.execute(f"CREATE TEMPORARY TABLE {quote(name)} (LIKE {quote(table)}) ON COMMIT DROP")
        _insert(session, name, staged)
    return name


def _insert(session: Session, target: str, staged: _Staged) -> None:
    """Put the staged rows into `target`: on DuckDB in one statement that reads the file, on PostgreSQL by COPY, a
    batch of the file at a time."""
    listed = ", ".join(quote(column) for column in staged.columns)
    if session.backend == "duckdb":
        session.execute(f"INSERT INTO {quote(target)} ({listed}) SELECT {listed} FROM {_read(staged)}")
        return
    for batch in pq.ParquetFile(staged.path).iter_batches(batch_size=BATCH_ROWS):
        session.load(target, pa.Table.from_batches([batch]))


def _read(staged: _Staged) -> str:
    """DuckDB's scan of the staging file; its path as a SQL literal ('' for '), since a view takes no parameters."""
    return "read_parquet('" + str(staged.path).replace("'", "''") + "')"
