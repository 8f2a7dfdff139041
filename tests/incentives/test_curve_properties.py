"""Properties of payout curves and of allocation, over random sound curves and random splits.

Curves are built sound by construction (sorted points with non-decreasing payouts; sorted tiers with rates >= 0,
non-decreasing where the mode reprices earlier attainment: FLAT everywhere, RETROACTIVE past `retroactive_from`),
so the properties also check that `curve_problems` accepts them. The exact share of an allocation is computed with
`fractions.Fraction`, independently of the code under test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from kpilot.incentives.curves import Curve, Interpolation, Point, Tier, TierMode, curve_problems, read_curve
from kpilot.incentives.money import allocate

# Hundredths: attainments 0..3 and payouts / rates 0..2 in steps of 0.01, like the figures plans are written with.
hundredths = st.integers(min_value=0, max_value=300).map(lambda n: Decimal(n) / 100)
small_hundredths = st.integers(min_value=0, max_value=200).map(lambda n: Decimal(n) / 100)
attainments = st.integers(min_value=-50, max_value=400).map(lambda n: Decimal(n) / 100)


@st.composite
def points_curves(draw: st.DrawFn) -> Curve:
    positions = sorted(draw(st.sets(hundredths, min_size=1, max_size=6)))
    rises = draw(st.lists(small_hundredths, min_size=len(positions), max_size=len(positions)))
    payouts = [sum(rises[: index + 1], Decimal(0)) for index in range(len(rises))]  # running sums: never fall
    interpolation = draw(st.sampled_from(Interpolation))
    return draw(limited(Curve(points=tuple(map(Point, positions, payouts)), interpolation=interpolation)))


@st.composite
def tiers_curves(draw: st.DrawFn) -> Curve:
    starts = sorted(draw(st.sets(hundredths, min_size=1, max_size=5)))
    rates = draw(st.lists(small_hundredths, min_size=len(starts), max_size=len(starts)))
    mode = draw(st.sampled_from(TierMode))
    since = draw(hundredths) if mode is TierMode.RETROACTIVE else None
    for index in range(1, len(rates)):
        repriced = mode is TierMode.FLAT or (since is not None and starts[index] > since)
        if repriced:
            rates[index] = max(rates[index], rates[index - 1])
    tiers = tuple(map(Tier, starts, rates))
    return draw(limited(Curve(tiers=tiers, tier_mode=mode, retroactive_from=since)))


@st.composite
def limited(draw: st.DrawFn, curve: Curve) -> Curve:
    """`curve` with a random threshold, floor and cap (the cap at or above the floor), each maybe absent."""
    threshold = draw(st.none() | hundredths)
    floor = draw(st.none() | small_hundredths)
    cap = draw(st.none() | small_hundredths)
    if floor is not None and cap is not None and cap < floor:
        floor, cap = cap, floor
    return Curve(
        points=curve.points,
        interpolation=curve.interpolation,
        tiers=curve.tiers,
        tier_mode=curve.tier_mode,
        retroactive_from=curve.retroactive_from,
        threshold=threshold,
        floor=floor,
        cap=cap,
    )


curves = points_curves() | tiers_curves()


@given(curves, attainments, attainments)
def test_payout_never_falls_as_attainment_rises(curve: Curve, first: Decimal, second: Decimal) -> None:
    assert curve_problems(curve) == ()
    low, high = sorted((first, second))
    assert read_curve(curve, low).payout <= read_curve(curve, high).payout


@given(curves, attainments)
def test_payout_stays_between_floor_and_cap(curve: Curve, attainment: Decimal) -> None:
    payout = read_curve(curve, attainment).payout
    if curve.cap is not None:
        assert payout <= curve.cap
    if curve.floor is not None:
        assert payout >= curve.floor
    assert payout >= 0


PLACES = {"EUR": 2, "JPY": 0, "KWD": 3}  # ISO 4217 minor units, written out rather than asked of the code
currencies = st.sampled_from(sorted(PLACES))
weights = st.lists(st.integers(min_value=0, max_value=100_000).map(lambda n: Decimal(n) / 100), min_size=1, max_size=8)


@given(st.integers(min_value=-(10**9), max_value=10**9), weights, currencies)
def test_allocation_adds_up_and_stays_within_a_minor_unit(units: int, parts_weights: list[Decimal], code: str) -> None:
    if not any(parts_weights):
        parts_weights = [*parts_weights[:-1], Decimal(1)]
    total = Decimal(units).scaleb(-PLACES[code])
    parts = allocate(total, parts_weights, code)
    assert sum(parts, Decimal(0)) == total
    unit = Fraction(1, 10 ** PLACES[code])
    weight_sum = sum(map(Fraction, parts_weights), Fraction(0))
    for part, weight in zip(parts, parts_weights, strict=True):
        exact = Fraction(total) * Fraction(weight) / weight_sum
        assert abs(Fraction(part) - exact) < unit
        assert (Fraction(part) / unit).denominator == 1  # a whole number of minor units
