from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kpilot.store.location import store_location
from kpilot.store.revisions import upgrade
from tests.conftest import PG_OK
from tests.store.store_support import truncate, write_store_workspace
from tests.support import postgres_database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store, made once and copied into each test's workspace (migrating takes longer)."""
    path = tmp_path_factory.mktemp("template") / "kpilot.db"
    upgrade(store_location(str(path), path.parent))
    return path


@pytest.fixture(scope="module")
def postgres_store() -> Iterator[str]:
    """One migrated PostgreSQL database for the tests of a module (each test empties it first)."""
    if not PG_OK:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    with postgres_database() as url:
        upgrade(store_location(url, Path(".")))
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> str:
    """The `store:` setting of a test's workspace: a SQLite file in it, or the module's PostgreSQL database."""
    if request.param == "sqlite":
        return "kpilot.db"
    url: str = request.getfixturevalue("postgres_store")
    truncate(url)
    return url


@pytest.fixture
def root(tmp_path: Path, store: str, sqlite_template: Path) -> Path:
    """A workspace folder with a migrated, empty store on the parametrised engine."""
    folder = write_store_workspace(tmp_path / "ws", store, create=False)
    if "://" not in store:
        shutil.copyfile(sqlite_template, folder / store)
    return folder
