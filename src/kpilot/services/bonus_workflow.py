"""A bonus run's way from draft to paid, locking a period, disputes, the payroll export and compensation records.

draft -> review (submitted by whoever may run the plan) -> approved (by as many distinct approvers as the plan
asks; nobody approves a run they started, except the local operator, who is everyone at once) -> paid (which posts
one `paid` line per person for what is payable: owed to date minus paid). A run in review may go back to draft,
which clears its approvals. A period is closed (locked for good) once a run of it is paid; later data changes then
reach people as adjustments in the open period (services.bonus_runs).

A person may dispute a line of their own statement, with a reason; an approver accepts or rejects it, with a
resolution. Every change is one transaction with its audit entry.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from kpilot.auth.actor import Actor
from kpilot.i18n import Message
from kpilot.incentives.errors import BonusNotFound, BonusRefused
from kpilot.services.audit import Action as Audited
from kpilot.services.audit import record
from kpilot.services.bonus_plans import plan_named, plan_period
from kpilot.services.bonus_refusals import bonus_rules
from kpilot.services.bonus_totals import totals_upto
from kpilot.services.kpis import permissions_for
from kpilot.services.permissions import Action, PermissionDenied
from kpilot.store.bonus import (
    BonusStore,
    Compensation,
    Dispute,
    DisputeStatus,
    Leave,
    Line,
    LineKind,
    Lock,
    NewLine,
    Run,
    RunStatus,
)
from kpilot.store.organisation import read_organisation
from kpilot.store.records import email_key
from kpilot.store.session import Store
from kpilot.workspace import Workspace

OPERATOR = "operator"


def _who(actor: Actor) -> str:
    return actor.email or OPERATOR


def _run(bonus: BonusStore, run_id: int) -> Run:
    found = bonus.run(run_id)
    if found is None:
        raise BonusNotFound(Message("incentives.workflow.unknown_run", run=str(run_id)), field="run")
    return found


@bonus_rules
def submit(store: Store, actor: Actor, workspace: Workspace, run_id: int, *, now: datetime) -> Run:
    """draft -> review."""
    return _set(store, actor, workspace, run_id, RunStatus.REVIEW, Action.RUN_BONUS, now)


@bonus_rules
def send_back(store: Store, actor: Actor, workspace: Workspace, run_id: int, *, now: datetime) -> Run:
    """review -> draft (approvals are cleared)."""
    return _set(store, actor, workspace, run_id, RunStatus.DRAFT, Action.APPROVE_BONUS, now)


def _set(
    store: Store, actor: Actor, workspace: Workspace, run_id: int, status: RunStatus, action: Action, now: datetime
) -> Run:
    permissions_for(actor, workspace, store=store).ensure(action)
    with store.writing() as session:
        bonus = BonusStore(session)
        run = bonus.set_status(_run(bonus, run_id).id, status, by=_who(actor), at=now)
        record(session, actor, Audited.BONUS_STATUS_SET, now=now, target=str(run_id), details={"status": status.value})
    return run


@bonus_rules
def approve(store: Store, actor: Actor, workspace: Workspace, run_id: int, *, now: datetime) -> Run:
    """One approval; the run is approved once it has as many distinct approvers as its plan asks."""
    permissions_for(actor, workspace, store=store).ensure(Action.APPROVE_BONUS)
    with store.writing() as session:
        bonus = BonusStore(session)
        run = _run(bonus, run_id)
        if not actor.local and actor.email is not None and email_key(actor.email) == email_key(run.started_by):
            raise BonusRefused(
                Message("incentives.workflow.own_run", run=str(run_id)),
                hint=Message("incentives.workflow.own_run_hint"),
                field="approver",
            )
        run = bonus.approve(run.id, _who(actor), at=now)
        if len(run.approvals) >= run.approvals_needed:
            run = bonus.set_status(run.id, RunStatus.APPROVED, by=_who(actor), at=now)
        record(
            session, actor, Audited.BONUS_APPROVED, now=now, target=str(run_id), details={"status": run.status.value}
        )
    return run


@bonus_rules
def pay(
    store: Store, actor: Actor, workspace: Workspace, run_id: int, *, now: datetime
) -> tuple[Run, tuple[Line, ...]]:
    """Mark an approved run paid: one `paid` line per person for what is payable up to its period."""
    permissions_for(actor, workspace, store=store).ensure(Action.APPROVE_BONUS)
    with store.writing() as session:
        bonus = BonusStore(session)
        run = _run(bonus, run_id)
        plan = plan_named(workspace, run.plan)
        bonus.hold_plan(plan.name)
        totals = totals_upto(plan, workspace.calendar, run.period, bonus.lines(plan.name))
        new = [
            NewLine(person, run.period, run.period, "", LineKind.PAID, found.payable, plan.currency)
            for person, found in sorted(totals.items())
            if found.payable != 0
        ]
        posted = bonus.append_lines(run.id, new, at=now)
        run = bonus.set_status(run.id, RunStatus.PAID, by=_who(actor), at=now)
        total = sum((line.amount for line in posted), Decimal(0))
        record(session, actor, Audited.BONUS_PAID, now=now, target=str(run_id), details={"total": str(total)})
    return run, posted


@bonus_rules
def close(store: Store, actor: Actor, workspace: Workspace, plan_name: str, period_text: str, *, now: datetime) -> Lock:
    """Lock a period for good, once one of its runs is paid."""
    permissions_for(actor, workspace, store=store).ensure(Action.APPROVE_BONUS)
    plan = plan_named(workspace, plan_name)
    period = plan_period(plan, workspace.calendar, period_text)
    with store.writing() as session:
        bonus = BonusStore(session)
        if not any(run.status is RunStatus.PAID for run in bonus.runs(plan.name, period.name)):
            raise BonusRefused(
                Message("incentives.workflow.close_unpaid", plan=plan.name, period=period.name),
                hint=Message("incentives.workflow.close_unpaid_hint"),
                field="period",
            )
        lock = bonus.lock(plan.name, period.name, by=_who(actor), at=now)
        record(session, actor, Audited.BONUS_CLOSED, now=now, target=f"{plan.name} {period.name}")
    return lock


@bonus_rules
def dispute(store: Store, actor: Actor, workspace: Workspace, line_id: int, reason: str, *, now: datetime) -> Dispute:
    """The person a line is about disputes it (nobody else may, for them); a token needs `write`."""
    if actor.token_scopes is not None and "write" not in actor.token_scopes:
        raise PermissionDenied(
            Message("permissions.token_lacks_scope", scope="write"),
            hint=Message("permissions.token_lacks_scope_hint", scope="write"),
            field="token",
        )
    with store.writing() as session:
        bonus = BonusStore(session)
        line = bonus.line(line_id)
        if line is None or actor.person_id is None or line.person_id != actor.person_id:
            # Someone else's line is "not found" to them: its existence is pay data too.
            raise BonusNotFound(Message("incentives.workflow.unknown_line", line=str(line_id)), field="line")
        found = bonus.open_dispute(line_id, reason, at=now)
        record(session, actor, Audited.BONUS_DISPUTED, now=now, target=str(line_id))
    return found


@bonus_rules
def resolve(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    dispute_id: int,
    accepted: bool,
    resolution: str,
    *,
    now: datetime,
) -> Dispute:
    permissions_for(actor, workspace, store=store).ensure(Action.APPROVE_BONUS)
    status = DisputeStatus.ACCEPTED if accepted else DisputeStatus.REJECTED
    with store.writing() as session:
        found = BonusStore(session).resolve_dispute(dispute_id, status, by=_who(actor), at=now, resolution=resolution)
        record(
            session,
            actor,
            Audited.BONUS_DISPUTE_RESOLVED,
            now=now,
            target=str(dispute_id),
            details={"status": status.value},
        )
    return found


@dataclass(frozen=True)
class PayrollRow:
    email: str
    name: str
    plan: str
    period: str
    amount: Decimal
    currency: str


@bonus_rules
def payroll(store: Store, actor: Actor, workspace: Workspace, run_id: int, *, now: datetime) -> tuple[PayrollRow, ...]:
    """The `paid` lines of a paid run, one row per person (what payroll transfers)."""
    permissions_for(actor, workspace, store=store).ensure(Action.RUN_BONUS)
    with store.writing() as session:
        bonus = BonusStore(session)
        run = _run(bonus, run_id)
        if run.status is not RunStatus.PAID:
            raise BonusRefused(Message("incentives.workflow.export_unpaid", run=str(run_id)), field="run")
        people = {person.id: person for person in read_organisation(session).people}
        rows = tuple(
            PayrollRow(
                people[one.person_id].email, people[one.person_id].name, run.plan, run.period, one.amount, one.currency
            )
            for one in bonus.run_lines(run.id)
            if one.kind is LineKind.PAID
        )
        record(session, actor, Audited.BONUS_EXPORTED, now=now, target=str(run_id), details={"rows": len(rows)})
    return tuple(sorted(rows, key=lambda row: (row.name, row.email)))


def payroll_csv(rows: tuple[PayrollRow, ...]) -> str:
    """The export as CSV: a header row of field names, amounts as plain decimals (12345.67), UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "name", "plan", "period", "amount", "currency"])
    for row in rows:
        writer.writerow([row.email, row.name, row.plan, row.period, f"{row.amount:f}", row.currency])
    return out.getvalue()


@bonus_rules
def set_compensation(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    email: str,
    *,
    valid_from: date,
    base_pay: Decimal,
    currency: str,
    fte: Decimal = Decimal(1),
    now: datetime,
) -> Compensation:
    """A person's yearly base pay and working time from `valid_from` on (the record in force until then ends)."""
    permissions_for(actor, workspace, store=store).ensure(Action.RUN_BONUS)
    with store.writing() as session:
        people = {person.email_key: person for person in read_organisation(session).people}
        person = people.get(email_key(email))
        if person is None:
            raise BonusNotFound(Message("incentives.statement.unknown_person", email=email), field="person")
        bonus = BonusStore(session)
        current = bonus.compensation_on(person.id, valid_from)
        if current is not None and current.valid_to is None and current.valid_from < valid_from:
            bonus.end_compensation(current.id, valid_from)
        found = bonus.set_compensation(
            person.id, valid_from=valid_from, valid_to=None, base_pay=base_pay, currency=currency, fte=fte
        )
        record(session, actor, Audited.COMPENSATION_SET, now=now, target=person.email)
    return found


@bonus_rules
def add_leave(
    store: Store, actor: Actor, workspace: Workspace, email: str, *, starts_on: date, ends_on: date, now: datetime
) -> Leave:
    """Unpaid leave of a person from `starts_on` to `ends_on` (the first day back): days out of their plans."""
    permissions_for(actor, workspace, store=store).ensure(Action.RUN_BONUS)
    with store.writing() as session:
        people = {person.email_key: person for person in read_organisation(session).people}
        person = people.get(email_key(email))
        if person is None:
            raise BonusNotFound(Message("incentives.statement.unknown_person", email=email), field="person")
        found = BonusStore(session).add_leave(person.id, starts_on=starts_on, ends_on=ends_on)
        record(session, actor, Audited.LEAVE_ADDED, now=now, target=person.email)
    return found
