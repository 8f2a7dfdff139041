"""The whole organisation at once (for import, export and checks), and the lock that serialises its writers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpilot.store.memberships import Memberships
from kpilot.store.people import People
from kpilot.store.records import Membership, Person, Team
from kpilot.store.teams import Teams

# Any number of kpilot's own: PostgreSQL advisory locks are named by numbers, and this one means "the organisation".
ORGANISATION_LOCK = 7_160_001


@dataclass(frozen=True)
class Organisation:
    """Every team, person and membership in the store, as read in one transaction."""

    teams: tuple[Team, ...]
    people: tuple[Person, ...]
    memberships: tuple[Membership, ...]

    def held(self, person_id: int) -> tuple[Membership, ...]:
        """The person's memberships, oldest first."""
        return self._by_person.get(person_id, ())

    def teams_on(self, person_id: int, day: date) -> tuple[Team, ...]:
        """The person's teams on `day`, by name."""
        ids = {m.team_id for m in self.held(person_id) if m.covers(day)}
        return tuple(self._teams_by_id[team_id] for team_id in sorted(ids, key=lambda i: self._teams_by_id[i].name))

    @cached_property
    def _by_person(self) -> dict[int, tuple[Membership, ...]]:
        grouped: dict[int, list[Membership]] = {}
        for membership in self.memberships:
            grouped.setdefault(membership.person_id, []).append(membership)
        return {person: tuple(held) for person, held in grouped.items()}

    @cached_property
    def _teams_by_id(self) -> dict[int, Team]:
        return {team.id: team for team in self.teams}


def read_organisation(session: Session) -> Organisation:
    return Organisation(Teams(session).all(), People(session).all(), Memberships(session).all())


def lock_organisation(session: Session) -> None:
    """Hold the organisation for writing until the transaction ends, so that two imports run one after the other.
    SQLite needs nothing more: a writing transaction there begins with BEGIN IMMEDIATE, which takes the file's
    write lock (store.engine)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(ORGANISATION_LOCK)))
