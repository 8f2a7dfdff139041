"""`/api/v1/people` and `/api/v1/teams`: the organisation, with who is in which team on a day (default: today in
the workspace's time zone). Readable by admins, editors, managers and members (docs/permissions.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter

from kpilot.engine.arguments import date_of
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.reading import day_parameter
from kpilot.server.runtime import Runtime
from kpilot.services.directory import PersonEntry, TeamEntry, directory, one_person, one_team

router = APIRouter(tags=["people"])
OnParameter = Annotated[
    str | None, day_parameter(description="The day whose memberships are shown, YYYY-MM-DD (default: today).")
]


@router.get("/people", summary="Every person, with their manager and teams")
def people(actor: CurrentActor, runtime: CurrentRuntime, on: OnParameter = None) -> dict[str, Any]:
    with runtime.store() as store:
        found, _ = directory(store, actor, _day(runtime, on))
    return {"people": [_person(entry) for entry in found]}


@router.get("/people/{person_id}", summary="One person")
def person(person_id: int, actor: CurrentActor, runtime: CurrentRuntime, on: OnParameter = None) -> dict[str, Any]:
    with runtime.store() as store:
        return _person(one_person(store, actor, person_id, _day(runtime, on)))


@router.get("/teams", summary="Every team, with its parent and members")
def teams(actor: CurrentActor, runtime: CurrentRuntime, on: OnParameter = None) -> dict[str, Any]:
    with runtime.store() as store:
        _, found = directory(store, actor, _day(runtime, on))
    return {"teams": [_team(entry) for entry in found]}


@router.get("/teams/{team_id}", summary="One team")
def team(team_id: int, actor: CurrentActor, runtime: CurrentRuntime, on: OnParameter = None) -> dict[str, Any]:
    with runtime.store() as store:
        return _team(one_team(store, actor, team_id, _day(runtime, on)))


def _day(runtime: Runtime, on: str | None) -> date:
    day = date_of(on, "on")  # a day that does not exist (2025-02-30) is refused here, with its field
    if day is not None:
        return day
    with runtime.workspace() as workspace:
        return workspace.calendar.today()


def _person(entry: PersonEntry) -> dict[str, Any]:
    person = entry.person
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "language": person.language,
        "timezone": person.timezone,
        "manager": entry.manager_email,
        "teams": list(entry.teams),
        "scope": person.scope.as_dict(),
    }


def _team(entry: TeamEntry) -> dict[str, Any]:
    team = entry.team
    return {
        "id": team.id,
        "name": team.name,
        "kind": team.kind.value,
        "parent": entry.parent,
        "members": list(entry.members),
        "scope": team.scope.as_dict(),
    }
