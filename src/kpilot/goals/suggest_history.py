"""A KPI's history for target suggestions and checks: its value in each complete period, up to a given one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import UserError
from kpilot.formula.ast import MeasureRef
from kpilot.formula.check import walk
from kpilot.goals.periods import last_complete, period_name
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class Point:
    """One period of history: its start, its name (2025-05) and the KPI's value (None: no value)."""

    start: date
    name: str
    value: float | None


def history_end(period: date, grain: Grain, calendar: Calendar, today: date) -> date:
    """The last period of history for a target period: the one before it, or the last complete one if earlier."""
    return min(calendar.shift(period, -1, grain), last_complete(today, grain, calendar))


def load_history(
    workspace: Workspace,
    kpi: str,
    last: date,
    grain: Grain,
    *,
    count: int | None,
    where: str | None = None,
    today: date | None = None,
) -> tuple[Point, ...]:
    """The KPI's value for each complete period up to `last` (the last `count`, or all) in the data's own range.

    Neither start nor end is given to the computation, so the series runs from the first to the last period with
    data: periods before the data starts, or after it stops, would otherwise read as zeros for sums and counts.
    """
    calendar = workspace.calendar
    table = workspace.compute([kpi], grain=grain, where=where, today=today)
    points = [
        Point(row["period"], period_name(row["period"], grain, calendar), _number(row[kpi]))
        for row in table.to_pylist()
        if row["period"] <= last and not row["partial"]
    ]
    return tuple(points if count is None else points[-count:])


def load_histories(
    workspace: Workspace,
    kpis: Sequence[str],
    last: date,
    grain: Grain,
    *,
    where: str | None = None,
    today: date | None = None,
) -> dict[str, tuple[Point, ...] | UserError]:
    """`load_history` for many KPIs, one computation per group of KPIs that read the same sources (so each source is
    scanned once, and every KPI of a group has the same data range). A KPI that cannot be computed gets its error."""
    groups: dict[frozenset[str], list[str]] = {}
    for kpi in kpis:
        groups.setdefault(sources_of(workspace, kpi), []).append(kpi)
    found: dict[str, tuple[Point, ...] | UserError] = {}
    calendar = workspace.calendar
    for names in groups.values():
        try:
            rows = workspace.compute(names, grain=grain, where=where, today=today).to_pylist()
        except UserError:
            for name in names:  # which one fails, and why; the others still get their history
                try:
                    found[name] = load_history(workspace, name, last, grain, count=None, where=where, today=today)
                except UserError as error:
                    found[name] = error
            continue
        complete = [row for row in rows if row["period"] <= last and not row["partial"]]
        for name in names:
            found[name] = tuple(
                Point(row["period"], period_name(row["period"], grain, calendar), _number(row[name]))
                for row in complete
            )
    return found


def sources_of(workspace: Workspace, kpi: str) -> frozenset[str]:
    """The sources a KPI reads (empty when its formula does not resolve: it is then computed alone)."""
    try:
        tree = workspace.model.expand(kpi)
    except UserError:
        return frozenset({f"unresolved:{kpi}"})
    return frozenset(node.source for node in walk(tree) if isinstance(node, MeasureRef))


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
