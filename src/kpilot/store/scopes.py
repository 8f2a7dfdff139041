"""Reading and replacing the scopes of people and teams (one row per dimension)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kpilot.store.models import PersonScopeRow, TeamScopeRow
from kpilot.store.records import Scope


def person_scopes(session: Session, ids: Iterable[int] | None = None) -> dict[int, Scope]:
    """Person id -> scope, for `ids` (every person when None); people without a scope are left out."""
    query = select(PersonScopeRow.person_id, PersonScopeRow.dimension, PersonScopeRow.value)
    if ids is not None:
        query = query.where(PersonScopeRow.person_id.in_(list(ids)))
    return _grouped(session.execute(query).all())


def team_scopes(session: Session, ids: Iterable[int] | None = None) -> dict[int, Scope]:
    """Team id -> scope, for `ids` (every team when None); teams without a scope are left out."""
    query = select(TeamScopeRow.team_id, TeamScopeRow.dimension, TeamScopeRow.value)
    if ids is not None:
        query = query.where(TeamScopeRow.team_id.in_(list(ids)))
    return _grouped(session.execute(query).all())


def replace_person_scope(session: Session, person_id: int, scope: Scope) -> None:
    session.execute(delete(PersonScopeRow).where(PersonScopeRow.person_id == person_id))
    session.add_all(PersonScopeRow(person_id=person_id, dimension=d, value=v) for d, v in scope)


def replace_team_scope(session: Session, team_id: int, scope: Scope) -> None:
    session.execute(delete(TeamScopeRow).where(TeamScopeRow.team_id == team_id))
    session.add_all(TeamScopeRow(team_id=team_id, dimension=d, value=v) for d, v in scope)


def _grouped(rows: Iterable[tuple[int, str, str]]) -> dict[int, Scope]:
    found: dict[int, dict[str, str]] = {}
    for owner, dimension, value in rows:
        found.setdefault(owner, {})[dimension] = value
    return {owner: Scope.of(entries) for owner, entries in found.items()}
