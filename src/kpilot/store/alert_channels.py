"""The channels people and teams are told on: e-mail, Slack, Teams, webhooks, any apprise URL.

A channel's target may hold a token (a Slack webhook URL is one): it is kept here and nowhere else, never put into a
message or an error (a refused target is described by its length, not its text), and left out of `Channel`'s repr.
Whether a webhook target may reach an internal address is the services' decision, not the store's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.i18n import Message
from kpilot.store.alert_records import Channel, ChannelKind, OwnerKind
from kpilot.store.errors import StoreError
from kpilot.store.models import CHANNEL_TARGET_LENGTH, AlertChannelRow, PersonRow, TeamRow
from kpilot.store.times import utc


class AlertChannels:
    """The channels of the store, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_channel(
        self, owner_kind: OwnerKind, owner_id: int, kind: ChannelKind, target: str, *, dedupes: bool, at: datetime
    ) -> Channel:
        """A channel of a person or a team; `dedupes` says whether its receiver drops a repeated key."""
        owner = PersonRow if owner_kind is OwnerKind.PERSON else TeamRow
        if self.session.get(owner, owner_id) is None:
            raise StoreError(
                Message(
                    "store.alert.owner_unknown",
                    kind=Message(f"store.alert.owner.{owner_kind.value}"),
                    owner=str(owner_id),
                ),
                field="owner",
            )
        if not target.strip() or len(target) > CHANNEL_TARGET_LENGTH:
            raise StoreError(
                Message("store.alert.target_length", length=len(target), limit=CHANNEL_TARGET_LENGTH), field="target"
            )
        row = AlertChannelRow(
            owner_kind=owner_kind.value,
            person_id=owner_id if owner_kind is OwnerKind.PERSON else None,
            team_id=owner_id if owner_kind is OwnerKind.TEAM else None,
            kind=kind.value,
            target=target,
            dedupes=dedupes,
            created_at=utc(at),
        )
        self.session.add(row)
        self.session.flush()
        return channel_value(row)

    def channel(self, channel_id: int) -> Channel | None:
        row = self.session.get(AlertChannelRow, channel_id)
        return None if row is None else channel_value(row)

    def channels(self, owner_kind: OwnerKind | None = None, owner_id: int | None = None) -> tuple[Channel, ...]:
        """The channels (of one kind of owner, of one owner), oldest first."""
        query = select(AlertChannelRow).order_by(AlertChannelRow.id)
        if owner_kind is not None:
            query = query.where(AlertChannelRow.owner_kind == owner_kind.value)
            if owner_id is not None:
                owner = AlertChannelRow.person_id if owner_kind is OwnerKind.PERSON else AlertChannelRow.team_id
                query = query.where(owner == owner_id)
        return tuple(channel_value(row) for row in self.session.scalars(query))

    def remove_channel(self, channel_id: int) -> bool:
        """Remove a channel, and with it its deliveries (queued ones could not be sent anywhere); whether it was."""
        result = self.session.execute(
            delete(AlertChannelRow)
            .where(AlertChannelRow.id == channel_id)
            .returning(AlertChannelRow.id)
            .execution_options(synchronize_session=False)
        )
        return result.first() is not None


def channel_value(row: AlertChannelRow) -> Channel:
    owner = row.person_id if row.owner_kind == OwnerKind.PERSON.value else row.team_id
    if owner is None:  # the table's check constraint keeps exactly one set
        raise InternalError(f"the alert channel {row.id} has no {row.owner_kind}")
    return Channel(
        id=row.id,
        owner_kind=OwnerKind(row.owner_kind),
        owner_id=owner,
        kind=ChannelKind(row.kind),
        target=row.target,
        dedupes=row.dedupes,
        created_at=row.created_at,
    )
