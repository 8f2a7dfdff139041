"""A bonus plan checked against the definitions and the payout rules, every problem at its place in the file.

A plan that fails any of these is refused before anything is computed or written: an unknown KPI (with the name
that was probably meant), component weights of a section that do not add up to 100, section weights that do not
either (or that a multiplying plan should not have), period weights that do not match the pay periods, a gate that
names a part the plan does not have, gates that wait for one another in a circle, a curve that falls or is out of
order, a ramp above 100 %, and a currency without an ISO 4217 code.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from decimal import Decimal

from kpilot.definitions.bonus_model import BonusPlan, Combine, CurveSpec, PayPeriod
from kpilot.definitions.model import Definitions
from kpilot.errors import Issue
from kpilot.i18n import Message
from kpilot.incentives.curve_specs import curve_of
from kpilot.incentives.curves import curve_problems
from kpilot.incentives.gates import gate_cycle, gate_subject, gate_target
from kpilot.incentives.money import minor_unit

HUNDRED = Decimal(100)
PERIODS_PER_YEAR = {PayPeriod.MONTH: 12, PayPeriod.QUARTER: 4, PayPeriod.YEAR: 1}


def plan_issues(plan: BonusPlan, definitions: Definitions) -> list[Issue]:
    """Every problem of one plan; empty when it can be paid."""
    return [
        *_currency(plan),
        *_kpis(plan, definitions),
        *_names(plan),
        *_component_weights(plan),
        *_section_weights(plan),
        *_period_weights(plan),
        *_ramp(plan),
        *_curves(plan),
        *_gates(plan),
    ]


def plans_issues(definitions: Definitions) -> list[Issue]:
    """The problems of every plan, and plans that share a name."""
    issues = [issue for plan in definitions.bonus_plans for issue in plan_issues(plan, definitions)]
    seen: set[str] = set()
    for plan in definitions.bonus_plans:
        if plan.name in seen:
            issues.append(Issue(Message("incentives.plan.duplicate_plan", plan=plan.name), plan.origin, field="name"))
        seen.add(plan.name)
    return issues


def component_path(plan: BonusPlan, section_index: int, component_index: int) -> str:
    """Where a component is written: under `components:` for a plan of one section, else under its section."""
    if plan.sections:
        return f"sections.{section_index}.components.{component_index}"
    return f"components.{component_index}"


def _components(plan: BonusPlan) -> Iterator[tuple[str, str, str]]:
    """(path, name, kpi) of every component."""
    for s, section in enumerate(plan.all_sections):
        for c, component in enumerate(section.components):
            yield component_path(plan, s, c), component.name, component.kpi


def _currency(plan: BonusPlan) -> Iterator[Issue]:
    try:
        minor_unit(plan.currency)
    except ValueError:
        yield Issue(
            Message("incentives.plan.unknown_currency", currency=plan.currency),
            plan.where("currency"),
            hint=Message("incentives.plan.unknown_currency_hint"),
            field="currency",
        )


def _kpis(plan: BonusPlan, definitions: Definitions) -> Iterator[Issue]:
    known = [kpi.name for kpi in definitions.kpis]
    named = [(f"{path}.kpi", kpi) for path, _, kpi in _components(plan)]
    named += [(f"gates.{g}.when.kpi", gate.when.kpi) for g, gate in enumerate(plan.gates) if gate.when.kpi]
    for path, kpi in named:
        if definitions.kpi(kpi) is None:
            close = tuple(difflib.get_close_matches(kpi, known, n=3))
            hint = Message("definitions.did_you_mean", name=close[0]) if close else None
            yield Issue(
                Message("incentives.plan.unknown_kpi", plan=plan.name, kpi=kpi),
                plan.where(path),
                hint=hint,
                field="kpi",
                suggestions=close,
            )


def _names(plan: BonusPlan) -> Iterator[Issue]:
    parts = [(f"sections.{s}.name", "section", section.name) for s, section in enumerate(plan.sections)]
    parts += [(f"{path}.name", "component", name) for path, name, _ in _components(plan)]
    parts += [(f"gates.{g}.name", "gate", gate.name) for g, gate in enumerate(plan.gates)]
    seen: set[tuple[str, str]] = set()
    for path, kind, name in parts:
        if (kind, name) in seen:
            yield Issue(Message(f"incentives.plan.duplicate.{kind}", name=name), plan.where(path), field="name")
        seen.add((kind, name))


def _component_weights(plan: BonusPlan) -> Iterator[Issue]:
    for s, section in enumerate(plan.all_sections):
        total = sum((component.weight for component in section.components), Decimal(0))
        if total != HUNDRED:
            where = plan.where(f"sections.{s}.components" if plan.sections else "components")
            yield Issue(
                Message(
                    "incentives.plan.component_weights",
                    section=section.name,
                    total=_number(total),
                    weights=tuple(f"{c.name} {_number(c.weight)}" for c in section.components),
                ),
                where,
                hint=Message("incentives.plan.weights_hint"),
                field="weight",
            )


def _section_weights(plan: BonusPlan) -> Iterator[Issue]:
    weights = [section.weight for section in plan.sections]
    if plan.combine is Combine.MULTIPLY:
        for s, weight in enumerate(weights):
            if weight is not None:
                yield Issue(
                    Message("incentives.plan.multiply_no_section_weight", section=plan.sections[s].name),
                    plan.where(f"sections.{s}.weight"),
                    field="weight",
                )
        return
    if len(weights) <= 1 and all(weight in (None, HUNDRED) for weight in weights):
        return
    if any(weight is None for weight in weights) or sum((w or Decimal(0) for w in weights), Decimal(0)) != HUNDRED:
        yield Issue(
            Message(
                "incentives.plan.section_weights",
                total=_number(sum((w or Decimal(0) for w in weights), Decimal(0))),
                weights=tuple(f"{s.name} {_number(s.weight) if s.weight is not None else '-'}" for s in plan.sections),
            ),
            plan.where("sections"),
            hint=Message("incentives.plan.section_weights_hint"),
            field="weight",
        )


def _period_weights(plan: BonusPlan) -> Iterator[Issue]:
    weights = plan.period_weights
    if not weights:
        return
    expected = PERIODS_PER_YEAR[plan.pays]
    total = sum(weights, Decimal(0))
    if len(weights) != expected or total != HUNDRED:
        yield Issue(
            Message(
                "incentives.plan.period_weights",
                pays=plan.pays.value,
                expected=expected,
                count=len(weights),
                total=_number(total),
            ),
            plan.where("period_weights"),
            field="period_weights",
        )


def _ramp(plan: BonusPlan) -> Iterator[Issue]:
    for index, step in enumerate(plan.ramp):
        if step > 1:
            yield Issue(
                Message("incentives.plan.ramp_above_full", month=index + 1, share=_number(step)),
                plan.where(f"ramp.{index}"),
                field="ramp",
            )


def _curves(plan: BonusPlan) -> Iterator[Issue]:
    for s, section in enumerate(plan.all_sections):
        for c, component in enumerate(section.components):
            if not isinstance(component.curve, CurveSpec):
                continue
            where = plan.where(f"{component_path(plan, s, c)}.curve")
            for problem in curve_problems(curve_of(component.curve)):
                yield Issue(
                    Message("incentives.plan.curve_problem", component=component.name, problem=problem),
                    where,
                    field="curve",
                )


def _gates(plan: BonusPlan) -> Iterator[Issue]:
    sections = {section.name for section in plan.all_sections}
    components = {c.name for section in plan.all_sections for c in section.components}
    known = {"section": sections, "component": components, "plan": {"plan"}}
    broken = False
    for g, gate in enumerate(plan.gates):
        for path, node in ((f"gates.{g}.when", gate_subject(gate)), (f"gates.{g}.applies_to", gate_target(gate))):
            if node is not None and node.name not in known[node.kind]:
                broken = True
                yield Issue(
                    Message(f"incentives.plan.gate_unknown.{node.kind}", gate=gate.name, name=node.name),
                    plan.where(path),
                    suggestions=tuple(difflib.get_close_matches(node.name, sorted(known[node.kind]), n=3)),
                    field=node.kind,
                )
    if broken:
        return  # a circle through a part that does not exist would only repeat the problem above
    cycle = gate_cycle(plan)
    if cycle is not None:
        yield Issue(
            Message("incentives.plan.gate_cycle", plan=plan.name, parts=tuple(str(node) for node in cycle)),
            plan.where("gates"),
            hint=Message("incentives.plan.gate_cycle_hint"),
            field="gates",
        )


def _number(value: Decimal) -> str:
    """A weight as written (60, 33.5), not as Decimal keeps it (60.0000)."""
    return format(value.normalize(), "f")
