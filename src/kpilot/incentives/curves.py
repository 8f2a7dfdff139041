"""Payout curves: how a bonus plan turns attainment into payout. One curve language covers what commission tools do.

Attainment and payout are Decimal fractions: attainment 1 is 100 % of target, payout 1 is 100 % of the target
incentive. A curve is either a points curve or a tiers curve (exactly one of `points` and `tiers` is non-empty):

- **Points, LINEAR**: straight lines between consecutive points. Below the first point the curve pays 0 (a curve
  whose first point is (0, 0) therefore pays pro rata from the start); above the last point it pays the last
  point's payout.
- **Points, STEP**: the payout of the highest point whose attainment is at or below the attainment; 0 below the
  first point.
- **Tiers** (sorted by start, the first usually 0; `Tier(start, rate)`: from `start` on each unit of attainment pays
  `rate`), see `kpilot.incentives.curve_tiers`: BANDED pays each tier's rate on the part of attainment inside its
  band (like marginal tax rates); FLAT pays the rate of the highest tier reached on all of attainment; RETROACTIVE
  pays BANDED below `retroactive_from` and, once a tier starting at or above `retroactive_from` is reached, that
  tier's rate on all attainment above `retroactive_from` (an accelerator that reaches back). Below the first tier:
  0.

Then, in this order: negative attainment counts as 0; `threshold`: attainment below it pays 0 (the raw payout is
still computed, to be shown); `floor` (a guarantee) then `cap`: payout = min(cap, max(floor, x)).

`read_curve` returns a `CurveReading` with everything a statement shows: the raw payout, the payout, the range of
the curve used and three flags. `floored` means the guarantee raised the payout; `capped` means the payout is at
the cap, so that more attainment pays nothing more (true at 120 % and above on `DEFAULT_CURVE`, whose last point
is the cap). `curve_problems` lists, as messages, what makes a curve unsound (out of order, negative, falling,
inconsistent); `read_curve` refuses such a curve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from itertools import pairwise

from kpilot.errors import UserError
from kpilot.i18n import Message
from kpilot.incentives.curve_tiers import Tier, TierMode, falling_tier_problems, read_tiers, tier_problems

__all__ = [
    "DEFAULT_CURVE",
    "Curve",
    "CurveReading",
    "Interpolation",
    "Point",
    "Tier",
    "TierMode",
    "attainment_decimal",
    "curve_problems",
    "next_point_value",
    "read_curve",
]

ZERO = Decimal(0)
ATTAINMENT_QUANTUM = Decimal("0.0001")  # 0.01 %: the precision a statement shows attainment with


class Interpolation(StrEnum):
    LINEAR = "linear"
    STEP = "step"


@dataclass(frozen=True)
class Point:
    """At this attainment the curve pays this payout."""

    attainment: Decimal
    payout: Decimal


@dataclass(frozen=True)
class Curve:
    """A points curve or a tiers curve, with an optional threshold, floor and cap (module docstring)."""

    points: tuple[Point, ...] = ()
    interpolation: Interpolation = Interpolation.LINEAR
    tiers: tuple[Tier, ...] = ()
    tier_mode: TierMode = TierMode.BANDED
    retroactive_from: Decimal | None = None  # RETROACTIVE: the reached tier's rate applies from this attainment
    threshold: Decimal | None = None  # attainment below it pays nothing (then the floor, if any)
    cap: Decimal | None = None  # payout never above it
    floor: Decimal | None = None  # payout never below it (a guarantee), applied before the cap


@dataclass(frozen=True)
class CurveReading:
    """How the payout was read off the curve, for a statement. `attainment` is the attainment as given (a negative
    one is read as 0); `segment` is the attainment range used: the points (a, b) between which the payout was read
    ((last, None) above the last point, (0, first) below the first), or the tier reached (start, next start or
    None)."""

    attainment: Decimal
    raw: Decimal
    payout: Decimal
    below_threshold: bool
    floored: bool
    capped: bool
    segment: tuple[Decimal, Decimal | None]


# From practice: 80 % of target pays half the target incentive, 100 % pays all of it, 120 % and above pays the cap
# of 200 %; below 80 % nothing.
DEFAULT_CURVE = Curve(
    points=(
        Point(Decimal("0.8"), Decimal("0.5")),
        Point(Decimal(1), Decimal(1)),
        Point(Decimal("1.2"), Decimal(2)),
    ),
    interpolation=Interpolation.LINEAR,
    threshold=Decimal("0.8"),
    cap=Decimal(2),
)


def read_curve(curve: Curve, attainment: Decimal) -> CurveReading:
    """The payout `curve` pays at `attainment`, with how it was read. An unsound curve raises `UserError` with its
    first problem (plans are checked with `curve_problems` when they are loaded, so this is a last guard)."""
    problems = curve_problems(curve)
    if problems:
        raise UserError(problems[0], field="curve")
    if not attainment.is_finite():
        raise ValueError(f"attainment must be finite, not {attainment}")
    read_at = max(attainment, ZERO)
    if curve.points:
        raw, segment = _read_points(curve.points, curve.interpolation, read_at)
    else:
        tiers = read_tiers(curve.tiers, curve.tier_mode, curve.retroactive_from, read_at)
        raw, segment = tiers.raw, tiers.segment
    below_threshold = curve.threshold is not None and read_at < curve.threshold
    earned = ZERO if below_threshold else raw
    floored = curve.floor is not None and earned < curve.floor
    guaranteed = curve.floor if floored and curve.floor is not None else earned
    capped = curve.cap is not None and guaranteed >= curve.cap
    payout = curve.cap if capped and curve.cap is not None else guaranteed
    return CurveReading(attainment, raw, payout, below_threshold, floored, capped, segment)


def next_point_value(curve: Curve, attainment: Decimal, step: Decimal = Decimal("0.01")) -> Decimal:
    """What the next `step` of attainment (1 % by default) is worth, as a payout fraction (0 at the cap)."""
    return read_curve(curve, attainment + step).payout - read_curve(curve, attainment).payout


def attainment_decimal(value: float) -> Decimal:
    """The float attainment kpilot computes, as the Decimal the curve reads: quantized to 0.0001 (0.01 %) half to
    even, so that a statement shows, and reproduces, the exact figure that was read.

    The float goes through its shortest repr (`str`), not its exact binary value: 0.80015 is read as the 0.80015 a
    person sees and rounds to 0.8002, not as 0.800149999... (its binary value), which would round to 0.8001."""
    if not math.isfinite(value):
        raise ValueError(f"attainment must be a finite number, not {value}")
    return Decimal(str(value)).quantize(ATTAINMENT_QUANTUM, rounding=ROUND_HALF_EVEN)


def curve_problems(curve: Curve) -> tuple[Message, ...]:
    """Every reason `curve` is unsound, as messages naming the values; empty when it is sound."""
    not_finite = _not_finite(curve)
    if not_finite:
        return not_finite  # nothing else can be compared with a NaN or an infinity
    found: list[Message] = []
    if curve.points and curve.tiers:
        found.append(Message("incentives.curve.both_points_and_tiers"))
    if not curve.points and not curve.tiers:
        found.append(Message("incentives.curve.empty"))
    found += _point_problems(curve.points)
    found += tier_problems(curve.tiers)
    found += falling_tier_problems(curve.tiers, curve.tier_mode, curve.retroactive_from)
    found += _setting_problems(curve)
    return tuple(found)


def _read_points(
    points: tuple[Point, ...], interpolation: Interpolation, attainment: Decimal
) -> tuple[Decimal, tuple[Decimal, Decimal | None]]:
    """The raw payout of a points curve at a non-negative attainment, and the two points it lies between."""
    if attainment < points[0].attainment:
        return ZERO, (ZERO, points[0].attainment)
    index = max(i for i, point in enumerate(points) if point.attainment <= attainment)
    low = points[index]
    if index + 1 == len(points):
        return low.payout, (low.attainment, None)
    high = points[index + 1]
    if interpolation is Interpolation.STEP:
        return low.payout, (low.attainment, high.attainment)
    # Multiply before dividing so that the one inexact step (the division) comes last and stays monotone.
    rise = (attainment - low.attainment) * (high.payout - low.payout) / (high.attainment - low.attainment)
    return low.payout + rise, (low.attainment, high.attainment)


def _not_finite(curve: Curve) -> tuple[Message, ...]:
    values = [("threshold", curve.threshold), ("cap", curve.cap), ("floor", curve.floor)]
    values.append(("retroactive_from", curve.retroactive_from))
    for number, point in enumerate(curve.points, start=1):
        values += [(f"points[{number}].attainment", point.attainment), (f"points[{number}].payout", point.payout)]
    for number, tier in enumerate(curve.tiers, start=1):
        values += [(f"tiers[{number}].start", tier.start), (f"tiers[{number}].rate", tier.rate)]
    return tuple(
        Message("incentives.curve.not_finite", field=name, value=str(value))
        for name, value in values
        if value is not None and not value.is_finite()
    )


def _point_problems(points: tuple[Point, ...]) -> list[Message]:
    found: list[Message] = []
    for number, (before, point) in enumerate(pairwise(points), start=2):
        previous = {"number": number, "previous": number - 1}
        if point.attainment <= before.attainment:
            found.append(
                Message(
                    "incentives.curve.point_not_increasing",
                    **previous,
                    attainment=point.attainment,
                    previous_attainment=before.attainment,
                )
            )
        if point.payout < before.payout:
            found.append(
                Message("incentives.curve.payout_falls", **previous, payout=point.payout, previous_payout=before.payout)
            )
    for number, point in enumerate(points, start=1):
        if point.attainment < 0:
            found.append(Message("incentives.curve.negative_attainment", number=number, attainment=point.attainment))
        if point.payout < 0:
            found.append(Message("incentives.curve.negative_payout", number=number, payout=point.payout))
    return found


def _setting_problems(curve: Curve) -> list[Message]:
    """The threshold, floor, cap and `retroactive_from`, each on its own and against the others."""
    found: list[Message] = []
    if curve.threshold is not None and curve.threshold < 0:
        found.append(Message("incentives.curve.negative_threshold", threshold=curve.threshold))
    for name, limit in (("floor", curve.floor), ("cap", curve.cap)):
        if limit is not None and limit < 0:
            found.append(Message("incentives.curve.negative_limit", limit=name, value=limit))
    if curve.cap is not None and curve.floor is not None and curve.cap < curve.floor:
        found.append(Message("incentives.curve.cap_below_floor", cap=curve.cap, floor=curve.floor))
    retroactive = curve.tier_mode is TierMode.RETROACTIVE
    if curve.retroactive_from is not None and not retroactive:
        found.append(Message("incentives.curve.retroactive_from_unused", mode=curve.tier_mode.value))
    if retroactive and curve.tiers and curve.retroactive_from is None:
        found.append(Message("incentives.curve.retroactive_from_missing"))
    if curve.retroactive_from is not None and curve.retroactive_from < 0:
        found.append(Message("incentives.curve.negative_retroactive_from", retroactive_from=curve.retroactive_from))
    return found
