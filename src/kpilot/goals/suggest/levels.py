"""How far commit, target and stretch sit from a method's base: read off the method's own past errors.

The method is replayed on the history itself: for each of the last periods (up to the history window), the base it
would have given from the periods before only, as many periods ahead as the target period is, against what the KPI
then did. The errors are relative (actual / base - 1) for series that stay positive, else differences. The levels
are the base moved by the errors' quantiles, so that each level is reached about as often as it is meant to be:

- commit: in about 82.5 % of periods (the 17.5th percentile of the errors for up KPIs, the 82.5th for down);
- target: in about half of them (the median error: a method that ran low or high is corrected for it);
- stretch: in about 17.5 % (the 82.5th percentile for up KPIs, the 17.5th for down);
- range KPIs: min and max at the 25th and 75th percentiles, so that the range holds about half of the periods.

The quantiles are those of a normal spread fitted robustly to the errors: their median, and their median absolute
deviation scaled to a standard deviation, widened by sqrt(1 + 1/n) for the uncertainty of a centre read off n
errors. Recent replays weigh more (one half a year older weighs half as much): a business changes, and last year's
errors say less about next month than last quarter's. Levels are at least 1 % of the base apart (1 % of the series'
mean level for differences); with fewer than 6 replays, a default spread puts commit and stretch 20 % either side.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from kpilot.definitions.model import Direction
from kpilot.goals.suggest.methods import Base, Inputs, Method, base_of, percentile
from kpilot.i18n import Message, Share

COMMIT_REACH, STRETCH_REACH = 0.825, 0.175  # the share of periods each level is meant to be reached in
RANGE_QUANTILES = (0.25, 0.75)
MIN_ERRORS = 6
MIN_SPREAD = 0.01
DEFAULT_SPREAD = 0.20
HALF_LIFE_YEARS = 0.5  # a replay half a year older than another weighs half as much
MAD_TO_SD = 1.4826  # for a normal spread, the standard deviation is 1.4826 median absolute deviations


@dataclass(frozen=True)
class Spread:
    """The method's past errors, and the spread of the levels they give."""

    method: Method
    relative: bool
    errors: tuple[float, ...]
    centre: float  # the median error
    scale: float  # the robust standard deviation of the errors (at least the minimum spread)
    default: bool  # too few replays: a default spread

    def at(self, reach: float) -> float:
        """The error that the actual value beats in a share `reach` of periods: its (1 - reach) quantile."""
        return self.centre + NormalDist().inv_cdf(1 - reach) * self.scale

    @property
    def best(self) -> float | None:
        """The largest error seen: how far the KPI ever beat the method (None with too few replays to say)."""
        return None if self.default else max(self.errors)

    @property
    def worst(self) -> float | None:
        return None if self.default else min(self.errors)

    def apply(self, base: float, error: float) -> float:
        return base * (1 + error) if self.relative else base + error

    def describe(self) -> Message:
        """Where the levels' spread comes from: "the relative errors of 12 replays of seasonal in the history"."""
        count, method = len(self.errors), self.method.value
        if self.default:
            return Message("goals.suggest.default_spread", count=count, method=method, spread=Share(DEFAULT_SPREAD))
        code = "goals.suggest.relative_errors" if self.relative else "goals.suggest.errors"
        return Message(code, count=count, method=method)


@dataclass(frozen=True)
class Levels:
    commit: float | None
    target: float | None
    stretch: float | None
    minimum: float | None
    maximum: float | None
    ceiling: float | None  # the best the KPI ever did against the method, applied to this base (None: unknown)


def replay(method: Method, inputs: Inputs) -> tuple[float, ...] | None:
    """The method's errors over the last `window` periods of the history, at the target's distance (None when the
    series is not positive and has no level to scale a difference by)."""
    relative = _relative(inputs)
    errors = []
    first = max(len(inputs.values) - inputs.window, 1)
    for position in range(first, len(inputs.values)):
        actual = inputs.values[position]
        end = position - inputs.ahead + 1
        if actual is None or end < 1:
            continue
        found = base_of(method, inputs.upto(end, inputs.ahead))
        if isinstance(found, Message):
            continue
        if relative:
            if found.value > 0:
                errors.append(actual / found.value - 1)
        else:
            errors.append(actual - found.value)
    return tuple(errors)


def _relative(inputs: Inputs) -> bool:
    known = [v for v in inputs.values if v is not None]
    return bool(known) and min(known) > 0


def spread_of(method: Method, inputs: Inputs) -> Spread:
    errors = replay(method, inputs) or ()
    relative = _relative(inputs)
    floor = MIN_SPREAD if relative else MIN_SPREAD * _level(inputs)
    if len(errors) < MIN_ERRORS:
        scale = DEFAULT_SPREAD / NormalDist().inv_cdf(COMMIT_REACH)
        if not relative:
            scale *= _level(inputs)
        return Spread(method, relative, errors, 0.0, max(scale, floor), default=True)
    weights = _weights(len(errors), inputs.season)
    centre = _weighted_median(errors, weights)
    deviation = _weighted_median([abs(e - centre) for e in errors], weights) * MAD_TO_SD
    # The spread of a new error is the errors' spread plus the uncertainty of their centre: sqrt(1 + 1/n), with n the
    # effective number of replays under the weights.
    effective = sum(weights) ** 2 / sum(w * w for w in weights)
    deviation *= (1 + 1 / effective) ** 0.5
    smallest = floor / NormalDist().inv_cdf(COMMIT_REACH)  # commit and stretch at least `floor` from the target
    return Spread(method, relative, errors, centre, max(deviation, smallest), default=False)


def _weights(count: int, season: int) -> list[float]:
    """Recent replays weigh more: one half a year older than another weighs half as much (the business changes)."""
    half_life = max(season * HALF_LIFE_YEARS, 1.0)
    return [0.5 ** ((count - 1 - i) / half_life) for i in range(count)]


def _weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    pairs = sorted(zip(values, weights, strict=True))
    half = sum(weights) / 2
    running = 0.0
    for index, (value, weight) in enumerate(pairs):
        running += weight
        if running > half + 1e-12:
            return value
        if abs(running - half) <= 1e-12 and index + 1 < len(pairs):
            return (value + pairs[index + 1][0]) / 2
    return pairs[-1][0]


def _level(inputs: Inputs) -> float:
    known = [abs(v) for v in inputs.values[-inputs.window :] if v is not None]
    return statistics.fmean(known) if known else 1.0


def levels(base: Base, spread: Spread, direction: Direction) -> Levels:
    value = base.value
    best = spread.best if direction is not Direction.DOWN else spread.worst
    ceiling = None if best is None else spread.apply(value, best)
    middle = spread.apply(value, spread.centre)
    if direction is Direction.RANGE:
        low, high = (spread.apply(value, spread.at(1 - q)) for q in RANGE_QUANTILES)
        return Levels(None, middle, None, low, high, ceiling)
    low = spread.apply(value, spread.at(COMMIT_REACH))
    high = spread.apply(value, spread.at(STRETCH_REACH))
    if direction is Direction.UP:
        return Levels(low, middle, high, None, None, ceiling)
    return Levels(high, middle, low, None, None, ceiling)


def percentile_levels(values: Sequence[float], direction: Direction) -> Levels:
    """The `percentile` method: the levels read off the history itself, at the same reach as the others."""
    if direction is Direction.RANGE:
        low, high = (percentile(values, q) for q in RANGE_QUANTILES)
        return Levels(None, percentile(values, 0.5), None, low, high, max(values))
    fractions = (1 - COMMIT_REACH, 0.5, 1 - STRETCH_REACH)
    best = max(values)
    if direction is Direction.DOWN:
        fractions = (COMMIT_REACH, 0.5, STRETCH_REACH)
        best = min(values)
    commit, target, stretch = (percentile(values, f) for f in fractions)
    return Levels(commit, target, stretch, None, None, best)
