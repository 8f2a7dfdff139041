"""A target as it applies to one KPI, period and scope: what `goals.targets` resolves and `goals.status` judges.

Its own module so that the two need not import each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from kpilot.definitions.goals_model import Target, TargetType
from kpilot.engine.periods import Grain
from kpilot.i18n import Message


@dataclass(frozen=True)
class ResolvedTarget:
    """The target that applies to one KPI, period and scope, with its levels already spread down to the period."""

    kpi: str
    period_start: date
    grain: Grain
    scope: Mapping[str, str]
    type: TargetType
    commit: float | None
    target: float | None
    stretch: float | None
    min: float | None
    max: float | None
    origin: Target
    basis: Message  # how it applies: "the 2025 target of 1,200,000 spread evenly over 12 months"
    share: float = field(default=1.0)  # the part of `origin`'s levels that applies (1 unless spread down)
