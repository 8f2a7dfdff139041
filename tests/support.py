"""Building small workspaces for tests: settings, definitions and tables, on DuckDB or PostgreSQL."""

from __future__ import annotations

import contextlib
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from kpilot import Workspace
from kpilot.cli.main import run

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "postgres"}


def postgres_available() -> bool:
    try:
        ibis.postgres.connect(**POSTGRES).disconnect()
    except Exception:
        return False
    return True


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"kpilot_test_{uuid.uuid4().hex[:12]}"
    admin = ibis.postgres.connect(**POSTGRES)
    admin.raw_sql(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.raw_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.disconnect()


def write_workspace(
    root: Path,
    definitions: str,
    *,
    warehouse: str = "warehouse.duckdb",
    timezone: str = "UTC",
    week_start: str = "monday",
    fiscal_year_start: int = 1,
) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "definitions").mkdir(exist_ok=True)
    (root / "kpilot.yaml").write_text(
        f"name: test\nwarehouse: {warehouse}\ntimezone: {timezone}\nweek_start: {week_start}\n"
        f"fiscal_year_start: {fiscal_year_start}\ncurrency: EUR\n"
    )
    (root / "definitions" / "main.yaml").write_text(textwrap.dedent(definitions))


def load_tables(workspace: Workspace, tables: dict[str, dict[str, list[Any]] | pa.Table]) -> None:
    with workspace.warehouse.writable() as con:
        for name, data in tables.items():
            table = data if isinstance(data, pa.Table) else pa.table(data)
            con.create_table(name, table, overwrite=True)


def make_workspace(
    root: Path,
    definitions: str,
    tables: dict[str, dict[str, list[Any]] | pa.Table],
    **settings: Any,
) -> Workspace:
    write_workspace(root, definitions, **settings)
    workspace = Workspace(root)
    load_tables(workspace, tables)
    return workspace


def rows(table: pa.Table, *columns: str) -> list[tuple[Any, ...]]:
    """The result as tuples of the named columns (all but `partial` when none are named)."""
    names = columns or tuple(c for c in table.column_names if c != "partial")
    return [tuple(row[c] for c in names) for row in table.to_pylist()]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str, internal_ok: bool = False) -> tuple[int, str, str]:
    """Run the `kpilot` command line as a person would: its exit code, stdout and stderr. Nothing may print a
    traceback, and nothing may report an internal error unless the test is about one (`internal_ok`)."""
    with pytest.raises(SystemExit) as exited:
        run(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    if not internal_ok:
        assert "internal error" not in captured.err
    code = exited.value.code
    return (code if isinstance(code, int) else 0), captured.out, captured.err
