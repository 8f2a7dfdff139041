"""Rollups as a person asks about them: which sources keep one, whether each is current, and building them again
(`kpilot rollups`). An ingest keeps them by itself (engine.rollups.refresh); building is for a rollup just declared
over a table that is already loaded, or after a write kpilot did not make. Building writes the warehouse, so it needs
the permission to ingest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kpilot.auth.actor import Actor
from kpilot.engine.rollups.state import Declared, current, declared
from kpilot.errors import QueryError
from kpilot.i18n import Message
from kpilot.services.ingest import warehouse_writer
from kpilot.services.permissions import Action as Permission
from kpilot.services.permissions import ensure
from kpilot.warehouse.rollup_state import RollupState, states_of
from kpilot.warehouse.sessions import transaction
from kpilot.workspace import Workspace


class Standing(StrEnum):
    CURRENT = "current"  # answers every request it can answer exactly
    STALE = "stale"  # built from other data or by other definitions: requests read the raw rows
    MISSING = "missing"  # never built
    UNSUPPORTED = "unsupported"  # the warehouse cannot keep one (not an embedded DuckDB file)


@dataclass(frozen=True)
class RollupStatus:
    source: str
    table: str
    dimensions: tuple[str, ...]
    kept: tuple[str, ...]  # the measures it answers
    raw: tuple[str, ...]  # the measures that always read the raw rows (distinct counts, medians, ...)
    standing: Standing
    rows: int | None = None
    built_at: dt.datetime | None = None
    refreshed_at: dt.datetime | None = None


def rollup_status(workspace: Workspace, actor: Actor) -> list[RollupStatus]:
    """Every rollup the definitions declare, and where it stands."""
    ensure(actor, Permission.READ_DEFINITIONS)
    rollups = _declared(workspace)
    if not rollups:
        return []
    warehouse = workspace.warehouse
    if warehouse.path is None or warehouse.is_spark:
        return [_status(each, Standing.UNSUPPORTED, None) for each in rollups]
    states = states_of(warehouse.con.con) if warehouse.path.exists() else {}
    fresh, _ = current(warehouse, rollups)
    found = []
    for each in rollups:
        state = states.get(each.source.name)
        standing = Standing.MISSING if state is None else Standing.CURRENT
        if state is not None and each.source.name not in fresh:
            standing = Standing.STALE
        found.append(_status(each, standing, state))
    return found


def build_rollups(workspace: Workspace, actor: Actor, sources: Sequence[str] = ()) -> list[RollupState]:
    """Build the rollups of `sources` (all declared ones when empty) from all their rows, in one transaction."""
    ensure(actor, Permission.INGEST)
    names = {each.source.name for each in _declared(workspace)}
    unknown = [name for name in sources if name not in names]
    if unknown:
        raise QueryError(
            Message("services.rollups.unknown_source", source=unknown[0]),
            hint=Message("services.rollups.declared", sources=tuple(sorted(names))),
            field="sources",
        )
    if not names:
        raise QueryError(Message("services.rollups.none_declared"), hint=Message("services.rollups.declare_hint"))
    with warehouse_writer(workspace, 0.0, None) as (con, refresher):
        if refresher is None:
            raise QueryError(Message("services.rollups.unsupported"), hint=Message("services.rollups.unsupported_hint"))
        with transaction(con, str(con.name)) as session:
            return refresher.build_all(session, sources)


def _declared(workspace: Workspace) -> list[Declared]:
    return declared(workspace.definitions, workspace.settings.timezone, workspace.settings.currency)


def _status(each: Declared, standing: Standing, state: RollupState | None) -> RollupStatus:
    layout = each.layout
    kept = tuple(m.name for m in each.source.measures if layout.answers(m))
    raw = tuple(m.name for m in each.source.measures if not layout.answers(m))
    return RollupStatus(
        each.source.name,
        layout.table,
        layout.dimensions,
        kept,
        raw,
        standing,
        state.rows if state is not None else None,
        state.built_at if state is not None else None,
        state.refreshed_at if state is not None else None,
    )
