"""Permissions, decided in one place: may this actor do this, to this? (docs/permissions.md)

`ensure(actor, action, resource)` raises a `PermissionDenied` when the answer is no, and `can(...)` answers with a
bool. Every surface (the command line, the REST API, the pages) asks here, and nowhere else. The checks, in order:

1. the actor's roles allow the action (the local operator may do anything);
2. an API token, if the request came with one, has the scope the action needs: `read` to read or compute, `write`
   to change anything, `ingest:SOURCE` to push rows into that one source (a token's scopes limit its account's
   roles, never widen them);
3. pay data needs the `compensation` permission besides a role;
4. a KPI must be one the actor may see, and else it is "not found", exactly as a KPI that does not exist: same
   code, same words, same hint, so that trying names tells nothing about KPIs one may not see.

The first three do not depend on which KPI is asked about, so a refusal by them tells nothing about it either.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kpilot.auth.actor import Actor, Role
from kpilot.auth.errors import NotPermitted
from kpilot.auth.grants import Permission
from kpilot.definitions.model import Definitions
from kpilot.engine.access import NOTHING, Access
from kpilot.errors import QueryError
from kpilot.i18n import Message
from kpilot.semantic.lookup import require_kpi
from kpilot.semantic.visibility import kpis_used, showing_only
from kpilot.services.access import HIDDEN, Sight, own_sight, sees_everything
from kpilot.services.reader import Reader


class Action(StrEnum):
    READ_KPIS = "read_kpis"  # list KPIs, read a definition
    COMPUTE = "compute"  # values: compute, scorecard, forecast, suggestions, check, matrix
    READ_DEFINITIONS = "read_definitions"  # KPIs, goals and sources as written in the definitions files
    EDIT_DEFINITIONS = "edit_definitions"  # KPIs and goals
    EDIT_TARGETS = "edit_targets"
    EDIT_SOURCES = "edit_sources"  # `table:`, `sql:`, `file:`: what the warehouse reads
    READ_PEOPLE = "read_people"  # people and teams
    MANAGE_PEOPLE = "manage_people"  # import the organisation, change people and teams
    MANAGE_ACCOUNTS = "manage_accounts"  # accounts, roles, other people's tokens
    READ_AUDIT = "read_audit"
    INGEST = "ingest"  # push rows into a source
    READ_COMPENSATION = "read_compensation"  # pay data (bonus statements)
    READ_OKRS = "read_okrs"  # cycles, objectives, key results, check-ins
    MANAGE_CYCLES = "manage_cycles"  # open, close and import OKR cycles
    EDIT_OKRS = "edit_okrs"  # objectives and key results (services.okr_owners: whose)
    CHECK_IN = "check_in"  # on key results (services.okr_owners: whose)
    RUN_BONUS = "run_bonus"  # compute a bonus plan's period, submit it for review, lock it, export it
    APPROVE_BONUS = "approve_bonus"  # approve a bonus run, mark it paid, resolve disputes
    FOLLOW = "follow"  # one's own alert channels and subscriptions (services.alert_setup)
    MANAGE_ALERTS = "manage_alerts"  # teams' channels, silences, others' subscriptions and channels
    READ_ALERTS = "read_alerts"  # the alerts admin view: every rule's states, subscription, channel and delivery


EVERY_ROLE = frozenset(Role)
ROLES: dict[Action, frozenset[Role]] = {
    Action.READ_KPIS: EVERY_ROLE,
    Action.COMPUTE: EVERY_ROLE,
    Action.READ_DEFINITIONS: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.EDIT_DEFINITIONS: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.EDIT_TARGETS: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.EDIT_SOURCES: frozenset({Role.ADMIN}),
    Action.READ_PEOPLE: frozenset({Role.ADMIN, Role.EDITOR, Role.MANAGER, Role.MEMBER}),
    Action.MANAGE_PEOPLE: frozenset({Role.ADMIN}),
    Action.MANAGE_ACCOUNTS: frozenset({Role.ADMIN}),
    Action.READ_AUDIT: frozenset({Role.ADMIN}),
    Action.INGEST: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.READ_COMPENSATION: EVERY_ROLE,  # and the `compensation` permission
    Action.READ_OKRS: EVERY_ROLE,
    Action.MANAGE_CYCLES: frozenset({Role.ADMIN, Role.EDITOR}),
    # A member writes and checks in on their own OKRs, a manager on their team's and their reports' as well.
    Action.EDIT_OKRS: frozenset({Role.ADMIN, Role.EDITOR, Role.MANAGER, Role.MEMBER}),
    Action.CHECK_IN: frozenset({Role.ADMIN, Role.EDITOR, Role.MANAGER, Role.MEMBER}),
    # Both also need the `compensation` permission: pay data is not a role's business by default.
    Action.RUN_BONUS: frozenset({Role.ADMIN, Role.EDITOR}),
    Action.APPROVE_BONUS: frozenset({Role.ADMIN, Role.MANAGER}),
    Action.FOLLOW: EVERY_ROLE,
    Action.MANAGE_ALERTS: frozenset({Role.ADMIN}),
    Action.READ_ALERTS: frozenset({Role.ADMIN}),
}
PAY_ACTIONS = frozenset({Action.READ_COMPENSATION, Action.RUN_BONUS, Action.APPROVE_BONUS})
WRITES = frozenset(
    {
        Action.EDIT_DEFINITIONS,
        Action.EDIT_TARGETS,
        Action.EDIT_SOURCES,
        Action.MANAGE_PEOPLE,
        Action.MANAGE_ACCOUNTS,
        Action.MANAGE_CYCLES,
        Action.EDIT_OKRS,
        Action.CHECK_IN,
        Action.RUN_BONUS,
        Action.APPROVE_BONUS,
        Action.FOLLOW,
        Action.MANAGE_ALERTS,
    }
)


@dataclass(frozen=True)
class KpiResource:
    """A KPI, by the name asked for, in the definitions it is looked up in (it may not exist)."""

    name: str
    definitions: Definitions


@dataclass(frozen=True)
class SourceResource:
    """A source, by name (what `ingest:SOURCE` token scopes name)."""

    name: str


Resource = KpiResource | SourceResource | None


class PermissionDenied(NotPermitted):
    """The actor may not do this (a server answers 403). Its `field` names what was refused: `action`, `token`."""


class NotFound(PermissionDenied):
    """No such object for this actor: it does not exist, or they may not see it (the two are not told apart, and a
    server answers 404 for both: it must look for this class before `PermissionDenied`). Its `field` is `kpi`."""


class Permissions:
    """The decisions for one reader (an actor on a day) over one workspace's definitions. What it finds about each
    KPI is kept, so ask one object many questions."""

    def __init__(self, reader: Reader, definitions: Definitions) -> None:
        self.reader = reader
        self.definitions = definitions
        self._sights: dict[str, Sight] = {}

    @property
    def actor(self) -> Actor:
        return self.reader.actor

    @property
    def unrestricted(self) -> bool:
        """Whether the reader sees every KPI over every row (a token may still limit what they may do)."""
        return sees_everything(self.actor) and self.can(Action.READ_KPIS)

    def can(self, action: Action, resource: Resource = None) -> bool:
        if isinstance(resource, KpiResource) and resource.definitions is not self.definitions:
            return Permissions(self.reader, resource.definitions).can(action, resource)
        if self._refusal(action, resource) is not None:
            return False
        return not isinstance(resource, KpiResource) or self.sight(resource.name).visible

    def ensure(self, action: Action, resource: Resource = None) -> None:
        """Raise `PermissionDenied` (or `NotFound`, for a KPI) unless the reader may do `action` to `resource`."""
        if isinstance(resource, KpiResource) and resource.definitions is not self.definitions:
            Permissions(self.reader, resource.definitions).ensure(action, resource)
            return
        refusal = self._refusal(action, resource)
        if refusal is not None:
            raise refusal
        if isinstance(resource, KpiResource) and not self.sight(resource.name).visible:
            raise self._not_found(resource.name)

    def _refusal(self, action: Action, resource: Resource) -> PermissionDenied | None:
        """Why the reader may not do `action` whatever the KPI (roles, token, pay data), or None."""
        actor = self.actor
        if not role_allows(actor, action):
            return PermissionDenied(Message("permissions.denied", action=_action_words(action)), field="action")
        needed = _token_scope(action, resource)
        if actor.token_scopes is not None and needed not in actor.token_scopes:
            return PermissionDenied(
                Message("permissions.token_lacks_scope", scope=needed or action.value),
                hint=Message("permissions.token_lacks_scope_hint", scope=needed or action.value),
                field="token",
            )
        if action in PAY_ACTIONS and not (actor.local or Permission.COMPENSATION in actor.permissions):
            return PermissionDenied(Message("permissions.needs_compensation"), field="action")
        return None

    def visible(self, kpi: str) -> bool:
        """Whether the reader may see the KPI: it exists, they may read KPIs, and they see it and every KPI its
        formula uses."""
        return self.can(Action.READ_KPIS, KpiResource(kpi, self.definitions))

    def access(self, kpi: str) -> Access:
        """The rows the KPI is computed over for the reader (none for a KPI they may not see)."""
        return self.sight(kpi).rows if self.visible(kpi) else NOTHING

    def sight(self, root: str) -> Sight:
        """What the reader sees of a KPI and of every KPI its formula uses, together (an unknown KPI, or one in a
        loop of KPIs, is hidden). Walked with an explicit stack: KPIs may build on each other to any depth."""
        stack = [(root, False)]
        while stack:
            name, ready = stack.pop()
            if not ready:
                if name in self._sights:
                    continue
                self._sights[name] = HIDDEN  # until its KPIs are known; a KPI reached again meanwhile is a loop
                stack.append((name, True))
                stack.extend((used, False) for used in kpis_used(self.definitions, name))
                continue
            kpi = self.definitions.kpi(name)
            found = HIDDEN if kpi is None else own_sight(self.reader, kpi)
            for used in kpis_used(self.definitions, name):
                found = found.joined(self._sights[used])
            self._sights[name] = found
        return self._sights[root]

    def _not_found(self, name: str) -> NotFound:
        """Exactly the error a KPI missing from the definitions the reader sees gets."""
        shown = showing_only(self.definitions, lambda kpi: self.sight(kpi).visible)
        try:
            require_kpi(shown, name)
        except QueryError as error:
            return NotFound(error.message, hint=error.hint, field=error.field, suggestions=error.suggestions)
        raise AssertionError(name)  # a KPI the reader sees is found: this is never reached


def role_allows(actor: Actor, action: Action) -> bool:
    """Whether the actor's roles allow `action` at all (the table above; their token may still limit it): the one
    role check every service makes, the accounts and audit services included."""
    return actor.local or bool(actor.roles & ROLES[action])


def can(who: Actor | Reader, action: Action, resource: Resource = None) -> bool:
    """Whether `who` (an actor, or an actor placed in the organisation on a day) may do `action` to `resource`."""
    return _permissions(who, resource).can(action, resource)


def ensure(who: Actor | Reader, action: Action, resource: Resource = None) -> None:
    """Raise `PermissionDenied` unless `who` may do `action` to `resource`. An actor alone is placed nowhere in the
    organisation: what depends on their person or teams (team and private rows, grants to teams) is refused."""
    _permissions(who, resource).ensure(action, resource)


def _permissions(who: Actor | Reader, resource: Resource) -> Permissions:
    reader = who if isinstance(who, Reader) else Reader(who)
    definitions = resource.definitions if isinstance(resource, KpiResource) else Definitions()
    return Permissions(reader, definitions)


def _token_scope(action: Action, resource: Resource) -> str | None:
    """The token scope an action needs (None: no scope will do, an ingest without a source)."""
    if action is Action.INGEST:
        return f"ingest:{resource.name}" if isinstance(resource, SourceResource) else None
    return "write" if action in WRITES else "read"


def _action_words(action: Action) -> Message:
    return ACTION_WORDS[action]


# What each action is, in the words of "you may not ..." (the code is the action's, so that clients can tell).
ACTION_WORDS = {
    Action.READ_KPIS: Message("permissions.action.read_kpis"),
    Action.COMPUTE: Message("permissions.action.compute"),
    Action.READ_DEFINITIONS: Message("permissions.action.read_definitions"),
    Action.EDIT_DEFINITIONS: Message("permissions.action.edit_definitions"),
    Action.EDIT_TARGETS: Message("permissions.action.edit_targets"),
    Action.EDIT_SOURCES: Message("permissions.action.edit_sources"),
    Action.READ_PEOPLE: Message("permissions.action.read_people"),
    Action.MANAGE_PEOPLE: Message("permissions.action.manage_people"),
    Action.MANAGE_ACCOUNTS: Message("permissions.action.manage_accounts"),
    Action.READ_AUDIT: Message("permissions.action.read_audit"),
    Action.INGEST: Message("permissions.action.ingest"),
    Action.READ_COMPENSATION: Message("permissions.action.read_compensation"),
    Action.READ_OKRS: Message("permissions.action.read_okrs"),
    Action.MANAGE_CYCLES: Message("permissions.action.manage_cycles"),
    Action.EDIT_OKRS: Message("permissions.action.edit_okrs"),
    Action.CHECK_IN: Message("permissions.action.check_in"),
    Action.RUN_BONUS: Message("permissions.action.run_bonus"),
    Action.APPROVE_BONUS: Message("permissions.action.approve_bonus"),
    Action.FOLLOW: Message("permissions.action.follow"),
    Action.MANAGE_ALERTS: Message("permissions.action.manage_alerts"),
    Action.READ_ALERTS: Message("permissions.action.read_alerts"),
}
