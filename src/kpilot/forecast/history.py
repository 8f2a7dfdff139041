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
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from kpilot.engine.arguments import make_request
from kpilot.engine.execute import Extent
from kpilot.engine.period_names import last_complete, period_name
from kpilot.engine.periods import Calendar, Grain
from kpilot.engine.plan import Request
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
    # The first and last period with data in what the KPIs read, in the range computed (when asked for, and the KPIs
    # were computed together).
    extent: Extent | None = None

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
    extent: bool = False,
) -> History:
    """All KPIs in one request (fused scans); if that fails with one of `alone_on`, each alone, keeping the others
    (all of them in one more statement: engine.statement).

    By default only a request the plan refuses is retried (QueryError: a KPI that does not compute at this grain),
    so that a workspace that cannot compute at all fails as a whole, as the scorecard wants; `load_histories` retries
    on any UserError, and `load_history` on none (its one KPI's error is the caller's). With `extent`, the history
    says where the data it read starts and ends (History.extent), when the KPIs computed together."""
    if not names:
        return History()
    request = make_request(list(names), grain=grain, start=start, end=end, scope=dict(scope))
    try:
        if extent:
            table, found = workspace.compute_with_extent(request, today=today)
            return History((_computation(names, table),), extent=found)
        return History((_computation(names, workspace.compute(list(names), **_options(request), today=today)),))
    except alone_on:
        return _alone(workspace, [request], today)


def _alone(workspace: Workspace, requests: Sequence[Request], today: date | None) -> History:
    """Each KPI of `requests` computed apart from those that fail, with the error of each that cannot be.

    KPIs that read the same sources are computed together first (one request per group, all groups in one statement
    that scans each source once): such KPIs succeed or fail together when the cause is theirs in common (a source
    without the scope's dimension, say), which is what fails most often. Only the KPIs of a group that fails are then
    computed one by one, in one more statement, so that each gets its own value or its own error."""
    groups: list[Request] = []
    for request in requests:
        by_sources: dict[frozenset[str], list[str]] = {}
        for name in request.kpis:
            by_sources.setdefault(sources_of(workspace, name), []).append(name)
        groups += [replace(request, kpis=tuple(names)) for names in by_sources.values()]
    computations, errors, failed = [], {}, []
    for group, found in zip(groups, workspace.compute_each(groups, today=today, share=True), strict=True):
        if not isinstance(found, UserError):
            computations.append(_computation(group.kpis, found))
        elif len(group.kpis) == 1:
            errors[group.kpis[0]] = found
        else:
            failed.append(group)
    alone = [replace(group, kpis=(name,)) for group in failed for name in group.kpis]
    for request, found in zip(alone, workspace.compute_each(alone, today=today), strict=True):
        if isinstance(found, UserError):
            errors[request.kpis[0]] = found
        else:
            computations.append(_computation(request.kpis, found))
    return History(tuple(computations), errors)


def _options(request: Request) -> dict[str, Any]:
    return {"grain": request.grain, "start": request.start, "end": request.end, "scope": dict(request.scope)}


def _computation(names: Sequence[str], table: Any) -> Computation:
    return Computation(tuple(names), tuple(table.to_pylist()))


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
    rows = _covered(workspace, [computation], grain, scope, today)[0][kpi]
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
    """`load_history` for many KPIs, one computation per group of KPIs that read the same sources (so that every KPI
    of a group has the same data range), all groups in one statement that scans each source once. A KPI that cannot
    be computed gets its error; the others of its group still get their history, each computed alone (in one more
    statement for all such groups)."""
    groups: dict[frozenset[str], list[str]] = {}
    for kpi in kpis:
        groups.setdefault(sources_of(workspace, kpi), []).append(kpi)
    requests = [make_request(names, grain=grain, scope=dict(scope)) for names in groups.values()]
    computations: list[Computation] = []
    failed: list[Request] = []
    for request, found in zip(requests, workspace.compute_each(requests, today=today, share=True), strict=True):
        if isinstance(found, UserError):
            failed.append(request)
        else:
            computations.append(_computation(request.kpis, found))
    alone = _alone(workspace, failed, today) if failed else History()
    computations += alone.computations
    points: dict[str, tuple[Point, ...]] = {}
    for computation, covered in zip(computations, _covered(workspace, computations, grain, scope, today), strict=True):
        for name in computation.names:
            points[name] = _points(covered[name], name, last, grain, workspace.calendar, final)
    return {name: points[name] if name in points else alone.errors[name] for names in groups.values() for name in names}


def _points(
    rows: Sequence[Row], name: str, last: date, grain: Grain, calendar: Calendar, final: bool
) -> tuple[Point, ...]:
    """The complete periods up to `last`, as points."""
    return tuple(
        Point(row["period"], period_name(row["period"], grain, calendar), _value(row, name, final))
        for row in rows
        if row["period"] <= last and not row["partial"]
    )


@dataclass(frozen=True)
class _Ending:
    """What decides whether a computation's last period is left out: the days around it of `flows`."""

    start: date  # the last complete period's start, and its end (exclusive)
    end: date
    before: date  # the period before it
    moving: tuple[str, ...]  # the KPIs that would lose it (not stocks)
    flows: tuple[str, ...]
    request: Request  # `flows` per day from `before` to the end of the period


def _covered(
    workspace: Workspace, computations: Sequence[Computation], grain: Grain, scope: Scope, today: date | None
) -> list[dict[str, Sequence[Row]]]:
    """For each computation, each KPI's rows, less the last period when the data stops well before its end (see the
    module's docstring). The days that decide it are computed for all the computations in one statement."""
    found: list[dict[str, Sequence[Row]]] = [dict.fromkeys(c.names, c.rows) for c in computations]
    endings = [_ending(workspace, c.names, c.rows, grain, scope) for c in computations]
    asked = [(index, ending) for index, ending in enumerate(endings) if ending is not None]
    days = workspace.compute_each([ending.request for _, ending in asked], today=today) if asked else []
    for (index, ending), result in zip(asked, days, strict=True):
        if isinstance(result, UserError):
            continue
        rows = computations[index].rows
        flows = ending.flows
        seen = [row["period"] for row in result.to_pylist() if any(_number(row[n]) not in (None, 0.0) for n in flows)]
        last, earlier = [d for d in seen if d >= ending.start], [d for d in seen if d < ending.start]
        start, end, before = ending.start, ending.end, ending.before
        allowance = max(timedelta(days=7), (end - start) / 10)
        # Cut only when the data stops earlier in the period than it did in the period before: a source posted once a
        # month, on the 10th, covers its months.
        usual = max(earlier) - before if earlier else end - start - timedelta(days=1)
        if last and max(last) < end - allowance and max(last) - start < usual - allowance:
            for name in ending.moving:
                found[index][name] = [row for row in rows if row["period"] != start]
    return found


def _ending(
    workspace: Workspace, names: Sequence[str], rows: Sequence[Row], grain: Grain, scope: Scope
) -> _Ending | None:
    """What to look at to decide whether the last complete period is covered (None: it is, or nothing can say)."""
    complete = [row for row in rows if not row["partial"]]
    if not complete or grain is Grain.ALL:
        return None
    start = complete[-1]["period"]
    if any(row["period"] > start for row in rows):
        return None  # the data goes on after the period: it covers the whole of it
    end = workspace.calendar.end(start, grain)
    model = workspace.model
    moving = [name for name in names if series_kind(model, name) is not SeriesKind.STOCK]
    flows = [name for name in moving if series_kind(model, name) is SeriesKind.FLOW] or _flow_like(workspace, names)
    if not moving or not flows or grain is Grain.DAY:
        return None
    before = workspace.calendar.shift(start, -1, grain)
    request = make_request(flows, grain=Grain.DAY, start=before, end=end - timedelta(days=1), scope=dict(scope))
    return _Ending(start, end, before, tuple(moving), tuple(flows), request)


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
