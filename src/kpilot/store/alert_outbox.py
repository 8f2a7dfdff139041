"""The outbox: each notice recorded once, with its deliveries, in the transaction that decided it.

A notice carries one idempotency key per rule, scope, state, period and episode (`alerts.delivery`). `enqueue`
writes the notice and its deliveries only if the key is new, with `INSERT ... ON CONFLICT DO NOTHING` on the unique
key, so that when two evaluators enqueue the same notice at once the database decides: one writes it, the other is
told False and writes nothing. A sender then claims the deliveries (`store.alert_deliveries`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpilot.i18n import Message
from kpilot.store.alert_inserts import upsert
from kpilot.store.alert_records import AlertLevel, DeliveryStatus, NewDelivery, NoticeKind, OutboxNotice, json_value
from kpilot.store.errors import StoreError
from kpilot.store.models import AlertChannelRow, AlertDeliveryRow, AlertOutboxRow
from kpilot.store.times import utc


class AlertOutbox:
    """The outbox of notices, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(self, notice: OutboxNotice, deliveries: Sequence[NewDelivery]) -> bool:
        """Record `notice` and queue its deliveries, if its idempotency key is new; whether it was. A delivery named
        twice (same recipient and channel) is queued once; an unknown channel is refused, with nothing written."""
        unique = list({(d.recipient, d.channel_id): d for d in deliveries}.values())  # the first of each
        channels = {d.channel_id for d in unique}
        known = set(self.session.scalars(select(AlertChannelRow.id).where(AlertChannelRow.id.in_(channels))))
        if unknown := sorted(channels - known):
            raise StoreError(Message("store.alert.channel_unknown", channel=str(unknown[0])), field="channel")
        statement = (
            upsert(self.session, AlertOutboxRow)
            .values(
                idempotency_key=notice.idempotency_key,
                rule=notice.rule,
                scope=dict(notice.scope),
                scope_key=notice.scope_key,
                kind=notice.kind.value,
                episode=notice.episode,
                period=notice.period,
                state=notice.state.value,
                payload=json_value(notice.payload),
                created_at=utc(notice.created_at),
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(AlertOutboxRow.id)
        )
        outbox_id = self.session.execute(statement).scalar_one_or_none()
        if outbox_id is None:
            return False  # recorded already, by this process earlier or by another one just now
        self.session.add_all(
            AlertDeliveryRow(
                outbox_id=outbox_id,
                recipient=delivery.recipient,
                channel_id=delivery.channel_id,
                status=DeliveryStatus.QUEUED.value,
                attempts=0,
                next_attempt_at=utc(delivery.next_attempt_at),
            )
            for delivery in unique
        )
        self.session.flush()
        return True

    def notice(self, outbox_id: int) -> OutboxNotice | None:
        row = self.session.get(AlertOutboxRow, outbox_id)
        return None if row is None else outbox_notice(row)

    def notice_by_key(self, idempotency_key: str) -> OutboxNotice | None:
        query = select(AlertOutboxRow).where(AlertOutboxRow.idempotency_key == idempotency_key)
        row = self.session.scalars(query).one_or_none()
        return None if row is None else outbox_notice(row)

    def episode_notices(self, rule: str, scope_key: str, episode: int) -> tuple[OutboxNotice, ...]:
        """Every notice of one episode of a rule in a scope, oldest first: what its repeats are counted from."""
        query = (
            select(AlertOutboxRow)
            .where(
                AlertOutboxRow.rule == rule, AlertOutboxRow.scope_key == scope_key, AlertOutboxRow.episode == episode
            )
            .order_by(AlertOutboxRow.created_at, AlertOutboxRow.id)
        )
        return tuple(outbox_notice(row) for row in self.session.scalars(query))

    def notices(
        self, *, rule: str | None = None, scope_key: str | None = None, limit: int = 100
    ) -> tuple[OutboxNotice, ...]:
        """The last `limit` notices (of a rule, in a scope), newest first."""
        query = select(AlertOutboxRow).order_by(AlertOutboxRow.id.desc()).limit(limit)
        if rule is not None:
            query = query.where(AlertOutboxRow.rule == rule)
        if scope_key is not None:
            query = query.where(AlertOutboxRow.scope_key == scope_key)
        return tuple(outbox_notice(row) for row in self.session.scalars(query))


def outbox_notice(row: AlertOutboxRow) -> OutboxNotice:
    return OutboxNotice(
        id=row.id,
        idempotency_key=row.idempotency_key,
        rule=row.rule,
        scope={str(key): str(value) for key, value in row.scope.items()},
        kind=NoticeKind(row.kind),
        episode=row.episode,
        period=row.period,
        state=AlertLevel(row.state),
        payload=dict(row.payload),
        created_at=row.created_at,
    )
