"""Whose OKRs a reader may change (docs/okrs.md#who-may-do-what): administrators and editors anyone's; a manager
their own, their reports' and those of their teams and the teams below them; a member their own. The role check
(services.permissions, EDIT_OKRS or CHECK_IN) comes first; this decides the rest, and fails closed: an objective
whose owner the reader cannot be placed next to is not theirs."""

from __future__ import annotations

from kpilot.auth.actor import Role
from kpilot.i18n import Message
from kpilot.services.permissions import Action, PermissionDenied, Permissions
from kpilot.store.okrs import Objective


def may_change(permissions: Permissions, objective: Objective) -> bool:
    reader = permissions.reader
    actor = reader.actor
    if actor.local or actor.has(Role.ADMIN) or actor.has(Role.EDITOR):
        return True
    if reader.person is not None and objective.owner_person_id == reader.person.id:
        return True
    if not actor.has(Role.MANAGER):
        return False
    if objective.owner_person_id is not None:
        return any(person.id == objective.owner_person_id for person in reader.reports)
    return any(team.id == objective.owner_team_id for team in (*reader.teams, *reader.below))


def ensure_may_change(permissions: Permissions, action: Action, objective: Objective) -> None:
    """Raise PermissionDenied unless the reader may `action` (EDIT_OKRS, CHECK_IN) this objective's OKRs."""
    permissions.ensure(action)
    if not may_change(permissions, objective):
        raise PermissionDenied(
            Message("okr.not_yours", title=objective.title),
            hint=Message("okr.not_yours_hint"),
            field="owner",
        )
