"""The store's migrations, run from code: no alembic.ini, the scripts found inside the installed package.

`state` tells where a store stands without changing it (and without creating a missing SQLite file); `upgrade` and
`downgrade` move it. Only `upgrade` ever creates a store.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from kpilot.i18n import Message, Raw
from kpilot.store.engine import create_store_engine, writing
from kpilot.store.errors import StoreError
from kpilot.store.failures import translated
from kpilot.store.location import StoreLocation

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


class Standing(StrEnum):
    MISSING = "missing"  # no SQLite file, or no kpilot tables in the database
    BEHIND = "behind"  # migrations this kpilot has are not applied yet
    CURRENT = "current"
    AHEAD = "ahead"  # a revision this kpilot does not know: migrated by a newer kpilot


@dataclass(frozen=True)
class Revision:
    id: str
    title: str  # the first line of the migration's docstring


@dataclass(frozen=True)
class State:
    standing: Standing
    current: str | None  # the store's revision (None: none applied)
    head: str  # the newest revision this kpilot knows
    pending: tuple[Revision, ...]  # what `kpilot db upgrade` would apply, oldest first


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    found = scripts().get_current_head()
    if found is None:  # the package always ships at least one migration
        raise StoreError(Message("store.no_migrations"), hint=Message("store.no_migrations_hint"))
    return found


def revisions() -> tuple[Revision, ...]:
    """Every migration, oldest first."""
    found = [Revision(script.revision, _title(script.doc)) for script in scripts().walk_revisions()]
    return tuple(reversed(found))


def state(location: StoreLocation) -> State:
    """Where the store stands. Reads only; a missing SQLite file is reported as missing, not created."""
    newest = head()
    if location.path is not None and not location.path.is_file():
        return State(Standing.MISSING, None, newest, revisions())
    engine = create_store_engine(location)
    try:
        with translated(location), engine.connect() as connection:
            return standing(connection, newest)
    finally:
        engine.dispose()


def standing(connection: Connection, newest: str) -> State:
    current = MigrationContext.configure(connection).get_current_revision()
    known = {revision.id: index for index, revision in enumerate(revisions())}
    if current is None:
        # No revision: an empty database, or one whose tables were all downgraded away.
        kind = Standing.MISSING if not inspect(connection).has_table(VERSION_TABLE) else Standing.BEHIND
        return State(kind, None, newest, revisions())
    if current not in known:
        return State(Standing.AHEAD, current, newest, ())
    pending = revisions()[known[current] + 1 :]
    return State(Standing.BEHIND if pending else Standing.CURRENT, current, newest, pending)


def upgrade(location: StoreLocation, target: str = "heads") -> State:
    """Apply migrations up to `target` (default: all), creating the store if there is none."""
    _run(location, "upgrade", target, create=True)
    return state(location)


def downgrade(location: StoreLocation, target: str = "-1") -> State:
    """Undo migrations down to `target` (`-1`: the last one; `base`: all). Their tables and data are dropped."""
    before = state(location)
    if before.standing is Standing.MISSING or (before.current is None):
        raise StoreError(Message("store.nothing_to_downgrade", store=location.shown))
    if before.standing is Standing.AHEAD:
        raise StoreError(
            Message("store.revision_unknown", store=location.shown, revision=before.current),
            hint=Message("store.revision_unknown_hint"),
        )
    _run(location, "downgrade", target, create=False)
    return state(location)


def _run(location: StoreLocation, action: str, target: str, *, create: bool) -> None:
    engine = writing(create_store_engine(location, create=create))
    config = _config()
    try:
        with translated(location), engine.connect() as connection:
            config.attributes["connection"] = connection
            try:
                if action == "upgrade":
                    command.upgrade(config, target)
                else:
                    command.downgrade(config, target)
            except CommandError as error:
                known = tuple(revision.id for revision in revisions())
                code = "store.upgrade_refused" if action == "upgrade" else "store.downgrade_refused"
                raise StoreError(
                    Message(code, store=location.shown, target=repr(target), problem=Raw(str(error))),
                    hint=Message("store.revision_hint", known=known),
                    suggestions=known,
                ) from None
            connection.commit()
    finally:
        engine.dispose()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))  # ConfigParser's escape
    return config


def _title(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0].rstrip(".") if doc and doc.strip() else ""
