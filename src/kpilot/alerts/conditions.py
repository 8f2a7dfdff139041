"""Whether one alert rule's condition holds for one scope, from the numbers the evaluator read: pure judgements that
return an outcome for the state machine (alerts.states) and the reason in codes and values, for the message.

Every judgement is direction-aware: a KPI whose lower values are better (a cost, a response time) is unfavourable
when it rises. Rates (percent KPIs) change in percentage points, other KPIs in percent. Nothing alerts on numbers
too small to mean anything: a minimum volume (the KPI's own denominator or another KPI: many conversions of 3
visits are not news) and a minimum absolute change. An evaluation with nothing to judge is `empty`, never `clear`:
the state machine tells "no data" apart from "all is well".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kpilot.alerts.states import Outcome
from kpilot.i18n import Message, Points, Share

STATUS_ORDER = {"on_track": 0, "at_risk": 1, "off_track": 2}
MIN_ANOMALY_POINTS = 5


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: Message


def _empty(code: str, **values: object) -> Verdict:
    return Verdict(Outcome.EMPTY, Message(f"alerts.reason.{code}", **values))


def change(
    value: float | None,
    base: float | None,
    *,
    higher_is_better: bool,
    rate: bool,
    min_change: float,
    min_absolute: float = 0.0,
    volume: float | None = None,
    min_volume: float = 0.0,
) -> Verdict:
    """An unfavourable change against a base (the previous period, the same period a year before): at least
    `min_change` percent (percentage points for a rate), at least `min_absolute` in the KPI's unit, on a volume of
    at least `min_volume`."""
    if value is None or base is None:
        return _empty("no_value")
    if min_volume and (volume is None or volume < min_volume):
        return Verdict(Outcome.CLEAR, Message("alerts.reason.small_volume", volume=volume or 0, minimum=min_volume))
    difference = value - base
    worse = difference < 0 if higher_is_better else difference > 0
    if rate:
        amount: object = Points(abs(difference))
        size = abs(difference) * 100
    elif base == 0:
        return Verdict(Outcome.CLEAR, Message("alerts.reason.no_base", value=value))
    else:
        size = abs(difference / base) * 100
        amount = Share(abs(difference / base))
    code = "worse" if worse else "not_worse"
    reason = Message(f"alerts.reason.change.{code}", value=value, base=base, change=amount)
    breach = worse and size >= min_change and abs(difference) >= min_absolute
    return Verdict(Outcome.BREACH if breach else Outcome.CLEAR, reason)


def threshold(value: float | None, limit: float | None, *, alert_below: bool) -> Verdict:
    """The value beyond a static limit or the KPI's target: below it (`alert_below`) or above it."""
    if value is None:
        return _empty("no_value")
    if limit is None:
        return _empty("no_limit")
    breach = value < limit if alert_below else value > limit
    side = "below" if alert_below else "above"
    code = f"alerts.reason.threshold.{side}" if breach else f"alerts.reason.threshold.within_{side}"
    return Verdict(Outcome.BREACH if breach else Outcome.CLEAR, Message(code, value=value, limit=limit))


def projected_miss(
    projection: float | None, level: float | None, *, higher_is_better: bool, level_name: str
) -> Verdict:
    """The running period's end-of-period projection falls short of a level (commit or target)."""
    if projection is None:
        return _empty("no_projection")
    if level is None:
        return _empty("no_limit")
    miss = projection < level if higher_is_better else projection > level
    code = "alerts.reason.projected.miss" if miss else "alerts.reason.projected.meets"
    message = Message(code, projection=projection, level=level, name=Message(f"alerts.level.{level_name}"))
    return Verdict(Outcome.BREACH if miss else Outcome.CLEAR, message)


def status(found: str | None, *, at_least: str = "off_track") -> Verdict:
    """The KPI's status (pace-based for a running period) is `at_least` as bad as asked (at_risk or off_track)."""
    if found is None or found not in STATUS_ORDER:
        return _empty("no_status")
    breach = STATUS_ORDER[found] >= STATUS_ORDER[at_least]
    message = Message("alerts.reason.status", status=Message(f"alerts.status.{found}"))
    return Verdict(Outcome.BREACH if breach else Outcome.CLEAR, message)


def anomaly(value: float | None, low: float | None, high: float | None, points: int) -> Verdict:
    """Outside a disclosed forecast band (analysis.anomalies), judged only with at least 5 valid points before."""
    if value is None:
        return _empty("no_value")
    if low is None or high is None or points < MIN_ANOMALY_POINTS:
        return _empty("too_few_points", points=points, needed=MIN_ANOMALY_POINTS)
    outside = value < low or value > high
    code = "alerts.reason.anomaly.outside" if outside else "alerts.reason.anomaly.inside"
    return Verdict(Outcome.BREACH if outside else Outcome.CLEAR, Message(code, value=value, low=low, high=high))


def stale(last_row_at: datetime | None, now: datetime, *, hours: float) -> Verdict:
    """No new rows for a source in `hours` (a source that never had a row is stale too: that is what to notice)."""
    if last_row_at is None:
        return Verdict(Outcome.BREACH, Message("alerts.reason.stale.never", hours=hours))
    age = now - last_row_at
    breach = age > timedelta(hours=hours)
    code = "alerts.reason.stale.old" if breach else "alerts.reason.stale.fresh"
    return Verdict(
        Outcome.BREACH if breach else Outcome.CLEAR,
        Message(code, hours=round(age.total_seconds() / 3600, 1), limit=hours),
    )
