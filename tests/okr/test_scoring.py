"""Key result scoring, worked out by hand for every kind and direction (docs/okrs.md#scoring)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilot.okr import Colour, Direction, Grading, Measure, grade, progress
from kpilot.okr.scoring import milestones_progress, stretch_progress

F = Fraction


def measure(direction: str, baseline: float, target: float, **more: float) -> Measure:
    return Measure.of(Direction(direction), baseline, target, **more)


# Increasing: 100 -> 200. Decreasing: 40 -> 10 (lower is better). Each value's progress by hand.
@pytest.mark.parametrize(
    ("direction", "baseline", "target", "value", "raw", "graded"),
    [
        ("increase", 100, 200, 100, F(0), F(0)),  # on the baseline
        ("increase", 100, 200, 150, F(1, 2), F(1, 2)),
        ("increase", 100, 200, 200, F(1), F(1)),  # exactly on the target
        ("increase", 100, 200, 80, F(-1, 5), F(0)),  # before the baseline: (80-100)/100
        ("increase", 100, 200, 260, F(8, 5), F(1)),  # past the target: raw kept, the grade clamped
        ("decrease", 40, 10, 40, F(0), F(0)),
        ("decrease", 40, 10, 25, F(1, 2), F(1, 2)),  # (25-40)/(10-40) = -15/-30
        ("decrease", 40, 10, 10, F(1), F(1)),
        ("decrease", 40, 10, 46, F(-1, 5), F(0)),  # worse than the baseline: (46-40)/(-30)
        ("decrease", 40, 10, 4, F(6, 5), F(1)),  # better than the target: (4-40)/(-30)
        # Stay above 95 (an uptime): held at or above the line, whatever the baseline.
        ("stay_above", 97, 95, 95, F(1), F(1)),
        ("stay_above", 97, 95, 99, F(1), F(1)),  # further above counts no more
        ("stay_above", 97, 95, 94, F(0), F(0)),  # held at the start, lost: 0
        ("stay_above", 90, 95, 92, F(2, 5), F(2, 5)),  # started below: (92-90)/(95-90)
        ("stay_above", 90, 95, 88, F(-2, 5), F(0)),
        # Stay below 5 (a churn rate in %).
        ("stay_below", 4, 5, 5, F(1), F(1)),
        ("stay_below", 4, 5, 6, F(0), F(0)),
        ("stay_below", 8, 5, 6, F(2, 3), F(2, 3)),  # (6-8)/(5-8)
    ],
)
def test_progress_by_direction(
    direction: str, baseline: float, target: float, value: float, raw: Fraction, graded: Fraction
) -> None:
    found = progress(measure(direction, baseline, target), value)
    assert found == raw
    assert grade(found) == graded


@pytest.mark.parametrize(
    ("baseline", "value", "raw"),
    [
        (30, 30, F(1)),  # on the lower line
        (30, 35, F(1)),  # inside
        (30, 40, F(1)),  # on the upper line
        (30, 41, F(0)),  # started inside, went above
        (30, 29, F(0)),  # started inside, went below
        (20, 25, F(1, 2)),  # started below the band [30, 40]: (25-20)/(30-20)
        (50, 45, F(1, 2)),  # started above: (45-50)/(40-50)
        (50, 25, F(0)),  # from above to below the band: the lower line was held at the start, lost
    ],
)
def test_stay_within_is_both_lines(baseline: float, value: float, raw: Fraction) -> None:
    assert progress(measure("stay_within", baseline, 30, upper=40), value) == raw


def test_exact_on_a_decimal_target() -> None:
    """0.1 + 0.2 is not 0.3 in floats; a rate exactly on its target still scores exactly 100%."""
    assert progress(measure("increase", 0.1, 0.3), 0.1 + 0.2) != 1  # the float sum is 0.30000000000000004
    assert progress(measure("increase", 0.1, 0.3), 0.3) == 1
    assert progress(Measure.of(Direction.INCREASE, Decimal("0.1"), Decimal("0.3")), Decimal("0.3")) == 1


def test_stretch_is_its_own_scale() -> None:
    kr = measure("increase", 100, 200, stretch=300)
    assert progress(kr, 300) == 2  # past the target: raw 2, graded 1
    assert grade(progress(kr, 300)) == 1
    assert stretch_progress(kr, 300) == 1  # exactly on the stretch
    assert stretch_progress(kr, 350) == F(5, 4)  # past it
    assert stretch_progress(kr, 150) == F(1, 4)
    assert stretch_progress(measure("increase", 100, 200), 150) is None
    lower = measure("decrease", 40, 10, stretch=5)
    assert stretch_progress(lower, 5) == 1
    assert stretch_progress(lower, 22.5) == F(1, 2)  # (22.5-40)/(5-40)


def test_milestones_share_done() -> None:
    assert milestones_progress(3, 4) == F(3, 4)
    assert milestones_progress(0, 4) == 0
    assert milestones_progress(0, 0) is None  # a set with no milestones: empty, not 0 or 100%


@pytest.mark.parametrize(
    ("kr", "field", "code"),
    [
        (("increase", 100, 100), "target", "okr.target_not_above_baseline"),
        (("increase", 100, 90), "target", "okr.target_not_above_baseline"),
        (("decrease", 10, 20), "target", "okr.target_not_below_baseline"),
        (("increase", 100, 200, {"stretch": 150}), "stretch", "okr.stretch_not_beyond_target"),
        (("decrease", 40, 10, {"stretch": 20}), "stretch", "okr.stretch_not_beyond_target"),
        (("stay_above", 97, 95, {"stretch": 99}), "stretch", "okr.stretch_on_stay"),
        (("stay_within", 35, 30), "upper", "okr.band_needs_upper"),
        (("stay_within", 35, 30, {"upper": 20}), "upper", "okr.band_upside_down"),
        (("increase", 1, 2, {"upper": 3}), "upper", "okr.upper_without_band"),
    ],
)
def test_measures_that_cannot_be_scored(kr: tuple, field: str, code: str) -> None:  # type: ignore[type-arg]
    direction, baseline, target, *more = kr
    found = measure(direction, baseline, target, **(more[0] if more else {})).problems()
    assert [(where, message.code) for where, message in found] == [(field, code)]


def test_grading_colours_classic_and_custom() -> None:
    classic = Grading()
    assert classic.colour(F(7, 10)) is Colour.GREEN
    assert classic.colour(F(69, 100)) is Colour.YELLOW
    assert classic.colour(F(4, 10)) is Colour.YELLOW
    assert classic.colour(F(39, 100)) is Colour.RED
    strict = Grading(green=F(9, 10), yellow=F(6, 10))
    assert strict.colour(F(8, 10)) is Colour.YELLOW
    assert strict.problems() == []
    assert [m.code for _, m in Grading(green=F(3, 10), yellow=F(5, 10)).problems()] == ["okr.grading_out_of_order"]


numbers = st.integers(min_value=-10_000, max_value=10_000)


@given(baseline=numbers, distance=st.integers(min_value=1, max_value=5_000), a=numbers, b=numbers)
def test_progress_is_monotone_in_the_good_direction(baseline: int, distance: int, a: int, b: int) -> None:
    """A better value never scores less: up for increase and stay above, down for decrease and stay below."""
    low, high = sorted((a, b))
    for direction, target in (
        ("increase", baseline + distance),
        ("stay_above", baseline + distance),
        ("stay_above", baseline - distance),
    ):
        kr = measure(direction, baseline, target)
        assert progress(kr, low) <= progress(kr, high)
        assert grade(progress(kr, low)) <= grade(progress(kr, high))
    for direction, target in (
        ("decrease", baseline - distance),
        ("stay_below", baseline - distance),
        ("stay_below", baseline + distance),
    ):
        kr = measure(direction, baseline, target)
        assert progress(kr, high) <= progress(kr, low)
        assert grade(progress(kr, high)) <= grade(progress(kr, low))
