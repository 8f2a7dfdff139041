"""A digest as JSON and back: `kpilot digest --format json`, and the payload of a digest notice in the outbox, which
the sender renders in each recipient's language (services.alert_message). Decimals are kept as their text, dates as
ISO dates, a reason as its message's code and values (`Message.to_data`), so that nothing is a sentence and every
number reads back as the one computed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from kpilot.engine.periods import Grain
from kpilot.i18n import Message
from kpilot.services.digest import BonusLine, Digest, KeyResultLine
from kpilot.services.digest_cards import DigestCard, Point
from kpilot.store.alert_records import Digest as Frequency
from kpilot.store.alert_records import json_value


def digest_data(found: Digest) -> dict[str, Any]:
    data = {
        "email": found.email,
        "name": found.name,
        "language": found.language,
        "frequency": found.frequency.value,
        "today": found.today.isoformat(),
        "currency": found.currency,
        "followed": found.followed,
        "highlights": [_key(card) for card in found.highlights],
        "cards": [_card(card) for card in found.cards],
        "key_results": [
            {
                "objective": line.objective,
                "key_result": line.key_result,
                "value": line.value,
                "target": line.target,
                "unit": line.unit,
                "grade": line.grade,
                "colour": line.colour,
            }
            for line in found.key_results
        ],
        "bonus": [
            {
                "plan_title": line.plan_title,
                "period": line.period,
                "component": line.component,
                "kind": line.kind,
                "amount": line.amount,
                "currency": line.currency,
            }
            for line in found.bonus
        ],
    }
    result: dict[str, Any] = json_value(data)
    return result


Reasons = Callable[[object], Message | None]


def digest_from_data(data: Mapping[str, Any], reasons: Reasons) -> Digest:
    """The digest `digest_data` wrote (a notice's payload). `reasons` reads a reason's data back as its Message:
    services.alert_message.reason_message, which reads every notice's (given here, not imported: the sender's
    module imports this one)."""
    return Digest(
        email=str(data["email"]),
        name=str(data["name"]),
        language=str(data["language"]),
        frequency=Frequency(data["frequency"]),
        today=date.fromisoformat(data["today"]),
        currency=str(data["currency"]),
        followed=bool(data["followed"]),
        cards=tuple(_read_card(item, reasons) for item in data["cards"]),
        key_results=tuple(
            KeyResultLine(
                item["objective"],
                item["key_result"],
                _decimal(item["value"]),
                _decimal(item["target"]),
                item["unit"],
                _decimal(item["grade"]),
                item["colour"],
            )
            for item in data.get("key_results", ())
        ),
        bonus=tuple(
            BonusLine(
                item["plan_title"],
                item["period"],
                item["component"],
                item["kind"],
                Decimal(item["amount"]),
                item["currency"],
            )
            for item in data.get("bonus", ())
        ),
    )


NUMBERS = ("value", "target", "commit", "stretch", "previous", "vs_previous", "last_year", "vs_last_year")


def _key(card: DigestCard) -> dict[str, Any]:
    return {"kpi": card.kpi, "board": card.board}


def _card(card: DigestCard) -> dict[str, Any]:
    return {
        "kpi": card.kpi,
        "label": card.label,
        "board": card.board,
        "period": card.period,
        "start": card.start.isoformat(),
        "grain": card.grain.value,
        "unit": card.unit,
        "time_unit": card.time_unit,
        "direction": card.direction,
        "whole": card.whole,
        **{name: getattr(card, name) for name in NUMBERS},
        "movement": card.movement,
        "change_unit": card.change_unit,
        "status": card.status,
        "reason": _exact(card.reason.to_data()) if card.reason is not None else None,
        "anomaly": card.anomaly,
        "points": [{"start": point.start.isoformat(), "value": point.value} for point in card.points],
    }


def _read_card(item: Mapping[str, Any], reasons: Reasons) -> DigestCard:
    numbers = {name: _decimal(item[name]) for name in NUMBERS}
    reason = reasons(item.get("reason"))
    return DigestCard(
        kpi=item["kpi"],
        label=item["label"],
        board=item["board"],
        period=item["period"],
        start=date.fromisoformat(item["start"]),
        grain=Grain(item["grain"]),
        unit=item["unit"],
        time_unit=item["time_unit"],
        direction=item["direction"],
        whole=bool(item["whole"]),
        status=item["status"],
        reason=reason,
        change_unit=item["change_unit"],
        points=tuple(Point(date.fromisoformat(p["start"]), _decimal(p["value"])) for p in item["points"]),
        anomaly=item["anomaly"],
        **numbers,
    )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _exact(value: Any) -> Any:
    """A reason's values with floats as the Decimals of their shortest text (json_value keeps no float)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {key: _exact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_exact(item) for item in value]
    return value
