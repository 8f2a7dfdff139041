"""Which KPIs a reader sees, and over which rows: the rules of docs/permissions.md, for one KPI's own visibility
(services.permissions adds the KPIs its formula uses, and the token's limits).

- Admins, editors and the local operator: every KPI, every row.
- Company KPIs: every row, for anyone with a role (viewers included).
- Team KPIs (members and managers): the rows of the reader's own scope and of the teams they are in that day;
  managers also those of everyone reporting to them (at any depth) and of the teams under their teams.
- Private KPIs (members and managers): the rows of the reader's own scope; managers also their reports'.
- Restricted KPIs: every row for whoever the grants name (a person by e-mail address, the members of a team or of a
  team under it that day, everyone with a role), provided they are a member or a manager; nothing for anyone else.
- Viewers see company KPIs only, and an actor without a role (or only roles kpilot does not know) sees nothing.

A person or team without a scope adds no rows: an empty scope would match every row, and fail closed means that
what is not said is not allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kpilot.auth.actor import Actor, Role
from kpilot.definitions.model import Grants, Kpi, Visibility
from kpilot.engine.access import NOTHING, Access, intersect, union
from kpilot.services.reader import Reader
from kpilot.store.records import Scope, email_key

READING_ROLES = frozenset({Role.MANAGER, Role.MEMBER, Role.VIEWER})
SLICED_ROLES = frozenset({Role.MANAGER, Role.MEMBER})  # the roles that see team, private and restricted KPIs


@dataclass(frozen=True)
class Sight:
    """What a reader sees of a KPI: whether they see it at all and, if so, the rows it is computed over."""

    visible: bool
    rows: Access = NOTHING

    def joined(self, other: Sight) -> Sight:
        """What a reader sees of a KPI built on another: both, over the rows both allow."""
        if not (self.visible and other.visible):
            return HIDDEN
        return Sight(True, intersect(self.rows, other.rows))


HIDDEN = Sight(False)
EVERYTHING = Sight(True, None)


def sees_everything(actor: Actor) -> bool:
    """The local operator (who reads the workspace's files anyway), admins and editors."""
    return actor.local or bool(actor.roles & {Role.ADMIN, Role.EDITOR})


def own_sight(reader: Reader, kpi: Kpi) -> Sight:
    """What `reader` sees of `kpi` by its own visibility (the KPIs its formula uses are not considered here)."""
    roles = reader.actor.roles
    if sees_everything(reader.actor):
        return EVERYTHING
    if not roles & READING_ROLES:
        return HIDDEN
    if kpi.visibility is Visibility.COMPANY:
        return EVERYTHING
    if not roles & SLICED_ROLES:
        return HIDDEN
    manager = Role.MANAGER in roles
    own = [reader.person.scope] if reader.person is not None else []
    if kpi.visibility is Visibility.TEAM:
        teams = [team.scope for team in reader.teams]
        wider = ([p.scope for p in reader.reports] + [t.scope for t in reader.below]) if manager else []
        return Sight(True, _rows(own + teams + wider))
    if kpi.visibility is Visibility.PRIVATE:
        reports = [p.scope for p in reader.reports] if manager else []
        return Sight(True, _rows(own + reports))
    return EVERYTHING if granted(reader, kpi.grants) else HIDDEN


def granted(reader: Reader, grants: Grants | None) -> bool:
    """Whether a restricted KPI's grants name the reader: their e-mail address, a team they are in that day (or one
    above it), or one of their roles."""
    if grants is None:
        return False
    if any(email_key(address) in reader.email_keys for address in grants.people):
        return True
    if any(team in reader.within for team in grants.teams):
        return True
    return any(Role(role) in reader.actor.roles for role in grants.roles)


def _rows(scopes: Iterable[Scope]) -> Access:
    """The union of the scopes' rows; scopes without any dimension are left out (engine.access)."""
    return union((scope.entries,) for scope in scopes)
