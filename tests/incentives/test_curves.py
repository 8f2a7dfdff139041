"""Payout curves read by hand: every kind and mode, threshold, floor and cap, the default curve, the value of the
next point, attainment rounding, and the problems of unsound curves. The arithmetic is in each case's comment."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from kpilot.errors import UserError
from kpilot.i18n import Language, render
from kpilot.incentives.curves import (
    DEFAULT_CURVE,
    Curve,
    Interpolation,
    Point,
    Tier,
    TierMode,
    attainment_decimal,
    curve_problems,
    next_point_value,
    read_curve,
)

D = Decimal


def points(*pairs: tuple[str, str]) -> tuple[Point, ...]:
    return tuple(Point(D(a), D(p)) for a, p in pairs)


def tiers(*pairs: tuple[str, str]) -> tuple[Tier, ...]:
    return tuple(Tier(D(s), D(r)) for s, r in pairs)


LINEAR = Curve(points=points(("0.5", "0.2"), ("1", "1"), ("1.5", "1.6")))
PRO_RATA = Curve(points=points(("0", "0"), ("1", "1"), ("2", "1.5")))
STEP = Curve(points=points(("0.8", "0.5"), ("1", "1"), ("1.2", "1.5")), interpolation=Interpolation.STEP)
THREE_TIERS = tiers(("0", "0.5"), ("1", "1.5"), ("1.2", "2"))


@pytest.mark.parametrize(
    ("curve", "attainment", "payout", "segment"),
    [
        # between (0.5, 0.2) and (1, 1): 0.2 + (0.75 - 0.5) * (1 - 0.2) / (1 - 0.5) = 0.2 + 0.4 = 0.6
        (LINEAR, "0.75", "0.6", ("0.5", "1")),
        # on a point: its payout, read on the segment that starts there
        (LINEAR, "1", "1", ("1", "1.5")),
        # below the first point (0.5): 0, on the range from 0 to it
        (LINEAR, "0.4", "0", ("0", "0.5")),
        # above the last point (1.5, 1.6): the last payout
        (LINEAR, "2", "1.6", ("1.5", None)),
        # from (0, 0): pro rata, 0.3 pays 0.3; 1.5 pays 1 + (1.5 - 1) * (1.5 - 1) / (2 - 1) = 1.25
        (PRO_RATA, "0.3", "0.3", ("0", "1")),
        (PRO_RATA, "1.5", "1.25", ("1", "2")),
        # negative attainment is read as 0: on (0, 0) that pays 0
        (PRO_RATA, "-0.2", "0", ("0", "1")),
        # steps: the highest point at or below the attainment; 0 below the first
        (STEP, "0.79", "0", ("0", "0.8")),
        (STEP, "0.8", "0.5", ("0.8", "1")),
        (STEP, "0.99", "0.5", ("0.8", "1")),
        (STEP, "1.19", "1", ("1", "1.2")),
        (STEP, "1.3", "1.5", ("1.2", None)),
    ],
)
def test_points_curves(curve: Curve, attainment: str, payout: str, segment: tuple[str, str | None]) -> None:
    reading = read_curve(curve, D(attainment))
    assert reading.payout == D(payout)
    assert reading.raw == D(payout)
    assert reading.segment == (D(segment[0]), None if segment[1] is None else D(segment[1]))
    assert reading.attainment == D(attainment)  # as given, even when negative


@pytest.mark.parametrize(
    ("mode", "retroactive_from", "attainment", "payout", "segment"),
    [
        # BANDED, tiers (0, 0.5), (1, 1.5), (1.2, 2): each rate on its band
        (TierMode.BANDED, None, "0.6", "0.3", ("0", "1")),  # 0.5 * 0.6
        (TierMode.BANDED, None, "1.1", "0.65", ("1", "1.2")),  # 0.5 * 1 + 1.5 * 0.1
        (TierMode.BANDED, None, "1.3", "1.0", ("1.2", None)),  # 0.5 * 1 + 1.5 * 0.2 + 2 * 0.1
        # FLAT: the reached rate on all of attainment
        (TierMode.FLAT, None, "0.6", "0.3", ("0", "1")),  # 0.5 * 0.6
        (TierMode.FLAT, None, "1.1", "1.65", ("1", "1.2")),  # 1.5 * 1.1
        (TierMode.FLAT, None, "1.3", "2.6", ("1.2", None)),  # 2 * 1.3
        # RETROACTIVE from 1: banded below 1, then the reached rate on all attainment above 1
        (TierMode.RETROACTIVE, "1", "0.6", "0.3", ("0", "1")),  # 0.5 * 0.6
        (TierMode.RETROACTIVE, "1", "1.1", "0.65", ("1", "1.2")),  # 0.5 * 1 + 1.5 * 0.1
        (TierMode.RETROACTIVE, "1", "1.3", "1.1", ("1.2", None)),  # 0.5 * 1 + 2 * 0.3
        # RETROACTIVE from 0.8: the tier at 1 reaches back to 0.8
        (TierMode.RETROACTIVE, "0.8", "0.9", "0.45", ("0", "1")),  # tier 1 (start 0 < 0.8): banded, 0.5 * 0.9
        (TierMode.RETROACTIVE, "0.8", "1.1", "0.85", ("1", "1.2")),  # 0.5 * 0.8 + 1.5 * (1.1 - 0.8)
        (TierMode.RETROACTIVE, "0.8", "1.3", "1.4", ("1.2", None)),  # 0.5 * 0.8 + 2 * (1.3 - 0.8)
    ],
)
def test_tiers_curves(
    mode: TierMode, retroactive_from: str | None, attainment: str, payout: str, segment: tuple[str, str | None]
) -> None:
    since = None if retroactive_from is None else D(retroactive_from)
    reading = read_curve(Curve(tiers=THREE_TIERS, tier_mode=mode, retroactive_from=since), D(attainment))
    assert reading.payout == D(payout)
    assert reading.segment == (D(segment[0]), None if segment[1] is None else D(segment[1]))


def test_tiers_starting_above_zero_pay_nothing_below_the_first() -> None:
    # tiers (0.5, 1), (1, 2), banded: 0.4 is below the first tier (0 on the range 0..0.5); 1.2 pays
    # 1 * (1 - 0.5) + 2 * (1.2 - 1) = 0.9
    curve = Curve(tiers=tiers(("0.5", "1"), ("1", "2")))
    below = read_curve(curve, D("0.4"))
    assert (below.payout, below.segment) == (D(0), (D(0), D("0.5")))
    assert read_curve(curve, D("1.2")).payout == D("0.9")


# (0, 0), (1, 1), (2, 2) pays the attainment itself, so threshold, floor and cap are easy to follow.
IDENTITY = points(("0", "0"), ("1", "1"), ("2", "2"))


@pytest.mark.parametrize(
    ("curve", "attainment", "raw", "payout", "flags"),
    [
        # threshold 0.5: 0.4 is below it, raw 0.4 is shown, 0 paid; 0.5 is at it and pays 0.5
        (Curve(points=IDENTITY, threshold=D("0.5")), "0.4", "0.4", "0", (True, False, False)),
        (Curve(points=IDENTITY, threshold=D("0.5")), "0.5", "0.5", "0.5", (False, False, False)),
        # floor 0.3: 0.2 is raised to 0.3; 0.5 is above the floor and pays itself
        (Curve(points=IDENTITY, floor=D("0.3")), "0.2", "0.2", "0.3", (False, True, False)),
        (Curve(points=IDENTITY, floor=D("0.3")), "0.5", "0.5", "0.5", (False, False, False)),
        # cap 1.5: 1.8 is cut to 1.5; 1.2 is below the cap
        (Curve(points=IDENTITY, cap=D("1.5")), "1.8", "1.8", "1.5", (False, False, True)),
        (Curve(points=IDENTITY, cap=D("1.5")), "1.2", "1.2", "1.2", (False, False, False)),
        # threshold 0.5 and floor 0.25: 0.4 is below the threshold (0), then the guarantee pays 0.25
        (Curve(points=IDENTITY, threshold=D("0.5"), floor=D("0.25")), "0.4", "0.4", "0.25", (True, True, False)),
        (Curve(points=IDENTITY, threshold=D("0.5"), floor=D("0.25")), "0.6", "0.6", "0.6", (False, False, False)),
        # floor 0.5 then cap 1: min(1, max(0.5, 1.4)) = 1
        (Curve(points=IDENTITY, floor=D("0.5"), cap=D(1)), "1.4", "1.4", "1", (False, False, True)),
    ],
)
def test_threshold_floor_and_cap(
    curve: Curve, attainment: str, raw: str, payout: str, flags: tuple[bool, bool, bool]
) -> None:
    reading = read_curve(curve, D(attainment))
    assert (reading.raw, reading.payout) == (D(raw), D(payout))
    assert (reading.below_threshold, reading.floored, reading.capped) == flags


@pytest.mark.parametrize(
    ("attainment", "payout", "below", "capped"),
    [
        ("0.79", "0", True, False),  # below the 80 % threshold (and the first point)
        ("0.8", "0.5", False, False),  # the first point
        ("0.9", "0.75", False, False),  # 0.5 + 0.1 * (1 - 0.5) / 0.2
        ("1.0", "1", False, False),  # the second point
        ("1.1", "1.5", False, False),  # 1 + 0.1 * (2 - 1) / 0.2
        ("1.2", "2", False, True),  # the last point, at the cap
        ("1.5", "2", False, True),  # above the last point: its payout, the cap
    ],
)
def test_default_curve(attainment: str, payout: str, below: bool, capped: bool) -> None:
    reading = read_curve(DEFAULT_CURVE, D(attainment))
    assert reading.payout == D(payout)
    assert (reading.below_threshold, reading.capped) == (below, capped)


@pytest.mark.parametrize(
    ("curve", "attainment", "step", "value"),
    [
        (DEFAULT_CURVE, "0.9", "0.01", "0.025"),  # 0.91 pays 0.5 + 0.11 * 2.5 = 0.775; 0.775 - 0.75
        (DEFAULT_CURVE, "1.0", "0.01", "0.05"),  # 1.01 pays 1 + 0.01 * 5 = 1.05; 1.05 - 1
        (DEFAULT_CURVE, "0.79", "0.01", "0.5"),  # crossing the threshold: 0.5 - 0
        (DEFAULT_CURVE, "0.5", "0.01", "0"),  # far below the threshold
        (DEFAULT_CURVE, "1.2", "0.01", "0"),  # at the cap
        (DEFAULT_CURVE, "1.5", "0.01", "0"),  # above the cap
        (STEP, "0.95", "0.1", "0.5"),  # 1.05 pays 1, 0.95 pays 0.5
        (Curve(tiers=THREE_TIERS), "1.1", "0.01", "0.015"),  # banded in the 1.5 band: 1.5 * 0.01
    ],
)
def test_next_point_value(curve: Curve, attainment: str, step: str, value: str) -> None:
    assert next_point_value(curve, D(attainment), D(step)) == D(value)


def test_next_point_value_is_one_percent_by_default() -> None:
    assert next_point_value(DEFAULT_CURVE, D("0.9")) == D("0.025")  # as with step 0.01 above


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.80015, "0.8002"),  # a half: 1 is odd, up to 2
        (0.80025, "0.8002"),  # a half: 2 is even, stays
        (1.23456, "1.2346"),  # above a half: up
        (1.23454, "1.2345"),  # below a half: down
        (0.1 + 0.2, "0.3000"),  # 0.30000000000000004: binary noise does not show
        (1, "1.0000"),
        (-0.5, "-0.5000"),  # negative stays as computed (the curve reads it as 0)
    ],
)
def test_attainment_decimal(value: float, expected: str) -> None:
    result = attainment_decimal(value)
    assert result == D(expected)
    assert str(result) == expected  # quantized to 0.0001: four places, always


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_attainment_decimal_refuses_non_finite(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        attainment_decimal(value)


@pytest.mark.parametrize(
    ("curve", "code"),
    [
        (Curve(), "incentives.curve.empty"),
        (Curve(points=IDENTITY, tiers=THREE_TIERS), "incentives.curve.both_points_and_tiers"),
        (Curve(points=points(("0.5", "0"), ("0.5", "1"))), "incentives.curve.point_not_increasing"),
        (Curve(points=points(("1", "0"), ("0.5", "1"))), "incentives.curve.point_not_increasing"),
        (Curve(points=points(("0", "0"), ("1", "1"), ("1.2", "0.9"))), "incentives.curve.payout_falls"),
        (Curve(points=points(("-0.1", "0"), ("1", "1"))), "incentives.curve.negative_attainment"),
        (Curve(points=points(("0", "-0.1"), ("1", "1"))), "incentives.curve.negative_payout"),
        (Curve(tiers=tiers(("0", "1"), ("0", "2"))), "incentives.curve.tier_not_increasing"),
        (Curve(tiers=tiers(("-0.5", "1"), ("0", "2"))), "incentives.curve.negative_start"),
        (Curve(tiers=tiers(("0", "1"), ("1", "-1"))), "incentives.curve.negative_rate"),
        (Curve(tiers=tiers(("0", "1"), ("1", "0.5")), tier_mode=TierMode.FLAT), "incentives.curve.flat_rate_falls"),
        (
            Curve(
                tiers=tiers(("0", "1"), ("1", "2"), ("1.2", "1.5")),
                tier_mode=TierMode.RETROACTIVE,
                retroactive_from=D(1),
            ),
            "incentives.curve.retroactive_rate_falls",
        ),
        (Curve(points=IDENTITY, threshold=D("-0.1")), "incentives.curve.negative_threshold"),
        (Curve(points=IDENTITY, cap=D(-1)), "incentives.curve.negative_limit"),
        (Curve(points=IDENTITY, floor=D(-1)), "incentives.curve.negative_limit"),
        (Curve(points=IDENTITY, floor=D(1), cap=D("0.5")), "incentives.curve.cap_below_floor"),
        (Curve(tiers=THREE_TIERS, retroactive_from=D(1)), "incentives.curve.retroactive_from_unused"),
        (Curve(tiers=THREE_TIERS, tier_mode=TierMode.RETROACTIVE), "incentives.curve.retroactive_from_missing"),
        (
            Curve(tiers=THREE_TIERS, tier_mode=TierMode.RETROACTIVE, retroactive_from=D(-1)),
            "incentives.curve.negative_retroactive_from",
        ),
        (Curve(points=IDENTITY, cap=D("NaN")), "incentives.curve.not_finite"),
        (Curve(points=points(("0", "0"), ("Infinity", "1"))), "incentives.curve.not_finite"),
    ],
)
def test_each_problem_has_its_code(curve: Curve, code: str) -> None:
    assert [problem.code for problem in curve_problems(curve)] == [code]


def test_a_problem_names_where_and_how_to_fix() -> None:
    curve = Curve(points=points(("0.8", "0.5"), ("1", "1.0"), ("1.2", "0.9")))
    (problem,) = curve_problems(curve)
    assert dict(problem.values) == {"number": 3, "payout": D("0.9"), "previous": 2, "previous_payout": D("1.0")}
    assert render(problem, Language.EN) == (
        "point 3 pays 0.9, less than point 2's 1: a payout curve may not fall as attainment rises"
    )


def test_every_problem_of_a_curve_is_listed() -> None:
    curve = Curve(points=points(("1", "1"), ("0.5", "0.5")), threshold=D(-1), floor=D(2), cap=D(1))
    codes = {problem.code for problem in curve_problems(curve)}
    assert codes == {
        "incentives.curve.point_not_increasing",
        "incentives.curve.payout_falls",
        "incentives.curve.negative_threshold",
        "incentives.curve.cap_below_floor",
    }


@pytest.mark.parametrize(
    "curve",
    [
        DEFAULT_CURVE,
        LINEAR,
        PRO_RATA,
        STEP,
        Curve(tiers=THREE_TIERS),
        Curve(tiers=THREE_TIERS, tier_mode=TierMode.FLAT),
        Curve(tiers=THREE_TIERS, tier_mode=TierMode.RETROACTIVE, retroactive_from=D(1)),
        # a lower rate below retroactive_from is paid banded, and one starting at it reprices nothing: no fall
        Curve(
            tiers=tiers(("0", "1"), ("0.5", "0.5"), ("1", "2")), tier_mode=TierMode.RETROACTIVE, retroactive_from=D(1)
        ),
        Curve(tiers=tiers(("0", "1"), ("1", "0.5")), tier_mode=TierMode.RETROACTIVE, retroactive_from=D(1)),
        Curve(points=IDENTITY, floor=D(1), cap=D(1), threshold=D(0)),  # floor equal to cap: a fixed payout
    ],
)
def test_sound_curves_have_no_problems(curve: Curve) -> None:
    assert curve_problems(curve) == ()


def test_reading_an_unsound_curve_is_refused() -> None:
    with pytest.raises(UserError) as raised:
        read_curve(Curve(), D(1))
    assert raised.value.code == "incentives.curve.empty"
