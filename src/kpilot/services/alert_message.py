"""The words of an alert notification: its title and body, in the recipient's language (docs/alerts.md, "Sending").

The outbox keeps codes and values, never sentences (`store.alert_records.OutboxNotice`): the reason is the
`Message.to_data()` of the verdict's reason, with the warehouse's floats kept as Decimal text. This module rebuilds
the Message from that data and renders it for each recipient: a person reads their own `language` from the store, a
team the workspace's default.

Rebuilding is by shape, because `to_data` writes a value's fields without its type: `{code, values}` is a Message,
`{fraction}` a Share, `{fraction, places}` Points, `{value, unit, currency, time_unit}` an Amount, `{start, grain,
name}` a Period, `{value, spec}` a Number, `{text}` Raw. A text that is a plain decimal number is read back as a
Decimal: alert reasons carry numbers (values, bases, limits, hours), and only so are they written the reader's way
(1.000 in Italian); names in reasons (rules, sources) are identifiers, which never look like numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kpilot.i18n import Amount, Language, Message, Number, Period, Points, Raw, Share, render
from kpilot.services.digest_data import digest_from_data
from kpilot.services.digest_render import digest_html, digest_text, digest_title
from kpilot.store.alert_records import Channel, NoticeKind, OutboxNotice, OwnerKind
from kpilot.store.people import People

DECIMAL_TEXT = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


@dataclass(frozen=True)
class Notification:
    """What apprise sends: a title (an e-mail's subject) and a plain-text body, and for a digest an HTML body too
    (an e-mail's)."""

    title: str
    body: str
    html: str | None = None


def notification(notice: OutboxNotice, language: Language) -> Notification:
    """The notice's title and body in `language`: the kind and the rule's title; the reason, scope and period. A
    digest's are its own (services.digest_render), from the digest's data in the payload."""
    if notice.kind is NoticeKind.DIGEST:
        found = digest_from_data(notice.payload["digest"], reason_message)
        return Notification(digest_title(found, language), digest_text(found, language), digest_html(found, language))
    title = render(Message(f"alerts.message.title.{notice.kind.value}", title=Raw(_title(notice))), language)
    lines = []
    reason = reason_message(notice.payload.get("reason"))
    if reason is not None:
        lines.append(render(reason, language))
    if notice.scope:
        scope = ", ".join(f"{key}={value}" for key, value in sorted(notice.scope.items()))
        lines.append(render(Message("alerts.message.scope", scope=Raw(scope)), language))
    if notice.period:
        lines.append(render(Message("alerts.message.period", period=Raw(notice.period)), language))
    return Notification(title, "\n".join(lines))


def recipient_language(session: Session, channel: Channel, default: Language) -> Language:
    """The language the channel's owner reads: a person's own (in the store), a team's the workspace's."""
    if channel.owner_kind is OwnerKind.PERSON:
        person = People(session).get(channel.owner_id)
        if person is not None:
            return Language.parse(person.language) or default
    return default


def reason_message(data: object) -> Message | None:
    """The Message whose `to_data()` is `data`, or None when `data` is not one."""
    if not isinstance(data, Mapping) or not isinstance(data.get("code"), str):
        return None
    values = data.get("values")
    decoded = {str(key): _value(item) for key, item in values.items()} if isinstance(values, Mapping) else {}
    return Message(data["code"], **decoded)


def _title(notice: OutboxNotice) -> str:
    title = notice.payload.get("title")
    return title if isinstance(title, str) and title else notice.rule


def _value(data: Any) -> Any:
    if isinstance(data, str):
        return Decimal(data) if DECIMAL_TEXT.fullmatch(data) else data
    if isinstance(data, list):
        return tuple(_value(item) for item in data)
    if not isinstance(data, Mapping):
        return data
    keys = set(data)
    if keys == {"code", "values"}:
        return reason_message(data)
    if keys == {"fraction"}:
        return Share(float(data["fraction"]))
    if keys == {"fraction", "places"}:
        return Points(float(data["fraction"]), int(data["places"]))
    if keys == {"value", "unit", "currency", "time_unit"}:
        return Amount(_number(data["value"]), str(data["unit"]), data["currency"], data["time_unit"])
    if keys == {"start", "grain", "name"}:
        return Period(date.fromisoformat(str(data["start"])), str(data["grain"]), str(data["name"]))
    if keys == {"value", "spec"}:
        return Number(_number(data["value"]), str(data["spec"]))
    if keys == {"text"}:
        return Raw(str(data["text"]))
    return {str(key): _value(item) for key, item in data.items()}


def _number(data: Any) -> Decimal | int:
    if isinstance(data, int) and not isinstance(data, bool):
        return data
    return Decimal(str(data))
