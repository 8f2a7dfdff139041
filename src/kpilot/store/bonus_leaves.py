"""Unpaid leaves: days a person is employed but not in their bonus plans (docs/bonus.md, "Proration").

A leave holds from `starts_on` (inclusive) to `ends_on` (exclusive), and a person's leaves never overlap (a leave
that would is refused, so that no day is taken off twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpilot.i18n import Message
from kpilot.store.errors import StoreError
from kpilot.store.models import BonusLeaveRow, PersonRow


@dataclass(frozen=True)
class Leave:
    id: int
    person_id: int
    starts_on: date
    ends_on: date  # exclusive


class BonusLeaves:
    """The leaves of the store, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_leave(self, person_id: int, *, starts_on: date, ends_on: date) -> Leave:
        if ends_on <= starts_on:
            raise StoreError(Message("store.bonus.leave_backwards", start=starts_on, end=ends_on), field="ends_on")
        if self.session.get(PersonRow, person_id) is None:
            raise StoreError(Message("store.bonus.person_unknown", person=str(person_id)), field="person")
        for existing in self.leaves_of(person_id):
            if existing.starts_on < ends_on and starts_on < existing.ends_on:
                raise StoreError(
                    Message(
                        "store.bonus.leave_overlaps",
                        start=existing.starts_on,
                        end=existing.ends_on,
                        new_start=starts_on,
                        new_end=ends_on,
                    ),
                    field="starts_on",
                )
        row = BonusLeaveRow(person_id=person_id, starts_on=starts_on, ends_on=ends_on)
        self.session.add(row)
        self.session.flush()
        return _leave(row)

    def leaves_of(self, person_id: int) -> tuple[Leave, ...]:
        query = select(BonusLeaveRow).where(BonusLeaveRow.person_id == person_id).order_by(BonusLeaveRow.starts_on)
        return tuple(_leave(row) for row in self.session.scalars(query))


def _leave(row: BonusLeaveRow) -> Leave:
    return Leave(row.id, row.person_id, row.starts_on, row.ends_on)
