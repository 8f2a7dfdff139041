"""Admin-only actions: refused for anyone else, and the refusal recorded in the audit log (its own transaction,
written before the error is raised, so that the refusal stays recorded).

Whether the actor's roles allow managing accounts is the permission table's answer (`permissions.role_allows`,
`Action.MANAGE_ACCOUNTS`), as for every other action; what this adds is the account itself for its own password
and tokens, and the audit record of a refusal. An actor that came with an API token is held to the token's scopes
too: a change needs `write`, a read needs `read`, so that a token made for reading cannot manage accounts or make
itself a stronger token.
"""

from __future__ import annotations

from datetime import datetime

from kpilot.auth.actor import Actor, TokenScope
from kpilot.auth.errors import NotPermitted
from kpilot.i18n import Message
from kpilot.services.audit import Action, record
from kpilot.services.permissions import Action as Permission
from kpilot.services.permissions import role_allows
from kpilot.store.records import Outcome, email_key
from kpilot.store.session import Store


def require_admin(
    store: Store,
    actor: Actor,
    action: Action,
    *,
    target: str | None,
    now: datetime,
    scope: TokenScope = TokenScope.WRITE,
) -> None:
    if not role_allows(actor, Permission.MANAGE_ACCOUNTS):
        refuse(store, actor, action, target, now, Message("auth.admin_only", action=action.value))
    _require_scope(store, actor, action, target, now, scope)


def require_admin_or_self(
    store: Store,
    actor: Actor,
    action: Action,
    *,
    email: str,
    now: datetime,
    scope: TokenScope = TokenScope.WRITE,
) -> None:
    """An administrator, or the account whose address is `email` (signed in, or with its own token)."""
    if not (role_allows(actor, Permission.MANAGE_ACCOUNTS) or is_self(actor, email)):
        refuse(store, actor, action, email, now, Message("auth.admin_or_self", action=action.value))
    _require_scope(store, actor, action, email, now, scope)


def is_self(actor: Actor, email: str) -> bool:
    return actor.account_id is not None and actor.email is not None and email_key(actor.email) == email_key(email)


def refuse(store: Store, actor: Actor, action: Action, target: str | None, now: datetime, why: Message) -> None:
    """Record the refusal, then raise NotPermitted."""
    with store.writing() as session:
        record(session, actor, action, now=now, target=target, outcome=Outcome.REFUSED)
    raise NotPermitted(why, field="actor")


def _require_scope(
    store: Store, actor: Actor, action: Action, target: str | None, now: datetime, scope: TokenScope
) -> None:
    if actor.token_scopes is not None and scope.value not in actor.token_scopes:
        why = Message("auth.token_scope_missing", scope=scope.value, action=action.value)
        refuse(store, actor, action, target, now, why)
