"""Running a bonus plan for a period: compute every member's amount and append to the ledger what changed.

A run never rewrites what is there. It computes the period, and again every locked period of the plan before it
(the data of a closed period may have changed since: a late import, a corrected row), and posts the difference
between what is now owed and what the ledger holds (`incentives.ledger.lines_to_post`): `earned` lines for the
period run, and for a locked period one `adjustment` line per component in the period run, with the reason and
the before and after amounts. Re-running with nothing changed posts nothing. A person no longer in the plan for a
period they were paid for is reversed (computed as 0), never silently kept.

Only a period that has ended can be run (the accrual of a running period is `kpilot bonus simulate`'s), and not a
locked one (run the open period: it adjusts the locked ones). The run, its lines and the audit entry are one
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kpilot.auth.actor import Actor
from kpilot.i18n import Message
from kpilot.incentives.errors import BonusRefused
from kpilot.incentives.ledger import LedgerLine, LineKey, LineKind, lines_to_post
from kpilot.services.audit import Action as Audited
from kpilot.services.audit import record
from kpilot.services.bonus_compute import PeriodComputation, compute_period, ensure_sees_every_row
from kpilot.services.bonus_details import line_details, message_data
from kpilot.services.bonus_plans import checked_plan, plan_period, plan_periods
from kpilot.services.kpis import permissions_for
from kpilot.services.permissions import Action
from kpilot.store.bonus import BonusStore, Line, NewLine, Run
from kpilot.store.bonus import LineKind as StoredKind
from kpilot.store.organisation import read_organisation
from kpilot.store.session import Store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class RunOutcome:
    run: Run
    computed: tuple[PeriodComputation, ...]  # the period run last, after the locked ones it re-checked
    posted: tuple[Line, ...]

    @property
    def computation(self) -> PeriodComputation:
        return self.computed[-1]

    @property
    def adjustments(self) -> tuple[Line, ...]:
        return tuple(line for line in self.posted if line.kind is StoredKind.ADJUSTMENT)


def run_plan(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    plan_name: str,
    period_text: str,
    *,
    now: datetime,
    today: date | None = None,
) -> RunOutcome:
    permissions_for(actor, workspace, store=store).ensure(Action.RUN_BONUS)
    ensure_sees_every_row(store, actor, workspace)
    day = today or workspace.calendar.today()
    with store.reading() as session:
        plan = checked_plan(workspace, plan_name, read_organisation(session))
        locked = set(BonusStore(session).locked_period_names(plan.name))
    period = plan_period(plan, workspace.calendar, period_text)
    if period.end > day:
        raise BonusRefused(
            Message("incentives.run.period_not_over", plan=plan.name, period=period.name, last=period.end),
            hint=Message("incentives.run.period_not_over_hint"),
            field="period",
        )
    if period.name in locked:
        raise BonusRefused(
            Message("incentives.run.period_locked", plan=plan.name, period=period.name),
            hint=Message("incentives.run.period_locked_hint"),
            field="period",
        )
    again = [p for p in plan_periods(plan, workspace.calendar) if p.name in locked and p.end <= period.start]
    computed = tuple(compute_period(store, workspace, plan, p, day) for p in [*again, period])
    amounts, details, people = _computed(computed)
    with store.writing() as session:
        bonus = BonusStore(session)
        bonus.hold_plan(plan.name)
        existing = bonus.lines(plan.name)
        emails = {person.id: person.email for person in read_organisation(session).people} | people
        known = {p.period.name for p in computed}
        for line in existing:  # someone paid before and no longer in the plan for that period is reversed
            key = LineKey(plan.name, emails[line.person_id], line.period, line.component)
            if line.kind is not StoredKind.PAID and line.period in known and key not in amounts:
                amounts[key] = Decimal(0)
        new = lines_to_post(
            [_ledger_line(plan.name, line, emails) for line in existing],
            amounts,
            set(bonus.locked_period_names(plan.name)),
            period.name,
        )
        run = bonus.start_run(
            plan=plan.name,
            period=period.name,
            started_by=actor.email or "operator",
            definitions_sha=workspace.definitions_digest(),
            approvals_needed=plan.approvals,
            at=now,
        )
        ids = {email: person_id for person_id, email in emails.items()}
        posted = bonus.append_lines(run.id, [_new_line(line, ids, details, plan.currency) for line in new], at=now)
        record(
            session,
            actor,
            Audited.BONUS_RUN,
            target=f"{plan.name} {period.name}",
            details={
                "run": run.id,
                "lines": len(posted),
                "adjustments": sum(n.kind is LineKind.ADJUSTMENT for n in new),
            },
            now=now,
        )
    return RunOutcome(run, computed, posted)


def _computed(
    computed: Sequence[PeriodComputation],
) -> tuple[dict[LineKey, Decimal], dict[LineKey, dict[str, Any]], dict[int, str]]:
    amounts: dict[LineKey, Decimal] = {}
    details: dict[LineKey, dict[str, Any]] = {}
    people: dict[int, str] = {}
    for computation in computed:
        plan = computation.plan
        for found in computation.people:
            people[found.person.id] = found.person.email
            parts = dict(found.earned.parts) if found.earned is not None else {}
            for component in found.result.components:
                key = LineKey(plan.name, found.person.email, computation.period.name, component.name)
                amounts[key] = parts.get(component.name, Decimal(0))
                details[key] = line_details(found, component.name)
    return amounts, details, people


def _ledger_line(plan: str, line: Line, emails: Mapping[int, str]) -> LedgerLine:
    return LedgerLine(
        key=LineKey(plan, emails[line.person_id], line.period, line.component),
        kind=LineKind(line.kind.value),
        amount=line.amount,
        posted_in=line.posted_in,
        reason=None,
        before=line.before,
        after=line.after,
    )


def _new_line(
    line: LedgerLine, ids: Mapping[str, int], details: Mapping[LineKey, dict[str, Any]], currency: str
) -> NewLine:
    reason = line.reason
    return NewLine(
        person_id=ids[line.key.person],
        period=line.key.period,
        posted_in=line.posted_in,
        component=line.key.component,
        kind=StoredKind(line.kind.value),
        amount=line.amount,
        currency=currency,
        reason_code=None if reason is None else reason.code,
        reason_values=None if reason is None else (message_data(reason, currency) or {}).get("values"),
        before=line.before,
        after=line.after,
        details=details.get(line.key),
    )
