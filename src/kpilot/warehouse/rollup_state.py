"""Which rollups a warehouse holds, and what each was built from: the table `_kpilot_rollup_state`, one row per
source, written in the same transaction as the rollup itself (engine.rollups).

A rollup answers a request only while its row says it was built by the definitions as they are now (`digest`) from
the data as it is now (`version`, the data's versions of warehouse.data_version, as JSON): anything else, and the
request reads the raw rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kpilot.warehouse.connection import INTERNAL_PREFIX
from kpilot.warehouse.sessions import Session, quote

STATE_TABLE = f"{INTERNAL_PREFIX}rollup_state"

_CREATE = f"""CREATE TABLE IF NOT EXISTS {quote(STATE_TABLE)} (
    source VARCHAR PRIMARY KEY,
    digest VARCHAR NOT NULL,
    version VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    built_at TIMESTAMP NOT NULL,
    refreshed_at TIMESTAMP NOT NULL
)"""


@dataclass(frozen=True)
class RollupState:
    source: str
    digest: str  # engine.rollups.layout.digest_of what it was built by
    version: str  # the versions of the data it holds
    rows: int
    built_at: dt.datetime  # UTC, the last time it was built from all the raw rows
    refreshed_at: dt.datetime  # UTC, the last time an ingest's rows were added


def ensure_states(session: Session) -> None:
    session.execute(_CREATE)


def state_in(session: Session, source: str) -> RollupState | None:
    rows = session.fetch(f"SELECT * FROM {quote(STATE_TABLE)} WHERE source = ?", [source])
    return _state(rows[0]) if rows else None


def write_state(session: Session, state: RollupState) -> None:
    session.execute(f"DELETE FROM {quote(STATE_TABLE)} WHERE source = ?", [state.source])
    session.execute(
        f"INSERT INTO {quote(STATE_TABLE)} (source, digest, version, rows, built_at, refreshed_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [state.source, state.digest, state.version, state.rows, _naive(state.built_at), _naive(state.refreshed_at)],
    )


def forget_state(session: Session, source: str) -> None:
    session.execute(f"DELETE FROM {quote(STATE_TABLE)} WHERE source = ?", [source])


def states_of(raw: Any) -> dict[str, RollupState]:
    """Every rollup's state, read on a DuckDB connection (`Warehouse.con.con`); none when no rollup was built."""
    import duckdb

    try:
        rows = raw.execute(f"SELECT * FROM {quote(STATE_TABLE)}").fetchall()
    except duckdb.CatalogException:  # no rollup was ever built: one query, not two, on every request
        return {}
    return {str(row[0]): _state(tuple(row)) for row in rows}


def _state(row: tuple[Any, ...]) -> RollupState:
    source, digest, version, rows, built_at, refreshed_at = row
    return RollupState(str(source), str(digest), str(version), int(rows), _utc(built_at), _utc(refreshed_at))


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC)
