"""A plan file's curve (`curve:` of a component, or `default`) as the curve `kpilot.incentives.curves` reads."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from kpilot.definitions.bonus_model import CurveSpec
from kpilot.incentives.curves import DEFAULT_CURVE, Curve, Interpolation, Point, Tier, TierMode


@lru_cache(maxsize=1024)  # specs are frozen and hashable; a run reads the same few curves for every person
def curve_of(spec: CurveSpec | Literal["default"]) -> Curve:
    if not isinstance(spec, CurveSpec):  # "default"
        return DEFAULT_CURVE
    return Curve(
        points=tuple(Point(point.attainment, point.payout) for point in spec.points),
        interpolation=Interpolation(spec.interpolation),
        tiers=tuple(Tier(tier.start, tier.rate) for tier in spec.tiers),
        tier_mode=TierMode(spec.tier_mode),
        retroactive_from=spec.retroactive_from,
        threshold=spec.threshold,
        cap=spec.cap,
        floor=spec.floor,
    )
