"""The migrations build exactly the schema the models describe, and undo it, on SQLite and on PostgreSQL.

Upgrade, downgrade to nothing, upgrade again: after each upgrade the schema reflected from the database (SQLAlchemy's
inspector) is compared with the models' metadata, table by table (columns, types, nullability, keys, foreign keys
with their ON DELETE, indexes, unique and check constraints by name), and Alembic's own comparison finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Table, UniqueConstraint, inspect
from sqlalchemy.engine import Dialect, Engine

from kpilot.store.engine import create_store_engine
from kpilot.store.location import StoreLocation, store_location
from kpilot.store.models import Base
from kpilot.store.revisions import Standing, downgrade, revisions, state, upgrade
from tests.conftest import PG_OK
from tests.support import postgres_database

EXPECTED_TABLES = {
    "people",
    "teams",
    "memberships",
    "person_scopes",
    "team_scopes",
    "accounts",
    "account_roles",
    "account_permissions",
    "tokens",
    "audit_log",
    "sign_in_failures",
    "idempotency_keys",
    "share_links",
    "okr_cycles",
    "okr_objectives",
    "okr_key_results",
    "okr_alignments",
    "okr_milestones",
    "okr_check_ins",
    "okr_initiatives",
    "bonus_runs",
    "bonus_run_approvals",
    "bonus_lines",
    "bonus_locks",
    "bonus_disputes",
    "bonus_compensation",
    "bonus_leaves",
    "alert_states",
    "alert_evaluations",
    "alert_outbox",
    "alert_deliveries",
    "alert_channels",
    "alert_subscriptions",
    "alert_silences",
    "scheduler_leases",
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreLocation]:
    """A store that does not exist yet: a SQLite path, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        yield store_location("kpilot.db", tmp_path)
        return
    if not PG_OK:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    with postgres_database() as url:
        yield store_location(url, tmp_path)


def test_upgrade_downgrade_upgrade_matches_the_models(location: StoreLocation) -> None:
    assert state(location).standing is Standing.MISSING
    assert upgrade(location).standing is Standing.CURRENT
    _assert_schema_matches_models(location)

    after = downgrade(location, "base")
    assert (after.standing, after.current) == (Standing.BEHIND, None)
    assert _tables(location) == {"alembic_version"}

    assert upgrade(location).standing is Standing.CURRENT
    _assert_schema_matches_models(location)


def test_the_models_describe_every_table() -> None:
    assert set(Base.metadata.tables) == EXPECTED_TABLES


def test_downgrade_by_steps_and_to_a_revision(location: StoreLocation) -> None:
    upgrade(location)
    first = revisions()[0].id
    assert state(location).current == revisions()[-1].id
    assert downgrade(location, "-1").current == (revisions()[-2].id if len(revisions()) > 1 else None)
    assert downgrade(location, first).current == first
    second = revisions()[1].id
    assert upgrade(location, second).current == second


def test_state_of_a_missing_sqlite_store_does_not_create_it(tmp_path: Path) -> None:
    location = store_location("kpilot.db", tmp_path)
    assert state(location).standing is Standing.MISSING
    assert state(location).pending == revisions()
    assert not (tmp_path / "kpilot.db").exists()


def test_every_migration_has_a_title_and_the_chain_is_linear() -> None:
    found = revisions()
    assert [r.id for r in found] == ["0001", "0002", "0003", "0004", "0005", "0006", "0007"]
    assert all(r.title for r in found)


# --------------------------------------------------------------------------------------------------------------


def _assert_schema_matches_models(location: StoreLocation) -> None:
    engine = create_store_engine(location)
    try:
        reflected = _reflected(engine)
        expected = {name: _declared(table, engine.dialect) for name, table in Base.metadata.tables.items()}
        assert reflected == expected
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def _tables(location: StoreLocation) -> set[str]:
    engine = create_store_engine(location)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _reflected(engine: Engine) -> dict[str, dict[str, Any]]:
    inspector = inspect(engine)
    result = {}
    for name in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        pk = inspector.get_pk_constraint(name)
        uniques = inspector.get_unique_constraints(name)
        unique_names = {u["name"] for u in uniques}
        result[name] = {
            "columns": [
                (c["name"], c["type"].compile(dialect=engine.dialect), c["nullable"])
                for c in inspector.get_columns(name)
            ],
            "primary key": (pk["name"], tuple(pk["constrained_columns"])),
            "foreign keys": sorted(
                (
                    fk["name"],
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    (fk.get("options") or {}).get("ondelete"),
                )
                for fk in inspector.get_foreign_keys(name)
            ),
            # PostgreSQL lists the index behind each unique constraint too: that one is the constraint.
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(name)
                if i["name"] not in unique_names
            ),
            "uniques": sorted((u["name"], tuple(u["column_names"])) for u in uniques),
            "checks": sorted(c["name"] for c in inspector.get_check_constraints(name)),
        }
    return result


def _declared(table: Table, dialect: Dialect) -> dict[str, Any]:
    pk = table.primary_key
    uniques = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    checks = [c for c in table.constraints if isinstance(c, CheckConstraint)]
    return {
        "columns": [(c.name, c.type.compile(dialect=dialect), c.nullable) for c in table.columns],
        "primary key": (pk.name, tuple(c.name for c in pk.columns)),
        "foreign keys": sorted(
            (
                fk.name,
                tuple(c.name for c in fk.columns),
                fk.referred_table.name,
                tuple(e.column.name for e in fk.elements),
                fk.ondelete,
            )
            for fk in table.foreign_key_constraints
        ),
        "indexes": sorted((i.name, tuple(c.name for c in i.columns), bool(i.unique)) for i in table.indexes),
        "uniques": sorted((u.name, tuple(c.name for c in u.columns)) for u in uniques),
        "checks": sorted(str(c.name) for c in checks),
    }
