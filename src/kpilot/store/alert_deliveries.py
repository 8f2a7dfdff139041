"""Deliveries: claimed by one sender at a time, then marked sent, retried, failed or unknown.

`claim_due` hands a sender the deliveries due now, marking each `sending`, claimed by it until `now + lease`, in one
transaction: on PostgreSQL the rows are chosen `FOR UPDATE SKIP LOCKED`, so that two senders claiming at once take
different deliveries (neither waits for the other's); SQLite runs writers one at a time. A claim that expired while
`sending` means a sender stopped mid-send (a crash, a kill): the delivery is claimed again if its channel
deduplicates, and is otherwise `unknown` (the message may have arrived; sending it again could send it twice).

A sender marks only what it holds: `mark_*` name the holder and return False, changing nothing, when the claim was
lost meanwhile (it expired and another sender took it). The error kept is never the channel's target: any part of
the target found in it is masked.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from kpilot.store.alert_channels import channel_value
from kpilot.store.alert_outbox import outbox_notice
from kpilot.store.alert_records import Claim, Delivery, DeliveryStatus
from kpilot.store.models import ALERT_TEXT_LENGTH, AlertChannelRow, AlertDeliveryRow, AlertOutboxRow
from kpilot.store.times import utc

CLAIM_EXPIRED = "store.alert.delivery.claim_expired"  # the error kept when a crashed sender's claim ran out
MASK = "***"
SECRET_PART = 8  # pieces of a target this long or longer are masked in errors (tokens, hosts, addresses)
TARGET_SEPARATORS = re.compile(r"[/:@?&=#,;\s]+")
QUEUED, SENDING = DeliveryStatus.QUEUED.value, DeliveryStatus.SENDING.value
SENT, UNKNOWN = DeliveryStatus.SENT.value, DeliveryStatus.UNKNOWN.value


class AlertDeliveries:
    """The deliveries of the outbox's notices, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim_due(self, now: datetime, holder: str, limit: int, lease: timedelta) -> tuple[Claim, ...]:
        """Claim for `holder`, until `now + lease`, up to `limit` deliveries due at `now`: queued ones whose next
        attempt has come, and `sending` ones whose claim expired (on a channel that deduplicates). Each claim counts
        as an attempt. Oldest due first."""
        now = utc(now)
        row = AlertDeliveryRow
        due = or_(
            and_(row.status == QUEUED, row.next_attempt_at <= now),
            and_(row.status == SENDING, row.claimed_until <= now),
        )
        query = (
            select(row.id, row.status, AlertChannelRow.dedupes)
            .join(AlertChannelRow, AlertChannelRow.id == row.channel_id)
            .where(due)
            .order_by(row.next_attempt_at, row.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=row)
        found = self.session.execute(query).all()
        stranded = [i for i, status, dedupes in found if status == SENDING and not dedupes]
        claimed = [i for i, status, dedupes in found if status == QUEUED or dedupes]
        if stranded:
            self._update(stranded, status=DeliveryStatus.UNKNOWN.value, last_error=CLAIM_EXPIRED, claimed_until=None)
        if not claimed:
            return ()
        self._update(claimed, status=SENDING, claimed_by=holder, claimed_until=now + lease, attempts=row.attempts + 1)
        claims = (
            select(row, AlertOutboxRow, AlertChannelRow)
            .join(AlertOutboxRow, AlertOutboxRow.id == row.outbox_id)
            .join(AlertChannelRow, AlertChannelRow.id == row.channel_id)
            .where(row.id.in_(claimed))
            .order_by(row.next_attempt_at, row.id)
            .execution_options(populate_existing=True)
        )
        return tuple(
            Claim(delivery_value(d), outbox_notice(n), channel_value(c)) for d, n, c in self.session.execute(claims)
        )

    def mark_sent(self, delivery_id: int, *, holder: str, at: datetime) -> bool:
        """The delivery arrived; False if `holder` no longer held it."""
        return self._finish(delivery_id, holder, status=DeliveryStatus.SENT.value, sent_at=utc(at))

    def mark_retry(self, delivery_id: int, *, holder: str, next_at: datetime, error: str) -> bool:
        """The attempt failed: queued again for `next_at`; False if `holder` no longer held it."""
        return self._finish(
            delivery_id, holder, status=QUEUED, next_attempt_at=utc(next_at), claimed_by=None, error=error
        )

    def mark_failed(self, delivery_id: int, *, holder: str, error: str) -> bool:
        """No more attempts: failed, for people to see; False if `holder` no longer held it."""
        return self._finish(delivery_id, holder, status=DeliveryStatus.FAILED.value, error=error)

    def mark_unknown(self, delivery_id: int, *, holder: str, error: str) -> bool:
        """It may have arrived (a timeout) and the channel cannot deduplicate: never resent; False if `holder` no
        longer held it."""
        return self._finish(delivery_id, holder, status=DeliveryStatus.UNKNOWN.value, error=error)

    def waiting_group(self, recipient: str, channel_id: int) -> datetime | None:
        """When the group waiting for `recipient` on the channel goes (its deliveries queued and never attempted, so
        a new notice can join them), None if no group waits. The earliest, should there be two."""
        row = AlertDeliveryRow
        query = select(func.min(row.next_attempt_at)).where(
            row.recipient == recipient, row.channel_id == channel_id, row.status == QUEUED, row.attempts == 0
        )
        found: datetime | None = self.session.scalar(query)
        return found

    def last_message(self, recipient: str, channel_id: int) -> datetime | None:
        """When the last message to `recipient` on the channel went or is to go: the latest time one was sent, or
        one is queued, being sent, or may have arrived (unknown) for; None if none. Failed ones never arrived."""
        row = AlertDeliveryRow
        mine = (row.recipient == recipient, row.channel_id == channel_id)
        sent = self.session.scalar(select(func.max(row.sent_at)).where(*mine, row.status == SENT))
        going = self.session.scalar(
            select(func.max(row.next_attempt_at)).where(*mine, row.status.in_((QUEUED, SENDING, UNKNOWN)))
        )
        times: list[datetime] = [moment for moment in (sent, going) if moment is not None]
        return max(times, default=None)

    def delivery(self, delivery_id: int) -> Delivery | None:
        query = select(AlertDeliveryRow).where(AlertDeliveryRow.id == delivery_id)
        row = self.session.scalars(query.execution_options(populate_existing=True)).one_or_none()
        return None if row is None else delivery_value(row)

    def deliveries(
        self,
        *,
        outbox_id: int | None = None,
        rule: str | None = None,
        recipient: str | None = None,
        channel_id: int | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> tuple[Delivery, ...]:
        """The last `limit` deliveries asked for (of a notice, of a rule's notices, to a recipient, on a channel, in
        a status), newest first: the admin view."""
        query = select(AlertDeliveryRow).order_by(AlertDeliveryRow.id.desc()).limit(limit)
        if rule is not None:
            query = query.join(AlertOutboxRow, AlertOutboxRow.id == AlertDeliveryRow.outbox_id).where(
                AlertOutboxRow.rule == rule
            )
        if outbox_id is not None:
            query = query.where(AlertDeliveryRow.outbox_id == outbox_id)
        if recipient is not None:
            query = query.where(AlertDeliveryRow.recipient == recipient)
        if channel_id is not None:
            query = query.where(AlertDeliveryRow.channel_id == channel_id)
        if status is not None:
            query = query.where(AlertDeliveryRow.status == status.value)
        rows = self.session.scalars(query.execution_options(populate_existing=True))
        return tuple(delivery_value(row) for row in rows)

    def _finish(self, delivery_id: int, holder: str, *, error: str | None = None, **values: Any) -> bool:
        if error is not None:
            target = self.session.scalar(
                select(AlertChannelRow.target)
                .join(AlertDeliveryRow, AlertDeliveryRow.channel_id == AlertChannelRow.id)
                .where(AlertDeliveryRow.id == delivery_id)
            )
            values["last_error"] = masked(error, target or "")
        statement = (
            update(AlertDeliveryRow)
            .where(
                AlertDeliveryRow.id == delivery_id,
                AlertDeliveryRow.status == SENDING,
                AlertDeliveryRow.claimed_by == holder,
            )
            .values(claimed_until=None, **values)
            .returning(AlertDeliveryRow.id)
            .execution_options(synchronize_session=False)
        )
        return self.session.execute(statement).first() is not None

    def _update(self, ids: list[int], **values: Any) -> None:
        self.session.execute(
            update(AlertDeliveryRow)
            .where(AlertDeliveryRow.id.in_(ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def masked(error: str, target: str) -> str:
    """`error` without the channel's target: the whole target, then each long piece of it (a token, a host, an
    address) replaced by ***; cut to what the column keeps."""
    pieces = [target, *(p for p in TARGET_SEPARATORS.split(target) if len(p) >= SECRET_PART)]
    for piece in sorted(filter(None, pieces), key=len, reverse=True):
        error = error.replace(piece, MASK)
    return error[:ALERT_TEXT_LENGTH]


def delivery_value(row: AlertDeliveryRow) -> Delivery:
    return Delivery(
        id=row.id,
        outbox_id=row.outbox_id,
        recipient=row.recipient,
        channel_id=row.channel_id,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        claimed_by=row.claimed_by,
        claimed_until=row.claimed_until,
        sent_at=row.sent_at,
    )
