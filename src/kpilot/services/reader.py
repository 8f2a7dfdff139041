"""An actor as the organisation places them on one day: their person, the teams they are in that day (memberships'
`valid_from` included, `valid_to` not), the teams above and below those, and everyone who reports to them, directly
or through others. Permissions decide from this (services.permissions); nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kpilot.auth.actor import Actor
from kpilot.store.organisation import Organisation
from kpilot.store.records import Person, Team, email_key


@dataclass(frozen=True)
class Reader:
    """`actor` on `day`. Without an organisation (None when none was read, such as for an admin, who needs none)
    only the actor is known: no person, no team, nobody reporting, so that what depends on them is refused."""

    actor: Actor
    day: date | None = None
    person: Person | None = None
    teams: tuple[Team, ...] = ()  # the teams the person is in on `day`
    within: frozenset[str] = frozenset()  # those teams and every team above them, by name (for grants to a team)
    below: tuple[Team, ...] = ()  # the teams under those teams, at any depth (for managers)
    reports: tuple[Person, ...] = ()  # who reports to the person, directly or through others (for managers)

    @property
    def email_keys(self) -> frozenset[str]:
        """The reader's e-mail addresses as compared (the account's and the person's), for grants to people."""
        addresses = [self.actor.email, self.person.email if self.person else None]
        return frozenset(email_key(address) for address in addresses if address)


def reader_of(actor: Actor, organisation: Organisation | None, day: date) -> Reader:
    """Where `actor` stands in `organisation` on `day` (an actor with no person there stands nowhere)."""
    if organisation is None or actor.person_id is None:
        return Reader(actor, day)
    person = next((p for p in organisation.people if p.id == actor.person_id), None)
    if person is None:
        return Reader(actor, day)
    teams = organisation.teams_on(person.id, day)
    by_id = {team.id: team for team in organisation.teams}
    return Reader(
        actor,
        day,
        person,
        teams,
        frozenset(team.name for team in _above(teams, by_id)),
        _below(teams, organisation.teams),
        _reports(person, organisation.people),
    )


def _above(teams: tuple[Team, ...], by_id: dict[int, Team]) -> list[Team]:
    """The teams and their parents up to the top (the tree has no loops; `seen` keeps a broken one finite)."""
    found: list[Team] = []
    seen: set[int] = set()
    for team in teams:
        current: Team | None = team
        while current is not None and current.id not in seen:
            seen.add(current.id)
            found.append(current)
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
    return found


def _below(teams: tuple[Team, ...], every: tuple[Team, ...]) -> tuple[Team, ...]:
    """Every team under one of `teams`, at any depth (not `teams` themselves unless one is under another)."""
    children: dict[int, list[Team]] = {}
    for team in every:
        if team.parent_id is not None:
            children.setdefault(team.parent_id, []).append(team)
    found: dict[int, Team] = {}
    stack = [child for team in teams for child in children.get(team.id, [])]
    while stack:
        team = stack.pop()
        if team.id not in found:
            found[team.id] = team
            stack.extend(children.get(team.id, []))
    return tuple(sorted(found.values(), key=lambda team: team.name))


def _reports(manager: Person, people: tuple[Person, ...]) -> tuple[Person, ...]:
    """Everyone whose chain of managers reaches `manager` (never `manager`: nobody manages themselves)."""
    reporting: dict[int, list[Person]] = {}
    for person in people:
        if person.manager_id is not None:
            reporting.setdefault(person.manager_id, []).append(person)
    found: dict[int, Person] = {}
    stack = list(reporting.get(manager.id, []))
    while stack:
        person = stack.pop()
        if person.id not in found and person.id != manager.id:
            found[person.id] = person
            stack.extend(reporting.get(person.id, []))
    return tuple(sorted(found.values(), key=lambda person: person.email_key))
