"""Targets and goals as typed values: what a KPI should reach, by when, for whom; and what the company aims at."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from kpilot.definitions.base import Frozen, Identifier
from kpilot.errors import Location

Every = Literal["day", "week", "month", "quarter", "year"]


class TargetType(StrEnum):
    INCREASE = "increase"  # reach or increase to X by the end of the period (higher is better)
    DECREASE = "decrease"  # bring down to X by the end of the period (lower is better)
    ABOVE = "above"  # stay above X throughout
    BELOW = "below"  # stay below X throughout
    RANGE = "range"  # stay within [min, max]

    @property
    def higher_is_better(self) -> bool | None:
        if self in (TargetType.INCREASE, TargetType.ABOVE):
            return True
        if self in (TargetType.DECREASE, TargetType.BELOW):
            return False
        return None


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
            raise ValueError(
                "a target needs exactly one of 'period' (e.g. 2025-05, 2025-Q2, 2025) or 'every' (e.g. month)"
            )
        if self.type is TargetType.RANGE:
            if self.min is None or self.max is None or self.min > self.max:
                raise ValueError("a 'range' target needs 'min' and 'max' with min <= max")
        elif self.target is None and self.type is not None:
            article = "an" if self.type.value[0] in "aeiou" else "a"
            raise ValueError(f"{article} '{self.type.value}' target needs 'target: <value>'")
        levels = [v for v in (self.commit, self.target, self.stretch) if v is not None]
        if self.type is not None and self.type.higher_is_better is not None and len(levels) > 1:
            ordered = sorted(levels) if self.type.higher_is_better else sorted(levels, reverse=True)
            if levels != ordered:
                word = "commit <= target <= stretch" if self.type.higher_is_better else "commit >= target >= stretch"
                article = "an" if self.type.value[0] in "aeiou" else "a"
                raise ValueError(f"for {article} '{self.type.value}' target the levels must be ordered {word}")
        if self.spread is not None and not (self.period and self.period.isdigit()):
            raise ValueError("'spread' applies to a year's target (period: 2025), which it shares among the months")
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
