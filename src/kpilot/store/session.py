"""Opening the store for use: the one way in, which refuses a store that is missing or not up to date.

A store is only ever created by `kpilot db upgrade` (`store.revisions.upgrade`): opening one that does not exist,
or that lacks migrations this kpilot needs, is a `StoreError` that says to run it, never an empty database created on
the spot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.expression import Executable

from kpilot.i18n import Message
from kpilot.store.engine import create_store_engine, writing
from kpilot.store.errors import UPGRADE_HINT, StoreMissing, StoreOutdated, StoreTooNew
from kpilot.store.failures import translated
from kpilot.store.location import StoreLocation, store_location
from kpilot.store.revisions import Standing, head, standing
from kpilot.workspace import Workspace


class Store:
    """An opened store whose schema is the one this kpilot expects. Use `open_store`."""

    def __init__(self, location: StoreLocation, engine: Engine) -> None:
        self.location = location
        self._engine = engine
        self._readers = sessionmaker(bind=engine, expire_on_commit=False)
        self._writers = sessionmaker(bind=writing(engine), expire_on_commit=False)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        with translated(self.location), self._readers() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction: committed if the block ends normally, rolled back (nothing written) if it raises."""
        with translated(self.location), self._writers() as session, session.begin():
            yield session

    def scalar(self, statement: Executable) -> Any:
        """One value read on a plain connection, outside any ORM session: for the reads every request makes, where
        a session's set-up would cost more than the query."""
        with translated(self.location), self._engine.connect() as connection:
            return connection.execute(statement).scalar()

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_store(workspace: Workspace) -> Store:
    """The workspace's store (its `store:` setting), checked to be at this kpilot's revision."""
    return open_location(store_location(workspace.settings.store, workspace.root))


def open_location(location: StoreLocation) -> Store:
    newest = head()
    if location.path is not None and not location.path.is_file():
        raise StoreMissing(Message("store.missing", store=location.shown), hint=UPGRADE_HINT)
    engine = create_store_engine(location)
    try:
        with translated(location), engine.connect() as connection:
            found = standing(connection, newest)
    except BaseException:
        engine.dispose()
        raise
    if found.standing is Standing.CURRENT:
        return Store(location, engine)
    engine.dispose()
    if found.standing is Standing.MISSING:
        raise StoreMissing(Message("store.no_tables", store=location.shown), hint=UPGRADE_HINT)
    if found.standing is Standing.BEHIND:
        if found.current:
            behind = Message("store.behind", store=location.shown, revision=found.current, head=found.head)
        else:
            behind = Message("store.behind_undone", store=location.shown, head=found.head)
        raise StoreOutdated(behind, hint=UPGRADE_HINT)
    raise StoreTooNew(
        Message("store.too_new", store=location.shown, revision=found.current),
        hint=Message("store.too_new_hint"),
    )
