"""Target suggestions from a KPI's history: commit, target and stretch by several methods, and which one to use.

The history is the KPI's value in each complete period of the target's grain before the target period (the last
`count` of them, default 24 months, 8 quarters or 3 years, within the first and last periods with data). Every
method first finds a *base*, what the period should bring if things go on as they have:

- `last`: the last period of history;
- `last_year`: the same period one year before;
- `average`: the mean of the history;
- `growth`: the last value carried forward by the average growth per period (the least-squares trend of the log
  values, i.e. compound growth, for additive KPIs with positive values; the linear trend of the values, held within
  the history's range widened by half its width, for ratios, averages and series with zeros or negatives);
- `seasonal`: the same period last year times the trend of the last year of periods against the year before (sum
  over sum for additive KPIs whose values stay positive; for ratios, and for series that touch zero or go negative
  such as profit, the difference of the two years' means is added instead).

The levels follow from the base and the KPI's direction: commit = base, target = base improved by one *step*,
stretch = improved by two steps (up: higher, down: lower). The step is how much the series wanders around its trend:
the median absolute deviation of its relative changes from one year to the next (from one period to the next when
there are fewer than a year and three periods), held between 2 % and 20 % (5 % with fewer than two changes). A steady
series, constant or growing, gets 2 %. The `percentile` method reads the levels off the history instead: commit =
median, target = 75th, stretch = 90th percentile (25th and 10th for down KPIs), which for a normal spread are about
one and two such steps above the median. KPIs whose good is a range get min and max around the base (one step either
side; the 25th and 75th percentiles). Percent KPIs whose history stays within 0-100 % keep their suggestions there,
and a series that was never negative gets no negative suggestion. Levels are rounded to four significant digits.

Recommendation: `seasonal` when it is available (two years of history and the same period last year), else
`growth` (at least three values up to the last period), else `average`, else `last`.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from kpilot.definitions.model import Direction, Kpi, Unit
from kpilot.engine.periods import MONTHS_PER, Calendar, Grain
from kpilot.errors import QueryError
from kpilot.goals.additive import is_additive
from kpilot.goals.periods import parse_period, period_name
from kpilot.goals.scope import scope_filter
from kpilot.goals.suggest_history import Point, history_end, load_history
from kpilot.goals.suggest_methods import PERIODS_PER_YEAR, Context, Method, Proposal
from kpilot.semantic.lookup import require_kpi
from kpilot.workspace import Workspace

DEFAULT_HISTORY = {Grain.MONTH: 24, Grain.QUARTER: 8, Grain.YEAR: 3}
MIN_STEP, MAX_STEP, DEFAULT_STEP = 0.02, 0.20, 0.05


class Level(StrEnum):
    """What `--write` writes: one suggested level as the target, or all three as commit, target and stretch."""

    COMMIT = "commit"
    TARGET = "target"
    STRETCH = "stretch"
    ALL = "all"


RECOMMENDATION_ORDER = (Method.SEASONAL, Method.GROWTH, Method.AVERAGE, Method.LAST)


@dataclass(frozen=True)
class Suggestion:
    kpi: Kpi
    period: date
    period_name: str
    grain: Grain
    scope: Mapping[str, str]
    history: tuple[Point, ...]
    additive: bool
    horizon: int  # periods from the last period of history to the target period
    step: float
    proposals: tuple[Proposal, ...]
    recommended: Method | None
    why: str
    notes: tuple[str, ...] = field(default=())

    def proposal(self, method: Method) -> Proposal:
        return next(p for p in self.proposals if p.method is method)

    def entry(self, level: Level, method: Method | None = None) -> dict[str, Any]:
        """The target to write (a dict for `goals.writer.write_targets`) from one method's levels."""
        chosen = method or self.recommended
        if chosen is None:
            raise QueryError(f"there is no history of '{self.kpi.name}' to suggest a target from")
        proposal = self.proposal(chosen)
        if not proposal.available:
            raise QueryError(f"the method '{chosen.value}' suggests nothing here: {proposal.unavailable}")
        entry: dict[str, Any] = {"kpi": self.kpi.name, "period": self.period_name}
        if self.scope:
            entry["scope"] = dict(self.scope)
        if self.kpi.direction is Direction.RANGE:
            entry.update(type="range", min=proposal.minimum, max=proposal.maximum)
            return entry
        if level is Level.ALL:
            entry.update(commit=proposal.commit, target=proposal.target, stretch=proposal.stretch)
        else:
            entry["target"] = getattr(proposal, level.value)
        return entry


def suggest(
    workspace: Workspace,
    kpi: str,
    period: str,
    *,
    scope: Mapping[str, str] | None = None,
    count: int | None = None,
    today: date | None = None,
) -> Suggestion:
    """Suggestions for one KPI, one target period (2025-Q3) and scope, from its history."""
    definition = require_kpi(workspace.definitions, kpi)
    calendar = workspace.calendar
    start, grain = parse_period(period, calendar)
    if grain not in PERIODS_PER_YEAR:
        raise QueryError("target suggestions work per month, quarter or year", hint="e.g. --period 2025-Q3")
    if count is not None and count < 1:
        raise QueryError("--history must be at least 1")
    now = today or calendar.today()
    last = history_end(start, grain, calendar, now)
    scope = dict(scope or {})
    points = load_history(
        workspace, kpi, last, grain, count=count or DEFAULT_HISTORY[grain], where=scope_filter(scope), today=now
    )
    additive = is_additive(workspace.model, kpi)
    result = propose(definition, points, start, grain, calendar, additive=additive, scope=scope)
    if points and points[-1].start < last:
        end, complete = period_name(points[-1].start, grain, calendar), period_name(last, grain, calendar)
        note = f"the data ends with {end} (the last complete {grain.value} is {complete}): the suggestions start there"
        result = replace(result, notes=(*result.notes, note))
    return result


def propose(
    kpi: Kpi,
    history: Sequence[Point],
    period: date,
    grain: Grain,
    calendar: Calendar,
    *,
    additive: bool,
    scope: Mapping[str, str] | None = None,
    last: date | None = None,
) -> Suggestion:
    """Every method's proposal for `period` from `history` (complete periods, oldest first, ending at `last`)."""
    points = tuple(history)
    last = last or (points[-1].start if points else calendar.shift(period, -1, grain))
    horizon = _distance(last, period, grain)
    values = [p.value for p in points if p.value is not None]
    step = _step(points, grain)
    bounded = kpi.unit is Unit.PERCENT and bool(values) and min(values) >= 0 and max(values) <= 1
    never_negative = bool(values) and min(values) >= 0
    context = Context(kpi, points, period, grain, calendar, additive, horizon, step, bounded, never_negative, last)
    proposals = (
        context.last_value(),
        context.last_year(),
        context.average(),
        context.percentile(),
        context.growth(),
        context.seasonal(),
    )
    recommended, why = _recommend(proposals)
    name = period_name(period, grain, calendar)
    notes = () if values else (f"no history: no complete {grain.value} with a value before {name}",)
    return Suggestion(
        kpi=kpi,
        period=period,
        period_name=name,
        grain=grain,
        scope=dict(scope or {}),
        history=points,
        additive=additive,
        horizon=horizon,
        step=step,
        proposals=proposals,
        recommended=recommended,
        why=why,
        notes=notes,
    )


def _distance(first: date, second: date, grain: Grain) -> int:
    months = (second.year - first.year) * 12 + second.month - first.month
    return max(months // MONTHS_PER[grain], 1)


def _recommend(proposals: Sequence[Proposal]) -> tuple[Method | None, str]:
    available = {p.method for p in proposals if p.available}
    reasons = {
        Method.SEASONAL: "two years of history and the same period last year: seasonal follows both season and trend",
        Method.GROWTH: "less than two years of history: growth follows the recent trend",
        Method.AVERAGE: "too little history for a trend: the average of the periods there are",
        Method.LAST: "only the last period is known",
    }
    for method in RECOMMENDATION_ORDER:
        if method in available:
            return method, reasons[method]
    return None, "no history to suggest from"


def _step(points: Sequence[Point], grain: Grain) -> float:
    """How much the series wanders around its trend, relative to its level (see the module's docstring)."""
    year = PERIODS_PER_YEAR[grain]
    lag = year if year > 1 and len(points) >= year + 3 else 1
    changes = [
        now.value / before.value - 1
        for before, now in zip(points, points[lag:], strict=False)
        if before.value is not None and now.value is not None and before.value != 0
    ]
    if len(changes) < 2:
        return DEFAULT_STEP
    middle = statistics.median(changes)
    spread = statistics.median(abs(change - middle) for change in changes)
    return min(max(spread, MIN_STEP), MAX_STEP)
