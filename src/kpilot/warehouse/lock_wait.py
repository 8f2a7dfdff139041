"""Waiting for DuckDB's file lock: one process at a time may hold a DuckDB file open for writing (and none may write
while another reads it), so a `kpilot ingest` that starts while `kpilot serve` is answering, or a server request
that comes while an ingest writes, waits its turn for a bounded time instead of failing at once (docs/server.md,
"The command line while the server runs").
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

from kpilot.errors import UserError, WarehouseUnavailable
from kpilot.warehouse.connection import Warehouse

T = TypeVar("T")

# The codes `failures.open_failure` gives a DuckDB file that another process holds.
LOCKED_CODES = frozenset({"warehouse.file_in_use", "warehouse.file_locked"})
POLL_SECONDS = 0.1


def is_locked(error: BaseException) -> bool:
    """Whether the error says the warehouse file is held by another process (the wait may end)."""
    return isinstance(error, WarehouseUnavailable) and error.code in LOCKED_CODES


def waiting_for_lock(
    attempt: Callable[[], T],
    *,
    seconds: float,
    on_wait: Callable[[UserError], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """`attempt()`, tried again while it fails because another process holds the warehouse file, for up to
    `seconds`; then its last error. `on_wait` hears the first refusal (to say that it waits, and for whom)."""
    deadline = clock() + max(0.0, seconds)
    told = False
    while True:
        try:
            return attempt()
        except WarehouseUnavailable as error:
            if not is_locked(error) or clock() >= deadline:
                raise
            if not told and on_wait is not None:
                on_wait(error)
            told = True
        time.sleep(POLL_SECONDS)


@contextmanager
def writable_waiting(
    warehouse: Warehouse, *, seconds: float, on_wait: Callable[[UserError], None] | None = None
) -> Iterator[Any]:
    """`warehouse.writable()`, waiting up to `seconds` for the file to be free."""
    with ExitStack() as stack:
        yield waiting_for_lock(lambda: stack.enter_context(warehouse.writable()), seconds=seconds, on_wait=on_wait)
