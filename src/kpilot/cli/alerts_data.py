"""What `kpilot alerts ... --format json` prints: the admin view's parts and the setup's records as plain data.

Moments as ISO text in UTC (as the store keeps them), choices by their value (`firing`, `email`), reasons and
delivery errors as message codes (`{code, values}`), never sentences; a channel's target only cut to scheme and host
(`target_shown`), as everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kpilot.services.alert_admin import AdminView, DeliveryView, RuleView, ScopeView
from kpilot.services.alert_setup import ChannelView, SubscriptionView
from kpilot.store.alert_records import Evaluation
from kpilot.store.alert_setup_records import Silence


def view_data(view: AdminView) -> dict[str, Any]:
    focus = view.focus
    return {
        "focus": {
            "person": focus.person,
            "team": focus.team,
            "kpi": focus.kpi,
            "status": focus.status.value if focus.status else None,
        },
        "rules": [rule_data(rule) for rule in view.rules],
        "subscriptions": [subscription_data(one) for one in view.subscriptions],
        "channels": [channel_data(one) for one in view.channels],
        "silences": [silence_data(one) for one in view.silences],
        "deliveries": [delivery_data(one) for one in view.deliveries],
    }


def rule_data(rule: RuleView) -> dict[str, Any]:
    return {
        "name": rule.name,
        "title": rule.title,
        "when": rule.kind,
        "kpi": rule.kpi,
        "source": rule.source,
        "grain": rule.grain,
        "by": list(rule.by),
        "notify": {"people": list(rule.people), "teams": list(rule.teams)},
        "firing": rule.firing,
        "scopes": [scope_data(one) for one in rule.scopes],
    }


def scope_data(scope: ScopeView) -> dict[str, Any]:
    return {
        "scope": dict(scope.scope),
        "scope_key": scope.scope_key,
        "state": scope.state.value,
        "episode": scope.episode,
        "flapping": scope.flapping,
        "evaluated_at": _moment(scope.evaluated_at),
        "last": None if scope.last is None else evaluation_data(scope.last),
    }


def evaluation_data(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "id": evaluation.id,
        "rule": evaluation.rule,
        "scope_key": evaluation.scope_key,
        "period": evaluation.period,
        "at": _moment(evaluation.at),
        "outcome": evaluation.outcome.value,
        "state": evaluation.state.value,
        "value": evaluation.value,
        "reason": _reason(evaluation.reason_code, evaluation.reason_values),
    }


def delivery_data(delivery: DeliveryView) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "rule": delivery.rule,
        "notice": delivery.notice.value,
        "scope": dict(delivery.scope),
        "period": delivery.period,
        "recipient": delivery.recipient,
        "channel_kind": delivery.channel_kind.value if delivery.channel_kind else None,
        "channel_shown": delivery.channel_shown,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "next_attempt_at": _moment(delivery.next_attempt_at),
        "error": _reason(delivery.last_error, None),
        "sent_at": _moment(delivery.sent_at),
        "created_at": _moment(delivery.created_at),
    }


def channel_data(channel: ChannelView) -> dict[str, Any]:
    return {
        "id": channel.id,
        "owner": {"kind": channel.owner.kind.value, "name": channel.owner.name},
        "kind": channel.kind.value,
        "target_shown": channel.target_shown,
        "dedupes": channel.dedupes,
        "created_at": _moment(channel.created_at),
    }


def subscription_data(subscription: SubscriptionView) -> dict[str, Any]:
    return {
        "id": subscription.id,
        "email": subscription.email,
        "name": subscription.name,
        "kind": subscription.kind.value,
        "target": subscription.target,
        "digest": subscription.digest.value,
        "created_at": _moment(subscription.created_at),
    }


def silence_data(silence: Silence) -> dict[str, Any]:
    return {
        "id": silence.id,
        "kind": silence.subject_kind.value,
        "subject": silence.subject,
        "starts_at": _moment(silence.starts_at),
        "ends_at": _moment(silence.ends_at),
        "reason": silence.reason,
        "created_by": silence.created_by,
    }


def _moment(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _reason(code: str | None, values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if code is None else {"code": code, "values": dict(values or {})}
