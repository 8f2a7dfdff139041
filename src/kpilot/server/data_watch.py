"""Which sources' data changed, as it happens: what the pages' live updates listen to (docs/dashboard.md#live-updates).

One watch a server. While someone listens, it looks at the DuckDB file's stamp (size and modification time of the
file and of its write-ahead log) every `INTERVAL` seconds: a stat, no connection, no lock. Every write changes the
stamp, by this server (a push through the API) or by another process (`kpilot ingest` in a terminal). When the
stamp moved, the data's versions (warehouse.data_version, the ones kept answers are keyed by) are read through the
workspace and compared source by source, so that a load into one table names that table's sources only, and a
stamp that moved without a new version (a checkpoint) names none. A warehouse without a file to stamp (PostgreSQL)
hears of the pushes through this server's API (`touched`); another process's writes to it are not seen.

Listeners each get a queue of the sets of source names that changed; nothing is decided about who may see what
here (the page's stream keeps only the reader's own KPIs)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable
from pathlib import Path

from fastapi.concurrency import run_in_threadpool

from kpilot.errors import KpilotError
from kpilot.server.runtime import Runtime
from kpilot.warehouse.data_version import FileStamp, data_versions, file_stamp

INTERVAL = 0.1  # seconds between looks at the file (a stat): a change is seen within a tenth of a second
Versions = dict[str, Hashable]


class DataWatch:
    def __init__(self, runtime: Runtime, interval: float = INTERVAL) -> None:
        self._runtime = runtime
        self._interval = interval
        self._listeners: set[asyncio.Queue[frozenset[str]]] = set()
        self._task: asyncio.Task[None] | None = None
        self._stamp: FileStamp | None = None
        self._versions: Versions | None = None

    @contextlib.asynccontextmanager
    async def listen(self) -> AsyncIterator[asyncio.Queue[frozenset[str]]]:
        """A queue of the changes from now on, for as long as the context lasts (the watch runs while anyone
        listens, and stops with the last listener)."""
        queue: asyncio.Queue[frozenset[str]] = asyncio.Queue()
        if not self._listeners:
            self._stamp, self._versions = await self._look()
        self._listeners.add(queue)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="kpilot-data-watch")
        try:
            yield queue
        finally:
            self._listeners.discard(queue)

    def touched(self, sources: frozenset[str]) -> None:
        """Sources just written by this server (the push API): told to every listener now when there is no file to
        watch (a PostgreSQL warehouse); a file's watch sees the write itself, with every source it touched."""
        if sources and self._warehouse_file() is None:
            self._tell(sources)

    async def _run(self) -> None:
        while self._listeners:
            await asyncio.sleep(self._interval)
            path = self._warehouse_file()
            if path is None or file_stamp(path) == self._stamp:
                continue
            stamp, versions = await self._look()
            changed = _changed(self._versions, versions)
            self._stamp, self._versions = stamp, versions
            if changed:
                self._tell(changed)

    def _tell(self, sources: frozenset[str]) -> None:
        for queue in self._listeners:
            queue.put_nowait(sources)

    def _warehouse_file(self) -> Path | None:
        loaded = self._runtime.loaded()
        return loaded[0].warehouse.path if loaded is not None else None

    async def _look(self) -> tuple[FileStamp | None, Versions | None]:
        """The file's stamp and every source's version, read together through the workspace (in the thread pool:
        it waits for the workspace's lock); nothing when the warehouse cannot be read now (it is looked at again
        at the next change)."""

        def read() -> tuple[FileStamp | None, Versions | None]:
            with self._runtime.workspace() as workspace:
                path = workspace.warehouse.path
                if path is None:
                    return None, None
                stamp = file_stamp(path)  # before the versions: a write in between shows at the next look
                sources = {source.name: source for source in workspace.definitions.sources}
                versions = data_versions(workspace.warehouse, sources)
                if versions is None:
                    return stamp, None
                return stamp, {name: versions.of(source) for name, source in sources.items()}

        try:
            return await run_in_threadpool(read)
        except (KpilotError, OSError):
            return None, None


def _changed(before: Versions | None, after: Versions | None) -> frozenset[str]:
    if after is None:
        return frozenset()
    if before is None:
        return frozenset(after)  # nothing known before (the warehouse was away): every source may have moved
    return frozenset(name for name, version in after.items() if before.get(name) != version)
