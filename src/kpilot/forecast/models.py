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

History = Sequence[float | None]
HOLT_MIN_VALUES = 5  # Holt estimates four numbers (two weights, the first level and trend): ask for more values
HEURISTIC_MIN_VALUES = 10  # statsmodels' own minimum for its heuristic start values (plus one season when seasonal)
VARIANT_NAMES = {"holt_winters": "Holt-Winters", "holt": "Holt's linear trend", "simple": "simple smoothing"}

# What statsmodels raises when a variant cannot be fitted to the data (too few points for a season, a singular
# system, values it cannot take the log of): the next, simpler variant is tried. Anything else is a bug.
DEGENERATE = (ValueError, ZeroDivisionError, FloatingPointError, OverflowError, IndexError, np.linalg.LinAlgError)


@dataclass(frozen=True)
class Points:
    values: tuple[float, ...]
    method: str  # "seasonal_naive", "naive" or "exponential_smoothing"
    variant: str | None  # exponential smoothing only: "holt_winters", "holt" or "simple"
    description: str


Forecaster = Callable[[History, int, int], Points | None]


def known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def naive(history: History, horizon: int, why: str = "") -> Points | None:
    last = next((v for v in reversed(history) if v is not None and known(v)), None)
    if last is None:
        return None
    text = f"Naive: every future period repeats the last known value, {last:,.6g}."
    return Points((last,) * horizon, "naive", None, f"{text} {why}".strip())


def seasonal_naive(history: History, horizon: int, season_length: int) -> Points | None:
    """Each future period is the same period one season earlier (or the latest earlier season that has a value)."""
    if season_length <= 1:
        return naive(history, horizon, "With no season (season length 1), seasonal naive is the naive method.")
    if len(history) < season_length:
        why = f"Seasonal naive needs one full season ({season_length} periods); there are {len(history)}."
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
    text = f"Seasonal naive: each future period repeats the same period one season ({season_length} periods) earlier."
    if skipped:
        text += f" {skipped} period(s) missing a season ago took the value from an earlier season."
    if repeated_last:
        text += f" {repeated_last} period(s) with no value in any earlier season repeat the last known value."
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
        return naive(history, horizon, "Exponential smoothing needs at least two values; there is one.")
    failed: list[str] = []
    for variant in _variants(len(series), season_length):
        try:
            values, weights = _fit(series, variant, season_length, trailing + horizon)
        except DEGENERATE:  # statsmodels' errors on degenerate data: try the next, simpler variant
            failed.append(VARIANT_NAMES[variant])
            continue
        text = f"{_variant_text(variant, season_length, len(series))} {weights}"
        if failed:
            text += f" ({', '.join(failed)} could not be fitted.)"
        return Points(values[trailing:], "exponential_smoothing", variant, " ".join([text, *notes]))
    return naive(history, horizon, "Exponential smoothing could not be fitted to this history.")


def _variants(count: int, season_length: int) -> list[str]:
    if season_length > 1 and count >= 2 * season_length:
        return ["holt_winters", "holt", "simple"]
    if count >= HOLT_MIN_VALUES:
        return ["holt", "simple"]
    return ["simple"]


def _variant_text(variant: str, season_length: int, count: int) -> str:
    if variant == "holt_winters":
        return (
            f"Exponential smoothing, Holt-Winters variant (additive trend and additive seasonality over "
            f"{season_length} periods; there are at least two full seasons): level, trend and seasonal effects are "
            "running averages that weigh recent periods more."
        )
    if variant == "holt":
        reason = (
            f"no seasonality: fewer than two full seasons of {season_length} periods"
            if season_length > 1
            else "no seasonality: season length 1"
        )
        return (
            f"Exponential smoothing, Holt's linear trend variant ({reason}): the level and the trend are running "
            "averages that weigh recent periods more, and the trend is extended into the future."
        )
    reason = f"only {count} values, too few for a trend" if count < HOLT_MIN_VALUES else "no trend"
    return (
        f"Exponential smoothing, simple variant ({reason}): every future period is a running average of the past "
        "that weighs recent periods more."
    )


def _prepared(history: History) -> tuple[list[float], int, list[str]]:
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
        notes.append(f"{int(gaps.sum())} missing period(s) inside the history were filled by linear interpolation.")
    if first:
        notes.append(f"The {first} missing period(s) at the start were left out.")
    trailing = len(history) - 1 - last
    if trailing:
        notes.append(f"The last {trailing} period(s) are missing: the forecast starts from the last known value.")
    return [float(v) for v in inside], trailing, notes


def _fit(series: list[float], variant: str, season_length: int, steps: int) -> tuple[tuple[float, ...], str]:
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


def _weights(params: dict[str, float], variant: str) -> str:
    names = [("smoothing_level", "level"), ("smoothing_trend", "trend"), ("smoothing_seasonal", "season")]
    used = names[: {"simple": 1, "holt": 2, "holt_winters": 3}[variant]]
    shown = ", ".join(f"{label} {float(params[key]):.2f}" for key, label in used)
    return f"Smoothing weights (0 = long memory, 1 = only the latest period), fitted by statsmodels: {shown}."


FORECASTERS: dict[str, Forecaster] = {
    "seasonal_naive": seasonal_naive,
    "exponential_smoothing": exponential_smoothing,
}
