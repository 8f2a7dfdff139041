"""What a running server holds: the workspace (its warehouse connection) and the store, opened once and reopened
when they went away or when the definitions on disk changed.

DuckDB allows one connection to write a database file and an embedded connection is not safe to share between
threads, so the server computes through one workspace at a time, behind a lock; DuckDB itself spreads each query
over every core. When the warehouse or the store fails as unreachable, what was opened is dropped so that the next
request opens it again: the server recovers by itself when they are back, without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kpilot.api import Workspace
from kpilot.definitions.loader import DEFINITIONS_DIR, SETTINGS_FILE
from kpilot.errors import WarehouseUnavailable
from kpilot.store.errors import StoreUnavailable
from kpilot.store.session import Store, open_store

Fingerprint = tuple[tuple[str, int, int], ...]


class Runtime:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.RLock()
        self._workspace: Workspace | None = None
        self._seen: Fingerprint = ()
        self._store: Store | None = None

    @contextmanager
    def workspace(self) -> Iterator[Workspace]:
        """The workspace, for one request at a time; reopened when its files changed or its warehouse failed."""
        with self._lock:
            now = fingerprint(self.root)
            if self._workspace is not None and now != self._seen:
                self._drop_workspace()  # a definition edited on disk: never answer from the old definitions
            if self._workspace is None:
                self._workspace = Workspace(self.root)
                self._seen = now
            try:
                yield self._workspace
            except WarehouseUnavailable:
                self._drop_workspace()
                raise

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The store (a pool of connections, safe between threads); reopened after it was unreachable."""
        with self._lock:
            if self._store is None:
                with self.workspace() as workspace:
                    self._store = open_store(workspace)
            store = self._store
        try:
            yield store
        except StoreUnavailable:
            with self._lock:
                if self._store is store:
                    store.close()
                    self._store = None
            raise

    def close(self) -> None:
        with self._lock:
            self._drop_workspace()
            if self._store is not None:
                self._store.close()
                self._store = None

    def _drop_workspace(self) -> None:
        if self._workspace is not None:
            self._workspace.close()
            self._workspace = None


def fingerprint(root: Path) -> Fingerprint:
    """The settings and definition files, with their sizes and modification times: what a change on disk changes."""
    files = [root / SETTINGS_FILE, *sorted((root / DEFINITIONS_DIR).rglob("*.y*ml"))]
    found = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((str(path.relative_to(root)), stat.st_size, stat.st_mtime_ns))
    return tuple(found)
