"""Helpers for ingest tests: files written as bytes, and rows read back from either warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def fetch(con: Any, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on an ibis DuckDB or PostgreSQL backend."""
    if con.name == "duckdb":
        return [tuple(row) for row in con.con.execute(sql).fetchall()]
    with con.con.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]
