"""What a running server holds: the workspace (its warehouse connection) and the store, opened once and reopened
when they went away or when the definitions on disk changed.

DuckDB allows one connection to write a database file and an embedded connection is not safe to share between
threads, so the server computes through one workspace at a time, behind a lock; DuckDB itself spreads each query
over every core. When the warehouse or the store fails as unreachable, what was opened is dropped so that the next
request opens it again: the server recovers by itself when they are back, without a restart.

A DuckDB file is held by the server only while it answers: after `IDLE_SECONDS` without a request its connection is
closed (the definitions stay loaded), so that `kpilot ingest` from another terminal can take the file to write it,
and a request that finds the file taken by such a writer waits up to `LOCK_WAIT_SECONDS` for it (docs/server.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kpilot.api import Workspace
from kpilot.definitions.loader import DEFINITIONS_DIR, SETTINGS_FILE
from kpilot.errors import WarehouseUnavailable
from kpilot.server.answers import answer_cache
from kpilot.services.sessions import KnownSessions
from kpilot.services.tokens import KnownTokens
from kpilot.store.errors import StoreUnavailable
from kpilot.store.session import Store, open_store
from kpilot.warehouse.lock_wait import waiting_for_lock

Fingerprint = tuple[tuple[str, int, int], ...]
IDLE_SECONDS = 1.0  # a DuckDB file is let go after this long without a request
LOCK_WAIT_SECONDS = 10.0  # how long a request waits for a file another process writes, before a 503


class Runtime:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.RLock()
        self._workspace: Workspace | None = None
        self._seen: Fingerprint = ()
        # The open workspace and the files it was loaded from, as one value: read without the lock (`loaded`).
        self._loaded: tuple[Workspace, Fingerprint] | None = None
        self._store: Store | None = None
        self.answers = answer_cache()
        self.tokens = KnownTokens()
        self.sessions = KnownSessions()
        self._last_used = time.monotonic()
        self._idle_watch: threading.Thread | None = None
        self._stopping = threading.Event()

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
                self._loaded = (self._workspace, now)
            workspace = self._workspace
            try:
                if workspace.warehouse.path is not None:
                    # Connected here, where a file another process is writing can be waited for.
                    waiting_for_lock(workspace.warehouse.connect, seconds=LOCK_WAIT_SECONDS)
                    self._watch_idle()
                yield workspace
            except WarehouseUnavailable:
                self._drop_workspace()
                raise
            finally:
                self._last_used = time.monotonic()

    @property
    def definitions_version(self) -> Fingerprint:
        """The settings and definition files the open workspace was loaded from (see `fingerprint`)."""
        return self._seen

    def loaded(self) -> tuple[Workspace, Fingerprint] | None:
        """The open workspace and the fingerprint of the files it was loaded from, without waiting for the lock
        (for what the event loop reads: the settings of a workspace are not changed once loaded); None when none is
        open."""
        return self._loaded

    def open_store(self) -> Store | None:
        """The store if it is open, without waiting for the runtime's lock (which a long computation may hold): for
        what the event loop itself may read."""
        return self._store

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
        self._stopping.set()  # outside the lock: the watch may be waiting for it
        watch, self._idle_watch = self._idle_watch, None
        if watch is not None and watch is not threading.current_thread():
            watch.join()
        with self._lock:
            self._stopping.clear()
            self._drop_workspace()
            if self._store is not None:
                self._store.close()
                self._store = None

    def _watch_idle(self) -> None:
        """Start the thread that lets the DuckDB file go when the server is idle (once; again after `close`)."""
        if self._idle_watch is None:
            self._idle_watch = threading.Thread(target=self._let_go_when_idle, name="kpilot-idle", daemon=True)
            self._idle_watch.start()

    def _let_go_when_idle(self) -> None:
        while not self._stopping.wait(IDLE_SECONDS / 4):
            with self._lock:  # taken between requests only: never while one computes
                if self._workspace is not None and time.monotonic() - self._last_used >= IDLE_SECONDS:
                    self._workspace.close()  # the warehouse connection; the definitions stay loaded

    def _drop_workspace(self) -> None:
        self._loaded = None
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
