"""Bonus runs and statements as plain data: what `kpilot bonus ... --format json` prints and the REST API answers
(docs/bonus.md, "As data"). Codes and values only; money and fractions as decimal text ("3881.25", "1.29375"), so
that no amount passes through a float; dates as ISO text; reasons as {code, values}."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kpilot.i18n import Message, Share
from kpilot.services.bonus_compute import PersonPeriod
from kpilot.services.bonus_runs import RunOutcome
from kpilot.services.bonus_simulate import Simulation
from kpilot.services.bonus_statements import Statement, StatementLine
from kpilot.store.bonus import Dispute, Line, Run


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def run_summary(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "plan": run.plan,
        "period": run.period,
        "status": run.status.value,
        "started_at": run.started_at.isoformat(),
        "started_by": run.started_by,
        "approvals_needed": run.approvals_needed,
        "approvals": [{"approver": a.approver, "at": a.at.isoformat()} for a in run.approvals],
        "definitions_sha": run.definitions_sha,
    }


def run_data(outcome: RunOutcome) -> dict[str, Any]:
    computation = outcome.computation
    return {
        "run": run_summary(outcome.run),
        "currency": computation.plan.currency,
        "payment_date": computation.payment_date.isoformat(),
        "rechecked": [found.period.name for found in outcome.computed[:-1]],
        "people": [_person(found) for found in computation.people],
        "total": money(sum((f.earned.amount for f in computation.people if f.earned is not None), Decimal(0))),
        "posted": [line_data(line) for line in outcome.posted],
    }


def _person(found: PersonPeriod) -> dict[str, Any]:
    earned = found.earned
    return {
        "email": found.person.email,
        "name": found.person.name,
        "eligible": found.proration.eligible,
        "proration": f"{found.proration.factor:f}",
        "payout": f"{found.result.payout:f}",
        "amount": money(earned.amount) if earned is not None else None,
        "components": {name: money(part) for name, part in (earned.parts if earned is not None else ())},
        "missing": list(found.result.missing),
        "reason": message_data(found.reason),
    }


def line_data(line: Line) -> dict[str, Any]:
    return {
        "id": line.id,
        "run": line.run_id,
        "person": line.person_id,
        "period": line.period,
        "posted_in": line.posted_in,
        "component": line.component,
        "kind": line.kind.value,
        "amount": money(line.amount),
        "currency": line.currency,
        "reason": None if line.reason_code is None else {"code": line.reason_code, "values": line.reason_values},
        "before": money(line.before),
        "after": money(line.after),
    }


def statement_data(found: Statement) -> dict[str, Any]:
    return {
        "plan": found.plan,
        "plan_title": found.plan_title,
        "person": {"email": found.person.email, "name": found.person.name},
        "period": found.period,
        "currency": found.currency,
        "lines": [_statement_line(line) for line in found.lines],
        "total": money(found.total),
        "owed_to_date": money(found.owed_to_date),
        "paid_to_date": money(found.paid_to_date),
        "payable": money(found.payable),
        "runs": [run_summary(run) for run in found.runs],
        "disputes": [dispute_data(dispute) for dispute in found.disputes],
    }


def _statement_line(line: StatementLine) -> dict[str, Any]:
    return {
        "kind": line.kind.value,
        "component": line.component,
        "period": line.period,
        "amount": money(line.amount),
        "lines": list(line.line_ids),
        "details": _plain(line.details),
        "reason": message_data(line.reason),
        "before": money(line.before),
        "after": money(line.after),
    }


def dispute_data(dispute: Dispute) -> dict[str, Any]:
    return {
        "id": dispute.id,
        "line": dispute.line_id,
        "reason": dispute.reason,
        "status": dispute.status.value,
        "opened_at": dispute.opened_at.isoformat(),
        "resolved_at": None if dispute.resolved_at is None else dispute.resolved_at.isoformat(),
        "resolved_by": dispute.resolved_by,
        "resolution": dispute.resolution,
    }


def message_data(message: Message | None) -> dict[str, Any] | None:
    if message is None:
        return None
    return {"code": message.code, "values": _plain(message.values)}


def _plain(value: Any) -> Any:
    """Details as JSON: Decimals as their text, Messages as {code, values}, the rest as it is."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, Message):
        return message_data(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Share):
        return repr(value.fraction)
    return value


def simulation_data(found: Simulation) -> dict[str, Any]:
    return {
        "plan": found.plan,
        "currency": found.currency,
        "year": found.year,
        "scenario": None if found.scenario is None else found.scenario.text,
        "total": money(found.total),
        "accrual": money(found.accrual),
        "periods": [
            {
                "period": period.period,
                "accrual": period.accrual,
                "people": period.people,
                "paid": period.paid,
                "total": money(period.total),
                "components": [
                    {
                        "component": cost.component,
                        "kpi": cost.kpi,
                        "amount": money(cost.amount),
                        "kpi_value": cost.kpi_value,
                        "share_of_kpi": None if cost.share_of_kpi is None else f"{cost.share_of_kpi:f}",
                    }
                    for cost in period.components
                ],
            }
            for period in found.periods
        ],
        "payouts": {
            "count": len(found.payouts),
            "p10": _plain(found.percentile(0.1)),
            "p50": _plain(found.percentile(0.5)),
            "p90": _plain(found.percentile(0.9)),
        },
        "components": [
            {
                "component": share.component,
                "readings": share.readings,
                "at_cap": _plain(share.at_cap),
                "below_threshold": _plain(share.below_threshold),
                "reached_target": _plain(share.reached_target),
            }
            for share in found.shares
        ],
        "findings": [
            {"component": f.component, "person": f.person, "message": message_data(f.message)} for f in found.findings
        ],
    }
