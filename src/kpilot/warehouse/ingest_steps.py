"""The steps every load shares, whether its rows come whole (`ingest`) or batch by batch (`streaming`): the report
of a load, what the ingest log records of its input, the checks of the table's name and the warehouse, the table's
columns as they are, and the statements that compare staged rows with the table's and replace rows by key."""

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

from kpilot.errors import DataError, WarehouseError
from kpilot.i18n import Message, Raw
from kpilot.warehouse.connection import INTERNAL_PREFIX
from kpilot.warehouse.failures import translated
from kpilot.warehouse.ingest_log import EarlierLoad
from kpilot.warehouse.notices import Notice
from kpilot.warehouse.parsed import ParsedFile
from kpilot.warehouse.sessions import Session, quote

__all__ = [
    "IngestReport",
    "Loaded",
    "backend_name",
    "check_new_columns",
    "check_table_name",
    "digest",
    "existing_schema",
    "file_of",
    "identical_rows",
    "replace_by_key",
    "when",
]

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_IDENTIFIER = 63  # PostgreSQL truncates longer names silently


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


@dataclass(frozen=True)
class Loaded:
    """What the ingest log records of what was read: the SHA-256 of its bytes, and the file it came from (an
    absolute path, or what stands for one, such as `api` for rows pushed to the REST API)."""

    content_sha256: str
    file: str


def check_table_name(table: str) -> None:
    if not IDENTIFIER.fullmatch(table) or len(table) > MAX_IDENTIFIER:
        raise DataError(
            Message("warehouse.table_name_invalid", table=table),
            hint=Message("warehouse.table_name_invalid_hint", most=MAX_IDENTIFIER),
            field="table",
        )
    if table.lower().startswith(INTERNAL_PREFIX):
        raise DataError(
            Message("warehouse.table_name_reserved", table=table, prefix=INTERNAL_PREFIX),
            hint=Message("warehouse.table_name_reserved_hint"),
            field="table",
        )


def backend_name(con: Any) -> str:
    name = str(getattr(con, "name", ""))
    if name not in ("duckdb", "postgres"):
        raise WarehouseError(Message("warehouse.ingest_unsupported", backend=name or type(con).__name__))
    return name


def existing_schema(con: Any, table: str) -> ibis.Schema | None:
    def failure(message: Raw, error: BaseException) -> WarehouseError:  # the table is there but unusable
        return WarehouseError(Message("warehouse.table_columns_unreadable", table=table, problem=message))

    with translated(failure):
        try:
            return con.table(table).schema()
        except ibis_exc.TableNotFound:
            return None


def check_new_columns(parsed: ParsedFile, backend: str) -> None:
    if backend != "postgres":
        return
    for name in parsed.table.column_names:
        if len(name.encode()) > MAX_IDENTIFIER:
            raise DataError(
                Message("warehouse.column_name_too_long", column=name, most=MAX_IDENTIFIER), location=parsed.location()
            )


def digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def identical_rows(session: Session, table: str, stage: str, columns: Sequence[str]) -> int:
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


def replace_by_key(session: Session, table: str, stage: str, key: Sequence[str]) -> int:
    """Delete the table's rows whose key is among the staged rows'; how many there were."""
    new = quote("_kpilot_new")  # an alias no user table is called: a table named like it would shadow it
    matching = " AND ".join(f"{new}.{quote(column)} = {quote(table)}.{quote(column)}" for column in key)
    condition = f"EXISTS (SELECT 1 FROM {quote(stage)} AS {new} WHERE {matching})"
    rows = session.fetch(f"SELECT count(*) FROM {quote(table)} WHERE {condition}")
    session.execute(f"DELETE FROM {quote(table)} WHERE {condition}")
    return int(rows[0][0])


def when(moment: dt.datetime) -> str:
    """A load's time as the log has it, to the second and in UTC (ISO digits in every language)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") + " UTC"


def file_of(earlier: EarlierLoad) -> str:
    return earlier.file + (f"#{earlier.sheet}" if earlier.sheet else "")
