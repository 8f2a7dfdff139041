"""A KPI's history for target suggestions and checks: its value in each complete period, up to a given one."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.engine.periods import Calendar, Grain
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


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
