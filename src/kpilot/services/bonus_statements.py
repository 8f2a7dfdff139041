"""Bonus statements: what one person earned in one period of a plan, line by line, from the ledger.

A statement is read from the ledger, never recomputed: each component's amount is the sum of its lines for the
period, shown with the breakdown its latest line was computed with (KPI value, target, attainment, the point on
the curve, gates, proration, rounding); the adjustments posted in the period (corrections of locked periods) follow
with their reason and before and after; then what is owed to date, what was paid, and what is payable.

Who may read one: the person, everyone above them in the management chain, and holders of the `compensation`
permission; nobody else, not even an admin without it. Every read is written to the audit log, and so is every
refusal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from kpilot.auth.actor import Actor
from kpilot.i18n import Message
from kpilot.incentives.errors import BonusNotFound
from kpilot.services.audit import Action as Audited
from kpilot.services.audit import record
from kpilot.services.bonus_details import message_from
from kpilot.services.bonus_plans import plan_named, plan_period
from kpilot.services.bonus_totals import Totals, totals_upto
from kpilot.services.permissions import Action, Permissions, role_allows
from kpilot.services.reader import reader_of
from kpilot.services.refusals import refuse
from kpilot.store.bonus import BonusStore, Dispute, Line, LineKind, Run
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import Person, email_key
from kpilot.store.session import Store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class StatementLine:
    """One component's amount for the period, or one adjustment posted in it."""

    kind: LineKind  # earned or adjustment
    component: str
    period: str  # the period the money is for (an adjustment's locked period)
    amount: Decimal
    line_ids: tuple[int, ...]  # the ledger lines it adds up (a dispute names one of them)
    details: Mapping[str, Any] | None  # how it was computed (services.bonus_details), from its latest line
    reason: Message | None = None  # an adjustment's
    before: Decimal | None = None
    after: Decimal | None = None


@dataclass(frozen=True)
class Statement:
    plan: str
    plan_title: str
    person: Person
    period: str
    currency: str
    lines: tuple[StatementLine, ...]
    total: Decimal  # earned and adjusted in this period
    owed_to_date: Decimal  # every earned and adjustment line up to and including this period
    paid_to_date: Decimal
    runs: tuple[Run, ...]  # of this period, oldest first
    disputes: tuple[Dispute, ...]

    @property
    def payable(self) -> Decimal:
        return self.owed_to_date - self.paid_to_date

    @property
    def earned(self) -> tuple[StatementLine, ...]:
        return tuple(line for line in self.lines if line.kind is LineKind.EARNED)

    @property
    def adjustments(self) -> tuple[StatementLine, ...]:
        return tuple(line for line in self.lines if line.kind is LineKind.ADJUSTMENT)


def statement(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    plan_name: str,
    email: str,
    period_text: str,
    *,
    now: datetime,
) -> Statement:
    plan = plan_named(workspace, plan_name)
    period = plan_period(plan, workspace.calendar, period_text)
    with store.reading() as session:
        organisation = read_organisation(session)
    person = _person(organisation, email)
    ensure_may_read(store, actor, workspace, organisation, person, now=now, target=f"{plan.name} {period.name}")
    with store.writing() as session:
        bonus = BonusStore(session)
        lines = bonus.lines(plan.name, person.id)
        runs = bonus.runs(plan.name, period.name)
        disputes = bonus.disputes(plan=plan.name, person_id=person.id)
        record(
            session, actor, Audited.BONUS_STATEMENT_READ, now=now, target=f"{plan.name} {period.name} {person.email}"
        )
    totals = totals_upto(plan, workspace.calendar, period.name, lines).get(person.id, Totals())
    here = [line for line in lines if line.posted_in == period.name and line.kind is not LineKind.PAID]
    shown = _statement_lines(here)
    line_ids = {line_id for shown_line in shown for line_id in shown_line.line_ids}
    return Statement(
        plan=plan.name,
        plan_title=plan.title,
        person=person,
        period=period.name,
        currency=plan.currency,
        lines=shown,
        total=sum((line.amount for line in shown), Decimal(0)),
        owed_to_date=totals.owed,
        paid_to_date=totals.paid,
        runs=runs,
        disputes=tuple(dispute for dispute in disputes if dispute.line_id in line_ids),
    )


def ensure_may_read(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    organisation: Organisation,
    person: Person,
    *,
    now: datetime,
    target: str,
) -> None:
    """The person themselves, their managers (at any level), or a holder of `compensation`; a refusal is audited."""
    if may_read(actor, workspace, organisation, person):
        return
    refuse(store, actor, Audited.BONUS_STATEMENT_READ, target, now, Message("incentives.statement.not_yours"))


def may_read(actor: Actor, workspace: Workspace, organisation: Organisation, person: Person) -> bool:
    if actor.local:
        return True
    permissions = Permissions(reader_of(actor, organisation, workspace.calendar.today()), workspace.definitions)
    if permissions.can(Action.READ_COMPENSATION):
        return True
    reader = permissions.reader
    if not role_allows(actor, Action.READ_COMPENSATION) or (
        actor.token_scopes is not None and "read" not in actor.token_scopes
    ):
        return False
    if reader.person is None:
        return False
    return reader.person.id == person.id or any(report.id == person.id for report in reader.reports)


def _statement_lines(lines: Sequence[Line]) -> tuple[StatementLine, ...]:
    """Earned lines summed per component (re-runs of an open period post differences), then adjustments one by
    one (each corrects a locked period for its own reason)."""
    earned: dict[str, list[Line]] = {}
    adjustments = []
    for line in lines:
        if line.kind is LineKind.EARNED:
            earned.setdefault(line.component, []).append(line)
        else:
            adjustments.append(line)
    shown = [
        StatementLine(
            LineKind.EARNED,
            component,
            group[-1].period,
            sum((line.amount for line in group), Decimal(0)),
            tuple(line.id for line in group),
            next((line.details for line in reversed(group) if line.details is not None), None),
        )
        for component, group in earned.items()
    ]
    for line in adjustments:
        reason = message_from({"code": line.reason_code, "values": line.reason_values}) if line.reason_code else None
        shown.append(
            StatementLine(
                LineKind.ADJUSTMENT,
                line.component,
                line.period,
                line.amount,
                (line.id,),
                line.details,
                reason,
                line.before,
                line.after,
            )
        )
    return tuple(shown)


def _person(organisation: Organisation, email: str) -> Person:
    key = email_key(email)
    found = next((person for person in organisation.people if person.email_key == key), None)
    if found is None:
        raise BonusNotFound(Message("incentives.statement.unknown_person", email=email), field="person")
    return found
