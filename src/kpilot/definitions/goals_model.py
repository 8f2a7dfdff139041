"""Targets and goals as typed values: what a KPI should reach, by when, for whom; and what the company aims at."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from kpilot.definitions.base import Frozen, Identifier, Invalid
from kpilot.errors import Location
from kpilot.i18n import Message

Every = Literal["day", "week", "month", "quarter", "year"]


class TargetType(StrEnum):
    INCREASE = "increase"  # reach or increase to X by the end of the period (higher is better)
    DECREASE = "decrease"  # bring down to X by the end of the period (lower is better)
    ABOVE = "above"  # stay above X throughout
    BELOW = "below"  # stay below X throughout
    RANGE = "range"  # stay within [min, max]

    @property
    def phrase(self) -> Message:
        """The type in a sentence, with its article: "an 'increase' target"."""
        return _TARGET_PHRASES[self]

    @property
    def higher_is_better(self) -> bool | None:
        if self in (TargetType.INCREASE, TargetType.ABOVE):
            return True
        if self in (TargetType.DECREASE, TargetType.BELOW):
            return False
        return None


_TARGET_PHRASES = {
    TargetType.INCREASE: Message("definitions.a_target.increase"),
    TargetType.DECREASE: Message("definitions.a_target.decrease"),
    TargetType.ABOVE: Message("definitions.a_target.above"),
    TargetType.BELOW: Message("definitions.a_target.below"),
    TargetType.RANGE: Message("definitions.a_target.range"),
}


class Spread(StrEnum):
    EVEN = "even"  # a year's target shared equally by its months
    SEASONAL = "seasonal"  # shared in proportion to last year's months


class Target(Frozen):
    """Commit (minimum acceptable), target and stretch for a KPI, a period (or every period of a grain) and a scope."""

    kpi: Identifier
    period: str | None = None
    every: Every | None = None
    scope: dict[str, str] = Field(default_factory=dict)
    type: TargetType | None = None  # default: from the KPI's direction
    commit: float | None = None
    target: float | None = None
    stretch: float | None = None
    min: float | None = None
    max: float | None = None
    spread: Spread | None = None
    owner: str | None = None
    note: str | None = None
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @field_validator("period", mode="before")
    @classmethod
    def _year_as_text(cls, value: object) -> object:
        # YAML reads `period: 2025` as a number; a year is still a period name.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("scope", mode="before")
    @classmethod
    def _scope_values_as_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {key: str(item) if isinstance(item, int | float) else item for key, item in value.items()}
        return value

    @model_validator(mode="after")
    def _check_shape(self) -> Target:
        if (self.period is None) == (self.every is None):
            raise Invalid(Message("definitions.target_period_or_every"))
        if self.type is TargetType.RANGE:
            if self.min is None or self.max is None or self.min > self.max:
                raise Invalid(Message("definitions.range_needs_bounds"))
        elif self.target is None and self.type is not None:
            raise Invalid(Message("definitions.target_needs_value", a_target=self.type.phrase))
        levels = [v for v in (self.commit, self.target, self.stretch) if v is not None]
        if self.type is not None and self.type.higher_is_better is not None and len(levels) > 1:
            ordered = sorted(levels) if self.type.higher_is_better else sorted(levels, reverse=True)
            if levels != ordered:
                order = "commit <= target <= stretch" if self.type.higher_is_better else "commit >= target >= stretch"
                raise Invalid(Message("definitions.levels_order", a_target=self.type.phrase, order=order))
        if self.spread is not None and not (self.period and self.period.isdigit()):
            raise Invalid(Message("definitions.spread_needs_year"))
        return self


class GoalLink(Frozen):
    kpi: Identifier
    weight: float = Field(default=1.0, gt=0)


class Goal(Frozen):
    """A strategic objective, served by KPIs with weights (the KPI matrix)."""

    name: Identifier
    label: str | None = None
    description: str | None = None
    owner: str | None = None
    parent: Identifier | None = None
    kpis: tuple[GoalLink, ...] = ()
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @property
    def title(self) -> str:
        return self.label or self.name
