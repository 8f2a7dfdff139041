from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kpilot import Workspace
from tests.support import make_workspace, postgres_available, postgres_database

PG_OK = postgres_available()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite the golden SQL files (tests/engine/test_golden_sql.py)"
    )


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """A warehouse target: the embedded DuckDB file, or a fresh PostgreSQL database."""
    if request.param == "duckdb":
        yield "warehouse.duckdb"
        return
    if not PG_OK:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    with postgres_database() as url:
        yield url


@pytest.fixture
def workspace_factory(tmp_path: Path, backend: str) -> Iterator[Callable[..., Workspace]]:
    """Build a workspace on the parametrised backend: factory(definitions_yaml, tables, **settings)."""
    opened: list[Workspace] = []

    def factory(definitions: str, tables: dict[str, Any], **settings: Any) -> Workspace:
        ws = make_workspace(tmp_path / f"ws{len(opened)}", definitions, tables, warehouse=backend, **settings)
        opened.append(ws)
        return ws

    yield factory
    for ws in opened:
        ws.close()


@pytest.fixture
def duckdb_factory(tmp_path: Path) -> Iterator[Callable[..., Workspace]]:
    opened: list[Workspace] = []

    def factory(definitions: str, tables: dict[str, Any], **settings: Any) -> Workspace:
        ws = make_workspace(tmp_path / f"ws{len(opened)}", definitions, tables, **settings)
        opened.append(ws)
        return ws

    yield factory
    for ws in opened:
        ws.close()
