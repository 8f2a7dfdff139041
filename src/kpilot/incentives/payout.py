"""A plan's payout for one person and period, as a fraction of their target incentive, with every step kept.

Each component reads its attainment off its curve; its gates cap it; a section is the weighted sum of its
components' payouts (weights in percent, adding up to 100); the plan is the weighted sum of its sections (`combine:
add`) or their product (`combine: multiply`: a company factor times an individual score); gates cap sections and
the plan in turn. Parts are paid in the order `gates.evaluation_order` gives, so that a gate that reads a section's
payout sees it after that section's own gates.

Where data is missing, nothing is guessed:
- a component whose KPI has no attainment (no value, or no target) pays 0 and is marked `missing`, so that the
  statement says so and a run with missing parts can be held back;
- a gate whose condition cannot be read is applied (it fails closed: a gate protects the company from paying for a
  result it cannot see) and is marked `unknown`.

Nothing is rounded here: money is rounded once, at the end, by `kpilot.incentives.amounts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kpilot.definitions.bonus_model import BonusPlan, Combine, GateSpec
from kpilot.incentives.curve_specs import curve_of
from kpilot.incentives.curves import CurveReading, read_curve
from kpilot.incentives.gates import PLAN_NODE, Node, evaluation_order, gate_subject, gate_target

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class GateEffect:
    """One gate as it applied to a part: what its condition read, and the payout before and after it."""

    gate: str
    read: Decimal | None  # the attainment or payout the condition read; None when it could not be read
    below: Decimal
    cap: Decimal
    applied: bool  # the condition held (or could not be read)
    before: Decimal
    after: Decimal

    @property
    def unknown(self) -> bool:
        return self.read is None


@dataclass(frozen=True)
class ComponentResult:
    name: str
    section: str
    kpi: str
    weight: Decimal  # percent of the section
    attainment: Decimal | None
    reading: CurveReading | None  # None when the attainment is missing
    gates: tuple[GateEffect, ...]
    payout: Decimal  # fraction, after gates

    @property
    def missing(self) -> bool:
        return self.attainment is None


@dataclass(frozen=True)
class SectionResult:
    name: str
    weight: Decimal | None  # percent of the plan when sections add up
    score: Decimal  # the weighted sum of its components, before its gates
    gates: tuple[GateEffect, ...]
    payout: Decimal


@dataclass(frozen=True)
class PlanResult:
    components: tuple[ComponentResult, ...]
    sections: tuple[SectionResult, ...]
    combine: Combine
    score: Decimal  # the sections combined, before the plan's gates
    gates: tuple[GateEffect, ...]
    payout: Decimal  # the fraction of the target incentive earned

    @property
    def missing(self) -> tuple[str, ...]:
        """The components that paid nothing because their KPI had no attainment."""
        return tuple(component.name for component in self.components if component.missing)

    def component(self, name: str) -> ComponentResult:
        return next(component for component in self.components if component.name == name)


def evaluate_plan(
    plan: BonusPlan,
    attainments: Mapping[str, Decimal | None],
    gate_attainments: Mapping[str, Decimal | None] | None = None,
) -> PlanResult:
    """The plan's payout from each component's attainment (by component name) and, for gates whose condition is a
    KPI, that KPI's attainment (by gate name). A plan that `plan_checks` refused must not reach here."""
    gate_reads = gate_attainments or {}
    paid: dict[Node, Decimal] = {}
    components: dict[str, ComponentResult] = {}
    sections: dict[str, SectionResult] = {}
    plan_score = ZERO
    plan_gates: tuple[GateEffect, ...] = ()
    by_name = {
        component.name: (section, component) for section in plan.all_sections for component in section.components
    }
    section_specs = {section.name: section for section in plan.all_sections}
    for node in evaluation_order(plan):
        gates = [gate for gate in plan.gates if gate_target(gate) == node]
        if node.kind == "component":
            section, spec = by_name[node.name]
            attainment = attainments.get(spec.name)
            reading = read_curve(curve_of(spec.curve), attainment) if attainment is not None else None
            payout, effects = _gated(reading.payout if reading else ZERO, gates, paid, gate_reads)
            components[spec.name] = ComponentResult(
                spec.name, section.name, spec.kpi, spec.weight, attainment, reading, effects, payout
            )
        elif node.kind == "section":
            section = section_specs[node.name]
            score = (
                sum(
                    (component.weight * paid[Node("component", component.name)] for component in section.components),
                    ZERO,
                )
                / HUNDRED
            )
            payout, effects = _gated(score, gates, paid, gate_reads)
            sections[section.name] = SectionResult(section.name, section.weight, score, effects, payout)
        else:
            plan_score = _combined(plan, paid)
            payout, plan_gates = _gated(plan_score, gates, paid, gate_reads)
        paid[node] = payout
    ordered_components = tuple(components[c.name] for s in plan.all_sections for c in s.components)
    ordered_sections = tuple(sections[s.name] for s in plan.all_sections)
    return PlanResult(ordered_components, ordered_sections, plan.combine, plan_score, plan_gates, paid[PLAN_NODE])


def _combined(plan: BonusPlan, paid: Mapping[Node, Decimal]) -> Decimal:
    scores = [(section.weight, paid[Node("section", section.name)]) for section in plan.all_sections]
    if plan.combine is Combine.MULTIPLY:
        product = Decimal(1)
        for _, score in scores:
            product *= score
        return product
    if len(scores) == 1 and scores[0][0] is None:  # one section, no weight needed
        return scores[0][1]
    return sum(((weight or ZERO) * score for weight, score in scores), ZERO) / HUNDRED


def _gated(
    payout: Decimal,
    gates: list[GateSpec],
    paid: Mapping[Node, Decimal],
    gate_reads: Mapping[str, Decimal | None],
) -> tuple[Decimal, tuple[GateEffect, ...]]:
    """The payout after the gates on one part, each applied in the file's order (caps commute: the order only
    changes which effect a statement lists first)."""
    effects = []
    for gate in gates:
        subject = gate_subject(gate)
        read = paid.get(subject) if subject is not None else gate_reads.get(gate.name)
        applied = read is None or read < gate.when.below
        after = min(payout, gate.cap) if applied else payout
        effects.append(GateEffect(gate.name, read, gate.when.below, gate.cap, applied, payout, after))
        payout = after
    return payout, tuple(effects)


def with_attainment(
    attainments: Mapping[str, Decimal | None], component: str, step: Decimal
) -> dict[str, Decimal | None]:
    """The attainments with one component's raised by `step` (for "what the next 1 % is worth")."""
    raised = dict(attainments)
    current = raised.get(component)
    raised[component] = None if current is None else current + step
    return raised


def next_percent_worth(
    plan: BonusPlan,
    attainments: Mapping[str, Decimal | None],
    gate_attainments: Mapping[str, Decimal | None] | None,
    component: str,
    step: Decimal = Decimal("0.01"),
) -> Decimal:
    """How much the plan's payout fraction rises if one component's attainment rises by `step` (1 % by default),
    everything else equal: through its curve, its weight, the other sections it multiplies and every gate."""
    before = evaluate_plan(plan, attainments, gate_attainments).payout
    after = evaluate_plan(plan, with_attainment(attainments, component, step), gate_attainments).payout
    return after - before


__all__ = [
    "ComponentResult",
    "GateEffect",
    "PlanResult",
    "SectionResult",
    "evaluate_plan",
    "next_percent_worth",
]
