"""Alert conditions judged by hand: direction, percent or points, minimum volume and change, empty vs clear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kpilot.alerts import conditions
from kpilot.alerts.states import Outcome
from kpilot.i18n import Language, render

B, C, E = Outcome.BREACH, Outcome.CLEAR, Outcome.EMPTY


@pytest.mark.parametrize(
    ("value", "base", "higher_is_better", "expected"),
    [
        (90.0, 100.0, True, B),  # revenue down 10 %: worse
        (110.0, 100.0, True, C),  # up: better
        (110.0, 100.0, False, B),  # a cost up 10 %: worse
        (90.0, 100.0, False, C),
        (95.0, 100.0, True, C),  # down 5 %: under the 10 % minimum
    ],
)
def test_an_unfavourable_change_respects_the_direction(
    value: float, base: float, higher_is_better: bool, expected: Outcome
) -> None:
    found = conditions.change(value, base, higher_is_better=higher_is_better, rate=False, min_change=10)
    assert found.outcome is expected


def test_rates_change_in_points() -> None:
    # a conversion rate from 4.0 % to 3.4 %: 0.6 points (15 % in relative terms, which a 1-point rule ignores)
    found = conditions.change(0.034, 0.040, higher_is_better=True, rate=True, min_change=1)
    assert found.outcome is C
    found = conditions.change(0.034, 0.045, higher_is_better=True, rate=True, min_change=1)
    assert found.outcome is B
    assert render(found.reason, Language.EN) == "0.034, against 0.045: worse by 1.1 points"


def test_small_numbers_do_not_alert() -> None:
    # 2 conversions of 10 visits against 5 of 10: a 60 % fall, on too small a volume, and by only 3 in absolute terms
    assert (
        conditions.change(2, 5, higher_is_better=True, rate=False, min_change=10, volume=10, min_volume=100).outcome
        is C
    )
    assert conditions.change(2, 5, higher_is_better=True, rate=False, min_change=10, min_absolute=5).outcome is C
    assert conditions.change(2, 5, higher_is_better=True, rate=False, min_change=10, min_absolute=3).outcome is B


def test_nothing_to_judge_is_empty_not_clear() -> None:
    assert conditions.change(None, 5, higher_is_better=True, rate=False, min_change=10).outcome is E
    assert conditions.threshold(None, 10, alert_below=True).outcome is E
    assert conditions.threshold(5, None, alert_below=True).outcome is E
    assert conditions.anomaly(50, 10, 20, points=4).outcome is E  # fewer than 5 earlier values


def test_threshold_and_projection() -> None:
    assert conditions.threshold(0.8, 1.0, alert_below=True).outcome is B
    assert conditions.threshold(4.0, 5.0, alert_below=False).outcome is C
    miss = conditions.projected_miss(900, 1000, higher_is_better=True, level_name="commit")
    assert miss.outcome is B
    assert render(miss.reason, Language.EN) == "heading for 900 at the end of the period, short of the commit of 1,000"
    # a response time heading for 5 h against a target of 4 h misses; 3 h meets it
    assert conditions.projected_miss(5, 4, higher_is_better=False, level_name="target").outcome is B
    assert conditions.projected_miss(3, 4, higher_is_better=False, level_name="target").outcome is C


def test_status_anomaly_and_stale() -> None:
    assert conditions.status("at_risk").outcome is C
    assert conditions.status("at_risk", at_least="at_risk").outcome is B
    assert conditions.status(None).outcome is E
    assert conditions.anomaly(50, 10, 20, points=12).outcome is B
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert conditions.stale(now - timedelta(hours=49), now, hours=48).outcome is B
    assert conditions.stale(now - timedelta(hours=2), now, hours=48).outcome is C
    assert conditions.stale(None, now, hours=48).outcome is B
