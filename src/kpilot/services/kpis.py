"""KPIs as one actor may see them: a view of the workspace that every computation goes through.

`workspace_for(actor, workspace, on=day)` places the actor in the organisation on `day` (from the store, when their
rules depend on it) and returns a view of the workspace (`Workspace.restricted`): same class, same methods, but its
definitions hold only the KPIs the actor may see, and every request it compiles is restricted to the rows the actor
may see of each KPI. Compute, sql, scorecard, forecast, suggest_targets, check and matrix all compute through it, so
none of them needs to know about permissions, and none can forget them.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from kpilot.auth.actor import Actor
from kpilot.engine.access import Access
from kpilot.services.access import sees_everything
from kpilot.services.permissions import Action, Permissions
from kpilot.services.reader import reader_of
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.session import Store, open_store
from kpilot.workspace import Workspace

W = TypeVar("W", bound=Workspace)


class KpiPolicy:
    """A workspace's `AccessPolicy` from the decisions of `Permissions`."""

    def __init__(self, permissions: Permissions) -> None:
        self.permissions = permissions

    @property
    def unrestricted(self) -> bool:
        return self.permissions.unrestricted

    def visible(self, kpi: str) -> bool:
        return self.permissions.visible(kpi)

    def access(self, kpi: str) -> Access:
        return self.permissions.access(kpi)

    def ensure(self, action: str) -> None:
        self.permissions.ensure(Action(action))


def permissions_for(
    actor: Actor, workspace: Workspace, *, on: date | None = None, store: Store | None = None
) -> Permissions:
    """The decisions for `actor` on `on` (default: today in the workspace's time zone). The store is read only when
    the actor's rules depend on the organisation (a person who is not an admin or editor); a store that is missing
    or not up to date is then an error (store.StoreError), never an organisation taken as empty. `store`: one
    already open (a server's), else the workspace's is opened for this decision (which checks its revision)."""
    day = on or workspace.calendar.today()
    organisation: Organisation | None = None
    if actor.person_id is not None and not sees_everything(actor):
        if store is not None:
            with store.reading() as session:
                organisation = read_organisation(session)
        else:
            with open_store(workspace) as opened, opened.reading() as session:
                organisation = read_organisation(session)
    return Permissions(reader_of(actor, organisation, day), workspace.definitions)


def workspace_for(actor: Actor, workspace: W, *, on: date | None = None, store: Store | None = None) -> W:
    """`workspace` as `actor` may see it on `on`: hidden KPIs unknown, every value computed over the actor's rows.
    An actor who may not compute at all (no role, a token without `read`) is refused here (PermissionDenied)."""
    permissions = permissions_for(actor, workspace, on=on, store=store)
    permissions.ensure(Action.COMPUTE)
    return workspace.restricted(KpiPolicy(permissions))
