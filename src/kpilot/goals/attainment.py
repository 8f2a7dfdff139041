"""Attainment: the fraction of a target a value reaches, always "higher is better" whatever the KPI's direction.

- higher is better (increase, above): value / target; for a target of zero or below, 1 + (value - target) / scale,
  which is the same formula (value / target = 1 + (value - target) / target) with a scale that stays positive;
- lower is better (decrease, below): target / value when both are positive; otherwise 1 + (target - value) / scale;
- range: 1 inside [min, max]; outside, 1 - distance to the nearest bound / width of the range, not below 0.

The scale is |target|, or, for a target of exactly zero, the distance to the commit (else to the stretch, else 1).
So a negative value never flips meaning: a profit of -50 against a target of 100 attains -50 %, and a cost of -10
against a limit of 100 attains 210 %.

Its own module so that `goals.status` (which judges) and `goals.reasons` (which says why) both read it.
"""

from __future__ import annotations

from kpilot.definitions.goals_model import TargetType
from kpilot.goals.resolved import ResolvedTarget

TOLERANCE = 1e-9  # relative: a value on the pace (40 against 100 * 0.4) meets it despite rounding


def attainment(value: float, target: ResolvedTarget, *, share: float = 1.0) -> float | None:
    """The fraction of the target reached by `value`, with the target's levels multiplied by `share`."""
    if target.type is TargetType.RANGE:
        if target.min is None or target.max is None:
            return None
        return _range_attainment(value, target.min * share, target.max * share)
    if target.target is None:
        return None
    goal = target.target * share
    scale = abs(goal) if goal != 0 else _zero_scale(target, share)
    if target.type.higher_is_better:
        return 1 + (value - goal) / scale
    if goal > 0 and value > 0:
        return goal / value
    return 1 + (goal - value) / scale


def _zero_scale(target: ResolvedTarget, share: float) -> float:
    for level in (target.commit, target.stretch):
        scale = abs(level * share) if level is not None else 0.0
        if scale > 0:  # also skips NaN, and a product that underflows to 0
            return scale
    return 1.0


def _range_attainment(value: float, low: float, high: float) -> float:
    if low <= value <= high:
        return 1.0
    distance = low - value if value < low else value - high
    width = high - low
    if width <= 0:
        width = abs(low) if low != 0 else 1.0
    return max(0.0, 1 - distance / width)


def meets(value: float, level: float, higher_is_better: bool) -> bool:
    """Whether `value` reaches `level` in the direction that is better, give or take rounding."""
    slack = TOLERANCE * max(1.0, abs(level))
    return value >= level - slack if higher_is_better else value <= level + slack
