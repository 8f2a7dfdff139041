"""What a load wrote, as it tells what runs after it in its transaction (engine.rollups.refresh keeps the rollups)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kpilot.warehouse.notices import Notice
from kpilot.warehouse.sessions import Session


@dataclass(frozen=True)
class Written:
    """What a load wrote: the table, how (create, replace, append, upsert), and where its rows are staged."""

    table: str
    mode: str
    stage: str | None  # the appended or upserted rows, readable by SQL under this name (None: created, replaced)


# Runs in the load's transaction, after its rows and log entry; what it tells the user.
AfterWrite = Callable[[Session, Written], tuple[Notice, ...]]
