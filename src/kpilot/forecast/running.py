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

from kpilot.forecast.phrases import number, percent, sentences
from kpilot.i18n import Message

ProjectionMethod = Literal["auto", "run_rate", "seasonal_run_rate"]
ELAPSED_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Projection:
    """Where a running period is heading, and how that was worked out."""

    value: float | None  # the projected value at the end of the period; None when it cannot be projected
    low: float | None  # the interval, when there is one (see `description` for what it means)
    high: float | None
    method: str  # "run_rate", "seasonal_run_rate", or "none" (no projection: see `reason`)
    description: Message  # the method in words, with the numbers it used
    value_to_date: float | None
    elapsed: float  # fraction of the period gone by, 0 < elapsed <= 1
    additive: bool
    shares_used: int  # how many past periods' shares were usable (None, zero and negative shares are left out)
    reason: Message | None = None  # why there is no projection

    def to_dict(self) -> dict[str, Any]:
        """Plain data; the description and reason as their codes and values (`Message.to_data`)."""
        data = asdict(self)
        data["description"] = self.description.to_data()
        data["reason"] = None if self.reason is None else self.reason.to_data()
        return data


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
        return _none(value, elapsed, additive, Message("forecast.running.no_value"))
    if elapsed == 0:
        return _none(value, elapsed, additive, Message("forecast.running.not_started"))
    if elapsed == 1:
        text = Message("forecast.running.complete")
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


def _none(value: float | None, elapsed: float, additive: bool, reason: Message) -> Projection:
    text = Message("forecast.running.none", reason=reason)
    return Projection(None, None, None, "none", text, value, elapsed, additive, 0, reason)


def _not_additive(value: float, elapsed: float, shares: Sequence[float | None] | None) -> Projection:
    # A rate or an average does not grow with time: its value so far is the best guess for the whole period.
    text = sentences(
        Message("forecast.running.not_a_sum", value=number(value), elapsed=percent(elapsed)),
        Message("forecast.running.shares_not_used") if shares else None,
    )
    return Projection(value, None, None, "run_rate", text, value, elapsed, False, 0)


def _run_rate(value: float, elapsed: float, usable: list[float], asked_seasonal: bool) -> Projection:
    projection = value / elapsed
    text = sentences(
        Message("forecast.running.run_rate", value=number(value), elapsed=percent(elapsed)),
        Message("forecast.running.no_usable_share") if asked_seasonal else None,
    )
    return _result(projection, "run_rate", text, value, elapsed, usable)


def _seasonal_run_rate(value: float, elapsed: float, usable: list[float]) -> Projection:
    mean = sum(usable) / len(usable)
    text = Message(
        "forecast.running.seasonal_run_rate",
        value=number(value),
        share=percent(mean),
        count=len(usable),
        elapsed=percent(elapsed),
    )
    return _result(value / mean, "seasonal_run_rate", text, value, elapsed, usable)


# What the interval means, by method.
_INTERVALS = {
    "run_rate": Message("forecast.running.interval_run_rate"),
    "seasonal_run_rate": Message("forecast.running.interval_seasonal"),
}


def _result(
    projection: float, method: str, text: Message, value: float, elapsed: float, usable: list[float]
) -> Projection:
    interval = _spread(projection, usable)
    if interval is None:
        text = sentences(text, Message("forecast.running.no_interval"))
        return Projection(projection, None, None, method, text, value, elapsed, True, len(usable))
    low, high = interval
    meaning = Message(_INTERVALS[method].code, low=number(low), high=number(high), count=len(usable))
    return Projection(projection, low, high, method, sentences(text, meaning), value, elapsed, True, len(usable))


def _spread(projection: float, usable: list[float]) -> tuple[float, float] | None:
    """projection x mean/max and x mean/min of the shares: the range the past periods' timing implies.

    For the seasonal run-rate these are value/max and value/min. One share gives no spread, hence no interval.
    """
    if len(usable) < 2:
        return None
    mean = sum(usable) / len(usable)
    ends = (projection * mean / max(usable), projection * mean / min(usable))
    return min(ends), max(ends)  # a negative value to date swaps them
