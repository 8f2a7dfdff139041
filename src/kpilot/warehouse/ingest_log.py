"""The ingest log: one row per file loaded, in the warehouse table `_kpilot_ingest_log`.

Each load writes its entry in the same transaction as its rows, so the log says exactly what the tables hold: a
load that failed left no entry. The log lets ingest refuse a file whose content was already appended to a table
(the usual way KPIs end up doubled) and say when that was. Only the loads since the table was last created or
replaced by kpilot count: after a `--replace`, the old loads' rows are gone.

Tables whose names start with `_kpilot_` are kpilot's own; listings of the user's tables should leave them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpilot.warehouse.connection import INTERNAL_PREFIX
from kpilot.warehouse.sessions import Session, quote

LOG_TABLE = f"{INTERNAL_PREFIX}ingest_log"

_CREATE = f"""CREATE TABLE IF NOT EXISTS {quote(LOG_TABLE)} (
    seq BIGINT NOT NULL,
    table_name VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    file VARCHAR NOT NULL,
    sheet VARCHAR,
    content_sha256 VARCHAR NOT NULL,
    mode VARCHAR NOT NULL,
    file_rows BIGINT NOT NULL,
    replaced_rows BIGINT NOT NULL
)"""
# The loads that put rows in the table as it is now: its last creation by kpilot, and those after it.
_SINCE_CREATED = (
    f"seq >= COALESCE((SELECT max(seq) FROM {quote(LOG_TABLE)} WHERE table_name = ? AND mode IN ('create', 'replace')),"
    " 0)"
)


@dataclass(frozen=True)
class LogEntry:
    table: str
    file: str
    sheet: str | None
    content_sha256: str
    mode: str  # create, replace, append or upsert
    file_rows: int
    replaced_rows: int = 0


@dataclass(frozen=True)
class EarlierLoad:
    loaded_at: dt.datetime  # UTC
    file: str
    sheet: str | None


# Each table's last load: what the data's versions are made of (warehouse.data_version, engine.rollups).
LAST_LOADS = f"SELECT table_name, max(seq) FROM {quote(LOG_TABLE)} GROUP BY table_name"
# Each table's last load's time (warehouse.freshness: how fresh a source's data is).
LAST_LOADED = f"SELECT table_name, max(loaded_at) FROM {quote(LOG_TABLE)} GROUP BY table_name"


def last_loads(session: Session) -> dict[str, int]:
    """Each table's last load (`seq`), as this transaction sees the log."""
    return {str(table): int(seq) for table, seq in session.fetch(LAST_LOADS)}


def load_before_last(session: Session, table: str) -> int:
    """The load into `table` before its last one (0: none)."""
    rows = session.fetch(f"SELECT seq FROM {quote(LOG_TABLE)} WHERE table_name = ? ORDER BY seq DESC LIMIT 2", [table])
    return int(rows[1][0]) if len(rows) > 1 else 0


def ensure_log(session: Session) -> None:
    session.execute(_CREATE)


def earlier_load(session: Session, table: str, content_sha256: str, sheet: str | None) -> EarlierLoad | None:
    """The latest load of the same content (and sheet) into `table` since kpilot last created it."""
    rows = session.fetch(
        f"SELECT loaded_at, file, sheet FROM {quote(LOG_TABLE)} "
        f"WHERE table_name = ? AND content_sha256 = ? AND coalesce(sheet, '') = ? AND {_SINCE_CREATED} "
        "ORDER BY seq DESC LIMIT 1",
        [table, content_sha256, sheet or "", table],
    )
    if not rows:
        return None
    loaded_at, file, found_sheet = rows[0]
    return EarlierLoad(loaded_at=loaded_at, file=str(file), sheet=found_sheet)


def record(session: Session, entry: LogEntry, now: dt.datetime) -> None:
    session.execute(
        f"INSERT INTO {quote(LOG_TABLE)} "
        "(seq, table_name, loaded_at, file, sheet, content_sha256, mode, file_rows, replaced_rows) "
        f"SELECT COALESCE(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM {quote(LOG_TABLE)}",
        [
            entry.table,
            now.astimezone(dt.UTC).replace(tzinfo=None),
            entry.file,
            entry.sheet,
            entry.content_sha256,
            entry.mode,
            entry.file_rows,
            entry.replaced_rows,
        ],
    )
