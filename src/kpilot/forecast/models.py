"""Point forecasts of the periods after a history, one function per method.

Used by `kpilot.forecast.next_periods`, which adds the back-test, the interval and the choice between methods. Each
function takes the raw history (None for a missing period) and returns the forecast values with a plain-words
description, or None when the history has no known value at all.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing  # type: ignore[import-untyped, unused-ignore]

from kpilot.forecast.phrases import sentences
from kpilot.i18n import Message, Number

History = Sequence[float | None]
HOLT_MIN_VALUES = 5  # Holt estimates four numbers (two weights, the first level and trend): ask for more values
HEURISTIC_MIN_VALUES = 10  # statsmodels' own minimum for its heuristic start values (plus one season when seasonal)
VARIANT_NAMES = {
    "holt_winters": Message("forecast.variant.holt_winters"),
    "holt": Message("forecast.variant.holt"),
    "simple": Message("forecast.variant.simple"),
}

# What statsmodels raises when a variant cannot be fitted to the data (too few points for a season, a singular
# system, values it cannot take the log of): the next, simpler variant is tried. Anything else is a bug.
DEGENERATE = (ValueError, ZeroDivisionError, FloatingPointError, OverflowError, IndexError, np.linalg.LinAlgError)


@dataclass(frozen=True)
class Points:
    values: tuple[float, ...]
    method: str  # "seasonal_naive", "naive" or "exponential_smoothing"
    variant: str | None  # exponential smoothing only: "holt_winters", "holt" or "simple"
    description: Message


Forecaster = Callable[[History, int, int], Points | None]


def known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def naive(history: History, horizon: int, why: Message | None = None) -> Points | None:
    last = next((v for v in reversed(history) if v is not None and known(v)), None)
    if last is None:
        return None
    text = sentences(Message("forecast.models.naive", value=Number(last, ",.6g")), why)
    return Points((last,) * horizon, "naive", None, text)


def seasonal_naive(history: History, horizon: int, season_length: int) -> Points | None:
    """Each future period is the same period one season earlier (or the latest earlier season that has a value)."""
    if season_length <= 1:
        return naive(history, horizon, Message("forecast.models.no_season"))
    if len(history) < season_length:
        why = Message("forecast.models.season_too_short", season=season_length, count=len(history))
        return naive(history, horizon, why)
    last = naive(history, 1)
    if last is None:
        return None
    values, skipped, repeated_last = [], 0, 0
    for step in range(1, horizon + 1):
        value, older = _same_period_before(history, len(history) - 1 + step, season_length)
        if value is None:
            value, repeated_last = last.values[0], repeated_last + 1
        skipped += older
        values.append(value)
    text = sentences(
        Message("forecast.models.seasonal_naive", season=season_length),
        Message("forecast.models.earlier_season", count=skipped) if skipped else None,
        Message("forecast.models.repeat_last", count=repeated_last) if repeated_last else None,
    )
    return Points(tuple(values), "seasonal_naive", None, text)


def _same_period_before(history: History, target: int, season_length: int) -> tuple[float | None, bool]:
    """The value of position `target` in the latest season inside the history that has one, and whether that is
    older than the last season. Step 13 of a monthly forecast looks two years back, as a year back is the future."""
    source = target - season_length * math.ceil((target - len(history) + 1) / season_length)
    while source >= 0:
        value = history[source]
        if value is not None and known(value):
            return float(value), source < len(history) - season_length
        source -= season_length
    return None, False


def exponential_smoothing(history: History, horizon: int, season_length: int) -> Points | None:
    """statsmodels' exponential smoothing, as rich a variant as the history supports."""
    series, trailing, notes = _prepared(history)
    if not series:
        return None
    if len(series) == 1:
        return naive(history, horizon, Message("forecast.models.one_value"))
    failed: list[Message] = []
    for variant in _variants(len(series), season_length):
        try:
            values, weights = _fit(series, variant, season_length, trailing + horizon)
        except DEGENERATE:  # statsmodels' errors on degenerate data: try the next, simpler variant
            failed.append(VARIANT_NAMES[variant])
            continue
        not_fitted = Message("forecast.models.not_fitted", variants=tuple(failed)) if failed else None
        text = sentences(_variant_text(variant, season_length, len(series)), weights, not_fitted, *notes)
        return Points(values[trailing:], "exponential_smoothing", variant, text)
    return naive(history, horizon, Message("forecast.models.cannot_fit"))


def _variants(count: int, season_length: int) -> list[str]:
    if season_length > 1 and count >= 2 * season_length:
        return ["holt_winters", "holt", "simple"]
    if count >= HOLT_MIN_VALUES:
        return ["holt", "simple"]
    return ["simple"]


def _variant_text(variant: str, season_length: int, count: int) -> Message:
    if variant == "holt_winters":
        return Message("forecast.models.holt_winters", season=season_length)
    if variant == "holt":
        if season_length > 1:
            reason = Message("forecast.models.fewer_than_two_seasons", season=season_length)
        else:
            reason = Message("forecast.models.season_length_one")
        return Message("forecast.models.holt", reason=reason)
    if count < HOLT_MIN_VALUES:
        reason = Message("forecast.models.too_few_for_trend", count=count)
    else:
        reason = Message("forecast.models.no_trend")
    return Message("forecast.models.simple", reason=reason)


def _prepared(history: History) -> tuple[list[float], int, list[Message]]:
    """The history from its first to its last known value with inner gaps interpolated, the number of missing
    periods at the end (the forecast starts from the last known value and steps over them), and notes on both."""
    positions = [i for i, v in enumerate(history) if known(v)]
    if not positions:
        return [], 0, []
    first, last = positions[0], positions[-1]
    inside = np.asarray([np.nan if not known(v) else v for v in history[first : last + 1]], dtype=float)
    gaps = np.isnan(inside)
    notes = []
    if gaps.any():
        index = np.arange(len(inside))
        inside[gaps] = np.interp(index[gaps], index[~gaps], inside[~gaps])
        notes.append(Message("forecast.models.interpolated", count=int(gaps.sum())))
    if first:
        notes.append(Message("forecast.models.missing_at_start", count=first))
    trailing = len(history) - 1 - last
    if trailing:
        notes.append(Message("forecast.models.missing_at_end", count=trailing))
    return [float(v) for v in inside], trailing, notes


def _fit(series: list[float], variant: str, season_length: int, steps: int) -> tuple[tuple[float, ...], Message]:
    seasonal = variant == "holt_winters"
    minimum = HEURISTIC_MIN_VALUES + (2 * (season_length // 2) if seasonal else 0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # ConvergenceWarning and friends: the back-test shows how well it fits
        model = ExponentialSmoothing(
            np.asarray(series, dtype=float),
            trend="add" if variant != "simple" else None,
            seasonal="add" if seasonal else None,
            seasonal_periods=season_length if seasonal else None,
            # statsmodels' heuristic start values are quick and stable, but need enough values; else estimate them
            initialization_method="heuristic" if len(series) >= minimum else "estimated",
        )
        fitted = model.fit(use_brute=False)  # the brute-force start search doubles the time and rarely helps here
        forecast = np.asarray(fitted.forecast(steps), dtype=float)
    if not np.all(np.isfinite(forecast)):
        raise ValueError("the fitted model gives non-finite forecasts")
    return tuple(float(v) for v in forecast), _weights(fitted.params, variant)


def _weights(params: dict[str, float], variant: str) -> Message:
    names = [
        ("smoothing_level", Message("forecast.models.weight_level")),
        ("smoothing_trend", Message("forecast.models.weight_trend")),
        ("smoothing_seasonal", Message("forecast.models.weight_season")),
    ]
    used = names[: {"simple": 1, "holt": 2, "holt_winters": 3}[variant]]
    shown = tuple(Message(label.code, weight=Number(float(params[key]), ".2f")) for key, label in used)
    return Message("forecast.models.weights", weights=shown)


FORECASTERS: dict[str, Forecaster] = {
    "seasonal_naive": seasonal_naive,
    "exponential_smoothing": exponential_smoothing,
}
