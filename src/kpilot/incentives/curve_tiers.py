"""Tiered payout curves: rates per unit of attainment, paid banded, flat or retroactively (see `kpilot.incentives.
curves` for the whole curve language; this module is the tier half of it, imported and re-exported there).

A tier says "from this attainment on, each unit (1.0) of attainment pays `rate`". With tiers (0, 0.5), (1, 1.5),
(1.2, 2) and attainment 1.3:
- BANDED pays each rate on the part of attainment inside its band, like marginal tax rates:
  0.5 * 1 + 1.5 * 0.2 + 2 * 0.1 = 1.0;
- FLAT pays the rate of the highest tier reached on all of attainment: 2 * 1.3 = 2.6;
- RETROACTIVE (with `retroactive_from` 1) pays BANDED up to 1, and once a tier starting at or above 1 is reached,
  that tier's rate on all attainment above 1: 0.5 * 1 + 2 * 0.3 = 1.1.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from kpilot.i18n import Message

ZERO = Decimal(0)


class TierMode(StrEnum):
    FLAT = "flat"
    BANDED = "banded"
    RETROACTIVE = "retroactive"


@dataclass(frozen=True)
class Tier:
    """From attainment `start` on, each unit (1.0) of attainment pays `rate` (a fraction of the target incentive)."""

    start: Decimal
    rate: Decimal


@dataclass(frozen=True)
class TierReading:
    """The raw payout of a tiers curve and the tier reached: (its start, the next tier's start or None). Below the
    first tier the range is (0, the first start)."""

    raw: Decimal
    segment: tuple[Decimal, Decimal | None]


def read_tiers(
    tiers: tuple[Tier, ...], mode: TierMode, retroactive_from: Decimal | None, attainment: Decimal
) -> TierReading:
    """The raw payout of `tiers` at a non-negative `attainment` (tiers sorted by start, as `tier_problems` asks)."""
    reached = _reached(tiers, attainment)
    if reached is None:
        # Below the first tier nothing is earned yet, whatever the mode.
        return TierReading(ZERO, (ZERO, tiers[0].start))
    following = tiers[reached + 1].start if reached + 1 < len(tiers) else None
    segment = (tiers[reached].start, following)
    rate = tiers[reached].rate
    if mode is TierMode.FLAT:
        return TierReading(rate * attainment, segment)
    if mode is TierMode.RETROACTIVE and retroactive_from is not None and tiers[reached].start >= retroactive_from:
        # The accelerator reaches back: up to `retroactive_from` the bands pay as usual, above it the reached rate.
        return TierReading(_banded(tiers, retroactive_from) + rate * (attainment - retroactive_from), segment)
    return TierReading(_banded(tiers, attainment), segment)


def tier_problems(tiers: tuple[Tier, ...]) -> list[Message]:
    """Tiers out of order, starting below 0 (attainment is never read below 0) or paying a negative rate."""
    found: list[Message] = []
    for number, (before, tier) in enumerate(pairwise(tiers), start=2):
        if tier.start <= before.start:
            found.append(
                Message(
                    "incentives.curve.tier_not_increasing",
                    number=number,
                    start=tier.start,
                    previous=number - 1,
                    previous_start=before.start,
                )
            )
    for number, tier in enumerate(tiers, start=1):
        if tier.start < 0:
            found.append(Message("incentives.curve.negative_start", number=number, start=tier.start))
        if tier.rate < 0:
            found.append(Message("incentives.curve.negative_rate", number=number, rate=tier.rate))
    return found


def falling_tier_problems(tiers: tuple[Tier, ...], mode: TierMode, retroactive_from: Decimal | None) -> list[Message]:
    """A FLAT curve falls where a higher tier pays a lower rate (all attainment is repriced at the lower rate); a
    RETROACTIVE one falls the same way past `retroactive_from`. BANDED never falls while rates are >= 0."""
    found: list[Message] = []
    for number, (before, tier) in enumerate(pairwise(tiers), start=2):
        if tier.rate >= before.rate:
            continue
        values = {"number": number, "rate": tier.rate, "previous": number - 1, "previous_rate": before.rate}
        # A tier starting at 0 (FLAT) or at `retroactive_from` reprices nothing yet, so it cannot drop the payout.
        if mode is TierMode.FLAT and tier.start > 0:
            found.append(Message("incentives.curve.flat_rate_falls", **values))
        if mode is TierMode.RETROACTIVE and retroactive_from is not None and tier.start > retroactive_from:
            found.append(
                Message("incentives.curve.retroactive_rate_falls", **values, retroactive_from=retroactive_from)
            )
    return found


def _reached(tiers: tuple[Tier, ...], attainment: Decimal) -> int | None:
    """The index of the highest tier whose start is at or below `attainment`, None below the first."""
    reached = None
    for index, tier in enumerate(tiers):
        if tier.start <= attainment:
            reached = index
    return reached


def _banded(tiers: tuple[Tier, ...], attainment: Decimal) -> Decimal:
    """Each tier's rate on the part of `attainment` inside its band [start, next start)."""
    total = ZERO
    for index, tier in enumerate(tiers):
        end = tiers[index + 1].start if index + 1 < len(tiers) else None
        top = attainment if end is None else min(attainment, end)
        if top > tier.start:
            total += tier.rate * (top - tier.start)
    return total
