"""Alerts in the store (docs/store.md#alerts): rule states and evaluations, the outbox and its deliveries, channels,
subscriptions, silences and the scheduler's leases, as one repository over one session.

`AlertStore` gathers the small repositories (`alert_states`, `alert_outbox`, `alert_deliveries`, `alert_channels`,
`alert_subscriptions`, `alert_silences`, `alert_leases`), so that services hold one object; each hands out the
immutable values of `alert_records` and `alert_setup_records`. Nothing here imports `kpilot.alerts`: the services
turn its states and notices into these values and back.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kpilot.store.alert_channels import AlertChannels
from kpilot.store.alert_deliveries import CLAIM_EXPIRED, AlertDeliveries
from kpilot.store.alert_leases import SchedulerLeases
from kpilot.store.alert_outbox import AlertOutbox
from kpilot.store.alert_records import (
    AlertLevel,
    Channel,
    ChannelKind,
    Claim,
    Delivery,
    DeliveryStatus,
    Digest,
    Evaluation,
    EvaluationOutcome,
    NewDelivery,
    NoticeKind,
    OutboxNotice,
    OwnerKind,
    SilenceSubject,
    StoredState,
    SubscriptionKind,
    scope_key,
)
from kpilot.store.alert_setup_records import Lease, NewSilence, Silence, Subscription
from kpilot.store.alert_silences import AlertSilences
from kpilot.store.alert_states import KEPT_EVALUATIONS, AlertStates
from kpilot.store.alert_subscriptions import AlertSubscriptions

__all__ = [
    "CLAIM_EXPIRED",
    "KEPT_EVALUATIONS",
    "AlertLevel",
    "AlertStore",
    "Channel",
    "ChannelKind",
    "Claim",
    "Delivery",
    "DeliveryStatus",
    "Digest",
    "Evaluation",
    "EvaluationOutcome",
    "Lease",
    "NewDelivery",
    "NewSilence",
    "NoticeKind",
    "OutboxNotice",
    "OwnerKind",
    "Silence",
    "SilenceSubject",
    "StoredState",
    "Subscription",
    "SubscriptionKind",
    "scope_key",
]


class AlertStore(
    AlertStates, AlertOutbox, AlertDeliveries, AlertChannels, AlertSubscriptions, AlertSilences, SchedulerLeases
):
    """Every alert table of the store, read and written through one session (whose transaction the caller owns:
    `store.writing()` commits all of a call or, when it raises, none of it)."""

    def __init__(self, session: Session) -> None:
        self.session = session
