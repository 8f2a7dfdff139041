"""Warehouses for ingest tests: an ibis DuckDB backend on a file, and PostgreSQL in a fresh schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pytest


def _postgres_admin() -> Any:
    try:
        import psycopg

        return psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3, autocommit=True)
    except Exception:
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
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (database 'test')")
    schema = f"kpilot_ingest_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        connection = ibis.postgres.connect(
            host="127.0.0.1", port=5432, user="postgres", database="test", options=f"-c search_path={schema}"
        )
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
