"""Shared by the tests of accounts, tokens and the audit log: exact moments, the store opened for the services, and
the audit log read from outside kpilot (plain sqlite3 and psycopg), so that what was recorded is checked
independently of the repository that wrote it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from kpilot import Workspace
from kpilot.store import Store, open_store


def at(hour: int, minute: int = 0, second: int = 0, *, day: int = 1) -> datetime:
    """A moment on March `day`, 2025, in UTC."""
    return datetime(2025, 3, day, hour, minute, second, tzinfo=UTC)


@contextmanager
def opened(root: Path) -> Iterator[Store]:
    with Workspace(root) as workspace, open_store(workspace) as store:
        yield store


AUDIT_COLUMNS = "at, actor_kind, actor_account_id, actor_email, action, target, details, outcome, client"


def audit_rows(root: Path, store: str, *, since_id: int = 0) -> list[tuple[Any, ...]]:
    """Every audit entry, in order: (at as an aware UTC datetime, actor kind, account id, e-mail, action, target,
    details as data, outcome, client)."""
    sql = f"SELECT {AUDIT_COLUMNS} FROM audit_log WHERE id > {since_id} ORDER BY id"
    if "://" in store:
        with psycopg.connect(store, autocommit=True) as con:
            rows = con.execute(sql).fetchall()
    else:
        import sqlite3

        with sqlite3.connect(f"file:{root / store}?mode=ro", uri=True) as con:
            rows = con.execute(sql).fetchall()
    return [(_moment(row[0]), *row[1:6], _data(row[6]), *row[7:]) for row in rows]


def table_values(root: Path, store: str, table: str) -> list[tuple[Any, ...]]:
    """Every row of a table, as the database gives it."""
    if "://" in store:
        with psycopg.connect(store, autocommit=True) as con:
            return [tuple(row) for row in con.execute(f"SELECT * FROM {table}").fetchall()]
    import sqlite3

    with sqlite3.connect(f"file:{root / store}?mode=ro", uri=True) as con:
        return [tuple(row) for row in con.execute(f"SELECT * FROM {table}").fetchall()]


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):  # PostgreSQL: timestamptz
        return value.astimezone(UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)  # SQLite: UTC text


def _data(value: Any) -> Any:
    if value is None or isinstance(value, dict):
        return value
    return json.loads(value)
