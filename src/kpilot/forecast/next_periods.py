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
from kpilot.forecast.phrases import sentences
from kpilot.i18n import Message, Number

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
    description: Message  # the method, the interval and the back-test in words
    steps: tuple[ForecastStep, ...]
    level: float  # the interval's coverage: 0.8 means 80 %
    mape: float | None  # back-test mean absolute percentage error, in percent (12.5 means 12.5 %)
    backtest: tuple[BacktestPoint, ...]
    requested: str  # the method asked for: "auto", "seasonal_naive" or "exponential_smoothing"
    candidates: tuple[tuple[str, float | None], ...] = ()  # `auto`: each method compared, with its MAPE
    reason: Message | None = None  # why there is no forecast

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(step.value for step in self.steps)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; the description and reason as their codes and values (`Message.to_data`)."""
        data = asdict(self)
        data["description"] = self.description.to_data()
        data["reason"] = None if self.reason is None else self.reason.to_data()
        return data


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
        reason = Message("forecast.empty_history" if not series else "forecast.no_known_value")
        return _empty(method, level, reason)
    names = CANDIDATES if method == "auto" else (method,)
    tests = {name: _backtest(series, name, season_length, backtest_periods) for name in names}
    chosen, choice_text = _choose(tests) if method == "auto" else (method, None)
    points = FORECASTERS[chosen](series, horizon, season_length)
    if points is None:  # unreachable: there is a known value, and every method can at least repeat it
        return _empty(method, level, Message("forecast.no_method"))
    backtest = tests[chosen]
    steps = _steps(points.values, backtest, level)
    error = mape([p.actual for p in backtest], [p.predicted for p in backtest])
    if choice_text is None:
        text = sentences(points.description, _interval_text(steps, level), _mape_text(backtest, error))
    else:
        text = sentences(choice_text, points.description, _interval_text(steps, level), _mape_text(backtest, error))
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


def _empty(method: str, level: float, reason: Message) -> Forecast:
    text = Message("forecast.none", reason=reason)
    return Forecast("none", None, text, (), level, None, (), method, reason=reason)


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


def _choose(tests: dict[str, tuple[BacktestPoint, ...]]) -> tuple[str, Message]:
    """The candidate with the lowest back-test MAPE; the simplest one when they tie or none has a MAPE."""
    scored = [
        (error, position, name) for position, name in enumerate(tests) if (error := _mape_of(tests[name])) is not None
    ]
    if not scored:
        first = next(iter(tests))
        return first, Message("forecast.chosen_without_mape", method=LABELS[first])
    error, _, name = min(scored)
    others: tuple[Message, ...] | Message = tuple(_scored(n, e) for e, _, n in scored if n != name) or Message(
        "forecast.no_other_mape"
    )
    tie = any(e == error and n != name for e, _, n in scored)
    code = "forecast.chosen_by_mape_tie" if tie else "forecast.chosen_by_mape"
    return name, Message(code, chosen=_scored(name, error), others=others)


# The methods by name, as a description says them.
LABELS = {
    "seasonal_naive": Message("forecast.method.seasonal_naive"),
    "exponential_smoothing": Message("forecast.method.exponential_smoothing"),
}


def _scored(name: str, error: float) -> Message:
    """'seasonal naive 12.3 %': a method and its back-test MAPE."""
    return Message("forecast.method_mape", method=LABELS[name], mape=Number(error, ".3g"))


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


def _interval_text(steps: tuple[ForecastStep, ...], level: float) -> Message:
    if not steps or steps[0].low is None:
        return Message("forecast.no_interval")
    z = NormalDist().inv_cdf(0.5 + level / 2)
    return Message("forecast.interval", level=Number(level * 100, ".3g"), z=Number(z, ".3g"))


def _mape_text(backtest: tuple[BacktestPoint, ...], error: float | None) -> Message:
    if not backtest:
        return Message("forecast.no_backtest", count=MIN_TRAINING)
    counted = sum(1 for p in backtest if p.actual != 0)
    if error is None:
        return Message("forecast.mape_all_zero", count=len(backtest))
    skipped = len(backtest) - counted
    if skipped:
        return Message("forecast.mape_skipped", mape=Number(error, ".3g"), count=counted, skipped=skipped)
    return Message("forecast.mape", mape=Number(error, ".3g"), count=counted)
