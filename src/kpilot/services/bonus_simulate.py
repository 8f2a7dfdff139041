"""What a bonus plan costs and how it pays out, replayed over a year's periods, with what-if scenarios, the accrual
of the running period, and a fairness report. Nothing is written: a simulation is a what-if, never a run.

- **Replay**: every ended period of the plan's year (or of another year, `year=`, with the same plan), computed as
  a run computes it (services.bonus_compute); the running period, if any, at its KPIs' end-of-period projections
  (an accrual: what it is heading to cost).
- **Cost**: the total per period and per component, and against the KPI it pays for (the component's amount over
  the company's value of its KPI, when that KPI is money).
- **Distribution**: the plan payout of every eligible person and period: p10, p50 and p90 (nearest rank), and per
  component the share of readings at the cap, below the threshold, and at or above target.
- **Scenarios**: `KPI+10%` / `KPI-5%` scale that KPI's values wherever the plan reads it (attainment recomputed
  against the same targets, so a lower-is-better KPI that rises attains less); `threshold=85%` sets every curve's
  threshold.
- **Fairness**: a component that fewer than 20 % or more than 80 % of people reach target on is flagged (a target
  nobody reaches demotivates; one everybody reaches pays for nothing), and so is each person's target that is
  better, by 10 % or more, than everything they did in the four periods before (history says it is out of reach).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from kpilot.auth.actor import Actor
from kpilot.definitions.bonus_model import BonusPlan, CurveSpec, PointSpec
from kpilot.definitions.model import Unit
from kpilot.goals.attainment import attainment
from kpilot.i18n import Message
from kpilot.incentives.amounts import earned, period_share, yearly_incentive
from kpilot.incentives.curves import DEFAULT_CURVE, attainment_decimal
from kpilot.incentives.errors import BonusRefused
from kpilot.incentives.payout import PlanResult, evaluate_plan
from kpilot.services.bonus_compute import PersonPeriod, compute_period, ensure_sees_every_row
from kpilot.services.bonus_fairness import ComponentShares, Finding, out_of_reach, reach_findings, shares_of
from kpilot.services.bonus_plans import PlanPeriod, checked_plan, plan_periods
from kpilot.services.bonus_readings import Blend
from kpilot.services.kpis import permissions_for
from kpilot.services.permissions import Action
from kpilot.store.organisation import read_organisation
from kpilot.store.session import Store
from kpilot.workspace import Workspace

SCENARIO = re.compile(r"^\s*(?:(?P<kpi>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<sign>[+-])\s*(?P<change>\d+(?:\.\d+)?)\s*%"
                      r"|threshold\s*=\s*(?P<threshold>\d+(?:\.\d+)?)\s*%)\s*$")  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    text: str
    kpi: str | None = None
    change: Decimal = Decimal(0)  # +0.10 for "+10%"
    threshold: Decimal | None = None


def parse_scenario(text: str, plan: BonusPlan) -> Scenario:
    found = SCENARIO.match(text)
    if found is None:
        raise BonusRefused(
            Message("incentives.simulate.bad_scenario", scenario=text),
            hint=Message("incentives.simulate.scenario_hint"),
            field="scenario",
        )
    if found["threshold"] is not None:
        return Scenario(text, threshold=Decimal(found["threshold"]) / 100)
    kpi = found["kpi"]
    read = {c.kpi for s in plan.all_sections for c in s.components} | {g.when.kpi for g in plan.gates if g.when.kpi}
    if kpi not in read:
        raise BonusRefused(
            Message("incentives.simulate.kpi_not_in_plan", kpi=kpi, plan=plan.name),
            field="scenario",
            suggestions=tuple(sorted(name for name in read if name)),
        )
    change = Decimal(found["change"]) / 100
    return Scenario(text, kpi=kpi, change=change if found["sign"] == "+" else -change)


@dataclass(frozen=True)
class ComponentCost:
    component: str
    kpi: str
    amount: Decimal
    kpi_value: float | None  # the company's value of the KPI in the period
    share_of_kpi: Decimal | None  # amount / kpi_value, when the KPI is money


@dataclass(frozen=True)
class PeriodCost:
    period: str
    accrual: bool  # the running period, at its projections
    people: int
    paid: int  # people with an amount above 0
    total: Decimal
    components: tuple[ComponentCost, ...]


@dataclass(frozen=True)
class Simulation:
    plan: str
    currency: str
    year: int
    scenario: Scenario | None
    periods: tuple[PeriodCost, ...]
    payouts: tuple[Decimal, ...]  # every eligible person-period's plan payout, sorted
    shares: tuple[ComponentShares, ...]
    findings: tuple[Finding, ...]

    @property
    def total(self) -> Decimal:
        return sum((period.total for period in self.periods if not period.accrual), Decimal(0))

    @property
    def accrual(self) -> Decimal | None:
        running = [period.total for period in self.periods if period.accrual]
        return running[0] if running else None

    def percentile(self, share: float) -> Decimal | None:
        """The nearest-rank percentile of the payouts (share 0.1 for p10)."""
        if not self.payouts:
            return None
        return self.payouts[max(0, math.ceil(share * len(self.payouts)) - 1)]


def simulate(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    plan_name: str,
    *,
    year: int | None = None,
    scenario: str | None = None,
    today: date | None = None,
) -> Simulation:
    permissions_for(actor, workspace, store=store).ensure(Action.READ_COMPENSATION)
    ensure_sees_every_row(store, actor, workspace)
    day = today or workspace.calendar.today()
    with store.reading() as session:
        plan = checked_plan(workspace, plan_name, read_organisation(session))
    if year is not None:
        plan = plan.model_copy(update={"year": year})
    chosen = parse_scenario(scenario, plan) if scenario else None
    played = plan if chosen is None or chosen.threshold is None else _with_threshold(plan, chosen.threshold)
    costs, payouts, readings = [], [], []
    findings: list[Finding] = []
    for period in plan_periods(plan, workspace.calendar):
        if period.start > day:
            break
        running = period.end > day
        computed = compute_period(store, workspace, plan, period, day, projected=running)
        people = [_replayed(played, period, found, chosen) for found in computed.people]
        costs.append(_cost(workspace, played, period, people, running, day))
        if running:  # an accrual is a forecast: it is costed, but the distribution and fairness are of results
            continue
        payouts += [person.result.payout for person in people if person.found.proration.eligible]
        readings += [(person.found, person.result) for person in people if person.found.proration.eligible]
        findings += out_of_reach(workspace, period, computed.people, day)
    shares = shares_of(played, readings)
    findings = reach_findings(shares) + findings
    return Simulation(
        plan.name, plan.currency, plan.year, chosen, tuple(costs), tuple(sorted(payouts)), shares, tuple(findings)
    )


@dataclass(frozen=True)
class Replayed:
    """A person's period as the scenario plays it."""

    found: PersonPeriod
    result: PlanResult
    amount: Decimal
    parts: Mapping[str, Decimal]  # the amount by component


def _replayed(plan: BonusPlan, period: PlanPeriod, found: PersonPeriod, scenario: Scenario | None) -> Replayed:
    components = {name: _scaled(blend, scenario) for name, blend in found.components.items()}
    gates = {name: _scaled(blend, scenario) for name, blend in found.gates.items()}
    result = evaluate_plan(
        plan,
        {name: blend.attainment for name, blend in components.items()},
        {name: blend.attainment for name, blend in gates.items()},
    )
    yearly = found.earned.yearly_incentive if found.earned is not None else yearly_incentive(plan, None)
    if yearly is None:
        return Replayed(found, result, Decimal(0), {})
    share = period_share(plan, period.index)
    amount = earned(plan, result, yearly=yearly, share=share, proration=found.proration.factor)
    return Replayed(found, result, amount.amount, dict(amount.parts))


def _scaled(blend: Blend, scenario: Scenario | None) -> Blend:
    if scenario is None or scenario.kpi is None:
        return blend
    parts = []
    for share, reading in blend.parts:
        if reading.kpi == scenario.kpi and reading.value is not None and reading.target is not None:
            value = reading.value * float(1 + scenario.change)
            raw = attainment(value, reading.target)
            reached = None if raw is None else attainment_decimal(max(raw, 0.0))
            reading = replace(reading, value=value, attainment=reached)
        parts.append((share, reading))
    return Blend(tuple(parts))


def _with_threshold(plan: BonusPlan, threshold: Decimal) -> BonusPlan:
    default = CurveSpec(
        points=tuple(PointSpec(attainment=p.attainment, payout=p.payout) for p in DEFAULT_CURVE.points),
        cap=DEFAULT_CURVE.cap,
        floor=DEFAULT_CURVE.floor,
    )

    def changed(curve: CurveSpec | str) -> CurveSpec:
        spec = curve if isinstance(curve, CurveSpec) else default
        return spec.model_copy(update={"threshold": threshold})

    sections = tuple(
        section.model_copy(
            update={"components": tuple(c.model_copy(update={"curve": changed(c.curve)}) for c in section.components)}
        )
        for section in plan.all_sections
    )
    return plan.model_copy(update={"sections": sections, "components": ()})


def _cost(
    workspace: Workspace, plan: BonusPlan, period: PlanPeriod, people: Sequence[Replayed], running: bool, day: date
) -> PeriodCost:
    total = sum((person.amount for person in people), Decimal(0))
    components = []
    values = _company_values(workspace, plan, period, day)
    for section in plan.all_sections:
        for component in section.components:
            amount = sum((person.parts.get(component.name, Decimal(0)) for person in people), Decimal(0))
            kpi = workspace.definitions.kpi(component.kpi)
            value = values.get(component.kpi)
            money = kpi is not None and kpi.unit is Unit.CURRENCY and value not in (None, 0)
            share = amount / Decimal(repr(value)) if money and value is not None else None
            components.append(ComponentCost(component.name, component.kpi, amount, value, share))
    paid = sum(1 for person in people if person.amount > 0)
    return PeriodCost(period.name, running, len(people), paid, total, tuple(components))


def _company_values(workspace: Workspace, plan: BonusPlan, period: PlanPeriod, day: date) -> dict[str, float | None]:
    names = sorted({c.kpi for s in plan.all_sections for c in s.components})
    end = min(period.end, day)
    table = workspace.compute(names, grain=period.grain, start=period.start, end=end, today=day)
    row = table.to_pylist()[0] if table.num_rows else {}
    return {name: None if row.get(name) is None else float(row[name]) for name in names}
