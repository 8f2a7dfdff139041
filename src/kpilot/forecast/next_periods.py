"""The next periods after a history, with a disclosed method: pure functions on per-period KPI values, no I/O.

`forecast_next` forecasts by seasonal naive, exponential smoothing, or whichever of the two had the lower back-test
error (`auto`); where the running period will end is `forecast.running`. Both are exported by `kpilot.forecast`.

Every result is a frozen dataclass that carries the method's name and a plain-words description of how it was made.
Ordinary data (empty, all missing, very short, constant) never raises; a `ValueError` means a wrong call.
docs/forecasts.md explains the methods, the intervals and the back-test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Any, Literal

from kpilot.forecast.models import FORECASTERS, known

__all__ = [
    "BACKTEST_PERIODS",
    "BacktestPoint",
    "Forecast",
    "ForecastMethod",
    "ForecastStep",
    "forecast_next",
    "mape",
]

ForecastMethod = Literal["auto", "seasonal_naive", "exponential_smoothing"]
BACKTEST_PERIODS = 12  # k: the last k periods are each forecast one step ahead from the periods before them
MIN_TRAINING = 2  # a back-test forecast needs at least this many earlier periods
CANDIDATES = ("seasonal_naive", "exponential_smoothing")  # in order of simplicity: `auto` prefers the first on a tie


@dataclass(frozen=True)
class ForecastStep:
    step: int  # 1 is the period right after the history
    value: float
    low: float | None  # the interval at the forecast's `level`; None when there is too little back-test
    high: float | None


@dataclass(frozen=True)
class BacktestPoint:
    index: int  # position in the history
    actual: float
    predicted: float  # forecast one step ahead from the periods before `index` only


@dataclass(frozen=True)
class Forecast:
    """The next periods after a history, and how they were made."""

    method: str  # what made the values: "seasonal_naive", "naive", "exponential_smoothing", or "none"
    variant: str | None  # exponential smoothing: "holt_winters", "holt" or "simple"
    description: str  # the method, the interval and the back-test in plain words
    steps: tuple[ForecastStep, ...]
    level: float  # the interval's coverage: 0.8 means 80 %
    mape: float | None  # back-test mean absolute percentage error, in percent (12.5 means 12.5 %)
    backtest: tuple[BacktestPoint, ...]
    requested: str  # the method asked for: "auto", "seasonal_naive" or "exponential_smoothing"
    candidates: tuple[tuple[str, float | None], ...] = ()  # `auto`: each method compared, with its MAPE
    reason: str | None = None  # why there is no forecast

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(step.value for step in self.steps)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def mape(actuals: Sequence[float], predictions: Sequence[float]) -> float | None:
    """Mean absolute percentage error in percent, over the pairs whose actual is not 0 (a percentage of 0 is
    undefined); None when no pair is left."""
    errors = [abs(a - p) / abs(a) for a, p in zip(actuals, predictions, strict=True) if a != 0]
    return 100 * sum(errors) / len(errors) if errors else None


def forecast_next(
    history: Sequence[float | None],
    horizon: int,
    season_length: int,
    method: ForecastMethod = "auto",
    *,
    level: float = 0.8,
    backtest_periods: int = BACKTEST_PERIODS,
) -> Forecast:
    """Forecast the `horizon` periods after `history` (per-period values in time order, None when missing).

    `season_length` is the number of periods in a season: 12 for months, 4 for quarters, 52 for weeks, 7 for days,
    1 for none. Deterministic: the same arguments always give the same result.
    """
    _check(horizon, season_length, method, level, backtest_periods)
    series = [float(v) if v is not None and known(v) else None for v in history]
    if not any(v is not None for v in series):
        reason = "the history is empty" if not series else "the history has no known value"
        return _empty(method, level, reason)
    names = CANDIDATES if method == "auto" else (method,)
    tests = {name: _backtest(series, name, season_length, backtest_periods) for name in names}
    chosen, choice_text = _choose(tests) if method == "auto" else (method, "")
    points = FORECASTERS[chosen](series, horizon, season_length)
    if points is None:  # unreachable: there is a known value, and every method can at least repeat it
        return _empty(method, level, "no method could forecast this history")
    backtest = tests[chosen]
    steps = _steps(points.values, backtest, level)
    error = mape([p.actual for p in backtest], [p.predicted for p in backtest])
    text = " ".join(
        t for t in (choice_text, points.description, _interval_text(steps, level), _mape_text(backtest, error)) if t
    )
    candidates = tuple((name, _mape_of(tests[name])) for name in names) if method == "auto" else ()
    return Forecast(points.method, points.variant, text, steps, level, error, backtest, method, candidates)


def _check(horizon: int, season_length: int, method: str, level: float, backtest_periods: int) -> None:
    if horizon < 1:
        raise ValueError(f"the horizon must be at least 1 period, not {horizon}")
    if season_length < 1:
        raise ValueError(f"the season length must be at least 1 (1 = no season), not {season_length}")
    if method not in ("auto", *CANDIDATES):
        raise ValueError(f"unknown forecast method '{method}': use auto, seasonal_naive or exponential_smoothing")
    if not 0 < level < 1:
        raise ValueError(f"the interval level must be between 0 and 1 (0.8 for 80 %), not {level}")
    if backtest_periods < 0:
        raise ValueError(f"the number of back-test periods cannot be negative, not {backtest_periods}")


def _empty(method: str, level: float, reason: str) -> Forecast:
    return Forecast("none", None, f"No forecast: {reason}.", (), level, None, (), method, reason=reason)


def _backtest(series: list[float | None], method: str, season_length: int, periods: int) -> tuple[BacktestPoint, ...]:
    """Rolling origin: each of the last `periods` periods that has a value (and at least MIN_TRAINING periods
    before it) is forecast one step ahead by the method refitted on the periods before it only. Early origins may
    use a simpler variant, as the method would have then."""
    forecaster = FORECASTERS[method]
    points = []
    for index in range(max(MIN_TRAINING, len(series) - periods), len(series)):
        actual = series[index]
        if actual is None:
            continue
        predicted = forecaster(series[:index], 1, season_length)
        if predicted is not None:
            points.append(BacktestPoint(index, actual, predicted.values[0]))
    return tuple(points)


def _mape_of(points: tuple[BacktestPoint, ...]) -> float | None:
    return mape([p.actual for p in points], [p.predicted for p in points])


def _choose(tests: dict[str, tuple[BacktestPoint, ...]]) -> tuple[str, str]:
    """The candidate with the lowest back-test MAPE; the simplest one when they tie or none has a MAPE."""
    scored = [
        (error, position, name) for position, name in enumerate(tests) if (error := _mape_of(tests[name])) is not None
    ]
    if not scored:
        first = next(iter(tests))
        return first, f"Chosen automatically: no back-test MAPE could be computed, so the simpler {_label(first)}."
    error, _, name = min(scored)
    others = "; ".join(f"{_label(n)} {e:.3g} %" for e, _, n in scored if n != name) or "no other method had one"
    tie = " (a tie goes to the simpler method)" if any(e == error and n != name for e, _, n in scored) else ""
    return (
        name,
        f"Chosen automatically for the lowest back-test MAPE: {_label(name)} {error:.3g} %, against {others}{tie}.",
    )


def _label(name: str) -> str:
    return name.replace("_", " ")


def _steps(values: tuple[float, ...], backtest: tuple[BacktestPoint, ...], level: float) -> tuple[ForecastStep, ...]:
    """Point +- z x (root mean square of the back-test errors) x sqrt(step): one-step errors add up over the
    horizon like a random walk's. Fewer than two back-test errors give no interval."""
    spread = _error_spread(backtest)
    if spread is None:
        return tuple(ForecastStep(step, value, None, None) for step, value in enumerate(values, start=1))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    return tuple(
        ForecastStep(step, value, value - z * spread * math.sqrt(step), value + z * spread * math.sqrt(step))
        for step, value in enumerate(values, start=1)
    )


def _error_spread(backtest: tuple[BacktestPoint, ...]) -> float | None:
    if len(backtest) < 2:
        return None
    return math.sqrt(sum((p.actual - p.predicted) ** 2 for p in backtest) / len(backtest))


def _interval_text(steps: tuple[ForecastStep, ...], level: float) -> str:
    if not steps or steps[0].low is None:
        return "There is no interval: it needs at least two back-test forecasts."
    return (
        f"The {level * 100:.3g} % interval is the forecast plus or minus {NormalDist().inv_cdf(0.5 + level / 2):.3g} "
        "times the root mean square of the back-test errors, times the square root of the step."
    )


def _mape_text(backtest: tuple[BacktestPoint, ...], error: float | None) -> str:
    if not backtest:
        return f"There is no back-test: no recent period has a value and at least {MIN_TRAINING} periods before it."
    counted = sum(1 for p in backtest if p.actual != 0)
    if error is None:
        return f"The back-test MAPE cannot be computed: the {len(backtest)} back-tested periods are all 0."
    skipped = len(backtest) - counted
    text = (
        f"Back-test MAPE {error:.3g} %: the mean absolute percentage error over {counted} recent period(s), each "
        "forecast one step ahead from the periods before it only"
    )
    return text + (f" ({skipped} period(s) with an actual of 0 left out)." if skipped else ".")
