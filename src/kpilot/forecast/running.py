"""End-of-period projection for a period that is still running (this month, this quarter, ...).

Pure functions: the value so far, the elapsed share of the period and, for the seasonal run-rate, the shares of their
final value that past periods had reached at the same point (`to_date_shares` works them out from daily values).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

ProjectionMethod = Literal["auto", "run_rate", "seasonal_run_rate"]
ELAPSED_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Projection:
    """Where a running period is heading, and how that was worked out."""

    value: float | None  # the projected value at the end of the period; None when it cannot be projected
    low: float | None  # the interval, when there is one (see `description` for what it means)
    high: float | None
    method: str  # "run_rate", "seasonal_run_rate", or "none" (no projection: see `reason`)
    description: str  # the method in plain words, with the numbers it used
    value_to_date: float | None
    elapsed: float  # fraction of the period gone by, 0 < elapsed <= 1
    additive: bool
    shares_used: int  # how many past periods' shares were usable (None, zero and negative shares are left out)
    reason: str | None = None  # why there is no projection

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def project_running_period(
    value_to_date: float | None,
    elapsed: float,
    *,
    additive: bool = True,
    shares: Sequence[float | None] | None = None,
    method: ProjectionMethod = "auto",
) -> Projection:
    """Project the end-of-period value of a running period.

    `shares` are, for past comparable periods, the fraction of their final value reached at the same elapsed point
    (e.g. 0.25: a quarter of last May's sales had come in by May 10). `auto` uses them (seasonal run-rate) when at
    least one is usable, else the plain run-rate. A `ValueError` means the call itself is wrong (elapsed outside
    0..1); ordinary data, missing values included, always gives a result.
    """
    if not math.isfinite(elapsed) or not 0 <= elapsed <= 1 + ELAPSED_TOLERANCE:
        raise ValueError(f"the elapsed fraction must be between 0 and 1, not {elapsed}")
    elapsed = min(float(elapsed), 1.0)  # days / days_in_period may land a rounding error above 1
    if method not in ("auto", "run_rate", "seasonal_run_rate"):
        raise ValueError(f"unknown projection method '{method}'")
    value = None if value_to_date is None or not math.isfinite(value_to_date) else float(value_to_date)
    if value is None:
        return _none(value, elapsed, additive, "there is no value so far for this period")
    if elapsed == 0:
        return _none(value, elapsed, additive, "the period has not started yet (elapsed fraction 0)")
    if elapsed == 1:
        text = "The period is complete: the projection is its value."
        return Projection(value, value, value, "run_rate", text, value, elapsed, additive, 0)
    if not additive:
        return _not_additive(value, elapsed, shares)
    usable = usable_shares(shares)
    if method == "run_rate" or not usable:
        return _run_rate(value, elapsed, usable, asked_seasonal=method == "seasonal_run_rate")
    return _seasonal_run_rate(value, elapsed, usable)


def usable_shares(shares: Sequence[float | None] | None) -> list[float]:
    """The shares that can be divided by: missing, non-numeric and zero or negative shares are left out."""
    return [float(s) for s in shares or () if s is not None and math.isfinite(s) and s > 0]


def to_date_shares(
    daily: Mapping[date, Any], starts: Sequence[date], ends: Sequence[date], done_days: int
) -> list[float]:
    """For each past period [start, end): the share of its final value reached after `done_days` days."""
    shares = []
    for start, end in zip(starts, ends, strict=True):
        days = [d for d in daily if start <= d < end]
        total = sum(daily[d] or 0 for d in days)
        so_far = sum(daily[d] or 0 for d in days if (d - start).days < done_days)
        if total > 0:
            shares.append(so_far / total)
    return shares


def _none(value: float | None, elapsed: float, additive: bool, reason: str) -> Projection:
    text = f"No projection: {reason}."
    return Projection(None, None, None, "none", text, value, elapsed, additive, 0, reason)


def _not_additive(value: float, elapsed: float, shares: Sequence[float | None] | None) -> Projection:
    # A rate or an average does not grow with time: its value so far is the best guess for the whole period.
    text = (
        f"Run-rate for a KPI that is not a sum (a ratio or an average): the value so far, {_number(value)}, "
        f"is the projection for the whole period ({_percent(elapsed)} elapsed). There is no interval."
    )
    if shares:
        text += " Past periods' shares do not apply to such KPIs and were not used."
    return Projection(value, None, None, "run_rate", text, value, elapsed, False, 0)


def _run_rate(value: float, elapsed: float, usable: list[float], asked_seasonal: bool) -> Projection:
    projection = value / elapsed
    text = (
        f"Run-rate: the value so far, {_number(value)}, divided by the elapsed fraction of the period, "
        f"{_percent(elapsed)}, assuming the rest of the period goes at the same pace."
    )
    if asked_seasonal:
        text += " (Seasonal run-rate was asked for, but no past period's share was usable.)"
    meaning = "scales the projection by how far ahead of and behind their average pace the {count} past periods were"
    return _result(projection, "run_rate", text, meaning, value, elapsed, usable)


def _seasonal_run_rate(value: float, elapsed: float, usable: list[float]) -> Projection:
    mean = sum(usable) / len(usable)
    text = (
        f"Seasonal run-rate: the value so far, {_number(value)}, divided by {_percent(mean)}, the average share of "
        f"their final value that {len(usable)} past period(s) had reached at the same point "
        f"({_percent(elapsed)} elapsed)."
    )
    meaning = "is where the period would end if it went like the slowest, or the fastest, of the {count} past periods"
    return _result(value / mean, "seasonal_run_rate", text, meaning, value, elapsed, usable)


def _result(
    projection: float, method: str, text: str, meaning: str, value: float, elapsed: float, usable: list[float]
) -> Projection:
    interval = _spread(projection, usable)
    if interval is None:
        text += " There is no interval: it needs the shares of at least two past periods."
        return Projection(projection, None, None, method, text, value, elapsed, True, len(usable))
    low, high = interval
    text += f" The interval, {_number(low)} to {_number(high)}, {meaning.format(count=len(usable))} at this point."
    return Projection(projection, low, high, method, text, value, elapsed, True, len(usable))


def _spread(projection: float, usable: list[float]) -> tuple[float, float] | None:
    """projection x mean/max and x mean/min of the shares: the range the past periods' timing implies.

    For the seasonal run-rate these are value/max and value/min. One share gives no spread, hence no interval.
    """
    if len(usable) < 2:
        return None
    mean = sum(usable) / len(usable)
    ends = (projection * mean / max(usable), projection * mean / min(usable))
    return min(ends), max(ends)  # a negative value to date swaps them


def _number(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.3g} %"
