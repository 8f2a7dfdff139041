"""The organisation as a caller may read it (people, teams, who is in which team on a day): the REST API's people
and teams, decided here like everything else (`Action.READ_PEOPLE`: admins, editors, managers and members;
viewers and tokens without `read` are refused)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kpilot.auth.actor import Actor
from kpilot.errors import QueryError
from kpilot.i18n import Message
from kpilot.services.permissions import Action, ensure
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import Person, Team
from kpilot.store.session import Store


@dataclass(frozen=True)
class PersonEntry:
    person: Person
    manager_email: str | None
    teams: tuple[str, ...]  # on the day asked for, by name


@dataclass(frozen=True)
class TeamEntry:
    team: Team
    parent: str | None
    members: tuple[str, ...]  # e-mail addresses, on the day asked for


def directory(store: Store, actor: Actor, day: date) -> tuple[tuple[PersonEntry, ...], tuple[TeamEntry, ...]]:
    """Every person and team, with memberships on `day`."""
    ensure(actor, Action.READ_PEOPLE)
    with store.reading() as session:
        organisation = read_organisation(session)
    return _people(organisation, day), _teams(organisation, day)


def one_person(store: Store, actor: Actor, person_id: int, day: date) -> PersonEntry:
    people, _ = directory(store, actor, day)
    found = next((entry for entry in people if entry.person.id == person_id), None)
    if found is None:
        raise QueryError(Message("services.directory.no_person", id=person_id), field="id")
    return found


def one_team(store: Store, actor: Actor, team_id: int, day: date) -> TeamEntry:
    _, teams = directory(store, actor, day)
    found = next((entry for entry in teams if entry.team.id == team_id), None)
    if found is None:
        raise QueryError(Message("services.directory.no_team", id=team_id), field="id")
    return found


def _people(organisation: Organisation, day: date) -> tuple[PersonEntry, ...]:
    emails = {person.id: person.email for person in organisation.people}
    return tuple(
        PersonEntry(
            person,
            emails.get(person.manager_id) if person.manager_id is not None else None,
            tuple(team.name for team in organisation.teams_on(person.id, day)),
        )
        for person in sorted(organisation.people, key=lambda p: p.email_key)
    )


def _teams(organisation: Organisation, day: date) -> tuple[TeamEntry, ...]:
    names = {team.id: team.name for team in organisation.teams}
    members: dict[int, list[str]] = {}
    for person in organisation.people:
        for team in organisation.teams_on(person.id, day):
            members.setdefault(team.id, []).append(person.email)
    entries = []
    for team in sorted(organisation.teams, key=lambda t: t.name):
        parent = names.get(team.parent_id) if team.parent_id is not None else None
        entries.append(TeamEntry(team, parent, tuple(sorted(members.get(team.id, []), key=str.casefold))))
    return tuple(entries)
