"""Shared by the store's tests: workspaces with a store on SQLite or PostgreSQL, and a look at the store's tables
from outside kpilot (plain sqlite3 and psycopg), so that what an import wrote is checked independently of it."""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path
from typing import Any

import psycopg

from kpilot.store.location import store_location
from kpilot.store.revisions import upgrade

# A source with the two dimensions scopes name in these tests.
DEFINITIONS = """\
sources:
  - name: deals
    table: deals
    time: day
    dimensions: [owner, team]
    measures:
      - {name: amount, agg: sum, expr: amount}
"""
KPILOT_TABLES = (
    "team_scopes",
    "person_scopes",
    "memberships",
    "people",
    "teams",
    "audit_log",
    "sign_in_failures",
    "idempotency_keys",
    "tokens",
    "account_permissions",
    "account_roles",
    "accounts",
)


def write_store_workspace(root: Path, store: str = "kpilot.db", *, create: bool = True) -> Path:
    """A workspace folder whose `store:` is `store` (a SQLite path or a PostgreSQL URL), migrated if `create`."""
    (root / "definitions").mkdir(parents=True, exist_ok=True)
    (root / "kpilot.yaml").write_text(
        f"name: test\nwarehouse: warehouse.duckdb\nstore: {store}\ntimezone: Europe/Rome\nlanguage: en\n"
    )
    (root / "definitions" / "main.yaml").write_text(DEFINITIONS)
    if create:
        upgrade(store_location(store, root))
    return root


def query(root: Path, store: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of `sql` run on the store directly (dates come back as ISO text on both engines)."""
    if "://" in store:
        with psycopg.connect(store, autocommit=True) as con:
            return [tuple(_text(v) for v in row) for row in con.execute(sql).fetchall()]
    path = root / store
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return [tuple(row) for row in con.execute(sql).fetchall()]


def memberships(root: Path, store: str) -> list[tuple[Any, ...]]:
    """(e-mail, team, valid_from, valid_to) of every membership, ordered."""
    return query(
        root,
        store,
        textwrap.dedent("""\
            SELECT p.email, t.name, m.valid_from, m.valid_to
            FROM memberships m JOIN people p ON p.id = m.person_id JOIN teams t ON t.id = m.team_id
            ORDER BY p.email_key, m.valid_from, t.name"""),
    )


def people(root: Path, store: str) -> list[tuple[Any, ...]]:
    """(name, e-mail, language, time zone, manager's e-mail) of everyone, by e-mail."""
    return query(
        root,
        store,
        "SELECT p.name, p.email, p.language, p.timezone, m.email FROM people p"
        " LEFT JOIN people m ON m.id = p.manager_id ORDER BY p.email_key",
    )


def teams(root: Path, store: str) -> list[tuple[Any, ...]]:
    """(name, kind, parent's name) of every team, by name."""
    return query(
        root,
        store,
        "SELECT t.name, t.kind, p.name FROM teams t LEFT JOIN teams p ON p.id = t.parent_id ORDER BY t.name",
    )


def scopes(root: Path, store: str) -> list[tuple[Any, ...]]:
    """('person' or 'team', e-mail or team name, dimension, value), ordered."""
    return query(
        root,
        store,
        "SELECT 'person', p.email, s.dimension, s.value FROM person_scopes s JOIN people p ON p.id = s.person_id"
        " UNION ALL SELECT 'team', t.name, s.dimension, s.value FROM team_scopes s JOIN teams t ON t.id = s.team_id"
        " ORDER BY 1, 2, 3",
    )


def everything(root: Path, store: str) -> tuple[list[tuple[Any, ...]], ...]:
    """The whole organisation as stored, to compare before and after a refused import."""
    return teams(root, store), people(root, store), memberships(root, store), scopes(root, store)


def truncate(store: str) -> None:
    """Empty kpilot's tables in a PostgreSQL store (shared by the tests of a module)."""
    with psycopg.connect(store, autocommit=True) as con:
        con.execute(f"TRUNCATE {', '.join(KPILOT_TABLES)} RESTART IDENTITY CASCADE")


def _text(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
