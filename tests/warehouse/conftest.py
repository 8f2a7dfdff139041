"""Warehouses for ingest tests: an ibis DuckDB backend on a file, and PostgreSQL in a fresh schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pytest

from tests.support import POSTGRES as _SETTINGS

# The server tests/support.py uses, and its default database (each test gets a schema of its own there).
POSTGRES = {key: value for key, value in _SETTINGS.items() if key != "database"}
POSTGRES_DATABASE = _SETTINGS["database"]


def _postgres_admin() -> Any:
    import psycopg

    try:
        return psycopg.connect(**POSTGRES, dbname=POSTGRES_DATABASE, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError:  # no server: the PostgreSQL tests skip
        return None


@pytest.fixture
def duck(tmp_path: Path) -> Iterator[Any]:
    connection = ibis.duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.disconnect()


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Any]:
    """An ibis PostgreSQL backend whose search_path is a fresh schema, dropped afterwards."""
    admin = _postgres_admin()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    schema = f"kpilot_ingest_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        connection = ibis.postgres.connect(**POSTGRES, database=POSTGRES_DATABASE, options=f"-c search_path={schema}")
        try:
            yield connection
        finally:
            connection.disconnect()
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest) -> Any:
    """The same test on DuckDB and on PostgreSQL."""
    return request.getfixturevalue("duck" if request.param == "duckdb" else "postgres")
