"""One plan period computed for every member: proration, the KPI readings, the payout through curves and gates, the
amount, and what the next 1 % of each component is worth. Nothing is written here (`bonus_runs` writes).

A run computes over every row: a bonus paid on numbers that leave out rows the runner may not see would be wrong,
so the runner must see every KPI over every row (an admin or editor, or the local operator); anyone else is
refused rather than paid short.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kpilot.auth.actor import Actor
from kpilot.definitions.bonus_model import BonusPlan
from kpilot.i18n import Message
from kpilot.incentives.amounts import Earned, earned, period_share, yearly_incentive
from kpilot.incentives.errors import BonusRefused
from kpilot.incentives.payout import PlanResult, evaluate_plan, next_percent_worth
from kpilot.incentives.proration import Proration, prorate
from kpilot.services.bonus_members import Member, plan_members
from kpilot.services.bonus_plans import PlanPeriod
from kpilot.services.bonus_readings import Blend, Readings, scopes_for
from kpilot.services.kpis import permissions_for
from kpilot.store.bonus import BonusStore
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import Person
from kpilot.store.session import Store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class PersonPeriod:
    """One member's period: everything their statement shows."""

    person: Person
    proration: Proration
    components: Mapping[str, Blend]  # by component name
    gates: Mapping[str, Blend]  # by gate name, for gates whose condition is a KPI
    result: PlanResult
    earned: Earned | None  # None when the plan pays a share of base pay and none is recorded
    reason: Message | None  # why nothing is earned (not eligible, no base pay), else None
    worth: Mapping[str, Decimal]  # by component: the money one more percent of attainment earns (unrounded)


@dataclass(frozen=True)
class PeriodComputation:
    plan: BonusPlan
    period: PlanPeriod
    payment_date: date
    people: tuple[PersonPeriod, ...]


def ensure_sees_every_row(store: Store, actor: Actor, workspace: Workspace) -> None:
    if not permissions_for(actor, workspace, store=store).unrestricted:
        raise BonusRefused(Message("incentives.run.needs_every_row"), field="actor")


def compute_period(
    store: Store, workspace: Workspace, plan: BonusPlan, period: PlanPeriod, today: date, *, projected: bool = False
) -> PeriodComputation:
    """Every member's period (the caller has checked the actor may, and sees every row); `projected` reads a
    running period's KPIs at their end-of-period projections (services.bonus_readings)."""
    with store.reading() as session:
        organisation = read_organisation(session)
        bonus = BonusStore(session)
        compensation = {person.id: bonus.compensation_of(person.id) for person in organisation.people}
        leaves = {person.id: bonus.leaves_of(person.id) for person in organisation.people}
    members = plan_members(plan, organisation, compensation, period.start, period.end, leaves)
    payment_date = period.end + timedelta(days=plan.paid_after_days)
    readings = Readings(workspace, period.start, period.grain, today, projected=projected)
    prorated = [(member, prorate(member.eligibility, period.start, period.end, payment_date)) for member in members]
    wanted = [(member, proration, _scopes(plan, member, proration, organisation)) for member, proration in prorated]
    for _, _, scopes in wanted:
        for kpi, parts in scopes.values():
            for _, scope in parts:
                readings.want(kpi, scope)
    readings.compute()
    people = tuple(
        _person_period(plan, period, member, proration, scopes, readings) for member, proration, scopes in wanted
    )
    return PeriodComputation(plan, period, payment_date, people)


Parts = tuple[tuple[Decimal, Mapping[str, str]], ...]


def _scopes(
    plan: BonusPlan, member: Member, proration: Proration, organisation: Organisation
) -> dict[str, tuple[str, Parts]]:
    """What each component (by name) and KPI gate (by `gate:NAME`) reads: its KPI and scopes with shares."""
    person_scope = member.person.scope.as_dict()
    teams = {team.name: team for team in organisation.teams}
    team_scopes: list[tuple[Decimal, Mapping[str, str]]] = []
    for share in proration.teams:
        if share.team is not None and share.team in teams:
            team_scopes.append((share.share, teams[share.team].scope.as_dict()))
    found: dict[str, tuple[str, Parts]] = {}
    for section in plan.all_sections:
        for component in section.components:
            found[component.name] = (component.kpi, scopes_for(component.scope, person_scope, team_scopes))
    for gate in plan.gates:
        if gate.when.kpi is not None:
            found[f"gate:{gate.name}"] = (gate.when.kpi, scopes_for(gate.when.scope, person_scope, team_scopes))
    return found


def _person_period(
    plan: BonusPlan,
    period: PlanPeriod,
    member: Member,
    proration: Proration,
    scopes: Mapping[str, tuple[str, Parts]],
    readings: Readings,
) -> PersonPeriod:
    blends = {
        name: Blend(tuple((share, readings.reading(kpi, scope)) for share, scope in parts))
        for name, (kpi, parts) in scopes.items()
    }
    components = {name: blend for name, blend in blends.items() if not name.startswith("gate:")}
    gates = {name.removeprefix("gate:"): blend for name, blend in blends.items() if name.startswith("gate:")}
    attainments = {name: blend.attainment for name, blend in components.items()}
    gate_attainments = {name: blend.attainment for name, blend in gates.items()}
    result = evaluate_plan(plan, attainments, gate_attainments)
    yearly = yearly_incentive(plan, _base_pay(plan, member))
    share = period_share(plan, period.index)
    reason = proration.reason if not proration.eligible else None
    if yearly is None:
        reason = Message("incentives.run.no_base_pay", person=member.person.email)
    amount = None if yearly is None else earned(plan, result, yearly=yearly, share=share, proration=proration.factor)
    money = (yearly or Decimal(0)) * share * proration.factor
    worth = {
        name: money * next_percent_worth(plan, attainments, gate_attainments, name)
        for name in components
        if attainments[name] is not None
    }
    return PersonPeriod(member.person, proration, components, gates, result, amount, reason, worth)


def _base_pay(plan: BonusPlan, member: Member) -> Decimal | None:
    """Base pay in the plan's currency (a record in another currency is not converted: it counts as none)."""
    if member.base_pay is None or member.base_currency != plan.currency:
        return None
    return member.base_pay
