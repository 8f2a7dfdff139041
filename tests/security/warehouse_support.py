"""Shared by the warehouse-safety tests: run the CLI, and look at the warehouse from outside kpilot."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from tests.support import run_cli

# Three days of clicks: 50 + 30 in January, 20 in February.
AD_PERFORMANCE: dict[str, list[Any]] = {
    "day": [date(2025, 1, 3), date(2025, 1, 20), date(2025, 2, 5)],
    "channel": ["search", "social", "search"],
    "clicks": [50, 30, 20],
}
SECRET = "TOP-SECRET-4f1c"  # the content of files outside the workspace: must never show up anywhere


def kpilot(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the CLI; the exit code and everything it printed (stdout and stderr together)."""
    code, out, err = run_cli(capsys, *args, internal_ok=True)
    return code, out + err


def ad_rows(target: str, root: Path, table: str = "ad_performance") -> int | None:
    """How many rows `table` holds, asked of the warehouse directly (None if there is no such table). Every
    kpilot connection must be closed first: DuckDB opens a file in one mode per process."""
    if "://" in target:
        with psycopg.connect(target, autocommit=True) as con:
            found = con.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
            if not (found and found[0]):
                return None
            row = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            return int(row[0]) if row else None
    path = root / target
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        names = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if table not in names:
            return None
        row = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        return int(row[0]) if row else None


def sql_source(sql: str, *, measure: str = "clicks") -> str:
    """Definitions with one `sql:` source (its sql on line 4 of definitions/main.yaml) and a KPI over it."""
    body = "\n".join("      " + line for line in sql.splitlines())
    return (
        "sources:\n"
        "  - name: ads\n"
        "    time: day\n"
        "    sql: |\n"
        f"{body}\n"
        "    measures:\n"
        f"      - {{name: {measure}, agg: sum, expr: {measure}}}\n"
        "kpis:\n"
        f"  - {{name: {measure}, formula: {measure}}}\n"
    )
