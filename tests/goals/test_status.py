"""Status, attainment, pace and reasons: every target type, both ways of being better, complete and running periods.

Conventions of the hand-worked numbers below: "hib" is higher is better (increase, above), "lib" lower is better
(decrease, below). Levels, unless said otherwise: hib commit 90 / target 100 / stretch 120; lib commit 110 /
target 100 / stretch 80; the KPI's at-risk threshold is the default 0.9.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilot.definitions.goals_model import Target, TargetType
from kpilot.definitions.model import Direction, Kpi, Unit
from kpilot.engine.periods import Grain
from kpilot.goals.resolved import ResolvedTarget
from kpilot.goals.status import Evaluation, Status, attainment, evaluate, status_word
from kpilot.i18n import Amount, Language, Message, Period, Share, render

REVENUE = Kpi(name="revenue", formula="x", unit=Unit.CURRENCY)
COST = Kpi(name="cost", formula="x", unit=Unit.CURRENCY, direction=Direction.DOWN)
PROFIT = Kpi(name="profit", formula="x", unit=Unit.CURRENCY)
CHURN = Kpi(name="churn_rate", label="Churn rate", formula="x", unit=Unit.PERCENT, direction=Direction.DOWN)
CONVERSION = Kpi(name="conversion", label="Conversion rate", formula="x", unit=Unit.PERCENT)
STOCK = Kpi(name="stock_days", formula="x", direction=Direction.RANGE)
LENIENT = Kpi(name="signups", formula="x", at_risk=0.8)
HIB = (TargetType.INCREASE, TargetType.ABOVE)
LIB = (TargetType.DECREASE, TargetType.BELOW)
ORIGIN = Target(kpi="any", every="month", target=1)
MAY = Period(date(2025, 5, 1), "month", "2025-05")  # written "May 2025" in English


def goal(
    kind: TargetType,
    target: float | None = None,
    *,
    commit: float | None = None,
    stretch: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> ResolvedTarget:
    return ResolvedTarget(
        kpi="any",
        period_start=date(2025, 5, 1),
        grain=Grain.MONTH,
        scope={},
        type=kind,
        commit=commit,
        target=target,
        stretch=stretch,
        min=low,
        max=high,
        origin=ORIGIN,
        basis="test",
    )


def hib(kind: TargetType = TargetType.INCREASE, with_commit: bool = True) -> ResolvedTarget:
    return goal(kind, 100, commit=90 if with_commit else None, stretch=120)


def lib(kind: TargetType = TargetType.DECREASE, with_commit: bool = True) -> ResolvedTarget:
    return goal(kind, 100, commit=110 if with_commit else None, stretch=80)


def judge(
    kpi: Kpi,
    target: ResolvedTarget | None,
    value: float | None,
    *,
    additive: bool = False,
    elapsed: float = 1.0,
    projection: float | None = None,
    period: Period | None = MAY,
    as_of: date | None = None,
) -> Evaluation:
    return evaluate(
        kpi,
        target,
        value,
        additive=additive,
        elapsed=elapsed,
        projection=projection,
        period=period,
        as_of=as_of,
    )


# --------------------------------------------------------------------------------------------------------------
# Complete periods: every type, both ways of being better, additive or not (a complete period is the same)


@pytest.mark.parametrize("kind", HIB)
@pytest.mark.parametrize("kpi", [REVENUE, COST], ids=["kpi-up", "kpi-down"])  # the type decides, not the direction
@pytest.mark.parametrize("additive", [True, False])
@pytest.mark.parametrize(
    ("value", "status", "level", "reached"),
    [
        (130, Status.ACHIEVED, "stretch", 1.3),  # 130 >= stretch 120
        (120, Status.ACHIEVED, "stretch", 1.2),
        (100, Status.ACHIEVED, "target", 1.0),  # exactly on target
        (95, Status.AT_RISK, "commit", 0.95),  # between commit 90 and target 100
        (90, Status.AT_RISK, "commit", 0.9),
        (80, Status.OFF_TRACK, None, 0.8),  # under the commit
    ],
)
def test_complete_higher_is_better(
    kind: TargetType, kpi: Kpi, additive: bool, value: float, status: Status, level: str | None, reached: float
) -> None:
    result = judge(kpi, hib(kind), value, additive=additive)
    assert (result.status, result.level_reached) == (status, level)
    assert result.attainment == pytest.approx(reached)
    assert result.projection is None


@pytest.mark.parametrize("kind", LIB)
@pytest.mark.parametrize("kpi", [COST, REVENUE], ids=["kpi-down", "kpi-up"])
@pytest.mark.parametrize("additive", [True, False])
@pytest.mark.parametrize(
    ("value", "status", "level", "reached"),
    [
        (70, Status.ACHIEVED, "stretch", 100 / 70),  # 70 <= stretch 80; attainment target / value = 1.43
        (100, Status.ACHIEVED, "target", 1.0),
        (105, Status.AT_RISK, "commit", 100 / 105),  # between target 100 and commit 110
        (125, Status.OFF_TRACK, None, 0.8),  # 100 / 125
    ],
)
def test_complete_lower_is_better(
    kind: TargetType, kpi: Kpi, additive: bool, value: float, status: Status, level: str | None, reached: float
) -> None:
    result = judge(kpi, lib(kind), value, additive=additive)
    assert (result.status, result.level_reached) == (status, level)
    assert result.attainment == pytest.approx(reached)


@pytest.mark.parametrize(
    ("target", "value", "status"),
    [
        (hib(with_commit=False), 92, Status.AT_RISK),  # attainment 0.92 >= 0.9
        (hib(with_commit=False), 90, Status.AT_RISK),  # 0.9: the threshold itself is at risk
        (hib(with_commit=False), 89, Status.OFF_TRACK),  # 0.89
        (lib(with_commit=False), 108, Status.AT_RISK),  # 100 / 108 = 0.926
        (lib(with_commit=False), 112, Status.OFF_TRACK),  # 100 / 112 = 0.893
    ],
)
def test_without_a_commit_the_kpis_threshold_decides(target: ResolvedTarget, value: float, status: Status) -> None:
    result = judge(REVENUE, target, value)
    assert (result.status, result.level_reached) == (status, None)


def test_the_threshold_is_set_per_kpi() -> None:
    assert judge(LENIENT, hib(with_commit=False), 85).status is Status.AT_RISK  # 0.85 >= 0.8
    assert judge(LENIENT, hib(with_commit=False), 79).status is Status.OFF_TRACK
    assert judge(REVENUE, hib(with_commit=False), 85).status is Status.OFF_TRACK  # 0.85 < 0.9


@pytest.mark.parametrize(
    ("value", "status", "reached"),
    [
        (40, Status.ACHIEVED, 1.0),
        (30, Status.ACHIEVED, 1.0),  # the bounds are inside
        (45, Status.ACHIEVED, 1.0),
        (46.5, Status.AT_RISK, 0.9),  # 1.5 above, width 15: 1 - 1.5 / 15
        (48, Status.OFF_TRACK, 0.8),  # 3 above: 1 - 3 / 15
        (27, Status.OFF_TRACK, 0.8),  # 3 below
        (0, Status.OFF_TRACK, 0.0),  # 30 below: 1 - 2 = -1, not below 0
    ],
)
def test_complete_range(value: float, status: Status, reached: float) -> None:
    result = judge(STOCK, goal(TargetType.RANGE, low=30, high=45), value)
    assert (result.status, result.attainment) == (status, pytest.approx(reached))
    assert result.level_reached == ("target" if status is Status.ACHIEVED else None)


def test_a_range_of_one_value() -> None:
    exact = goal(TargetType.RANGE, low=50, high=50)
    assert judge(STOCK, exact, 50).status is Status.ACHIEVED
    assert judge(STOCK, exact, 45).attainment == pytest.approx(0.9)  # 5 away, scale |50|
    zero = goal(TargetType.RANGE, low=0, high=0)
    assert judge(STOCK, zero, 0.5).attainment == pytest.approx(0.5)  # scale 1


# --------------------------------------------------------------------------------------------------------------
# Running periods


@pytest.mark.parametrize(
    ("value", "status", "level", "pace"),
    [
        # 40% of the month gone: expected 40,000 of the 100,000 target (commit 36,000, stretch 48,000 by now).
        (50_000, Status.ON_TRACK, "stretch", 1.25),
        (45_000, Status.ON_TRACK, "target", 1.125),
        (40_000, Status.ON_TRACK, "target", 1.0),  # exactly on pace (100,000 x 0.4 has rounding noise)
        (38_000, Status.AT_RISK, "commit", 0.95),
        (30_000, Status.OFF_TRACK, None, 0.75),
        (100_000, Status.ACHIEVED, "target", 2.5),  # already the whole month's target
        (125_000, Status.ACHIEVED, "stretch", 3.125),
    ],
)
def test_running_additive_increase_is_judged_on_pace(
    value: float, status: Status, level: str | None, pace: float
) -> None:
    target = goal(TargetType.INCREASE, 100_000, commit=90_000, stretch=120_000)
    result = judge(REVENUE, target, value, additive=True, elapsed=0.4)
    assert (result.status, result.level_reached) == (status, level)
    assert result.expected_to_date == pytest.approx(40_000)
    assert result.pace == pytest.approx(pace)
    assert result.attainment == pytest.approx(value / 100_000)  # against the whole month's target


@pytest.mark.parametrize(
    ("value", "status", "pace"),
    [
        # Half the month gone: at most 50 expected (commit 55).
        (45, Status.ON_TRACK, 0.9),
        (53, Status.AT_RISK, 1.06),
        (60, Status.OFF_TRACK, 1.2),
        (105, Status.AT_RISK, 2.1),  # already over the month's limit, within the commit 110: it cannot come back
        (115, Status.OFF_TRACK, 2.3),  # already over the commit
    ],
)
def test_running_additive_decrease_is_judged_on_pace(value: float, status: Status, pace: float) -> None:
    result = judge(COST, lib(), value, additive=True, elapsed=0.5)
    assert result.status is status
    assert result.expected_to_date == pytest.approx(50)
    assert result.pace == pytest.approx(pace)


def test_pace_applies_only_to_additive_kpis() -> None:
    # 60 of 100 at half time: on pace for an additive KPI, but 60 % of the target for a rate.
    assert judge(REVENUE, hib(with_commit=False), 60, additive=True, elapsed=0.5).status is Status.ON_TRACK
    rate = judge(REVENUE, hib(with_commit=False), 60, additive=False, elapsed=0.5)
    assert (rate.status, rate.expected_to_date, rate.pace) == (Status.OFF_TRACK, None, None)


@pytest.mark.parametrize(
    ("value", "status"),
    [(0.052, Status.ON_TRACK), (0.046, Status.AT_RISK), (0.04, Status.OFF_TRACK)],  # 1.04, 0.92, 0.8
)
def test_running_non_additive_compares_the_value_itself(value: float, status: Status) -> None:
    result = judge(CONVERSION, goal(TargetType.INCREASE, 0.05), value, elapsed=0.4)
    assert result.status is status  # never "achieved" while the period runs
    assert result.attainment == pytest.approx(value / 0.05)


@pytest.mark.parametrize("additive", [True, False])
def test_running_above_below_and_range_compare_the_value_itself(additive: bool) -> None:
    # "Stay above 100 throughout": 60 at half time is not on a pace, it is below the floor.
    assert judge(REVENUE, hib(TargetType.ABOVE), 60, additive=additive, elapsed=0.5).status is Status.OFF_TRACK
    assert judge(REVENUE, hib(TargetType.ABOVE), 110, additive=additive, elapsed=0.5).status is Status.ON_TRACK
    assert judge(COST, lib(TargetType.BELOW), 90, additive=additive, elapsed=0.5).status is Status.ON_TRACK
    assert judge(COST, lib(TargetType.BELOW), 105, additive=additive, elapsed=0.5).status is Status.AT_RISK
    in_range = judge(STOCK, goal(TargetType.RANGE, low=30, high=45), 40, additive=additive, elapsed=0.5)
    assert (in_range.status, in_range.level_reached, in_range.expected_to_date) == (Status.ON_TRACK, "target", None)
    assert judge(STOCK, goal(TargetType.RANGE, low=30, high=45), 48, elapsed=0.5).status is Status.OFF_TRACK


def test_the_period_has_just_started() -> None:
    result = judge(REVENUE, hib(), 0, additive=True, elapsed=0.0)
    assert (result.status, result.expected_to_date, result.pace) == (Status.TOO_EARLY, 0, None)
    assert str(result.reason) == (
        "Only 0% of May 2025 has passed, too early to judge: Revenue is 0 EUR so far, against the May 2025 target of "
        "100 EUR."
    )


@pytest.mark.parametrize("additive", [True, False])
@pytest.mark.parametrize("kind", list(TargetType))
def test_too_early_to_judge_under_a_fifth_of_the_period(additive: bool, kind: TargetType) -> None:
    # The first day of a month (today counts half a day: 0.5 / 31 = 1.6 %): far behind the pace of 100 by now, and
    # still not "off track". Every type of target waits, rates and sums alike.
    target = goal(kind, 100, commit=90) if kind is not TargetType.RANGE else goal(kind, low=90, high=110)
    first_day = judge(REVENUE, target, 0.5, additive=additive, elapsed=0.5 / 31)
    assert first_day.status is Status.TOO_EARLY
    assert str(first_day.reason).startswith("Only 1.6% of May 2025 has passed, too early to judge: Revenue is 0.5 EUR")
    assert first_day.attainment is not None  # still worked out, against the whole target
    # Just under a fifth (6 days of 31 = 19.4 %) is still too early; a fifth is judged: 0.5 is far under a pace or
    # a floor of 100 (and outside 90 to 110), and well within a limit of 100.
    assert judge(REVENUE, target, 0.5, additive=additive, elapsed=6 / 31).status is Status.TOO_EARLY
    judged = Status.ON_TRACK if kind in LIB else Status.OFF_TRACK
    assert judge(REVENUE, target, 0.5, additive=additive, elapsed=0.2).status is judged


def test_a_sum_already_over_its_target_or_limit_is_decided_even_early() -> None:
    # Decided facts are not "too early": the whole target is in, or a limit is already passed.
    assert judge(REVENUE, hib(), 120, additive=True, elapsed=0.05).status is Status.ACHIEVED
    assert judge(COST, lib(), 115, additive=True, elapsed=0.05).status is Status.OFF_TRACK
    # A complete period is never too early.
    assert judge(REVENUE, hib(), 50, additive=True, elapsed=1.0).status is Status.OFF_TRACK


def test_elapsed_is_clamped() -> None:
    assert judge(REVENUE, hib(), 95, additive=True, elapsed=1.7).status is Status.AT_RISK  # a complete period
    assert judge(REVENUE, hib(), 95, additive=True, elapsed=math.nan).status is Status.AT_RISK
    assert judge(REVENUE, hib(), 5, additive=True, elapsed=-0.2).status is Status.TOO_EARLY  # not started


# --------------------------------------------------------------------------------------------------------------
# Projections


@pytest.mark.parametrize(
    ("value", "projection", "status", "level"),
    [
        (55, 85, Status.OFF_TRACK, None),  # ahead of pace (55 > 50) but projected under the commit 90
        (40, 105, Status.ON_TRACK, "target"),  # behind pace (40 < 50) but projected over the target
        (40, 125, Status.ON_TRACK, "stretch"),
        (50, 95, Status.AT_RISK, "commit"),  # projected between commit and target
        (100, 80, Status.ACHIEVED, "target"),  # the whole target is already in: the projection cannot undo it
    ],
)
def test_a_projection_drives_a_running_additive_status(
    value: float, projection: float, status: Status, level: str | None
) -> None:
    result = judge(REVENUE, hib(), value, additive=True, elapsed=0.5, projection=projection)
    assert (result.status, result.level_reached, result.projection) == (status, level, projection)
    assert result.expected_to_date == pytest.approx(50)
    assert result.pace == pytest.approx(value / 50)


def test_projection_without_a_commit_uses_the_threshold() -> None:
    target = hib(with_commit=False)
    assert judge(REVENUE, target, 40, additive=True, elapsed=0.5, projection=92).status is Status.AT_RISK
    assert judge(REVENUE, target, 40, additive=True, elapsed=0.5, projection=89).status is Status.OFF_TRACK


def test_projection_for_a_limit() -> None:
    assert judge(COST, lib(), 45, additive=True, elapsed=0.5, projection=95).status is Status.ON_TRACK
    assert judge(COST, lib(), 45, additive=True, elapsed=0.5, projection=108).status is Status.AT_RISK
    assert judge(COST, lib(), 45, additive=True, elapsed=0.5, projection=130).status is Status.OFF_TRACK
    # Already over the limit (105, within the commit): at risk; a projection past the commit makes it off track.
    assert judge(COST, lib(), 105, additive=True, elapsed=0.5, projection=108).status is Status.AT_RISK
    assert judge(COST, lib(), 105, additive=True, elapsed=0.5, projection=120).status is Status.OFF_TRACK


def test_projection_is_used_for_end_of_period_targets_only() -> None:
    # A rate on track today but projected to end at 4 % against 5 %: "reach X by the end" is judged at the end.
    assert judge(CONVERSION, goal(TargetType.INCREASE, 0.05), 0.052, elapsed=0.5, projection=0.04).status is (
        Status.OFF_TRACK
    )
    # "Stay above X throughout" is judged now.
    assert judge(REVENUE, hib(TargetType.ABOVE), 110, elapsed=0.5, projection=50).status is Status.ON_TRACK
    # A complete period has nothing to project; a projection that is not a number is ignored.
    assert judge(REVENUE, hib(), 100, additive=True, projection=50).status is Status.ACHIEVED
    odd = judge(REVENUE, hib(), 47, additive=True, elapsed=0.5, projection=math.nan)
    assert (odd.status, odd.projection) == (Status.AT_RISK, None)  # by pace: 47 between commit 45 and 50


# --------------------------------------------------------------------------------------------------------------
# Zero targets and negative values


def test_zero_target_higher_is_better() -> None:
    # Break-even: the difference to 0 on the scale of 1 (no commit or stretch to give a scale).
    assert judge(PROFIT, goal(TargetType.INCREASE, 0), 10).attainment == pytest.approx(11)
    assert judge(PROFIT, goal(TargetType.INCREASE, 0), 10).status is Status.ACHIEVED
    assert judge(PROFIT, goal(TargetType.INCREASE, 0), 0).status is Status.ACHIEVED
    # With a commit of -20 the scale is 20: -10 attains 1 + (-10 - 0) / 20 = 0.5, at risk (over the commit).
    target = goal(TargetType.INCREASE, 0, commit=-20)
    low = judge(PROFIT, target, -10)
    assert (low.status, low.level_reached, low.attainment) == (Status.AT_RISK, "commit", pytest.approx(0.5))
    lower = judge(PROFIT, target, -30)
    assert (lower.status, lower.attainment) == (Status.OFF_TRACK, pytest.approx(-0.5))
    assert judge(PROFIT, goal(TargetType.INCREASE, 0, stretch=40), 10).attainment == pytest.approx(1.25)


def test_zero_target_lower_is_better_is_met_at_zero_or_below() -> None:
    zero_defects = goal(TargetType.DECREASE, 0)
    met = judge(COST, zero_defects, 0)
    assert (met.status, met.attainment) == (Status.ACHIEVED, 1.0)
    assert judge(COST, zero_defects, -2).status is Status.ACHIEVED
    missed = judge(COST, zero_defects, 3)
    assert (missed.status, missed.attainment) == (Status.OFF_TRACK, pytest.approx(-2))  # 1 + (0 - 3) / 1
    with_commit = judge(COST, goal(TargetType.DECREASE, 0, commit=5), 3)
    assert (with_commit.status, with_commit.attainment) == (Status.AT_RISK, pytest.approx(0.4))  # 1 - 3 / 5


def test_negative_values_do_not_flip_meaning() -> None:
    # A loss of 50 against a profit target of 100: -50 %, and the gap is said in money, not as a ratio.
    loss = judge(PROFIT, goal(TargetType.INCREASE, 100), -50)
    assert (loss.status, loss.attainment) == (Status.OFF_TRACK, pytest.approx(-0.5))
    assert str(loss.reason) == (
        "Profit is -50 EUR, 150 EUR short of the May 2025 target of 100 EUR (attainment -50%; below 90% is off track)."
    )
    # A loss limit (target -100, higher is better): -50 is better, -150 worse.
    limit = goal(TargetType.INCREASE, -100)
    assert judge(PROFIT, limit, -50).attainment == pytest.approx(1.5)  # 1 + (-50 + 100) / 100
    assert judge(PROFIT, limit, -50).status is Status.ACHIEVED
    assert judge(PROFIT, limit, -105).status is Status.AT_RISK  # 0.95
    assert judge(PROFIT, limit, -150).attainment == pytest.approx(0.5)
    # Cost reduction: a net cost of -10 (refunds) against a limit of 100 is well within it, not a negative ratio.
    refunds = judge(COST, goal(TargetType.DECREASE, 100), -10)
    assert (refunds.status, refunds.attainment) == (Status.ACHIEVED, pytest.approx(2.1))  # 1 + (100 + 10) / 100
    # A negative limit (lower is better: at most -100): -150 is better, -50 worse.
    assert judge(COST, goal(TargetType.DECREASE, -100), -150).attainment == pytest.approx(1.5)
    assert judge(COST, goal(TargetType.DECREASE, -100), -50).status is Status.OFF_TRACK


def test_pace_with_a_negative_target() -> None:
    # A monthly loss of at most 1,000 (increase, target -1,000); half way the pace allows -500.
    limit = goal(TargetType.INCREASE, -1000)
    better = judge(PROFIT, limit, -300, additive=True, elapsed=0.5)
    assert (better.status, better.expected_to_date, better.pace) == (Status.ON_TRACK, -500, pytest.approx(0.6))
    assert str(better.reason) == (
        "Profit is 200 EUR ahead of the pace needed for the May 2025 target "
        "(expected -500 EUR at 50% of the period, actual -300 EUR)."
    )
    worse = judge(PROFIT, limit, -700, additive=True, elapsed=0.5)
    assert worse.status is Status.OFF_TRACK  # 1 + (-700 + 500) / 500 = 0.6
    # -300 is "over" the whole month's -1,000, but a loss can still grow: not achieved before the month ends.
    assert judge(PROFIT, limit, -300, additive=True, elapsed=0.9).status is Status.ON_TRACK
    # Zero-defects (a limit of 0): a defect mid-month cannot be undone.
    defects = judge(COST, goal(TargetType.DECREASE, 0), 1, additive=True, elapsed=0.1)
    assert defects.status is Status.OFF_TRACK
    assert str(defects.reason).startswith("Cost is already over the May 2025 limit of 0 EUR")


# --------------------------------------------------------------------------------------------------------------
# No target, no data, incomplete targets


def test_no_target_and_no_data() -> None:
    none = judge(REVENUE, None, 100)
    assert none == Evaluation(
        Status.NO_TARGET, None, None, None, None, None, Message("goals.status.no_target", period=MAY)
    )
    assert str(none.reason) == "No target is set for May 2025."
    assert judge(REVENUE, None, None).status is Status.NO_TARGET  # no target comes first
    assert str(judge(REVENUE, None, 1, period=None).reason) == "No target is set for this period."
    empty = judge(REVENUE, hib(), None)
    assert (empty.status, str(empty.reason)) == (Status.NO_DATA, "Revenue has no value for May 2025.")
    assert judge(REVENUE, hib(), math.nan).status is Status.NO_DATA
    assert judge(REVENUE, hib(), math.inf).status is Status.NO_DATA


def test_a_target_without_its_values_counts_as_no_target() -> None:
    result = judge(REVENUE, goal(TargetType.INCREASE, None, commit=5), 10)
    assert result.status is Status.NO_TARGET
    assert str(result.reason) == "The increase target for Revenue in May 2025 has no 'target' value."
    assert judge(STOCK, goal(TargetType.RANGE, low=1), 10).status is Status.NO_TARGET


# --------------------------------------------------------------------------------------------------------------
# Reasons


def test_reason_pace_behind() -> None:
    # 40 % of May gone: 130,000 x 0.4 = 52,000 expected; 45,800 is 45,800 / 52,000 = 0.881, 12 % behind.
    result = judge(
        REVENUE, goal(TargetType.INCREASE, 130_000), 45_800, additive=True, elapsed=0.4, as_of=date(2025, 5, 12)
    )
    assert result.status is Status.OFF_TRACK  # 0.881 < 0.9
    assert str(result.reason) == (
        "Revenue is 12% behind the pace needed for the May 2025 target "
        "(expected 52,000 EUR by 12 May, actual 45,800 EUR)."
    )


def test_reason_pace_ahead_on_and_limits() -> None:
    target = goal(TargetType.INCREASE, 100_000)
    assert str(judge(REVENUE, target, 42_000, additive=True, elapsed=0.4).reason) == (
        "Revenue is 5% ahead of the pace needed for the May 2025 target "
        "(expected 40,000 EUR at 40% of the period, actual 42,000 EUR)."
    )
    assert str(judge(REVENUE, target, 40_100, additive=True, elapsed=0.4).reason).startswith(
        "Revenue is on the pace needed"
    )
    assert str(judge(COST, lib(), 53, additive=True, elapsed=0.5).reason) == (
        "Cost is 6% over the pace allowed by the May 2025 limit (at most 50 EUR expected at 50% of the period, "
        "actual 53 EUR)."
    )
    assert str(judge(COST, lib(), 45, additive=True, elapsed=0.5).reason).startswith(
        "Cost is 10% under the pace allowed by the May 2025 limit"
    )


def test_reasons_of_complete_periods() -> None:
    assert str(judge(CHURN, goal(TargetType.DECREASE, 0.03), 0.021, period=None).reason) == (
        "Churn rate is 2.1%, within the 3% limit."
    )
    assert str(judge(CHURN, goal(TargetType.DECREASE, 0.03), 0.036).reason) == (
        "Churn rate is 3.6%, 0.6 points over the May 2025 limit of 3% (attainment 83%; below 90% is off track)."
    )
    assert str(judge(REVENUE, hib(), 130).reason) == "Revenue is 130 EUR, above the May 2025 stretch goal of 120 EUR."
    assert str(judge(REVENUE, hib(), 100).reason) == "Revenue is 100 EUR, meeting the May 2025 target of 100 EUR."
    assert str(judge(REVENUE, hib(), 95).reason) == (
        "Revenue is 95 EUR, 5% short of the May 2025 target of 100 EUR but above the commit of 90 EUR."
    )
    assert str(judge(REVENUE, hib(), 80).reason) == (
        "Revenue is 80 EUR, 20% short of the May 2025 target of 100 EUR and below the commit of 90 EUR."
    )
    assert str(judge(COST, lib(), 105).reason) == (
        "Cost is 105 EUR, 5% over the May 2025 limit of 100 EUR but within the commit of 110 EUR."
    )
    assert str(judge(REVENUE, hib(TargetType.ABOVE), 110).reason) == (
        "Revenue is 110 EUR, above the May 2025 minimum of 100 EUR."
    )


def test_reasons_of_ranges_and_running_rates() -> None:
    stock = goal(TargetType.RANGE, low=30, high=45)
    assert str(judge(STOCK, stock, 40).reason) == "Stock days is 40, within the May 2025 range of 30 to 45."
    assert (
        str(judge(STOCK, stock, 48).reason)
        == "Stock days is 48, 3 above the May 2025 range of 30 to 45 (attainment 80%)."
    )
    assert str(judge(CONVERSION, goal(TargetType.INCREASE, 0.05), 0.046, elapsed=0.5).reason) == (
        "Conversion rate is 4.6% so far, 0.4 points short of the May 2025 target of 5% "
        "(attainment 92%; below 90% is off track)."
    )


def test_reasons_of_projections_and_decided_periods() -> None:
    assert str(judge(REVENUE, hib(), 55, additive=True, elapsed=0.5, projection=85).reason) == (
        "Revenue is projected to miss the May 2025 target of 100 EUR, reaching 85 EUR, 15% short (55 EUR so far)."
    )
    assert str(judge(REVENUE, hib(), 50, additive=True, elapsed=0.5, projection=95).reason) == (
        "Revenue is projected to miss the May 2025 target of 100 EUR, reaching 95 EUR, 5% short (50 EUR so far; "
        "the commit of 90 EUR is within reach)."
    )
    assert str(judge(REVENUE, hib(), 40, additive=True, elapsed=0.5, projection=105).reason) == (
        "Revenue is projected to reach 105 EUR, above the May 2025 target of 100 EUR (40 EUR so far)."
    )
    assert str(judge(COST, lib(), 45, additive=True, elapsed=0.5, projection=95).reason) == (
        "Cost is projected to end at 95 EUR, within the May 2025 limit of 100 EUR (45 EUR so far)."
    )
    assert str(judge(COST, lib(), 45, additive=True, elapsed=0.5, projection=130).reason) == (
        "Cost is projected to exceed the May 2025 limit of 100 EUR, ending at 130 EUR, 30% over (45 EUR so far)."
    )
    assert str(judge(REVENUE, hib(), 100, additive=True, elapsed=0.5).reason) == (
        "Revenue has already reached the May 2025 target of 100 EUR (100 EUR so far)."
    )
    assert str(judge(COST, lib(), 115, additive=True, elapsed=0.5).reason) == (
        "Cost is already over the May 2025 limit of 100 EUR (115 EUR so far, with 50% of the period to go)."
    )


def test_status_words_are_messages() -> None:
    assert [render(status_word(status)) for status in Status] == [
        "achieved",
        "on track",
        "at risk",
        "off track",
        "no target",
        "no data",
        "too early",
        "immature",
    ]
    assert [status_word(Status.ON_TRACK).code, render(status_word(Status.ON_TRACK), Language.IT)] == [
        "goals.status_word.on_track",
        "in linea",
    ]


def test_a_reason_is_a_code_with_typed_values_each_language_orders() -> None:
    # 130,000 x 0.4 = 52,000 expected by 12 May; 45,800 is 12 % behind (as in test_reason_pace_behind).
    behind = judge(
        REVENUE, goal(TargetType.INCREASE, 130_000), 45_800, additive=True, elapsed=0.4, as_of=date(2025, 5, 12)
    )
    assert behind.reason.code == "goals.status.pace_behind"
    assert (behind.reason.values["gap"], behind.reason.values["actual"]) == (
        Share(abs(45_800 - 52_000) / 52_000),
        Amount(45_800, "currency", "EUR"),
    )
    # Italian and Polish write the money their way (CLDR: a no-break space before the euro sign, Polish groups
    # thousands with one) and the day with the month's name in the genitive where the language has one.
    assert render(behind.reason, Language.IT) == (
        "Revenue è 12% indietro rispetto al ritmo necessario per l'obiettivo di maggio 2025 "
        "(attesi 52.000\xa0€ entro il 12 maggio, effettivi 45.800\xa0€)."
    )
    assert "(oczekiwano 52\xa0000\xa0€ do 12 maja, faktycznie 45\xa0800\xa0€)" in render(behind.reason, Language.PL)
    assert "截至5月12日预期 €52,000" in render(behind.reason, Language.ZH)


def test_reasons_use_the_currency_passed_in() -> None:
    result = evaluate(REVENUE, hib(), 100, additive=False, elapsed=1, currency="USD")
    assert str(result.reason) == "Revenue is 100 USD, meeting the 100 USD target."


# --------------------------------------------------------------------------------------------------------------
# Formatting and attainment directly, and robustness


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1_200_000, Unit.CURRENCY, "1,200,000 EUR"),
        (1234.56, Unit.CURRENCY, "1,235 EUR"),
        (-50, Unit.CURRENCY, "-50 EUR"),
        (0.021, Unit.PERCENT, "2.1%"),
        (0.03, Unit.PERCENT, "3%"),
        (0.0005, Unit.PERCENT, "0.05%"),
        (0.000139, Unit.PERCENT, "0.0139%"),  # three significant digits below 1 %
        (0.000195, Unit.PERCENT, "0.0195%"),
        (0.00999, Unit.PERCENT, "0.999%"),
        (-0.0000123, Unit.PERCENT, "-0.00123%"),
        (45.5, Unit.NUMBER, "45.5"),
        (2.0, Unit.NUMBER, "2"),
        (0.35, Unit.RATIO, "0.35"),
        (0.0, Unit.NUMBER, "0"),
        (-0.0001, Unit.DURATION, "-0.0001"),
    ],
)
def test_amounts_in_reasons(value: float, unit: Unit, text: str) -> None:
    # Reasons carry amounts as values; English writes them as kpilot always has.
    assert render(Message("goals.status.subject", kpi="X", value=Amount(value, unit.value, "EUR"))) == f"X is {text}"


def test_shares_in_reasons_and_attainment() -> None:
    shown = [render(Message("goals.status.at_share", share=Share(x))) for x in (0.119, 0.042, 1.0, -0.5)]
    assert shown == [f"at {share} of the period" for share in ("12%", "4.2%", "100%", "-50%")]
    assert attainment(50, hib()) == pytest.approx(0.5)
    assert attainment(50, hib(), share=0.5) == pytest.approx(1.0)
    assert attainment(50, goal(TargetType.RANGE)) is None
    assert attainment(50, goal(TargetType.INCREASE)) is None


def test_tiny_levels_do_not_divide_by_zero() -> None:
    # A quarter of the smallest double is 0: the commit's pace underflows, and the scale falls back to 1.
    tiny = goal(TargetType.INCREASE, 0.0, commit=5e-324)
    assert judge(PROFIT, tiny, -1.0, additive=True, elapsed=0.25).status is Status.OFF_TRACK  # under commit ~0
    assert judge(PROFIT, tiny, -1.0, additive=True, elapsed=1e-300).status is Status.TOO_EARLY
    assert judge(PROFIT, goal(TargetType.RANGE, low=1e-300, high=1e-300), 1.0).status is Status.OFF_TRACK


NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1e-300, -1.0]))


@given(
    kind=st.sampled_from(list(TargetType)),
    levels=st.lists(st.one_of(st.none(), NUMBERS), min_size=5, max_size=5),
    value=st.one_of(st.none(), NUMBERS),
    elapsed=NUMBERS,
    projection=st.one_of(st.none(), NUMBERS),
    additive=st.booleans(),
)
def test_ordinary_numbers_never_raise(
    kind: TargetType,
    levels: list[float | None],
    value: float | None,
    elapsed: float,
    projection: float | None,
    additive: bool,
) -> None:
    commit, target, stretch, low, high = levels
    resolved = goal(kind, target, commit=commit, stretch=stretch, low=low, high=high)
    result = evaluate(REVENUE, resolved, value, additive=additive, elapsed=elapsed, projection=projection)
    assert result.status in Status
    assert str(result.reason).endswith(".")
    for language in Language:  # every language's text has the values it names
        assert render(result.reason, language)


def test_the_documented_reasons_are_real() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "targets.md").read_text(encoding="utf-8")
    stock = Kpi(name="stock", formula="x", direction=Direction.RANGE)
    reasons = [
        judge(REVENUE, goal(TargetType.INCREASE, 130_000), 45_800, additive=True, elapsed=0.4, as_of=date(2025, 5, 12)),
        judge(
            REVENUE,
            goal(TargetType.INCREASE, 100_000, commit=90_000),
            55_000,
            additive=True,
            elapsed=0.5,
            projection=85_000,
        ),
        judge(REVENUE, goal(TargetType.INCREASE, 100_000), 104_000, additive=True, elapsed=0.5),
        judge(REVENUE, goal(TargetType.INCREASE, 100_000, commit=90_000), 95_000),
        judge(CHURN, goal(TargetType.DECREASE, 0.03), 0.021, period=None),
        judge(CHURN, goal(TargetType.DECREASE, 0.03), 0.036),
        judge(stock, goal(TargetType.RANGE, low=500, high=800), 850),
        judge(REVENUE, None, 1),
    ]
    for result in reasons:
        assert f"- {result.reason}\n" in text, str(result.reason)
