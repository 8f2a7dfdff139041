"""What a bonus statement page shows (docs/dashboard.md#bonus-pages), as text in the reader's language: every
amount, percentage and word made here from the statement (services.bonus_statements) and the computation each line
keeps in its details (services.bonus_details: decimal text, reasons as {code, values}), so that the template only
places them and a statement reads the same as it was paid, whatever changed since."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urlencode

from kpilot.i18n import Language, Message, render, text
from kpilot.i18n.numbers import fixed, money
from kpilot.services.bonus_statements import Statement, StatementLine
from kpilot.store.bonus import Dispute, LineKind

NONE = "–"


@dataclass(frozen=True)
class ReadRow:
    """One KPI reading of a component (a blended team reading has one per team, each with its share)."""

    kpi: str
    link: str  # the KPI's page for the period, over the scope read
    scope: str  # `owner=anna`, empty for the company
    share: str
    value: str
    target: str
    attainment: str
    reason: str


@dataclass(frozen=True)
class GateRow:
    gate: str
    words: str  # "company_gate: 117.5% of target; below 90% it caps at 0%" in the reader's words
    applied: bool
    change: str  # "129.38% → 0%" when applied


@dataclass(frozen=True)
class DisputeRow:
    id: int
    reason: str
    status: str  # in words
    resolution: str


@dataclass(frozen=True)
class LineRow:
    kind: str  # earned or adjustment
    component: str
    period: str  # the period the money is for
    weight: str
    reads: tuple[ReadRow, ...]
    attainment: str
    curve: str  # the point on the curve, in words
    gates: tuple[GateRow, ...]
    payout: str
    next_percent: str  # what the next 1 % of attainment is worth
    amount: str
    reason: str  # an adjustment's, in words
    before: str
    after: str
    line_id: int  # the ledger line a dispute names (the latest of the component's)
    disputes: tuple[DisputeRow, ...]


@dataclass(frozen=True)
class StatementView:
    plan: str
    plan_title: str
    person: str
    email: str
    period: str
    earned: tuple[LineRow, ...]
    adjustments: tuple[LineRow, ...]
    facts: tuple[tuple[str, str], ...]  # (label, value): proration, incentive, payout, rounding
    total: str
    owed: str
    paid: str
    payable: str
    runs: tuple[tuple[int, str], ...]  # (id, status in words)
    empty: bool


def statement_view(found: Statement, language: Language) -> StatementView:
    def cash(value: Any) -> str:
        amount = _decimal(value)
        return NONE if amount is None else money(fixed(amount, 2, language), found.currency, language)

    lines = tuple(_line(line, found, language, cash) for line in found.lines)
    first = next((line.details for line in found.lines if line.details), None)
    return StatementView(
        plan=found.plan,
        plan_title=found.plan_title,
        person=found.person.name,
        email=found.person.email,
        period=found.period,
        earned=tuple(row for row in lines if row.kind == LineKind.EARNED.value),
        adjustments=tuple(row for row in lines if row.kind == LineKind.ADJUSTMENT.value),
        facts=_facts(first, language, cash) if first else (),
        total=cash(found.total),
        owed=cash(found.owed_to_date),
        paid=cash(found.paid_to_date),
        payable=cash(found.payable),
        runs=tuple((run.id, text(f"store.bonus.status.{run.status.value}", language)) for run in found.runs),
        empty=not found.lines,
    )


def _line(line: StatementLine, found: Statement, language: Language, cash: Any) -> LineRow:
    details: Mapping[str, Any] = line.details or {}
    part: Mapping[str, Any] = details.get("component") or {}
    disputes = tuple(_dispute(d, language) for d in found.disputes if d.line_id in line.line_ids)
    return LineRow(
        kind=line.kind.value,
        component=line.component,
        period=line.period,
        weight=_plain(part.get("weight"), language),
        reads=tuple(_read(read, line.period, language) for read in part.get("read") or ()),
        attainment=percent(part.get("attainment"), language),
        curve=_curve(part.get("attainment"), part.get("curve"), language),
        gates=tuple(_gate(gate, language) for gate in [*(part.get("gates") or ()), *_plan_gates(details)]),
        payout=percent(part.get("payout"), language),
        next_percent=cash(part.get("next_percent_worth")),
        amount=cash(line.amount),
        reason="" if line.reason is None else render(line.reason, language),
        before=cash(line.before) if line.before is not None else "",
        after=cash(line.after) if line.after is not None else "",
        line_id=line.line_ids[-1],
        disputes=disputes,
    )


def _plan_gates(details: Mapping[str, Any]) -> list[Any]:
    """The gates of the line's section and of the whole plan: they cap this line too."""
    section = details.get("section") or {}
    plan = details.get("plan") or {}
    return [*(section.get("gates") or ()), *(plan.get("gates") or ())]


def _read(read: Mapping[str, Any], period: str, language: Language) -> ReadRow:
    scope: Mapping[str, str] = read.get("scope") or {}
    kpi = str(read.get("kpi") or "")
    target = read.get("target") or {}
    query = urlencode({"period": period, **scope})
    reason = read.get("reason")
    return ReadRow(
        kpi=kpi,
        link=f"/kpis/{quote(kpi, safe='')}?{query}",
        scope=", ".join(f"{key}={value}" for key, value in scope.items()),
        share=percent(read.get("share"), language),
        value=_plain(read.get("value"), language),
        target=_plain(target.get("target"), language),
        attainment=percent(read.get("attainment"), language),
        reason=_message(reason, language),
    )


def _curve(attainment: Any, curve: Mapping[str, Any] | None, language: Language) -> str:
    if not curve:
        return NONE
    words = text(
        "web.bonus.curve.point",
        language,
        attainment=percent(attainment, language),
        payout=percent(curve.get("payout"), language),
    )
    segment = curve.get("segment") or ()
    if len(segment) == 2:
        low, high = (percent(end, language) for end in segment)
        words += " " + text("web.bonus.curve.segment", language, low=low, high=high)
    for flag in ("below_threshold", "floored", "capped"):
        if curve.get(flag):
            words += " " + text(f"web.bonus.curve.{flag}", language)
    return words


def _gate(gate: Mapping[str, Any], language: Language) -> GateRow:
    words = text(
        "web.bonus.gate.rule",
        language,
        gate=str(gate.get("gate") or ""),
        read=percent(gate.get("read"), language),
        below=percent(gate.get("below"), language),
        cap=percent(gate.get("cap"), language),
    )
    applied = bool(gate.get("applied"))
    change = f"{percent(gate.get('before'), language)} → {percent(gate.get('after'), language)}" if applied else ""
    return GateRow(str(gate.get("gate") or ""), words, applied, change)


def _facts(details: Mapping[str, Any], language: Language, cash: Any) -> tuple[tuple[str, str], ...]:
    """The period's whole-plan figures every line carries: proration, incentive, payout, the one rounding."""
    proration = details.get("proration") or {}
    amount = details.get("amount") or {}
    plan = details.get("plan") or {}
    facts = [
        (
            text("web.bonus.fact.days", language),
            text(
                "web.bonus.fact.days_value",
                language,
                days=_plain(proration.get("plan_days"), language),
                period_days=_plain(proration.get("period_days"), language),
            ),
        ),
        (text("web.bonus.fact.working_days", language), _plain(proration.get("fte_days"), language)),
        (text("web.bonus.fact.ramp", language), percent(proration.get("ramp_factor"), language)),
        (text("web.bonus.fact.proration", language), percent(proration.get("factor"), language)),
    ]
    if proration.get("reason"):
        facts.append((text("web.bonus.fact.proration_reason", language), _message(proration["reason"], language)))
    if amount:
        facts += [
            (text("web.bonus.fact.yearly", language), cash(amount.get("yearly_incentive"))),
            (text("web.bonus.fact.period_share", language), percent(amount.get("period_share"), language)),
            (text("web.bonus.fact.period_incentive", language), cash(amount.get("period_incentive"))),
        ]
    facts.append((text("web.bonus.fact.plan_payout", language), percent(plan.get("payout"), language)))
    if amount:
        exact = _decimal(amount.get("exact"))
        facts.append(
            (
                text("web.bonus.fact.rounding", language),
                text(
                    "web.bonus.fact.rounding_value",
                    language,
                    exact=NONE if exact is None else fixed(exact, 4, language, trim=True),
                    total=cash(amount.get("total")),
                ),
            )
        )
    return tuple(facts)


def _dispute(dispute: Dispute, language: Language) -> DisputeRow:
    return DisputeRow(
        dispute.id,
        dispute.reason,
        text(f"store.bonus.dispute.{dispute.status.value}", language),
        dispute.resolution or "",
    )


def percent(value: Any, language: Language) -> str:
    """A fraction as a percentage, to three decimals at most (a payout of 1.29375 is 129.375%, as computed):
    0.8125 -> 81.25%, 1.1 -> 110%."""
    fraction = _decimal(value)
    return NONE if fraction is None else fixed(fraction * 100, 3, language, trim=True) + "%"


def _plain(value: Any, language: Language) -> str:
    number = _decimal(value)
    return NONE if number is None else fixed(number, 2, language, trim=True)


def _message(data: Any, language: Language) -> str:
    """A reason kept as {code, values} (values plain: text, numbers as text), in words."""
    if not isinstance(data, Mapping) or not data.get("code"):
        return ""
    values = {key: _message(value, language) if isinstance(value, Mapping) else value
              for key, value in (data.get("values") or {}).items()}  # fmt: skip
    return render(Message(str(data["code"]), **values), language)


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
