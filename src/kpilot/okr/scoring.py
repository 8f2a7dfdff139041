"""A key result's progress and grade (docs/okrs.md#scoring).

    progress = (value - baseline) / (target - baseline)

for a key result that moves a value: increasing (target above baseline) or decreasing (target below it). The same
formula is right in sign for both: a decreasing key result whose value fell from the baseline half way to the
target has progress 0.5. Raw progress is kept as it is: it is negative before the baseline and passes 1 past the
target. The grade is raw progress clamped to 0..1.

A "stay" key result holds a line all cycle long: it is done (1) while the value is on the right side of the line.
On the wrong side, when the baseline was on the wrong side too, it is the share of the way from the baseline to the
line (the same formula); when the baseline was already on the right side, the line was lost and progress is 0.
Being further inside does not count more: progress never passes 1. "Stay within" is both lines at once, the lower
(`target`) and the upper (`upper`): its progress is the lesser of the two.

A stretch, when there is one, is scored on the same scale: `stretch_progress` is (value - baseline) /
(stretch - baseline). It never changes the grade, which reaches 1 at the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from kpilot.i18n import Message
from kpilot.okr.kinds import Colour, Direction
from kpilot.okr.numbers import Number, exact, share

ZERO = Fraction(0)
ONE = Fraction(1)


@dataclass(frozen=True)
class Measure:
    """How a numeric key result (measured by a KPI, or typed) is scored."""

    direction: Direction
    baseline: Fraction
    target: Fraction  # for stay_within, the band's lower bound
    stretch: Fraction | None = None
    upper: Fraction | None = None  # for stay_within only: the band's upper bound

    @classmethod
    def of(
        cls,
        direction: Direction,
        baseline: Number,
        target: Number,
        stretch: Number | None = None,
        upper: Number | None = None,
    ) -> Measure:
        return cls(
            direction,
            exact(baseline),
            exact(target),
            None if stretch is None else exact(stretch),
            None if upper is None else exact(upper),
        )

    def problems(self) -> list[tuple[str, Message]]:
        """What makes the measure unusable, as (field, message): a target on the wrong side of the baseline, a
        stretch short of the target, a band upside down. Empty when it can be scored."""
        found: list[tuple[str, Message]] = []
        values = {"baseline": self.baseline, "target": self.target}
        if self.direction is Direction.INCREASE and self.target <= self.baseline:
            found.append(("target", Message("okr.target_not_above_baseline", **_shown(values))))
        if self.direction is Direction.DECREASE and self.target >= self.baseline:
            found.append(("target", Message("okr.target_not_below_baseline", **_shown(values))))
        if self.stretch is not None:
            if self.direction.stays:
                found.append(("stretch", Message("okr.stretch_on_stay", direction=self.direction.value)))
            elif (self.stretch - self.target) * (self.target - self.baseline) <= 0:
                shown = _shown({**values, "stretch": self.stretch})
                found.append(("stretch", Message("okr.stretch_not_beyond_target", **shown)))
        if self.direction is Direction.STAY_WITHIN:
            if self.upper is None:
                found.append(("upper", Message("okr.band_needs_upper")))
            elif self.upper < self.target:
                found.append(("upper", Message("okr.band_upside_down", **_shown({**values, "upper": self.upper}))))
        elif self.upper is not None:
            found.append(("upper", Message("okr.upper_without_band", direction=self.direction.value)))
        return found


def progress(measure: Measure, value: Number) -> Fraction:
    """Raw progress: 0 at the baseline, 1 at the target, beyond either as the value goes (stays: at most 1)."""
    reached = exact(value)
    if measure.direction in (Direction.INCREASE, Direction.DECREASE):
        return _moved(measure.baseline, measure.target, reached)
    if measure.direction is Direction.STAY_ABOVE:
        return _held(measure.baseline, measure.target, reached, above=True)
    if measure.direction is Direction.STAY_BELOW:
        return _held(measure.baseline, measure.target, reached, above=False)
    upper = measure.upper if measure.upper is not None else measure.target
    low = _held(measure.baseline, measure.target, reached, above=True)
    high = _held(measure.baseline, upper, reached, above=False)
    return min(low, high)


def stretch_progress(measure: Measure, value: Number) -> Fraction | None:
    """Progress towards the stretch (1 at the stretch); None without one."""
    if measure.stretch is None or measure.direction.stays:
        return None
    return _moved(measure.baseline, measure.stretch, exact(value))


def grade(raw: Fraction) -> Fraction:
    """The grade: raw progress clamped to 0..1."""
    return max(ZERO, min(ONE, raw))


def milestones_progress(done: int, total: int) -> Fraction | None:
    """A set of milestones: the share done; empty for a set with none."""
    return share(Fraction(done), Fraction(total))


@dataclass(frozen=True)
class Grading:
    """The colours of a grade: green from `green` up, yellow from `yellow` up, red below (the classic 0.7 / 0.4,
    unless the cycle sets others)."""

    green: Fraction = Fraction(7, 10)
    yellow: Fraction = Fraction(4, 10)

    def colour(self, grade: Fraction) -> Colour:
        if grade >= self.green:
            return Colour.GREEN
        if grade >= self.yellow:
            return Colour.YELLOW
        return Colour.RED

    def problems(self) -> list[tuple[str, Message]]:
        if not ZERO < self.yellow < self.green <= ONE:
            return [("grading", Message("okr.grading_out_of_order", green=self.green, yellow=self.yellow))]
        return []


def _moved(baseline: Fraction, line: Fraction, value: Fraction) -> Fraction:
    moved = share(value - baseline, line - baseline)
    return ONE if moved is None else moved  # a line on the baseline: reached by being there (problems() refuses it)


def _held(baseline: Fraction, line: Fraction, value: Fraction, *, above: bool) -> Fraction:
    def inside(number: Fraction) -> bool:
        return number >= line if above else number <= line

    if inside(value):
        return ONE
    if inside(baseline):
        return ZERO  # the line held at the start and was lost
    return _moved(baseline, line, value)


def _shown(values: dict[str, Fraction]) -> dict[str, float]:
    return {name: float(value) for name, value in values.items()}
