"""What a ledger line keeps of how its amount was computed (the line's `details`), so that a statement shows it
exactly as it was paid even after the definitions or the data change.

Values are JSON: Decimals as the store keeps them (text), KPI values (floats from the warehouse) as their shortest
text, reasons as {code, values}. One line is one component of one person's period; every line also carries the
period's whole-plan figures (proration, period incentive, payout), so that any one line explains its total.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kpilot.i18n import Amount, Message, Number, Share
from kpilot.incentives.curves import CurveReading
from kpilot.incentives.payout import GateEffect
from kpilot.services.bonus_compute import PersonPeriod
from kpilot.services.bonus_readings import Blend, Reading


def line_details(found: PersonPeriod, component: str) -> dict[str, Any]:
    part = found.result.component(component)
    section = next(section for section in found.result.sections if section.name == part.section)
    blend = found.components[component]
    return {
        "component": {
            "name": part.name,
            "kpi": part.kpi,
            "section": part.section,
            "weight": part.weight,
            "read": _blend(blend),
            "attainment": part.attainment,
            "curve": _reading(part.reading),
            "gates": [_gate(effect) for effect in part.gates],
            "payout": part.payout,
            "next_percent_worth": found.worth.get(component),
        },
        "section": {
            "name": section.name,
            "weight": section.weight,
            "score": section.score,
            "gates": [_gate(effect) for effect in section.gates],
            "payout": section.payout,
        },
        "plan": {
            "combine": found.result.combine.value,
            "score": found.result.score,
            "gates": [_gate(effect) for effect in found.result.gates],
            "gate_reads": {name: _blend(blend) for name, blend in found.gates.items()},
            "payout": found.result.payout,
            "missing": list(found.result.missing),
        },
        "proration": {
            "eligible": found.proration.eligible,
            "reason": _message(found.proration.reason),
            "period_days": found.proration.period_days,
            "plan_days": found.proration.plan_days,
            "fte_days": found.proration.fte_days,
            "ramp_factor": found.proration.ramp_factor,
            "factor": found.proration.factor,
            "teams": [{"team": share.team, "share": share.share} for share in found.proration.teams],
        },
        "amount": None if found.earned is None else _amount(found, component),
        "reason": _message(found.reason),
    }


def _amount(found: PersonPeriod, component: str) -> dict[str, Any]:
    earned = found.earned
    assert earned is not None  # the caller checked
    return {
        "currency": earned.currency,
        "yearly_incentive": earned.yearly_incentive,
        "period_share": earned.period_share,
        "period_incentive": earned.period_incentive,
        "exact": earned.exact,
        "total": earned.amount,
        "line": dict(earned.parts)[component],
    }


def _blend(blend: Blend) -> list[dict[str, Any]]:
    return [{"share": share, **_read(reading)} for share, reading in blend.parts]


def _read(reading: Reading) -> dict[str, Any]:
    target = reading.target
    return {
        "kpi": reading.kpi,
        "scope": dict(reading.scope),
        "value": _float(reading.value),
        "target": None
        if target is None
        else {
            "type": target.type.value,
            "commit": _float(target.commit),
            "target": _float(target.target),
            "stretch": _float(target.stretch),
            "min": _float(target.min),
            "max": _float(target.max),
        },
        "attainment": reading.attainment,
        "reason": _message(reading.reason),
    }


def _reading(reading: CurveReading | None) -> dict[str, Any] | None:
    if reading is None:
        return None
    return {
        "raw": reading.raw,
        "payout": reading.payout,
        "below_threshold": reading.below_threshold,
        "floored": reading.floored,
        "capped": reading.capped,
        "segment": list(reading.segment),
    }


def _gate(effect: GateEffect) -> dict[str, Any]:
    return {
        "gate": effect.gate,
        "read": effect.read,
        "below": effect.below,
        "cap": effect.cap,
        "applied": effect.applied,
        "before": effect.before,
        "after": effect.after,
    }


def _float(value: float | None) -> str | None:
    """A warehouse value as text (repr is the shortest text that reads back as the same float)."""
    return None if value is None else repr(float(value))


def _message(message: Message | None) -> dict[str, Any] | None:
    return message_data(message)


def message_data(message: Message | None, currency: str | None = None) -> dict[str, Any] | None:
    """A reason as JSON that `message_from` reads back as the same Message; with `currency`, its Decimals are
    amounts of money in it (an adjustment's before and after)."""
    if message is None:
        return None
    return {"code": message.code, "values": {key: _value(value, currency) for key, value in message.values.items()}}


def message_from(data: Mapping[str, Any] | None) -> Message | None:
    """The Message `message_data` wrote (nested reasons, typed numbers and money included)."""
    if not data or "code" not in data:
        return None
    return Message(str(data["code"]), **{key: _decoded(value) for key, value in (data.get("values") or {}).items()})


def _value(value: object, currency: str | None = None) -> object:
    """A reason's value as JSON that reads back as the same value: formatted numbers and money keep their type."""
    if isinstance(value, Message):
        return message_data(value, currency)
    if isinstance(value, Number):
        return {"type": "number", "value": str(value.value), "spec": value.spec}
    if isinstance(value, Share):
        return {"type": "share", "fraction": repr(value.fraction)}
    if isinstance(value, Decimal) and currency is not None:
        return {"type": "money", "value": f"{value:f}", "currency": currency}
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple | list):
        return [_value(item, currency) for item in value]
    if isinstance(value, Decimal | int | str | bool) or value is None:
        return value
    return str(value)  # dates and other values, as text


def _decoded(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"code", "values"}:
        return message_from(value)
    if isinstance(value, Mapping) and value.get("type") == "number":
        return Number(Decimal(str(value["value"])), str(value["spec"]))
    if isinstance(value, Mapping) and value.get("type") == "share":
        return Share(float(value["fraction"]))
    if isinstance(value, Mapping) and value.get("type") == "money":
        return Amount(Decimal(str(value["value"])), "currency", str(value["currency"]))
    if isinstance(value, list):
        return tuple(_decoded(item) for item in value)
    return value
