"""What the alert repositories (`store.alerts`) take and hand out: immutable values, never ORM rows.

They mirror, without importing, the pure alerts of `kpilot.alerts` (the store sits beside it, not above it): the
services convert one into the other. The choices are the same words (`firing`, `no_data`), so a conversion is
`State(level.value)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kpilot.errors import InternalError


class AlertLevel(StrEnum):
    """A rule's state in a scope (`alerts.states.State`)."""

    OK = "ok"
    PENDING = "pending"
    FIRING = "firing"
    RECOVERING = "recovering"
    NO_DATA = "no_data"
    ERROR = "error"


class EvaluationOutcome(StrEnum):
    """How one evaluation ended (`alerts.states.Outcome`)."""

    BREACH = "breach"
    CLEAR = "clear"
    EMPTY = "empty"
    FAILED = "failed"


class NoticeKind(StrEnum):
    """What a notice in the outbox says: the state machine's notices (`alerts.states.NoticeKind`) and digests."""

    FIRING = "firing"
    RESOLVED = "resolved"
    NO_DATA = "no_data"
    ERROR = "error"
    FLAPPING = "flapping"
    DIGEST = "digest"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender until its claim expires
    SENT = "sent"
    FAILED = "failed"  # out of attempts, or refused for good
    UNKNOWN = "unknown"  # it may have arrived (a timeout) on a channel that cannot deduplicate: never resent


class OwnerKind(StrEnum):
    PERSON = "person"
    TEAM = "team"


class ChannelKind(StrEnum):
    EMAIL = "email"
    SLACK = "slack"
    TEAMS = "teams"
    WEBHOOK = "webhook"
    APPRISE = "apprise"  # any other apprise URL


class SubscriptionKind(StrEnum):
    KPI = "kpi"
    BOARD = "board"
    TEAM = "team"


class Digest(StrEnum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"


class SilenceSubject(StrEnum):
    KPI = "kpi"
    SOURCE = "source"
    TEAM = "team"
    RULE = "rule"


def scope_key(scope: Mapping[str, str]) -> str:
    """The canonical text of a scope, its key in the store: `dimension=value` sorted by dimension, joined by commas
    (`agent=ana,team=EMEA`; "" for no scope). A backslash, comma or equals sign inside a name or value is escaped
    with a backslash, so that two different scopes never share a key (`a=x,b=y` against a value `x,b=y`)."""
    return ",".join(f"{_escaped(dimension)}={_escaped(value)}" for dimension, value in sorted(scope.items()))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def json_value(value: Any) -> Any:
    """`value` as a JSON column keeps it: Decimals as their text (exact), mappings and sequences through. A float is
    refused: KPI values are Decimals, and a float would not be the number that was computed."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    raise InternalError(f"an alert's values cannot keep {type(value).__name__} {value!r}")


@dataclass(frozen=True)
class StoredState:
    """Where a rule stands in a scope (`alerts.states.AlertState`), when it was last evaluated, and the version of
    the row it was read from (0: never stored)."""

    rule: str
    scope: Mapping[str, str]
    state: AlertLevel
    streak: int
    empties: int
    failures: int
    episode: int
    in_episode: bool
    recent: tuple[AlertLevel, ...]  # oldest first
    flapping: bool
    announced: AlertLevel
    evaluated_at: datetime
    version: int = 0

    @property
    def scope_key(self) -> str:
        return scope_key(self.scope)


@dataclass(frozen=True)
class Evaluation:
    """One evaluation of a rule in a scope. `value` is the KPI's value as text (a Decimal's), or None."""

    rule: str
    scope_key: str
    period: str
    at: datetime
    outcome: EvaluationOutcome
    state: AlertLevel  # after the evaluation
    reason_code: str | None = None
    reason_values: Mapping[str, Any] | None = None
    value: str | None = None
    id: int | None = None  # given by the store


@dataclass(frozen=True)
class OutboxNotice:
    """A notice to send, with its one idempotency key (`alerts.delivery.idempotency_key`). `payload` holds message
    codes and values (Decimals kept as text), never sentences: each recipient reads it in their language."""

    idempotency_key: str
    rule: str
    scope: Mapping[str, str]
    kind: NoticeKind
    episode: int
    period: str
    state: AlertLevel
    payload: Mapping[str, Any]
    created_at: datetime
    id: int | None = None  # given by the store

    @property
    def scope_key(self) -> str:
        return scope_key(self.scope)


@dataclass(frozen=True)
class NewDelivery:
    recipient: str  # an e-mail address or a team's name
    channel_id: int
    next_attempt_at: datetime  # the first attempt: when grouping lets it go


@dataclass(frozen=True)
class Delivery:
    id: int
    outbox_id: int
    recipient: str
    channel_id: int
    status: DeliveryStatus
    attempts: int  # claims so far: each claim is an attempt
    next_attempt_at: datetime
    last_error: str | None  # never the channel's target (it may hold a token)
    claimed_by: str | None
    claimed_until: datetime | None
    sent_at: datetime | None


@dataclass(frozen=True)
class Channel:
    """Where an owner (a person or a team) is told. `target` may hold a token: it is left out of the value's repr,
    so that logging a channel never shows it."""

    id: int
    owner_kind: OwnerKind
    owner_id: int
    kind: ChannelKind
    target: str = field(repr=False)
    dedupes: bool
    created_at: datetime


@dataclass(frozen=True)
class Claim:
    """A delivery handed to a sender, with what it needs to send it."""

    delivery: Delivery
    notice: OutboxNotice
    channel: Channel
