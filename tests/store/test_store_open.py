"""Opening the store: a missing or outdated store is a clear error (never an empty database made on the spot), the
`store:` setting is checked, SQLite is set up (WAL, busy timeout, foreign keys, writers that lock at BEGIN), and
database failures are store errors that mask passwords."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from kpilot import Workspace
from kpilot.errors import ValidationFailed
from kpilot.store import StoreError, StoreMissing, StoreOutdated, StoreTooNew, StoreUnavailable, open_store
from kpilot.store.location import store_location
from kpilot.store.revisions import downgrade, upgrade
from tests.conftest import PG_OK
from tests.store.store_support import write_store_workspace
from tests.support import postgres_database, run_cli

needs_postgres = pytest.mark.skipif(not PG_OK, reason="PostgreSQL is not reachable on 127.0.0.1:5432")


def test_a_missing_sqlite_store_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    root = write_store_workspace(tmp_path, create=False)
    with pytest.raises(StoreMissing) as caught:
        open_store(Workspace(root))
    assert "there is no store at" in str(caught.value.message)
    assert caught.value.hint is not None
    assert "kpilot db upgrade" in str(caught.value.hint)
    assert not (root / "kpilot.db").exists()


def test_a_store_with_every_migration_undone_is_behind(tmp_path: Path) -> None:
    root = write_store_workspace(tmp_path)
    downgrade(store_location("kpilot.db", root), "base")
    with pytest.raises(StoreOutdated) as caught:
        open_store(Workspace(root))
    assert "has every migration undone; this kpilot needs revision 0007" in str(caught.value.message)


def test_a_store_migrated_by_a_newer_kpilot_is_refused(tmp_path: Path) -> None:
    root = write_store_workspace(tmp_path)
    with sqlite3.connect(root / "kpilot.db") as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreTooNew) as caught:
        open_store(Workspace(root))
    assert "at revision 9999, which this kpilot does not know" in str(caught.value.message)
    with pytest.raises(StoreError, match="downgrade it with the newer kpilot") as refused:
        downgrade(store_location("kpilot.db", root))
    assert "is at revision 9999, which this kpilot does not know" in str(refused.value.message)


def test_an_up_to_date_store_opens(tmp_path: Path) -> None:
    root = write_store_workspace(tmp_path)
    with open_store(Workspace(root)) as store, store.reading() as session:
        assert session.execute(text("SELECT count(*) FROM people")).scalar_one() == 0


def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    root = write_store_workspace(tmp_path)
    with open_store(Workspace(root)) as store, store.reading() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar_one() == 10_000
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_a_writing_transaction_takes_the_write_lock_when_it_begins(tmp_path: Path) -> None:
    root = write_store_workspace(tmp_path)
    other = sqlite3.connect(root / "kpilot.db", timeout=0, isolation_level=None)
    try:
        with open_store(Workspace(root)) as store:
            with store.reading() as session:
                session.execute(text("SELECT 1"))
                other.execute("BEGIN IMMEDIATE")  # a reader holds no write lock
                other.execute("ROLLBACK")
            with store.writing() as session:
                session.execute(text("SELECT 1"))  # reads only, but began with BEGIN IMMEDIATE
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_store_workspace(tmp_path, create=False)
    (root / "kpilot.db").write_bytes(b"these are not the tables you are looking for" * 100)
    with pytest.raises(StoreUnavailable, match="cannot read the store"):
        open_store(Workspace(root))
    code, _, err = run_cli(capsys, "org", "export", "-w", str(root))
    assert code == 1
    assert "error: cannot read the store" in err


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ("mysql://me@db/kpis", "not a mysql:// URL"),
        ("sqlite:///kpilot.db", "not a sqlite:// URL"),
        ("''", "a SQLite file's path (e.g. kpilot.db) or a postgresql:// URL"),
    ],
)
def test_the_store_setting_is_a_path_or_a_postgresql_url(tmp_path: Path, setting: str, problem: str) -> None:
    root = write_store_workspace(tmp_path, create=False)
    (root / "kpilot.yaml").write_text(f"store: {setting}\n")
    with pytest.raises(ValidationFailed) as caught:
        Workspace(root)
    assert str(caught.value.issues[0]).startswith("kpilot.yaml:1:8: error: 'store': ")
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://me@db:notaport/kpis", "is not a URL kpilot can read"),
        ("postgresql://me@db:5432", "names no database"),
    ],
)
def test_postgresql_urls_kpilot_cannot_use_are_refused(tmp_path: Path, url: str, problem: str) -> None:
    with pytest.raises(StoreError, match=problem):
        store_location(url, tmp_path)


def test_postgresql_urls_get_the_psycopg_driver(tmp_path: Path) -> None:
    for url in ("postgresql://me@db/kpis", "postgres://me@db/kpis", "postgresql+psycopg://me@db/kpis"):
        location = store_location(url, tmp_path)
        assert location.url is not None
        assert location.url.drivername == "postgresql+psycopg"
        assert location.url.database == "kpis"


def test_an_unreachable_server_is_a_store_error_with_the_password_masked(tmp_path: Path) -> None:
    url = "postgresql://kpilot:s3cret-Pa55word@127.0.0.1:1/kpis"  # nothing listens on port 1
    root = write_store_workspace(tmp_path, url, create=False)
    with pytest.raises(StoreUnavailable) as caught:
        open_store(Workspace(root))
    message = str(caught.value)
    assert "cannot use the store postgresql://kpilot:***@127.0.0.1:1/kpis" in message
    assert "s3cret" not in message
    assert "PostgreSQL server is running" in message


@needs_postgres
def test_an_empty_postgresql_database_is_a_missing_store(tmp_path: Path) -> None:
    with postgres_database() as url:
        root = write_store_workspace(tmp_path, url, create=False)
        with pytest.raises(StoreMissing, match="has no kpilot tables yet"):
            open_store(Workspace(root))
        with psycopg.connect(url) as con:  # and nothing was created in it
            assert con.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
        upgrade(store_location(url, root))
        with open_store(Workspace(root)) as store, store.reading() as session:
            assert session.execute(text("SELECT count(*) FROM teams")).scalar_one() == 0


@needs_postgres
def test_a_postgresql_database_that_does_not_exist_says_so(tmp_path: Path) -> None:
    root = write_store_workspace(tmp_path, "postgresql://postgres@127.0.0.1:5432/kpilot_no_such_db", create=False)
    with pytest.raises(StoreUnavailable) as caught:
        open_store(Workspace(root))
    assert 'database "kpilot_no_such_db" does not exist' in str(caught.value.message)
    assert caught.value.hint is not None
    assert "create it first" in str(caught.value.hint)
