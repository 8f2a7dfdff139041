"""A KPI's history for target suggestions and checks: its value in each complete period, up to a given one.

A period is complete when it has ended and the data covers it: the last period with data is left out when the data
stops inside it more than a week (or a tenth of the period) before its end, and earlier in it than in the period
before, such as a month of which only the first 9 days are loaded (a source posted on the 10th of every month covers
its months). With `final`, a cohort KPI's periods that are not mature yet (`mature_after`) have no value:
theirs will still grow. The data's last day is the last day on which a flow (`goals.series_kind`) over the same sources
has a value other than 0; KPIs over sources that no flow reads are not cut, nor are stocks: their last snapshot is
their value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import UserError
from kpilot.formula.ast import MeasureRef
from kpilot.formula.check import walk
from kpilot.goals.periods import last_complete, period_name
from kpilot.goals.series_kind import SeriesKind, series_kind
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
    final: bool = False,
    left_out: list[date] | None = None,
) -> tuple[Point, ...]:
    """The KPI's value for each complete period up to `last` (the last `count`, or all) in the data's own range.

    Neither start nor end is given to the computation, so the series runs from the first to the last period with
    data: periods before the data starts, or after it stops, would otherwise read as zeros for sums and counts.
    The start of a period left out because the data stops inside it is added to `left_out`, when given.
    """
    calendar = workspace.calendar
    computed = workspace.compute([kpi], grain=grain, where=where, today=today).to_pylist()
    rows = _covered(workspace, [kpi], computed, grain, where, today)[kpi]
    if left_out is not None:
        left_out.extend(row["period"] for row in computed if row not in rows and row["period"] <= last)
    points = [
        Point(row["period"], period_name(row["period"], grain, calendar), _value(row, kpi, final))
        for row in rows
        if row["period"] <= last and not row["partial"]
    ]
    return tuple(points if count is None else points[-count:])


def _covered(
    workspace: Workspace,
    names: Sequence[str],
    rows: list[dict[str, Any]],
    grain: Grain,
    where: str | None,
    today: date | None,
) -> dict[str, list[dict[str, Any]]]:
    """Each KPI's rows, less the last period when the data stops well before its end (see the module's docstring)."""
    found = dict.fromkeys(names, rows)
    complete = [row for row in rows if not row["partial"]]
    if not complete or grain is Grain.ALL:
        return found
    start = complete[-1]["period"]
    if any(row["period"] > start for row in rows):
        return found  # the data goes on after the period: it covers the whole of it
    end = workspace.calendar.end(start, grain)
    allowance = max(timedelta(days=7), (end - start) / 10)
    model = workspace.model
    moving = [name for name in names if series_kind(model, name) is not SeriesKind.STOCK]
    flows = [name for name in moving if series_kind(model, name) is SeriesKind.FLOW] or _flow_like(workspace, names)
    if not moving or not flows or grain is Grain.DAY:
        return found
    before = workspace.calendar.shift(start, -1, grain)
    try:
        days = workspace.compute(flows, grain=Grain.DAY, start=before, end=end - timedelta(days=1), where=where,
                                 today=today).to_pylist()  # fmt: skip
    except UserError:
        return found
    seen = [row["period"] for row in days if any(_number(row[name]) not in (None, 0.0) for name in flows)]
    last, earlier = [d for d in seen if d >= start], [d for d in seen if d < start]
    # Cut only when the data stops earlier in the period than it did in the period before: a source posted once a
    # month, on the 10th, covers its months.
    usual = max(earlier) - before if earlier else end - start - timedelta(days=1)
    if last and max(last) < end - allowance and max(last) - start < usual - allowance:
        for name in moving:
            found[name] = [row for row in rows if row["period"] != start]
    return found


def _flow_like(workspace: Workspace, names: Sequence[str]) -> list[str]:
    """A flow that reads the same sources as `names` (computed together, they share them), to see where their data
    ends: a rate's value per day can be empty for other reasons (a day without a stock's snapshot), a flow's cannot."""
    sources = sources_of(workspace, names[0])
    for kpi in workspace.definitions.kpis:
        if series_kind(workspace.model, kpi.name) is SeriesKind.FLOW and sources_of(workspace, kpi.name) == sources:
            return [kpi.name]
    return []


def load_histories(
    workspace: Workspace,
    kpis: Sequence[str],
    last: date,
    grain: Grain,
    *,
    where: str | None = None,
    today: date | None = None,
    final: bool = False,
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
                    found[name] = load_history(
                        workspace, name, last, grain, count=None, where=where, today=today, final=final
                    )
                except UserError as error:
                    found[name] = error
            continue
        covered = _covered(workspace, names, rows, grain, where, today)
        for name in names:
            found[name] = tuple(
                Point(row["period"], period_name(row["period"], grain, calendar), _value(row, name, final))
                for row in covered[name]
                if row["period"] <= last and not row["partial"]
            )
    return found


def sources_of(workspace: Workspace, kpi: str) -> frozenset[str]:
    """The sources a KPI reads (empty when its formula does not resolve: it is then computed alone)."""
    try:
        tree = workspace.model.expand(kpi)
    except UserError:
        return frozenset({f"unresolved:{kpi}"})
    return frozenset(node.source for node in walk(tree) if isinstance(node, MeasureRef))


def _value(row: dict[str, Any], name: str, final: bool) -> float | None:
    """The KPI's value in a row; with `final`, None while it is not final: a cohort KPI (`mature_after`) whose
    period is younger than its maturity will still grow, and would drag a suggestion's history down."""
    if final and name in (row.get("immature") or ()):
        return None
    return _number(row[name])


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
