"""KPI history: each KPI's value per period, for the scorecard, target suggestions, SMART checks and forecasts.

`kpi_history` computes many KPIs in one request (fused scans) and, when that fails, each alone, so that one KPI that
cannot be computed does not stop the others; it keeps every period it computes, complete or not (the scorecard judges
the running one). `load_history` and `load_histories` build on it and keep the complete periods only, up to a given
one, in the data's own range.

A period is complete when it has ended and the data covers it: the last period with data is left out when the data
stops inside it more than a week (or a tenth of the period) before its end, and earlier in it than in the period
before, such as a month of which only the first 9 days are loaded (a source posted on the 10th of every month covers
its months). With `final`, a cohort KPI's periods that are not mature yet (`mature_after`) have no value:
theirs will still grow. The data's last day is the last day on which a flow (`semantic.series_kind`) over the same
sources has a value other than 0; KPIs over sources that no flow reads are not cut, nor are stocks: their last
snapshot is their value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from kpilot.engine.period_names import last_complete, period_name
from kpilot.engine.periods import Calendar, Grain
from kpilot.engine.scope import Scope
from kpilot.errors import QueryError, UserError
from kpilot.formula.ast import MeasureRef
from kpilot.formula.check import walk
from kpilot.semantic.series_kind import SeriesKind, series_kind
from kpilot.workspace import Workspace

Row = Mapping[str, Any]  # one period of a computation: `period`, `partial`, `immature` and a value per KPI


@dataclass(frozen=True)
class Computation:
    """KPIs computed together, and the rows (one per period) the computation returned."""

    names: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class History:
    """What `kpi_history` computed: each computation's rows, and the error of each KPI that cannot be computed."""

    computations: tuple[Computation, ...] = ()
    errors: Mapping[str, UserError] = field(default_factory=dict)

    @cached_property
    def values(self) -> dict[str, dict[date, Any]]:
        """values[kpi][period start] -> the value as computed."""
        found: dict[str, dict[date, Any]] = {}
        for computation in self.computations:
            for row in computation.rows:
                for name in computation.names:
                    found.setdefault(name, {})[row["period"]] = row[name]
        return found

    @cached_property
    def partial(self) -> dict[date, bool]:
        """Whether each period is only partly covered (the running one, or one the data stops inside)."""
        return {row["period"]: bool(row["partial"]) for c in self.computations for row in c.rows}

    @cached_property
    def immature(self) -> dict[date, frozenset[str]]:
        """The KPIs whose cohorts are not final yet (`mature_after`), per period."""
        found: dict[date, frozenset[str]] = {}
        for computation in self.computations:
            for row in computation.rows:
                young = frozenset(row.get("immature") or ()) & frozenset(computation.names)
                found[row["period"]] = found.get(row["period"], frozenset()) | young
        return found

    def is_immature(self, kpi: str, period: date) -> bool:
        return kpi in self.immature.get(period, frozenset())

    def series(self, kpi: str) -> dict[date, Any]:
        return self.values.get(kpi, {})


@dataclass(frozen=True)
class Point:
    """One period of history: its start, its name (2025-05) and the KPI's value (None: no value)."""

    start: date
    name: str
    value: float | None


def kpi_history(
    workspace: Workspace,
    names: Sequence[str],
    grain: Grain,
    start: date | None = None,
    end: date | None = None,
    *,
    scope: Scope = (),
    today: date | None = None,
    alone_on: tuple[type[UserError], ...] = (QueryError,),
) -> History:
    """All KPIs in one request (fused scans); if that fails with one of `alone_on`, each alone, keeping the others.

    By default only a request the plan refuses is retried (QueryError: a KPI that does not compute at this grain),
    so that a workspace that cannot compute at all fails as a whole, as the scorecard wants; `load_histories` retries
    on any UserError, and `load_history` on none (its one KPI's error is the caller's)."""
    if not names:
        return History()
    options: dict[str, Any] = {"grain": grain, "start": start, "end": end, "scope": dict(scope), "today": today}
    try:
        return History((_computed(workspace, names, options),))
    except alone_on:
        computations, errors = [], {}
        for name in names:
            try:
                computations.append(_computed(workspace, [name], options))
            except UserError as error:
                errors[name] = error
        return History(tuple(computations), errors)


def _computed(workspace: Workspace, names: Sequence[str], options: dict[str, Any]) -> Computation:
    return Computation(tuple(names), tuple(workspace.compute(list(names), **options).to_pylist()))


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
    scope: Scope = (),
    today: date | None = None,
    final: bool = False,
    left_out: list[date] | None = None,
) -> tuple[Point, ...]:
    """The KPI's value for each complete period up to `last` (the last `count`, or all) in the data's own range.

    Neither start nor end is given to the computation, so the series runs from the first to the last period with
    data: periods before the data starts, or after it stops, would otherwise read as zeros for sums and counts.
    The start of a period left out because the data stops inside it is added to `left_out`, when given.
    """
    (computation,) = kpi_history(workspace, [kpi], grain, scope=scope, today=today, alone_on=()).computations
    rows = _covered(workspace, [kpi], computation.rows, grain, scope, today)[kpi]
    if left_out is not None:
        left_out.extend(row["period"] for row in computation.rows if row not in rows and row["period"] <= last)
    points = _points(rows, kpi, last, grain, workspace.calendar, final)
    return points if count is None else points[-count:]


def load_histories(
    workspace: Workspace,
    kpis: Sequence[str],
    last: date,
    grain: Grain,
    *,
    scope: Scope = (),
    today: date | None = None,
    final: bool = False,
) -> dict[str, tuple[Point, ...] | UserError]:
    """`load_history` for many KPIs, one computation per group of KPIs that read the same sources (so each source is
    scanned once, and every KPI of a group has the same data range). A KPI that cannot be computed gets its error;
    the others of its group still get their history, each computed alone."""
    groups: dict[frozenset[str], list[str]] = {}
    for kpi in kpis:
        groups.setdefault(sources_of(workspace, kpi), []).append(kpi)
    found: dict[str, tuple[Point, ...] | UserError] = {}
    for names in groups.values():
        history = kpi_history(workspace, names, grain, scope=scope, today=today, alone_on=(UserError,))
        points: dict[str, tuple[Point, ...]] = {}
        for computation in history.computations:
            covered = _covered(workspace, computation.names, computation.rows, grain, scope, today)
            for name in computation.names:
                points[name] = _points(covered[name], name, last, grain, workspace.calendar, final)
        for name in names:
            found[name] = points[name] if name in points else history.errors[name]
    return found


def _points(
    rows: Sequence[Row], name: str, last: date, grain: Grain, calendar: Calendar, final: bool
) -> tuple[Point, ...]:
    """The complete periods up to `last`, as points."""
    return tuple(
        Point(row["period"], period_name(row["period"], grain, calendar), _value(row, name, final))
        for row in rows
        if row["period"] <= last and not row["partial"]
    )


def _covered(
    workspace: Workspace,
    names: Sequence[str],
    rows: Sequence[Row],
    grain: Grain,
    scope: Scope,
    today: date | None,
) -> dict[str, Sequence[Row]]:
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
        days = workspace.compute(flows, grain=Grain.DAY, start=before, end=end - timedelta(days=1),
                                 scope=dict(scope), today=today).to_pylist()  # fmt: skip
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


def sources_of(workspace: Workspace, kpi: str) -> frozenset[str]:
    """The sources a KPI reads (empty when its formula does not resolve: it is then computed alone)."""
    try:
        tree = workspace.model.expand(kpi)
    except UserError:
        return frozenset({f"unresolved:{kpi}"})
    return frozenset(node.source for node in walk(tree) if isinstance(node, MeasureRef))


def _value(row: Row, name: str, final: bool) -> float | None:
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
