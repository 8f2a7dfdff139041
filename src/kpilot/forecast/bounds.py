"""The values a KPI can take, as its history and unit show them: suggestions and forecast intervals stay inside.

- a series that was never negative (counts, amounts, most rates) stays at 0 or above;
- a percent KPI whose history stays within 0-100 % (a conversion rate, a share) stays within it; one that has left
  it (a growth rate of +150 %, a margin below zero) is not held;
- a flow or stock whose every value is a whole number (orders, deals, people) gets whole-number targets, rounded in
  the KPI's direction (49 deals, not 48.46: for whole numbers, reaching 48.46 and reaching 49 are the same).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kpilot.definitions.model import Direction, Unit
from kpilot.i18n import Message, Number
from kpilot.semantic.series_kind import SeriesKind


@dataclass(frozen=True)
class Bounds:
    low: float | None = None
    high: float | None = None
    whole: bool = False

    def clamp(self, value: float) -> float:
        if self.low is not None:
            value = max(value, self.low)
        if self.high is not None:
            value = min(value, self.high)
        return value

    def describe(self) -> Message:
        """The bounds in words: "held within 0 and 1 (100 %), whole numbers"."""
        parts = []
        if self.low is not None and self.high is not None:
            parts.append(Message("forecast.bounds.within", low=Number(self.low, "g"), high=Number(self.high, "g")))
        elif self.low is not None:
            parts.append(Message("forecast.bounds.never_below", low=Number(self.low, "g")))
        if self.whole:
            parts.append(Message("forecast.bounds.whole"))
        return Message("forecast.bounds.list", parts=tuple(parts)) if parts else Message("forecast.bounds.none")


def bounds_of(unit: Unit, kind: SeriesKind, values: Sequence[float]) -> Bounds:
    if not values:
        return Bounds()
    low = 0.0 if min(values) >= 0 else None
    high = 1.0 if unit is Unit.PERCENT and low is not None and max(values) <= 1 else None
    whole = unit is Unit.NUMBER and kind is not SeriesKind.RATE and all(float(v).is_integer() for v in values)
    return Bounds(low, high, whole)


def whole(value: float, direction: Direction, *, upper: bool = False) -> float:
    """A whole-number level: rounded up for higher-is-better levels (and a range's minimum), down for
    lower-is-better ones (and a range's maximum)."""
    if direction is Direction.RANGE:
        return float(math.floor(value) if upper else math.ceil(value))
    return float(math.ceil(value - 1e-9) if direction is Direction.UP else math.floor(value + 1e-9))
