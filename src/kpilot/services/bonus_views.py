"""What the bonus pages and the REST API read beyond one statement (services.bonus_statements): the plans there are,
the statements a person has, a manager's reports' statements for a period, and a plan's runs and open disputes for
those who run or approve it.

Who may read what is decided here, with the checks the statements and the workflow use: a person's own statements
and their reports' through `may_read` (the person, their managers, holders of `compensation`), each statement still
read (and audited) through `statement`; runs and disputes need RUN_BONUS or APPROVE_BONUS (both need
`compensation`). The surfaces only show what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kpilot.auth.actor import Actor
from kpilot.definitions.bonus_model import BonusPlan
from kpilot.services.bonus_plans import plan_named, plan_periods
from kpilot.services.bonus_statements import Statement, may_read, statement
from kpilot.services.kpis import permissions_for
from kpilot.services.permissions import Action
from kpilot.services.reader import reader_of
from kpilot.store.bonus import BonusStore, Dispute, DisputeStatus, Line, LineKind, Run
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import Person
from kpilot.store.session import Store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class PlanSummary:
    name: str
    title: str
    currency: str
    periods: tuple[str, ...]  # the periods of the plan's year, in order


@dataclass(frozen=True)
class StatementRef:
    """A statement there is to read: a person has ledger lines posted in this period of this plan."""

    plan: str
    plan_title: str
    period: str
    email: str
    name: str


@dataclass(frozen=True)
class TeamView:
    """A manager's reports' statements for one period of one plan (none chosen when the reports have none)."""

    choices: tuple[StatementRef, ...]  # one per (plan, period) the reports have lines in, `email` empty, newest first
    plan: str | None
    period: str | None
    statements: tuple[Statement, ...]  # by the person's name


@dataclass(frozen=True)
class OpenDispute:
    dispute: Dispute
    person: Person
    line: Line


@dataclass(frozen=True)
class PlanAdmin:
    """A plan as its runner or approver sees it: its runs (newest first), closed periods and open disputes."""

    plan: PlanSummary
    runs: tuple[Run, ...]
    locked: tuple[str, ...]
    disputes: tuple[OpenDispute, ...]
    may_run: bool  # RUN_BONUS: run a period, submit a run, export payroll
    may_approve: bool  # APPROVE_BONUS: approve, send back, pay, close, resolve disputes


def plans(store: Store, actor: Actor, workspace: Workspace) -> tuple[PlanSummary, ...]:
    """Every plan's name, title, currency and periods: definitions, not pay data, so whoever may read KPIs."""
    permissions_for(actor, workspace, store=store).ensure(Action.READ_KPIS)
    return tuple(_summary(plan, workspace) for plan in workspace.definitions.bonus_plans)


def my_statements(store: Store, actor: Actor, workspace: Workspace) -> tuple[StatementRef, ...]:
    """The plans and periods the actor's own person has lines in, the newest period of each plan first (an actor
    with no person, or one who may not read pay data at all, such as a token without `read`, has none)."""
    with store.reading() as session:
        organisation = read_organisation(session)
        person = _person_of(actor, organisation)
        if person is None or not may_read(actor, workspace, organisation, person):
            return ()
        return _refs(BonusStore(session), workspace, (person,))


def team_view(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    plan_name: str | None = None,
    period_text: str | None = None,
    *,
    now: datetime,
) -> TeamView:
    """The actor's reports (at any depth) who have a statement for the period asked (default: the newest any of
    them has), each read through `statement`, so checked and audited one by one."""
    with store.reading() as session:
        organisation = read_organisation(session)
        reader = reader_of(actor, organisation, workspace.calendar.today(now))
        reports = tuple(p for p in reader.reports if may_read(actor, workspace, organisation, p))
        refs = _refs(BonusStore(session), workspace, reports)
    choices: dict[tuple[str, str], StatementRef] = {}
    for ref in refs:
        choices.setdefault((ref.plan, ref.period), StatementRef(ref.plan, ref.plan_title, ref.period, "", ""))
    if plan_name is None or period_text is None:
        first = next(iter(choices.values()), None)
        plan_name, period_text = (None, None) if first is None else (first.plan, first.period)
    if plan_name is not None:
        plan_name = plan_named(workspace, plan_name).name
    shown = tuple(
        statement(store, actor, workspace, ref.plan, ref.email, ref.period, now=now)
        for ref in sorted(refs, key=lambda ref: (ref.name, ref.email))
        if (ref.plan, ref.period) == (plan_name, period_text)
    )
    return TeamView(tuple(choices.values()), plan_name, period_text, shown)


def administered(store: Store, actor: Actor, workspace: Workspace) -> tuple[PlanAdmin, ...]:
    """Every plan with its runs and open disputes, for an actor who may run or approve bonuses (else refused)."""
    _ensure_runs_or_approves(store, actor, workspace)
    return tuple(plan_admin(store, actor, workspace, plan.name) for plan in workspace.definitions.bonus_plans)


def plan_admin(store: Store, actor: Actor, workspace: Workspace, plan_name: str) -> PlanAdmin:
    may_run, may_approve = _ensure_runs_or_approves(store, actor, workspace)
    plan = plan_named(workspace, plan_name)
    with store.reading() as session:
        bonus = BonusStore(session)
        people = {person.id: person for person in read_organisation(session).people}
        runs = tuple(sorted(bonus.runs(plan.name), key=lambda run: run.id, reverse=True))
        locked = bonus.locked_period_names(plan.name)
        disputes = []
        for found in bonus.disputes(plan=plan.name, status=DisputeStatus.OPEN):
            line = bonus.line(found.line_id)
            if line is not None and found.person_id in people:
                disputes.append(OpenDispute(found, people[found.person_id], line))
    return PlanAdmin(_summary(plan, workspace), runs, tuple(locked), tuple(disputes), may_run, may_approve)


def _ensure_runs_or_approves(store: Store, actor: Actor, workspace: Workspace) -> tuple[bool, bool]:
    permissions = permissions_for(actor, workspace, store=store)
    may_run, may_approve = permissions.can(Action.RUN_BONUS), permissions.can(Action.APPROVE_BONUS)
    if not (may_run or may_approve):
        permissions.ensure(Action.RUN_BONUS)  # raises, with the reason (a role, or the `compensation` permission)
    return may_run, may_approve


def _summary(plan: BonusPlan, workspace: Workspace) -> PlanSummary:
    periods = tuple(period.name for period in plan_periods(plan, workspace.calendar))
    return PlanSummary(plan.name, plan.title, plan.currency, periods)


def _person_of(actor: Actor, organisation: Organisation) -> Person | None:
    return next((person for person in organisation.people if person.id == actor.person_id), None)


def _refs(bonus: BonusStore, workspace: Workspace, people: tuple[Person, ...]) -> tuple[StatementRef, ...]:
    """Each person's (plan, period) with lines posted in it (what a statement shows), newest period first."""
    found = []
    for plan in workspace.definitions.bonus_plans:
        order = [period.name for period in plan_periods(plan, workspace.calendar)]
        for person in people:
            posted = {line.posted_in for line in bonus.lines(plan.name, person.id) if line.kind is not LineKind.PAID}
            for period in sorted(posted & set(order), key=order.index, reverse=True):
                found.append(
                    (
                        plan.name,
                        -order.index(period),
                        StatementRef(plan.name, plan.title, period, person.email, person.name),
                    )
                )
    return tuple(ref for _, _, ref in sorted(found, key=lambda item: (item[0], item[1], item[2].name)))


def may_dispute(actor: Actor, found: Statement) -> bool:
    """Only the person a statement is about disputes its lines (services.bonus_workflow.dispute refuses anyone
    else): the pages offer the form to them alone."""
    return actor.person_id is not None and actor.person_id == found.person.id
