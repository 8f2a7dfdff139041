"""Compensation: a person's yearly base pay and working time, effective-dated like memberships.

A row holds from `valid_from` (inclusive) to `valid_to` (exclusive; open while NULL), and a person's rows never
overlap: on any day at most one is in force, which is what a bonus that is a share of base pay reads. A raise from
1 April is the old row ended on 1 April (`end_compensation`) and a new one from 1 April.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kpilot.i18n import Message
from kpilot.store.bonus_amounts import from_minor, fte_of, fte_per_mille, to_minor
from kpilot.store.bonus_records import Compensation
from kpilot.store.errors import StoreError
from kpilot.store.models import BonusCompensationRow, PersonRow

OPEN = Message("store.open_ended")  # an end when there is none: "open"


class BonusCompensation:
    """The compensation rows of the store, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def set_compensation(
        self,
        person_id: int,
        *,
        valid_from: date,
        valid_to: date | None,
        base_pay: Decimal,
        currency: str,
        fte: Decimal = Decimal(1),
    ) -> Compensation:
        """A person's pay from `valid_from` (until `valid_to`, exclusive, or for good); one that overlaps another
        of the person's rows is refused."""
        if valid_to is not None and valid_to <= valid_from:
            raise StoreError(
                Message("store.bonus.compensation_backwards", start=valid_from, end=valid_to), field="valid_to"
            )
        if self.session.get(PersonRow, person_id) is None:
            raise StoreError(Message("store.bonus.person_unknown", person=str(person_id)), field="person")
        for existing in self.compensation_of(person_id):
            if _overlap(existing, valid_from, valid_to):
                raise StoreError(
                    Message(
                        "store.bonus.compensation_overlaps",
                        person=str(person_id),
                        start=existing.valid_from,
                        until=existing.valid_to or OPEN,
                        new_start=valid_from,
                        new_until=valid_to or OPEN,
                    ),
                    hint=Message("store.bonus.compensation_overlaps_hint"),
                    field="valid_from",
                )
        row = BonusCompensationRow(
            person_id=person_id,
            valid_from=valid_from,
            valid_to=valid_to,
            base_pay_minor=to_minor(base_pay, currency),
            currency=currency,
            fte_per_mille=fte_per_mille(fte),
        )
        self.session.add(row)
        self.session.flush()
        return _compensation(row)

    def end_compensation(self, compensation_id: int, day: date) -> Compensation:
        """The row stops holding on `day` (which must be after it starts, and before any end it already has)."""
        row = self.session.get(BonusCompensationRow, compensation_id)
        if row is None:
            raise StoreError(
                Message("store.bonus.compensation_unknown", compensation=str(compensation_id)), field="compensation"
            )
        if day <= row.valid_from or (row.valid_to is not None and day > row.valid_to):
            raise StoreError(
                Message(
                    "store.bonus.compensation_end_outside", day=day, start=row.valid_from, until=row.valid_to or OPEN
                ),
                field="valid_to",
            )
        row.valid_to = day
        self.session.flush()
        return _compensation(row)

    def compensation_on(self, person_id: int, day: date) -> Compensation | None:
        """The row in force for the person on `day`, if any."""
        query = select(BonusCompensationRow).where(
            BonusCompensationRow.person_id == person_id,
            BonusCompensationRow.valid_from <= day,
            or_(BonusCompensationRow.valid_to.is_(None), BonusCompensationRow.valid_to > day),
        )
        row = self.session.scalars(query).first()
        return None if row is None else _compensation(row)

    def compensation_of(self, person_id: int) -> tuple[Compensation, ...]:
        """A person's rows, past, present and future, oldest first."""
        query = select(BonusCompensationRow).where(BonusCompensationRow.person_id == person_id)
        rows = self.session.scalars(query.order_by(BonusCompensationRow.valid_from, BonusCompensationRow.id))
        return tuple(_compensation(row) for row in rows)


def _overlap(existing: Compensation, start: date, end: date | None) -> bool:
    starts_before_end = end is None or existing.valid_from < end
    ends_after_start = existing.valid_to is None or existing.valid_to > start
    return starts_before_end and ends_after_start


def _compensation(row: BonusCompensationRow) -> Compensation:
    return Compensation(
        id=row.id,
        person_id=row.person_id,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        base_pay=from_minor(row.base_pay_minor, row.currency),
        currency=row.currency,
        fte=fte_of(row.fte_per_mille),
    )
