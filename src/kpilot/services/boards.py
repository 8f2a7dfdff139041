"""Team boards as one reader may see them (docs/dashboard.md#boards): which teams' boards they may open, and the
workspace as they see it over one team's rows.

Who may open which board is decided here, like every permission: admins and editors every team's, managers their own
teams' and those of every team under them, members their own teams' (on the day asked for); viewers, and anyone
who may not read the organisation, none (they still have the company scorecard). A board is never a way round the
reader's own permissions: its view is the reader's view (`services.kpis.workspace_for`) narrowed further to the
team's rows, so a KPI they may not see stays unknown and a row they may not see never enters a number.

A team's rows are its scope's (`team: EMEA`); a team without a scope of its own (a department, the company) has
the rows of the teams under it together. A team that has neither has no rows: fail closed, it has no board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from kpilot.auth.actor import Actor, Role
from kpilot.engine.access import NOTHING, Access, intersect, union
from kpilot.services.access import sees_everything
from kpilot.services.permissions import Action, can
from kpilot.services.reader import reader_of
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import Team
from kpilot.store.session import Store
from kpilot.workspace import AccessPolicy, Workspace

W = TypeVar("W", bound=Workspace)


@dataclass(frozen=True)
class TeamBoard:
    """One team's board: the team, the key its address uses (its name, case folded), and the rows it shows."""

    team: Team
    key: str
    rows: Access  # never None: a board always narrows to its team's rows

    @property
    def scope(self) -> dict[str, str] | None:
        """The team's own scope, which also picks the targets set for it (None: a team made of the teams under it)."""
        return self.team.scope.as_dict() or None


def board_key(name: str) -> str:
    """How a board's address names a team: `/boards/team/emea` for the team EMEA."""
    return name.casefold()


def team_boards(store: Store, actor: Actor, day: date) -> tuple[TeamBoard, ...]:
    """The boards `actor` may open on `day`, by team name; none for a reader who may not read the organisation."""
    if not can(actor, Action.READ_PEOPLE):
        return ()
    with store.reading() as session:
        organisation = read_organisation(session)
    return boards_in(organisation, actor, day)


def boards_in(organisation: Organisation, actor: Actor, day: date) -> tuple[TeamBoard, ...]:
    """The boards of `organisation` that `actor` may open on `day` (none unless they may read the organisation)."""
    if not can(actor, Action.READ_PEOPLE):
        return ()
    if sees_everything(actor):
        chosen: tuple[Team, ...] = organisation.teams
    else:
        reader = reader_of(actor, organisation, day)
        managing = reader.below if Role.MANAGER in actor.roles else ()
        chosen = reader.teams + managing
    boards = {team.id: _board(team, organisation) for team in chosen}
    return tuple(sorted((b for b in boards.values() if b.rows), key=lambda b: b.team.name.casefold()))


def team_board(store: Store, actor: Actor, day: date, key: str) -> TeamBoard | None:
    """The board of the team `key` names, or None when there is none the reader may open (the same answer for a
    team that does not exist and for one they may not see, so that trying names tells nothing)."""
    wanted = board_key(key)
    return next((board for board in team_boards(store, actor, day) if board.key == wanted), None)


def board_view(workspace: W, board: TeamBoard) -> W:
    """`workspace` (the reader's view) narrowed to the board's rows: every KPI keeps the reader's own rows, of which
    only the team's count."""
    return workspace.restricted(_TeamRows(workspace.policy, board.rows))


class _TeamRows:
    """The reader's policy (an `AccessPolicy`), with each KPI's rows narrowed to a team's."""

    def __init__(self, inner: AccessPolicy | None, rows: Access) -> None:
        self.inner = inner
        self.rows = rows

    @property
    def unrestricted(self) -> bool:
        return False

    def visible(self, kpi: str) -> bool:
        return self.inner is None or self.inner.visible(kpi)

    def access(self, kpi: str) -> Access:
        if not self.visible(kpi):
            return NOTHING
        return intersect(self.inner.access(kpi) if self.inner is not None else None, self.rows)

    def ensure(self, action: str) -> None:
        if self.inner is not None:
            self.inner.ensure(action)


def _board(team: Team, organisation: Organisation) -> TeamBoard:
    return TeamBoard(team, board_key(team.name), _rows(team, organisation.teams))


def _rows(team: Team, every: tuple[Team, ...]) -> Access:
    """The team's scope, or else the rows of the teams under it together (walked with a stack; `seen` keeps a broken
    tree with a loop finite)."""
    children: dict[int, list[Team]] = {}
    for each in every:
        if each.parent_id is not None:
            children.setdefault(each.parent_id, []).append(each)
    scopes = []
    stack, seen = [team], set()
    while stack:
        current = stack.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        if current.scope:
            scopes.append(current.scope.entries)
        else:
            stack.extend(children.get(current.id, []))
    return union([(scope,) for scope in scopes]) if scopes else NOTHING
