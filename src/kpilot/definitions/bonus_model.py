"""Bonus plans as typed values: who is in a plan, what it pays per period, and the KPI components, curves and gates
it pays by (`bonus_plans:` in the definitions files; docs/bonus.md).

Only the shape is checked here. What needs the rest of the definitions or the curve rules (an unknown KPI, weights
that do not add up, a curve that falls, gates that depend on one another in a circle) is checked by
`kpilot.incentives.plan_checks`, which reports every problem at its place in the file.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from kpilot.definitions.base import Frozen, Identifier, Invalid
from kpilot.errors import Location
from kpilot.i18n import Message

Fraction = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=6)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=9, decimal_places=4)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)]


class PayPeriod(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class ScopeOf(StrEnum):
    """Whose numbers a component or gate reads: the person's own, their team's, or the whole company's."""

    PERSON = "person"
    TEAM = "team"
    COMPANY = "company"


class Combine(StrEnum):
    ADD = "add"  # sections add up, by their weights
    MULTIPLY = "multiply"  # sections multiply: a company factor times an individual score


class PointSpec(Frozen):
    attainment: Fraction
    payout: Fraction


class TierSpec(Frozen):
    start: Fraction
    rate: Fraction


class CurveSpec(Frozen):
    """A payout curve over attainment (fractions: 1 = 100 %): points or tiers, with a threshold, a floor, a cap."""

    points: tuple[PointSpec, ...] = ()
    interpolation: Literal["linear", "step"] = "linear"
    tiers: tuple[TierSpec, ...] = ()
    tier_mode: Literal["flat", "banded", "retroactive"] = "banded"
    retroactive_from: Fraction | None = None
    threshold: Fraction | None = None
    cap: Fraction | None = None
    floor: Fraction | None = None


class ComponentSpec(Frozen):
    """One KPI the plan pays for: read in the person's, team's or company's scope, weighted, through a curve."""

    name: Identifier
    kpi: Identifier
    scope: ScopeOf = ScopeOf.PERSON
    weight: Percent = Decimal(100)
    curve: CurveSpec | Literal["default"] = "default"


class SectionSpec(Frozen):
    """Components that add up (their weights make 100); sections combine as the plan's `combine` says."""

    name: Identifier
    weight: Percent | None = None  # only when sections add up
    components: tuple[ComponentSpec, ...] = Field(min_length=1)


class GateWhen(Frozen):
    """The condition of a gate: a KPI's attainment, or a component's or section's payout, below a level."""

    kpi: Identifier | None = None
    scope: ScopeOf = ScopeOf.COMPANY
    component: Identifier | None = None
    section: Identifier | None = None
    below: Fraction

    @model_validator(mode="after")
    def _one_subject(self) -> GateWhen:
        if sum(item is not None for item in (self.kpi, self.component, self.section)) != 1:
            raise Invalid(Message("definitions.bonus.gate_one_subject"))
        return self


class GateSpec(Frozen):
    """If the condition holds, the plan, a section or a component pays at most `cap` (0: nothing)."""

    name: Identifier
    when: GateWhen
    cap: Fraction
    applies_to: Literal["plan"] | dict[Literal["section", "component"], Identifier] = "plan"

    @field_validator("applies_to")
    @classmethod
    def _one_target(cls, value: object) -> object:
        if isinstance(value, dict) and len(value) != 1:
            raise Invalid(Message("definitions.bonus.gate_one_target"))
        return value


class TargetIncentive(Frozen):
    """What the plan pays a full-time person at 100 % for a year: an amount, or a share of their base pay."""

    amount: Amount | None = None
    share_of_base_pay: Fraction | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> TargetIncentive:
        if (self.amount is None) == (self.share_of_base_pay is None):
            raise Invalid(Message("definitions.bonus.incentive_one_kind"))
        return self


class Members(Frozen):
    """Who is in the plan: the members of teams, people by e-mail, or both (a person counted once)."""

    teams: tuple[str, ...] = ()
    people: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _someone(self) -> Members:
        if not self.teams and not self.people:
            raise Invalid(Message("definitions.bonus.members_needed"))
        return self


class BonusPlan(Frozen):
    name: Identifier
    label: str | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    year: Annotated[int, Field(ge=1900, le=9999)]  # the (fiscal) year the plan runs
    pays: PayPeriod = PayPeriod.QUARTER
    period_weights: tuple[Percent, ...] = ()  # the year's incentive by period (20/20/20/40); default: even
    members: Members
    target_incentive: TargetIncentive
    ramp: tuple[Fraction, ...] = ()  # new hires: share of target in month 1, 2, ... of tenure, then 100 %
    employed_on_payment_date: bool = False
    paid_after_days: Annotated[int, Field(ge=0, le=366)] = 30  # the payment date: this long after a period ends
    approvals: Literal[1, 2] = 1  # distinct approvers a run needs before it can be paid
    combine: Combine = Combine.ADD
    components: tuple[ComponentSpec, ...] = ()  # a plan of one section may list its components here
    sections: tuple[SectionSpec, ...] = ()
    gates: tuple[GateSpec, ...] = ()
    owner: str | None = None
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="after")
    def _components_or_sections(self) -> BonusPlan:
        if bool(self.components) == bool(self.sections):
            raise Invalid(Message("definitions.bonus.components_or_sections"))
        return self

    @property
    def title(self) -> str:
        return self.label or self.name

    @property
    def all_sections(self) -> tuple[SectionSpec, ...]:
        """The sections, with a plan's own `components:` as one section named `main`."""
        if self.sections:
            return self.sections
        return (SectionSpec(name="main", components=self.components),)

    def where(self, path: str) -> Location:
        """The position of a key or item of the plan (`sections.0.components.1.weight`), else the nearest one up."""
        parts = path.split(".")
        while parts:
            found = self.locations.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        return self.origin
