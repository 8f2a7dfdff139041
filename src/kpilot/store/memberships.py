"""Who is in which team on which day.

A membership holds from `valid_from` (inclusive) to `valid_to` (exclusive; open while NULL). A person who moves
from Sales to Support on 15 March has a Sales membership ending on 15 March and a Support one starting then: on the
14th they are in Sales, on the 15th in Support. Bonuses and team KPIs read these queries, so the boundaries are
tested day by day (tests/store/test_memberships.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.i18n import Message
from kpilot.store.errors import StoreError
from kpilot.store.models import MembershipRow, TeamRow
from kpilot.store.people import People
from kpilot.store.records import Membership, Person, Team
from kpilot.store.teams import Teams

OPEN = Message("store.open_ended")  # a membership's end when it has none: "open"


@dataclass(frozen=True)
class NewMembership:
    person_id: int
    team_id: int
    valid_from: date
    valid_to: date | None = None


class Memberships:
    """The memberships of the store, read and written through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def teams_of(self, person_id: int, day: date) -> tuple[Team, ...]:
        """The teams a person belongs to on `day`, by name."""
        query = select(MembershipRow.team_id).where(MembershipRow.person_id == person_id, _on(day)).distinct()
        return Teams(self.session).with_ids(set(self.session.scalars(query)))

    def members_of(self, team_id: int, day: date, *, below: bool = False) -> tuple[Person, ...]:
        """The people in a team on `day`, by e-mail; with `below`, also those in the teams under it, at any depth."""
        if below:
            tree = select(TeamRow.id).where(TeamRow.id == team_id).cte("tree", recursive=True)
            tree = tree.union_all(select(TeamRow.id).where(TeamRow.parent_id == tree.c.id))
            in_team: ColumnElement[bool] = MembershipRow.team_id.in_(select(tree.c.id))
        else:
            in_team = MembershipRow.team_id == team_id
        query = select(MembershipRow.person_id).where(in_team, _on(day)).distinct()
        return People(self.session).with_ids(set(self.session.scalars(query)))

    def of_person(self, person_id: int) -> tuple[Membership, ...]:
        """A person's memberships, past, present and future, oldest first."""
        query = select(MembershipRow).where(MembershipRow.person_id == person_id)
        return tuple(_membership(row) for row in self.session.scalars(query.order_by(*_ORDER)))

    def all(self) -> tuple[Membership, ...]:
        return tuple(_membership(row) for row in self.session.scalars(select(MembershipRow).order_by(*_ORDER)))

    def start(self, person_id: int, team_id: int, valid_from: date, valid_to: date | None = None) -> Membership:
        """A person joins a team on `valid_from` (until `valid_to`, exclusive, or for good)."""
        return self.start_many([NewMembership(person_id, team_id, valid_from, valid_to)])[0]

    def start_many(self, many: Sequence[NewMembership]) -> tuple[Membership, ...]:
        """New memberships, in one batch; one that overlaps another of the same person in the same team (already
        stored, or in the batch) is refused, and then none is added."""
        query = select(MembershipRow).where(MembershipRow.person_id.in_(sorted({m.person_id for m in many})))
        held: dict[tuple[int, int], list[Membership]] = {}
        for row in self.session.scalars(query):
            held.setdefault((row.person_id, row.team_id), []).append(_membership(row))
        for new in many:
            if new.valid_to is not None and new.valid_to <= new.valid_from:
                raise StoreError(Message("store.membership_backwards", start=new.valid_from, end=new.valid_to))
            for existing in held.get((new.person_id, new.team_id), []):
                if _overlap(existing, new.valid_from, new.valid_to):
                    raise StoreError(
                        Message(
                            "store.membership_overlaps",
                            person=str(new.person_id),  # ids as digits: 1234, not 1,234
                            team=str(new.team_id),
                            start=existing.valid_from,
                            until=existing.valid_to or OPEN,
                            new_start=new.valid_from,
                            new_until=new.valid_to or OPEN,
                        ),
                        hint=Message("store.membership_overlaps_hint"),
                    )
            held.setdefault((new.person_id, new.team_id), []).append(
                Membership(0, new.person_id, new.team_id, new.valid_from, new.valid_to)
            )
        rows = [
            MembershipRow(person_id=m.person_id, team_id=m.team_id, valid_from=m.valid_from, valid_to=m.valid_to)
            for m in many
        ]
        self.session.add_all(rows)
        self.session.flush()
        return tuple(_membership(row) for row in rows)

    def end(self, membership_id: int, day: date) -> Membership | None:
        """The membership ends on `day` (the person is out of the team from that day on). One that would not have
        started by then is removed (None); one that already ended by then is left as it is."""
        row = self.session.get(MembershipRow, membership_id)
        if row is None:
            raise InternalError(f"no membership with id {membership_id} in the store")
        if row.valid_to is not None and row.valid_to <= day:
            return _membership(row)
        if day <= row.valid_from:
            self.session.delete(row)
            self.session.flush()
            return None
        row.valid_to = day
        self.session.flush()
        return _membership(row)


_ORDER = (MembershipRow.valid_from, MembershipRow.team_id, MembershipRow.id)


def _on(day: date) -> ColumnElement[bool]:
    """The membership holds on `day`: started on or before it, and not ended on or before it."""
    return (MembershipRow.valid_from <= day) & or_(MembershipRow.valid_to.is_(None), MembershipRow.valid_to > day)


def _overlap(existing: Membership, start: date, end: date | None) -> bool:
    starts_before_end = end is None or existing.valid_from < end
    ends_after_start = existing.valid_to is None or existing.valid_to > start
    return starts_before_end and ends_after_start


def _membership(row: MembershipRow) -> Membership:
    return Membership(
        id=row.id, person_id=row.person_id, team_id=row.team_id, valid_from=row.valid_from, valid_to=row.valid_to
    )
