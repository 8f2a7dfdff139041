"""Alerts as plain data, in the one shape `/api/v1/alerts` answers (docs/api.md, "Alerts") and `kpilot alerts ...
--format json` prints: channels, subscriptions, silences, evaluations, deliveries and the admin view, from what
services.alert_setup and services.alert_admin hand out. A channel is shown
by `target_shown` (scheme and host) only: its target may hold a token and is never in an answer. Moments are ISO
8601, reasons `{code, values}` (words are the client's, as everywhere in the API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kpilot.services.alert_admin import AdminView, DeliveryView, RuleView, ScopeView
from kpilot.services.alert_setup import ChannelView, SubscriptionView
from kpilot.store.alert_records import Evaluation
from kpilot.store.alert_setup_records import Silence


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
        "person": {"email": subscription.email, "name": subscription.name},
        "kind": subscription.kind.value,
        "target": subscription.target,  # the KPI's, board's or team's name (not a channel's target)
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


def evaluation_data(evaluation: Evaluation) -> dict[str, Any]:
    reason = None
    if evaluation.reason_code is not None:
        reason = {"code": evaluation.reason_code, "values": dict(evaluation.reason_values or {})}
    return {
        "id": evaluation.id,
        "rule": evaluation.rule,
        "scope_key": evaluation.scope_key,
        "period": evaluation.period,
        "at": _moment(evaluation.at),
        "outcome": evaluation.outcome.value,
        "state": evaluation.state.value,
        "reason": reason,
        "value": evaluation.value,  # decimal text, exact
    }


def delivery_data(delivery: DeliveryView) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "rule": delivery.rule,
        "notice": delivery.notice.value,
        "scope": dict(delivery.scope),
        "period": delivery.period,
        "recipient": delivery.recipient,
        "channel": None
        if delivery.channel_kind is None
        else {"kind": delivery.channel_kind.value, "target_shown": delivery.channel_shown},
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "next_attempt_at": _moment(delivery.next_attempt_at),
        "last_error": delivery.last_error,  # a message code, never a target
        "sent_at": _moment(delivery.sent_at),
        "created_at": _moment(delivery.created_at),
    }


def admin_data(view: AdminView) -> dict[str, Any]:
    focus = view.focus
    return {
        "focus": {
            "person": focus.person,
            "team": focus.team,
            "kpi": focus.kpi,
            "status": None if focus.status is None else focus.status.value,
        },
        "rules": [_rule_data(rule) for rule in view.rules],
        "subscriptions": [subscription_data(one) for one in view.subscriptions],
        "channels": [channel_data(one) for one in view.channels],
        "silences": [silence_data(one) for one in view.silences],
        "deliveries": [delivery_data(one) for one in view.deliveries],
    }


def _rule_data(rule: RuleView) -> dict[str, Any]:
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
        "scopes": [_scope_data(scope) for scope in rule.scopes],
    }


def _scope_data(scope: ScopeView) -> dict[str, Any]:
    return {
        "scope": dict(scope.scope),
        "scope_key": scope.scope_key,
        "state": scope.state.value,
        "episode": scope.episode,
        "flapping": scope.flapping,
        "evaluated_at": _moment(scope.evaluated_at),
        "last": None if scope.last is None else evaluation_data(scope.last),
    }


def _moment(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
