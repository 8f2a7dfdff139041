"""Teams as a tree (company, departments, teams), each with the scope of data that is theirs."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.store.models import TeamRow
from kpilot.store.records import NO_SCOPE, Scope, Team, TeamKind
from kpilot.store.scopes import replace_team_scope, team_scopes


class Teams:
    """The teams of the store, read and written through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> tuple[Team, ...]:
        """Every team, by name."""
        rows = self.session.scalars(select(TeamRow).order_by(TeamRow.name)).all()
        scopes = team_scopes(self.session)
        return tuple(_team(row, scopes.get(row.id, Scope())) for row in rows)

    def with_ids(self, ids: Collection[int]) -> tuple[Team, ...]:
        """The teams with these ids, by name (two queries, however many)."""
        rows = self.session.scalars(select(TeamRow).where(TeamRow.id.in_(list(ids))).order_by(TeamRow.name)).all()
        scopes = team_scopes(self.session, ids)
        return tuple(_team(row, scopes.get(row.id, Scope())) for row in rows)

    def by_name(self, name: str) -> Team | None:
        row = self.session.scalars(select(TeamRow).where(TeamRow.name == name)).one_or_none()
        return None if row is None else _team(row, team_scopes(self.session, [row.id]).get(row.id, Scope()))

    def get(self, team_id: int) -> Team | None:
        row = self.session.get(TeamRow, team_id)
        return None if row is None else _team(row, team_scopes(self.session, [row.id]).get(row.id, Scope()))

    def add(self, name: str, kind: TeamKind, *, parent_id: int | None = None, scope: Scope = NO_SCOPE) -> Team:
        row = TeamRow(name=name, kind=kind.value, parent_id=parent_id)
        self.session.add(row)
        self.session.flush()  # the id, for the scope rows and for the caller
        replace_team_scope(self.session, row.id, scope)
        return _team(row, scope)

    def update(self, team_id: int, *, kind: TeamKind, scope: Scope) -> Team:
        row = self._row(team_id)
        row.kind = kind.value
        replace_team_scope(self.session, team_id, scope)
        return _team(row, scope)

    def set_parent(self, team_id: int, parent_id: int | None) -> None:
        """Move a team under another (None: to the top). The caller has checked that no loop results. (Written
        with the session's next flush, like every change.)"""
        self._row(team_id).parent_id = parent_id

    def _row(self, team_id: int) -> TeamRow:
        row = self.session.get(TeamRow, team_id)
        if row is None:
            raise InternalError(f"no team with id {team_id} in the store")
        return row


def _team(row: TeamRow, scope: Scope) -> Team:
    return Team(id=row.id, name=row.name, kind=TeamKind(row.kind), parent_id=row.parent_id, scope=scope)
