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

import math
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
from kpilot.goals.periods import last_complete, parse_period, period_name
from kpilot.goals.scope import scope_filter
from kpilot.goals.status import format_amount
from kpilot.workspace import Workspace

PERIODS_PER_YEAR = {Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}
DEFAULT_HISTORY = {Grain.MONTH: 24, Grain.QUARTER: 8, Grain.YEAR: 3}
MIN_STEP, MAX_STEP, DEFAULT_STEP = 0.02, 0.20, 0.05
GROWTH_BOUNDS = (-0.5, 1.0)  # per period, for compound growth
SIGNIFICANT_DIGITS = 4


class Method(StrEnum):
    LAST = "last"
    LAST_YEAR = "last_year"
    AVERAGE = "average"
    PERCENTILE = "percentile"
    GROWTH = "growth"
    SEASONAL = "seasonal"


class Level(StrEnum):
    """What `--write` writes: one suggested level as the target, or all three as commit, target and stretch."""

    COMMIT = "commit"
    TARGET = "target"
    STRETCH = "stretch"
    ALL = "all"


RECOMMENDATION_ORDER = (Method.SEASONAL, Method.GROWTH, Method.AVERAGE, Method.LAST)


@dataclass(frozen=True)
class Point:
    """One period of history: its start, its name (2025-05) and the KPI's value (None: no value)."""

    start: date
    name: str
    value: float | None


@dataclass(frozen=True)
class Proposal:
    """What one method suggests; `unavailable` says why it suggests nothing."""

    method: Method
    base: float | None = None
    commit: float | None = None
    target: float | None = None
    stretch: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    basis: str = ""
    unavailable: str | None = None

    @property
    def available(self) -> bool:
        return self.unavailable is None


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


# ---------------------------------------------------------------------------------------------------- history


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
    definition = workspace.definitions.kpi(kpi)
    if definition is None:
        names = ", ".join(k.name for k in workspace.definitions.kpis) or "none defined"
        raise QueryError(f"unknown KPI '{kpi}'", hint=f"known KPIs: {names}")
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


# ---------------------------------------------------------------------------------------------------- methods


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
    context = _Context(kpi, points, period, grain, calendar, additive, horizon, step, bounded, never_negative, last)
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


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (as spreadsheets' PERCENTILE.INC)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def amount(value: float, unit: Unit) -> str:
    """A value for a sentence, as the statuses write them: 1,200,000, 2.1%, 45.5, 0.35."""
    return format_amount(value, unit)


def signed(value: float, unit: Unit) -> str:
    return ("+" if value >= 0 else "-") + format_amount(abs(value), unit)


@dataclass(frozen=True)
class _Context:
    kpi: Kpi
    points: tuple[Point, ...]
    period: date
    grain: Grain
    calendar: Calendar
    additive: bool
    horizon: int
    step: float
    bounded: bool
    never_negative: bool
    last: date

    @property
    def present(self) -> list[Point]:
        return [p for p in self.points if p.value is not None]

    def _levels(self, method: Method, base: float, basis: str) -> Proposal:
        base = self._clamp(base)
        move = self.step * abs(base)
        if self.kpi.direction is Direction.RANGE:
            low, high = self._clamp(base - move), self._clamp(base + move)
            return Proposal(method, base, target=_round(base), minimum=_round(low), maximum=_round(high), basis=basis)
        sign = 1 if self.kpi.direction is Direction.UP else -1
        return Proposal(
            method,
            base,
            commit=_round(base),
            target=_round(self._clamp(base + sign * move)),
            stretch=_round(self._clamp(base + sign * 2 * move)),
            basis=basis,
        )

    def show(self, value: float) -> str:
        return amount(value, self.kpi.unit)

    def _clamp(self, value: float) -> float:
        if self.bounded:
            return min(max(value, 0.0), 1.0)
        return max(value, 0.0) if self.never_negative else value

    def _at(self, start: date) -> Point | None:
        return next((p for p in self.points if p.start == start), None)

    def _last_point(self, method: Method) -> Point | Proposal:
        point = self._at(self.last)
        name = period_name(self.last, self.grain, self.calendar)
        if point is None or point.value is None:
            return Proposal(method, unavailable=f"no value for the last complete period, {name}")
        return point

    def last_value(self) -> Proposal:
        point = self._last_point(Method.LAST)
        if isinstance(point, Proposal):
            return point
        assert point.value is not None
        return self._levels(Method.LAST, point.value, f"{point.name} = {self.show(point.value)}")

    def _year_ago(self) -> date:
        return self.calendar.shift(self.period, -PERIODS_PER_YEAR[self.grain], self.grain)

    def last_year(self) -> Proposal:
        start = self._year_ago()
        point = self._at(start)
        name = period_name(start, self.grain, self.calendar)
        if point is None or point.value is None:
            return Proposal(Method.LAST_YEAR, unavailable=f"no value for the same period last year, {name}")
        return self._levels(Method.LAST_YEAR, point.value, f"{name} = {self.show(point.value)}")

    def average(self) -> Proposal:
        present = self.present
        if not present:
            return Proposal(Method.AVERAGE, unavailable="no history")
        mean = statistics.fmean(p.value for p in present if p.value is not None)
        basis = f"mean of {len(present)} period(s), {present[0].name} .. {present[-1].name} = {self.show(mean)}"
        return self._levels(Method.AVERAGE, mean, basis)

    def percentile(self) -> Proposal:
        values = [p.value for p in self.present if p.value is not None]
        if len(values) < 4:
            return Proposal(Method.PERCENTILE, unavailable=f"needs at least 4 periods of history (has {len(values)})")
        median = percentile(values, 0.5)
        basis = f"percentiles of {len(values)} period(s), {self.present[0].name} .. {self.present[-1].name}"
        direction = self.kpi.direction
        if direction is Direction.RANGE:
            low, high = percentile(values, 0.25), percentile(values, 0.75)
            return Proposal(
                Method.PERCENTILE, median, target=_round(median), minimum=_round(low), maximum=_round(high), basis=basis
            )
        good, best = (0.75, 0.9) if direction is Direction.UP else (0.25, 0.1)
        return Proposal(
            Method.PERCENTILE,
            median,
            commit=_round(median),
            target=_round(percentile(values, good)),
            stretch=_round(percentile(values, best)),
            basis=basis + f": 50th / {good * 100:.0f}th / {best * 100:.0f}th",
        )

    def growth(self) -> Proposal:
        point = self._last_point(Method.GROWTH)
        if isinstance(point, Proposal):
            return point
        assert point.value is not None
        indexed = [(i, p.value) for i, p in enumerate(self.points) if p.value is not None]
        if len(indexed) < 3:
            return Proposal(Method.GROWTH, unavailable=f"needs at least 3 periods of history (has {len(indexed)})")
        span = f"{self.present[0].name} .. {self.present[-1].name}"
        ahead = f"{self.horizon} period(s) ahead"
        if self.additive and all(v > 0 for _, v in indexed):
            rate = math.exp(_slope([(i, math.log(v)) for i, v in indexed])) - 1
            rate = min(max(rate, GROWTH_BOUNDS[0]), GROWTH_BOUNDS[1])
            base = point.value * (1 + rate) ** self.horizon
            basis = f"{point.name} = {self.show(point.value)} × (1 {rate * 100:+.2f} % per period over {span}), {ahead}"
            return self._levels(Method.GROWTH, base, basis)
        values = [v for _, v in indexed]
        slope = _slope([(float(i), v) for i, v in indexed])
        width = max(values) - min(values)
        base = point.value + slope * self.horizon
        base = min(max(base, min(values) - width / 2), max(values) + width / 2)
        trend = f"{signed(slope, self.kpi.unit)} per period (linear trend over {span})"
        basis = f"{point.name} = {self.show(point.value)} {trend}, {ahead}"
        return self._levels(Method.GROWTH, base, basis)

    def seasonal(self) -> Proposal:
        year = PERIODS_PER_YEAR[self.grain]
        if year == 1:
            return Proposal(Method.SEASONAL, unavailable="a year has no seasons: use months or quarters")
        recent = list(self.points[-2 * year :])
        if len(recent) < 2 * year or any(p.value is None for p in recent):
            return Proposal(
                Method.SEASONAL, unavailable=f"needs {2 * year} complete periods with values (two years) of history"
            )
        start = self._year_ago()
        point = self._at(start)
        if point is None or point.value is None:
            name = period_name(start, self.grain, self.calendar)
            return Proposal(Method.SEASONAL, unavailable=f"no value for the same period last year, {name}")
        before = [p.value for p in recent[:year] if p.value is not None]
        after = [p.value for p in recent[year:] if p.value is not None]
        windows = f"{recent[year].name} .. {recent[-1].name} vs {recent[0].name} .. {recent[year - 1].name}"
        # A growth factor only means something for a series that stays positive (a year from -10 to +100 would
        # "grow" tenfold); otherwise the trend is the change of the mean level, added.
        if self.additive and min(before + after) > 0:
            trend = sum(after) / sum(before)
            basis = f"{point.name} = {self.show(point.value)} × {trend:.4f} (total {windows})"
            return self._levels(Method.SEASONAL, point.value * trend, basis)
        shift = statistics.fmean(after) - statistics.fmean(before)
        basis = f"{point.name} = {self.show(point.value)} {signed(shift, self.kpi.unit)} (mean {windows})"
        return self._levels(Method.SEASONAL, point.value + shift, basis)


def _slope(pairs: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of y on x."""
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in pairs) / spread if spread else 0.0
