"""The target suggestion methods: what each one proposes as commit, target and stretch from a KPI's history.

One `Proposal` per `Method` (last, last_year, average, percentile, growth, seasonal), made by `Context`, which holds
the history and what the levels follow from; `goals.suggest` explains the methods and picks the recommended one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kpilot.definitions.model import Direction, Kpi, Unit
from kpilot.engine.periods import Calendar, Grain
from kpilot.goals.periods import period_name
from kpilot.goals.status import format_amount
from kpilot.goals.suggest_history import Point

PERIODS_PER_YEAR = {Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}
GROWTH_BOUNDS = (-0.5, 1.0)  # per period, for compound growth
SIGNIFICANT_DIGITS = 4


class Method(StrEnum):
    LAST = "last"
    LAST_YEAR = "last_year"
    AVERAGE = "average"
    PERCENTILE = "percentile"
    GROWTH = "growth"
    SEASONAL = "seasonal"


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
class Context:
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
