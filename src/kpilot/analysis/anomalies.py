"""Values worth a look (docs/analysis.md#anomalies): a period whose value falls outside the band the KPI's own past
forecasts for it. The band is `kpilot forecast --method seasonal_naive`'s (forecast.next_periods: the same period a
season before, or the last one without a season, plus or minus z times the root mean square of its one-step
back-test errors over the last 12 periods) at a 99% level: a method with nothing to fit, cheap enough to judge every
KPI and member, and simple to say. A series behaving as it did before is flagged about twice in a hundred periods
(the band's width rests on 12 errors: tests/analysis/test_anomalies.py measures 2%).
The band is made only from the periods before the one judged, and only with at least `MIN_POINTS` known values and
a back-test to size it with. The same band serves the alert rules (issue 12)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kpilot.forecast.next_periods import forecast_next

LEVEL = 0.99
MIN_POINTS = 5


class Side(StrEnum):
    ABOVE = "above"
    BELOW = "below"


@dataclass(frozen=True)
class Anomaly:
    member: str | None  # the dimension's value (None: the whole KPI, or rows where the dimension is empty)
    period: date
    value: float
    expected: float  # the forecast for the period
    low: float
    high: float
    method: str  # the forecast's method
    side: Side


def anomaly(
    series: Mapping[date, float | None], period: date, season_length: int, member: str | None = None
) -> Anomaly | None:
    """`period`'s value against the band forecast from the periods before it (in order), or None when it is inside
    the band, missing, or there is too little history to draw one."""
    value = series.get(period)
    before = [series[day] for day in sorted(series) if day < period]
    if value is None or sum(known is not None for known in before) < MIN_POINTS:
        return None
    forecast = forecast_next(before, 1, season_length, method="seasonal_naive", level=LEVEL)
    if not forecast.steps:
        return None
    step = forecast.steps[0]
    if step.low is None or step.high is None:
        return None
    if step.low <= value <= step.high:
        return None
    side = Side.ABOVE if value > step.high else Side.BELOW
    return Anomaly(member, period, value, step.value, step.low, step.high, forecast.method, side)
