"""Disputes of bonus lines: a person questions a line, and someone resolves it, accepted or rejected.

A dispute is about one line and so one person (the line's). Resolving it records the decision and leaves the ledger
as it is: an accepted dispute is corrected by an adjustment line in the open period, written like any other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpilot.i18n import Message
from kpilot.store.bonus_records import Dispute, DisputeStatus
from kpilot.store.errors import StoreError
from kpilot.store.models import DISPUTE_REASON_LENGTH, BonusDisputeRow, BonusLineRow
from kpilot.store.times import utc

RESOLUTION_LENGTH = 4000
DECISIONS = (DisputeStatus.ACCEPTED, DisputeStatus.REJECTED)


class BonusDisputes:
    """The disputes of bonus lines, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def open_dispute(self, line_id: int, reason: str, *, at: datetime) -> Dispute:
        """A dispute of a line, with the person's reason (some words, at most 2000 characters)."""
        line = self.session.get(BonusLineRow, line_id)
        if line is None:
            raise StoreError(Message("store.bonus.line_unknown", line=str(line_id)), field="line")
        _check_text(reason, DISPUTE_REASON_LENGTH, "reason")
        row = BonusDisputeRow(
            line_id=line_id,
            person_id=line.person_id,
            reason=reason,
            status=DisputeStatus.OPEN.value,
            opened_at=utc(at),
        )
        self.session.add(row)
        self.session.flush()
        return _dispute(row)

    def resolve_dispute(
        self, dispute_id: int, status: DisputeStatus, *, by: str, at: datetime, resolution: str | None = None
    ) -> Dispute:
        """An open dispute accepted or rejected by `by`, with an optional explanation; a resolved one stays so."""
        row = self.session.get(BonusDisputeRow, dispute_id, with_for_update=True)
        if row is None:
            raise StoreError(Message("store.bonus.dispute_unknown", dispute=str(dispute_id)), field="dispute")
        if status not in DECISIONS:
            raise StoreError(
                Message("store.bonus.dispute_decision", wanted=Message(f"store.bonus.dispute.{status.value}")),
                field="status",
            )
        if row.status != DisputeStatus.OPEN.value:
            raise StoreError(
                Message(
                    "store.bonus.dispute_resolved_already",
                    dispute=str(dispute_id),
                    current=Message(f"store.bonus.dispute.{row.status}"),
                ),
                field="status",
            )
        if resolution is not None:
            _check_text(resolution, RESOLUTION_LENGTH, "resolution")
        row.status = status.value
        row.resolved_at = utc(at)
        row.resolved_by = by
        row.resolution = resolution
        self.session.flush()
        return _dispute(row)

    def dispute(self, dispute_id: int) -> Dispute | None:
        row = self.session.get(BonusDisputeRow, dispute_id)
        return None if row is None else _dispute(row)

    def disputes(
        self,
        *,
        plan: str | None = None,
        person_id: int | None = None,
        status: DisputeStatus | None = None,
        line_id: int | None = None,
    ) -> tuple[Dispute, ...]:
        """The disputes asked for (of a plan's lines, of a person, in a status, of a line), oldest first."""
        query = select(BonusDisputeRow)
        if plan is not None:
            query = query.join(BonusLineRow, BonusLineRow.id == BonusDisputeRow.line_id).where(
                BonusLineRow.plan == plan
            )
        if person_id is not None:
            query = query.where(BonusDisputeRow.person_id == person_id)
        if status is not None:
            query = query.where(BonusDisputeRow.status == status.value)
        if line_id is not None:
            query = query.where(BonusDisputeRow.line_id == line_id)
        rows = self.session.scalars(query.order_by(BonusDisputeRow.opened_at, BonusDisputeRow.id))
        return tuple(_dispute(row) for row in rows)


def _check_text(text: str, limit: int, field: str) -> None:
    if not text.strip() or len(text) > limit:
        raise StoreError(Message("store.bonus.text_length", length=len(text), limit=limit), field=field)


def _dispute(row: BonusDisputeRow) -> Dispute:
    return Dispute(
        id=row.id,
        line_id=row.line_id,
        person_id=row.person_id,
        reason=row.reason,
        status=DisputeStatus(row.status),
        opened_at=row.opened_at,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        resolution=row.resolution,
    )
