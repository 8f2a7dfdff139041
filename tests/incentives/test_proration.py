"""Eligibility and proration (kpilot.incentives.proration), with the expected numbers worked out by hand in the
comments; the properties check the interval walk against a plain day-by-day count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilot.i18n import Language, Message, Number, render
from kpilot.incentives.proration import Eligibility, Leave, OverlappingStints, Proration, Ramp, Stint, prorate
from kpilot.incentives.ramps import ramp_step, tenure_month_start
from kpilot.incentives.team_shares import TeamShare

MARCH = (date(2026, 3, 1), date(2026, 4, 1))  # 31 days
APRIL = (date(2026, 4, 1), date(2026, 5, 1))  # 30 days
MAY = (date(2026, 5, 1), date(2026, 6, 1))  # 31 days
ALWAYS = Stint(date(2025, 1, 1), None, "sales")


def near(value: Decimal, exact: Fraction) -> bool:
    """The Decimal is the fraction to 28 significant digits (factors below 1: within 1e-28)."""
    return abs(Fraction(value) - exact) < Fraction(1, 10**28)


def causes(proration: Proration) -> tuple[Message, ...]:
    assert proration.reason is not None
    assert proration.reason.code == "incentives.proration.reduced"
    found: tuple[Message, ...] = proration.reason.values["causes"]
    return found


def test_a_whole_period_in_one_team_is_full() -> None:
    result = prorate(Eligibility((ALWAYS,)), *MARCH)
    assert result == Proration(
        eligible=True,
        reason=None,
        period_days=31,
        plan_days=31,
        fte_days=Decimal(31),
        ramp_factor=Decimal(1),
        factor=Decimal(1),
        teams=(TeamShare("sales", Decimal(1)),),
    )


def test_a_hire_mid_period_counts_from_the_day_of_hire() -> None:
    # 17 to 31 March inclusive: 31 - 17 + 1 = 15 days of 31.
    result = prorate(Eligibility((Stint(date(2026, 3, 17), None),), hired_on=date(2026, 3, 17)), *MARCH)
    assert (result.eligible, result.plan_days, result.fte_days) == (True, 15, Decimal(15))
    assert near(result.factor, Fraction(15, 31))
    assert causes(result) == (Message("incentives.proration.cause.days", days=15, count=31),)


def test_days_before_the_day_of_hire_are_not_in_the_plan_whatever_the_stint_says() -> None:
    # The stint starts 1 March, the hire is on 17 March: 15 days again.
    result = prorate(Eligibility((Stint(date(2026, 3, 1), None),), hired_on=date(2026, 3, 17)), *MARCH)
    assert result.plan_days == 15


def test_leaving_mid_period_stops_the_days() -> None:
    # left_on 11 March (exclusive): 1 to 10 March, 10 days of 31.
    result = prorate(Eligibility((ALWAYS,), left_on=date(2026, 3, 11)), *MARCH)
    assert (result.eligible, result.plan_days) == (True, 10)
    assert near(result.factor, Fraction(10, 31))


def test_part_time_counts_fte_days() -> None:
    # 30 April days at 0.6: 18 fte-days; 18 / 30 = 0.6, a finite decimal, so exactly 0.6.
    result = prorate(Eligibility((Stint(date(2025, 1, 1), None, "sales", Decimal("0.6")),)), *APRIL)
    assert (result.plan_days, result.fte_days, result.factor) == (30, Decimal(18), Decimal("0.6"))
    assert result.teams == (TeamShare("sales", Decimal(1)),)
    assert causes(result) == (Message("incentives.proration.cause.part_time", share=Number(Decimal("0.6"), ".1%")),)


def test_unpaid_leave_removes_its_days() -> None:
    # Leave 6 to 10 April inclusive ([6, 11)): 5 days; 30 - 5 = 25 plan days; 25 / 30 = 5/6.
    leave = Leave(date(2026, 4, 6), date(2026, 4, 11))
    result = prorate(Eligibility((ALWAYS,), leaves=(leave,)), *APRIL)
    assert (result.plan_days, result.fte_days) == (25, Decimal(25))
    assert near(result.factor, Fraction(5, 6))
    assert causes(result) == (
        Message("incentives.proration.cause.days", days=25, count=30),
        Message("incentives.proration.cause.leave", count=5),
    )


def test_a_team_change_mid_period_blends_by_fte_days() -> None:
    # Sales 1 to 10 April (10 days), support from 11 April (20 days): 10/30 and 20/30 of the fte-days. On six places
    # 0.333333 and 0.666666 leave a millionth, which goes to the larger remainder (2/3's 0.67 > 1/3's 0.33).
    stints = (Stint(date(2026, 1, 1), date(2026, 4, 11), "sales"), Stint(date(2026, 4, 11), None, "support"))
    result = prorate(Eligibility(stints), *APRIL)
    assert (result.factor, result.reason) == (Decimal(1), None)
    assert result.teams == (TeamShare("sales", Decimal("0.333333")), TeamShare("support", Decimal("0.666667")))
    assert sum(share.share for share in result.teams) == 1


def test_team_shares_weigh_part_time() -> None:
    # Sales full time 1 to 15 April (15 fte-days), support at 0.5 from 16 April (15 days, 7.5 fte-days):
    # shares 15/22.5 = 2/3 and 7.5/22.5 = 1/3; factor 22.5 / 30 = 0.75.
    stints = (
        Stint(date(2026, 1, 1), date(2026, 4, 16), "sales"),
        Stint(date(2026, 4, 16), None, "support", Decimal("0.5")),
    )
    result = prorate(Eligibility(stints), *APRIL)
    assert (result.fte_days, result.factor) == (Decimal("22.5"), Decimal("0.75"))
    assert result.teams == (TeamShare("sales", Decimal("0.666667")), TeamShare("support", Decimal("0.333333")))


def test_the_ramp_follows_tenure_months_from_the_day_of_hire() -> None:
    # Hired 15 March with (0.5, 0.75): 0.5 to 14 April, 0.75 to 14 May, then 1.
    ramp, hired = Ramp((Decimal("0.5"), Decimal("0.75"))), date(2026, 3, 15)
    assert [ramp_step(ramp, hired, date(2026, 4, day)) for day in (14, 15)] == [Decimal("0.5"), Decimal("0.75")]
    assert [ramp_step(ramp, hired, date(2026, 5, day)) for day in (14, 15)] == [Decimal("0.75"), Decimal(1)]


def test_a_ramp_crossing_a_month_boundary_is_the_day_weighted_mean() -> None:
    eligibility = Eligibility(
        (Stint(date(2026, 3, 15), None),), hired_on=date(2026, 3, 15), ramp=Ramp((Decimal("0.5"), Decimal("0.75")))
    )
    # April: 1-14 at 0.5 (14 days), 15-30 at 0.75 (16 days): (7 + 12) / 30 = 19/30; all 30 days in the plan.
    april = prorate(eligibility, *APRIL)
    assert april.plan_days == 30
    assert near(april.ramp_factor, Fraction(19, 30))
    assert near(april.factor, Fraction(19, 30))
    assert causes(april) == (Message("incentives.proration.cause.ramp", share=Number(april.ramp_factor, ".1%")),)
    # May: 1-14 at 0.75 (14 days, 10.5), 15-31 at 1 (17 days): 27.5 / 31 = 55/62.
    assert near(prorate(eligibility, *MAY).factor, Fraction(55, 62))
    # March: 15-31 (17 days) all at 0.5: ramp 0.5, factor 17/31 * 0.5 = 17/62.
    march = prorate(eligibility, *MARCH)
    assert march.ramp_factor == Decimal("0.5")
    assert near(march.factor, Fraction(17, 62))


def test_a_tenure_month_with_no_such_day_begins_on_the_first_of_the_next_month() -> None:
    # Hired 31 January 2026: there is no 31 February, so month 2 begins 1 March; month 3 on 31 March.
    assert [tenure_month_start(date(2026, 1, 31), month) for month in (1, 2, 3)] == [
        date(2026, 1, 31),
        date(2026, 3, 1),
        date(2026, 3, 31),
    ]
    # Hired 15 December: month 2 begins 15 January of the next year.
    assert tenure_month_start(date(2025, 12, 15), 2) == date(2026, 1, 15)


def test_leaving_before_the_payment_date_is_not_eligible_under_the_rule() -> None:
    # Last day 20 April (left_on 21 April); worked 20 of 30 days.
    eligibility = Eligibility((ALWAYS,), left_on=date(2026, 4, 21), employed_on_payment_date=True)
    gone = prorate(eligibility, *APRIL, payment_date=date(2026, 5, 15))
    assert (gone.eligible, gone.factor, gone.plan_days) == (False, Decimal(0), 20)
    assert gone.reason == Message(
        "incentives.proration.left_before_payment", last_day=date(2026, 4, 20), payment_date=date(2026, 5, 15)
    )
    # Leaving on the payment date itself: not employed on it.
    assert not prorate(eligibility, *APRIL, payment_date=date(2026, 4, 21)).eligible


def test_leaving_after_the_payment_date_is_eligible_under_the_rule() -> None:
    # Paid on 15 April, still employed (left_on 21 April): 20 / 30 = 2/3.
    eligibility = Eligibility((ALWAYS,), left_on=date(2026, 4, 21), employed_on_payment_date=True)
    paid = prorate(eligibility, *APRIL, payment_date=date(2026, 4, 15))
    assert paid.eligible
    assert near(paid.factor, Fraction(2, 3))


def test_without_the_rule_leaving_before_payment_still_pays_the_days() -> None:
    result = prorate(Eligibility((ALWAYS,), left_on=date(2026, 4, 21)), *APRIL, payment_date=date(2026, 5, 15))
    assert result.eligible
    assert near(result.factor, Fraction(2, 3))


def test_the_rule_needs_a_payment_date() -> None:
    with pytest.raises(ValueError, match="payment date"):
        prorate(Eligibility((ALWAYS,), employed_on_payment_date=True), *APRIL)


def test_stints_that_do_not_touch_the_period_are_not_eligible() -> None:
    # Ends 1 April (exclusive): last day 31 March, not in April.
    result = prorate(Eligibility((Stint(date(2026, 1, 1), date(2026, 4, 1)),)), *APRIL)
    assert (result.eligible, result.plan_days, result.factor, result.teams) == (False, 0, Decimal(0), ())
    assert result.reason == Message(
        "incentives.proration.not_in_period", first=date(2026, 4, 1), last=date(2026, 4, 30)
    )


def test_a_period_spent_on_leave_is_not_eligible() -> None:
    result = prorate(Eligibility((ALWAYS,), leaves=(Leave(date(2026, 3, 20), date(2026, 5, 10)),)), *APRIL)
    assert (result.eligible, result.factor) == (False, Decimal(0))
    assert result.reason == Message("incentives.proration.no_plan_days", first=date(2026, 4, 1), last=date(2026, 4, 30))


def test_overlapping_stints_are_refused_with_their_dates() -> None:
    first, second = Stint(date(2026, 1, 1), date(2026, 3, 15), "sales"), Stint(date(2026, 3, 10), None, "support")
    with pytest.raises(OverlappingStints) as refused:
        Eligibility((second, first))
    assert isinstance(refused.value, ValueError)
    assert refused.value.message == Message(
        "incentives.proration.overlapping_stints",
        first_start=date(2026, 1, 1),
        second_start=date(2026, 3, 10),
    )
    with pytest.raises(OverlappingStints):  # an open stint overlaps any later one
        Eligibility((ALWAYS, Stint(date(2030, 1, 1), date(2030, 2, 1))))
    Eligibility((Stint(date(2026, 1, 1), date(2026, 3, 15)), Stint(date(2026, 3, 15), None)))  # adjacent: fine


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Stint(date(2026, 3, 1), date(2026, 3, 1)), "end after it starts"),
        (lambda: Stint(date(2026, 3, 1), None, fte=Decimal(0)), "fte"),
        (lambda: Stint(date(2026, 3, 1), None, fte=Decimal("1.2")), "fte"),
        (lambda: Leave(date(2026, 3, 2), date(2026, 3, 1)), "end after it starts"),
        (lambda: Ramp((Decimal("0.5"), Decimal("1.5"))), "ramp step 2"),
        (lambda: Eligibility((ALWAYS,), ramp=Ramp((Decimal("0.5"),))), "hired_on"),
        (lambda: Eligibility((ALWAYS,), hired_on=date(2026, 3, 1), left_on=date(2026, 3, 1)), "left_on"),
        (lambda: prorate(Eligibility((ALWAYS,)), date(2026, 4, 1), date(2026, 4, 1)), "end after it starts"),
    ],
)
def test_impossible_inputs_are_refused(make: Callable[[], object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        make()


@pytest.mark.parametrize("language", list(Language))
def test_every_reason_renders_in_every_language(language: Language) -> None:
    leave = Leave(date(2026, 4, 6), date(2026, 4, 11))
    stints = (Stint(date(2026, 3, 15), None, fte=Decimal("0.8")),)
    ramp = Ramp((Decimal("0.5"),))
    reduced = prorate(Eligibility(stints, (leave,), hired_on=date(2026, 3, 15), ramp=ramp), *APRIL).reason
    assert reduced is not None
    assert len(reduced.values["causes"]) == 4
    first = Stint(date(2026, 1, 1), date(2026, 3, 15))
    overlap = OverlappingStints(first, Stint(date(2026, 3, 10), None)).message
    for message in (reduced, overlap):
        assert "{" not in render(message, language)


DAY_ZERO = date(2026, 1, 1)


@st.composite
def eligibilities(draw: st.DrawFn) -> Eligibility:
    """Up to three stints one after the other with gaps, leaves, a hire and leaving day and a ramp, all within
    a hundred days of DAY_ZERO."""
    day, stints = draw(st.integers(0, 30)), []
    for _ in range(draw(st.integers(1, 3))):
        length = draw(st.integers(1, 40))
        fte = draw(st.sampled_from([Decimal(1), Decimal("0.6"), Decimal("0.5")]))
        stints.append(
            Stint(DAY_ZERO + timedelta(day), DAY_ZERO + timedelta(day + length), draw(st.sampled_from("ab")), fte)
        )
        day += length + draw(st.integers(0, 5))
    leaves = tuple(
        Leave(DAY_ZERO + timedelta(start), DAY_ZERO + timedelta(start + length))
        for start, length in draw(st.lists(st.tuples(st.integers(0, 100), st.integers(1, 10)), max_size=3))
    )
    hired = DAY_ZERO + timedelta(draw(st.integers(0, 40)))
    left = draw(st.one_of(st.none(), st.integers(1, 60).map(lambda days: hired + timedelta(days))))
    return Eligibility(tuple(stints), leaves, hired, left, Ramp((Decimal("0.25"), Decimal("0.5"))))


@settings(max_examples=150, deadline=None)
@given(eligibilities(), st.integers(0, 60), st.integers(1, 45))
def test_the_walk_agrees_with_counting_day_by_day(eligibility: Eligibility, offset: int, length: int) -> None:
    start = DAY_ZERO + timedelta(offset)
    end = start + timedelta(length)
    assert eligibility.hired_on is not None
    assert eligibility.ramp is not None
    plan_days, fte_days, paid_days = 0, Fraction(0), Fraction(0)
    for number in range(length):  # the reference: every day judged on its own
        day = start + timedelta(number)
        stint = [stint for stint in eligibility.stints if stint.start <= day and (stint.end is None or day < stint.end)]
        gone = eligibility.left_on is not None and day >= eligibility.left_on
        on_leave = any(leave.start <= day < leave.end for leave in eligibility.leaves)
        if stint and day >= eligibility.hired_on and not gone and not on_leave:
            plan_days += 1
            fte_days += Fraction(stint[0].fte)
            paid_days += Fraction(stint[0].fte) * Fraction(ramp_step(eligibility.ramp, eligibility.hired_on, day))
    result = prorate(eligibility, start, end)
    assert (result.period_days, result.plan_days, Fraction(result.fte_days)) == (length, plan_days, fte_days)
    assert result.eligible == (plan_days > 0)
    if plan_days:
        assert near(result.factor, paid_days / length)  # each day's fte times its ramp step
        assert sum(share.share for share in result.teams) == 1
    assert 0 <= result.factor <= 1
