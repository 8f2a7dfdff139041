"""The target suggestion methods: each one's *base*, what the target period should bring if things go on as they have.

Pure functions of a series of consecutive complete periods (`Inputs`), so that the same method can be replayed on
any earlier part of the history: `goals.suggest.levels` turns those replays into the spread of the levels, and
`goals.suggest.backtest` replays whole suggestions. `goals.suggest.propose` explains the methods and picks the
recommended one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kpilot.definitions.model import Unit
from kpilot.engine.periods import Grain
from kpilot.i18n import Amount, Message, Number
from kpilot.semantic.series_kind import SeriesKind

SUGGESTED_GRAINS = frozenset({Grain.MONTH, Grain.QUARTER, Grain.YEAR})  # targets are suggested per these only
GROWTH_BOUNDS = (-0.5, 1.0)  # per period, for compound growth
TREND_YEARS = 0.5  # the seasonal trend compares the last half year with the same periods a year before


class Method(StrEnum):
    LAST = "last"
    LAST_YEAR = "last_year"
    AVERAGE = "average"
    PERCENTILE = "percentile"
    GROWTH = "growth"
    SEASONAL = "seasonal"


@dataclass(frozen=True)
class Inputs:
    """What a method reads: the history's values (consecutive periods, oldest first; None: no value) and names, how
    many periods after the last one the target period is, and how the series behaves."""

    values: tuple[float | None, ...]
    names: tuple[str, ...]
    ahead: int
    season: int  # periods in a year: 12, 4 or 1
    window: int  # the most recent periods `average`, `percentile` and `growth` look at
    kind: SeriesKind
    unit: Unit = Unit.NUMBER

    def upto(self, end: int, ahead: int) -> Inputs:
        """The same series cut after position `end` (exclusive), forecasting `ahead` periods after it."""
        return Inputs(self.values[:end], self.names[:end], ahead, self.season, self.window, self.kind, self.unit)

    @property
    def recent(self) -> list[tuple[int, float]]:
        first = max(len(self.values) - self.window, 0)
        return [(i, v) for i, v in enumerate(self.values) if i >= first and v is not None]

    def show(self, value: float) -> Amount:
        return amount(value, self.unit)

    def span(self, first: int, last: int) -> Message:
        return Message("goals.suggest.span", first=self.names[first], last=self.names[last])


@dataclass(frozen=True)
class Base:
    value: float
    basis: Message  # how it was worked out: "2025-06 = 100"


def base_of(method: Method, inputs: Inputs) -> Base | Message:
    """The method's base for the period `inputs.ahead` periods after the history, or why there is none."""
    if method is Method.LAST:
        return _last(inputs)
    if method is Method.LAST_YEAR:
        return _last_year(inputs)
    if method in (Method.AVERAGE, Method.PERCENTILE):
        return _average(inputs, median=method is Method.PERCENTILE)
    if method is Method.GROWTH:
        return _growth(inputs)
    return _seasonal(inputs)


def _point(inputs: Inputs, position: int, value: float) -> Message:
    """'2025-06 = 100': a period of the history and its value."""
    return Message("goals.suggest.point", period=inputs.names[position], value=inputs.show(value))


def _last(inputs: Inputs) -> Base | Message:
    if not inputs.values or inputs.values[-1] is None:
        return Message("goals.suggest.no_last_value")
    value = inputs.values[-1]
    return Base(value, _point(inputs, -1, value))


def _year_ago(inputs: Inputs) -> int | Message:
    """The position of the same period one year before the target period, or why it is not in the history."""
    position = len(inputs.values) - 1 + inputs.ahead - inputs.season
    if position < 0 or position >= len(inputs.values) or inputs.values[position] is None:
        return Message("goals.suggest.no_value_last_year")
    return position


def _last_year(inputs: Inputs) -> Base | Message:
    position = _year_ago(inputs)
    if isinstance(position, Message):
        return position
    value = inputs.values[position]
    assert value is not None
    return Base(value, _point(inputs, position, value))


def _average(inputs: Inputs, *, median: bool) -> Base | Message:
    recent = inputs.recent
    if median and len(recent) < 4:
        return Message("goals.suggest.too_short", needed=4, count=len(recent))
    if not recent:
        return Message("goals.suggest.no_history")
    values = [v for _, v in recent]
    value = statistics.median(values) if median else statistics.fmean(values)
    code = "goals.suggest.median_basis" if median else "goals.suggest.mean_basis"
    span = inputs.span(recent[0][0], recent[-1][0])
    return Base(value, Message(code, count=len(values), span=span, value=inputs.show(value)))


def _growth(inputs: Inputs) -> Base | Message:
    last = _last(inputs)
    if isinstance(last, Message):
        return last
    recent = inputs.recent
    if len(recent) < 3:
        return Message("goals.suggest.too_short", needed=3, count=len(recent))
    span = inputs.span(recent[0][0], recent[-1][0])
    ahead = Message("goals.suggest.ahead", count=inputs.ahead)
    if inputs.kind is not SeriesKind.RATE and all(v > 0 for _, v in recent):
        rate = math.exp(slope([(i, math.log(v)) for i, v in recent])) - 1
        rate = min(max(rate, GROWTH_BOUNDS[0]), GROWTH_BOUNDS[1])
        value = last.value * (1 + rate) ** inputs.ahead
        growth = Number(rate * 100, "+.2f")
        return Base(value, Message("goals.suggest.growth_basis", last=last.basis, rate=growth, span=span, ahead=ahead))
    values = [v for _, v in recent]
    step = slope([(float(i), v) for i, v in recent])
    width = max(values) - min(values)
    value = min(max(last.value + step * inputs.ahead, min(values) - width / 2), max(values) + width / 2)
    trend = Message(
        "goals.suggest.trend_basis", last=last.basis, step=signed(step, inputs.unit), span=span, ahead=ahead
    )
    return Base(value, trend)


def _seasonal(inputs: Inputs) -> Base | Message:
    """The same period last year, moved by the trend: the last half year against the same periods a year before (sum
    over sum for flows and stocks that stay positive, else the change of the mean)."""
    if inputs.season == 1:
        return Message("goals.suggest.no_seasons")
    position = _year_ago(inputs)
    if isinstance(position, Message):
        return position
    value = inputs.values[position]
    assert value is not None
    overlap = min(max(int(inputs.season * TREND_YEARS), 1), len(inputs.values) - inputs.season)
    count = len(inputs.values)
    earlier = inputs.values[count - overlap - inputs.season : count - inputs.season] if overlap > 0 else ()
    later = inputs.values[count - overlap :] if overlap > 0 else ()
    pairs = [(b, a) for b, a in zip(earlier, later, strict=True) if b is not None and a is not None]
    base = _point(inputs, position, value)
    if not pairs:
        return Base(value, Message("goals.suggest.seasonal_without_trend", base=base))
    span = inputs.span(len(inputs.values) - overlap, -1)
    before, after = [b for b, _ in pairs], [a for _, a in pairs]
    # A growth factor only means something for a series that stays positive (a year from -10 to +100 would "grow"
    # tenfold), and for amounts: a rate's change is a difference of points.
    if inputs.kind is not SeriesKind.RATE and min(before + after) > 0:
        trend = sum(after) / sum(before)
        return Base(
            value * trend, Message("goals.suggest.seasonal_total", base=base, factor=Number(trend, ".4f"), span=span)
        )
    shift = statistics.fmean(after) - statistics.fmean(before)
    return Base(
        value + shift, Message("goals.suggest.seasonal_mean", base=base, shift=signed(shift, inputs.unit), span=span)
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (as spreadsheets' PERCENTILE.INC)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def slope(pairs: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of y on x."""
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in pairs) / spread if spread else 0.0


def amount(value: float, unit: Unit) -> Amount:
    """A value for a sentence, as the statuses write them: 1,200,000, 2.1%, 45.5, 0.35."""
    return Amount(value, unit=unit.value)


def signed(value: float, unit: Unit) -> Message:
    """A change with its sign: +1,200, -0.5%."""
    return Message("goals.suggest.plus" if value >= 0 else "goals.suggest.minus", amount=amount(abs(value), unit))
