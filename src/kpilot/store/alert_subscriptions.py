"""Subscriptions: a person follows a KPI, a board or a team (once each), with the digest they want of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kpilot.i18n import Message
from kpilot.store.alert_records import Digest, SubscriptionKind
from kpilot.store.alert_setup_records import Subscription
from kpilot.store.errors import StoreError
from kpilot.store.models import NAME_LENGTH, AlertSubscriptionRow, PersonRow
from kpilot.store.times import utc


class AlertSubscriptions:
    """The subscriptions of the store, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def subscribe(
        self, person_id: int, kind: SubscriptionKind, target: str, *, digest: Digest, at: datetime
    ) -> Subscription:
        """`person_id` follows `target`; following it twice is refused (change the digest instead)."""
        if self.session.get(PersonRow, person_id) is None:
            raise StoreError(Message("store.alert.person_unknown", person=str(person_id)), field="person")
        if not target.strip() or len(target) > NAME_LENGTH:
            raise StoreError(Message("store.alert.text_length", length=len(target), limit=NAME_LENGTH), field="target")
        if self._find(person_id, kind, target) is not None:
            raise StoreError(
                Message("store.alert.subscribed_already", kind=_kind_word(kind), target=target), field="target"
            )
        row = AlertSubscriptionRow(
            person_id=person_id, kind=kind.value, target=target, digest=digest.value, created_at=utc(at)
        )
        self.session.add(row)
        self.session.flush()
        return _subscription(row)

    def set_digest(self, subscription_id: int, digest: Digest) -> Subscription:
        row = self.session.get(AlertSubscriptionRow, subscription_id)
        if row is None:
            raise StoreError(
                Message("store.alert.subscription_unknown", subscription=str(subscription_id)), field="subscription"
            )
        row.digest = digest.value
        self.session.flush()
        return _subscription(row)

    def unsubscribe(self, subscription_id: int) -> bool:
        """Forget a subscription; whether there was one."""
        result = self.session.execute(
            delete(AlertSubscriptionRow)
            .where(AlertSubscriptionRow.id == subscription_id)
            .returning(AlertSubscriptionRow.id)
            .execution_options(synchronize_session=False)
        )
        return result.first() is not None

    def subscriptions(
        self, *, person_id: int | None = None, kind: SubscriptionKind | None = None, target: str | None = None
    ) -> tuple[Subscription, ...]:
        """The subscriptions asked for (of a person, to a kind of thing, to one thing), oldest first."""
        query = select(AlertSubscriptionRow).order_by(AlertSubscriptionRow.id)
        if person_id is not None:
            query = query.where(AlertSubscriptionRow.person_id == person_id)
        if kind is not None:
            query = query.where(AlertSubscriptionRow.kind == kind.value)
        if target is not None:
            query = query.where(AlertSubscriptionRow.target == target)
        return tuple(_subscription(row) for row in self.session.scalars(query))

    def _find(self, person_id: int, kind: SubscriptionKind, target: str) -> AlertSubscriptionRow | None:
        query = select(AlertSubscriptionRow).where(
            AlertSubscriptionRow.person_id == person_id,
            AlertSubscriptionRow.kind == kind.value,
            AlertSubscriptionRow.target == target,
        )
        return self.session.scalars(query).one_or_none()


def _kind_word(kind: SubscriptionKind) -> Message:
    return Message(f"store.alert.subscription.{kind.value}")


def _subscription(row: AlertSubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id,
        person_id=row.person_id,
        kind=SubscriptionKind(row.kind),
        target=row.target,
        digest=Digest(row.digest),
        created_at=row.created_at,
    )
