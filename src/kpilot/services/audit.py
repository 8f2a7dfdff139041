"""The audit log, as the services write and read it (docs/accounts.md, "The audit log").

Every service that changes accounts, tokens or the organisation, and every sign-in, calls `record` inside its own
transaction, so that an entry is written if and only if what it records is. Reading is for administrators only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from kpilot.auth.actor import Actor, TokenScope
from kpilot.auth.errors import NotPermitted
from kpilot.i18n import Message
from kpilot.services.permissions import Action as Permission
from kpilot.services.permissions import role_allows
from kpilot.store.audit import LATEST_ID, AuditEntry, AuditLog
from kpilot.store.models import NAME_LENGTH, VALUE_LENGTH
from kpilot.store.records import ActorKind, Outcome
from kpilot.store.session import Store


class Action(StrEnum):
    """The audited actions (codes: clients and filters rely on them, so one never changes meaning)."""

    SIGN_IN = "sign_in"
    ACCOUNT_CREATED = "account.created"
    PASSWORD_SET = "account.password_set"
    ACCOUNT_DISABLED = "account.disabled"
    ACCOUNT_ENABLED = "account.enabled"
    ROLES_SET = "account.roles_set"
    PERMISSION_GRANTED = "account.permission_granted"
    PERMISSION_REVOKED = "account.permission_revoked"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    ORG_IMPORTED = "org.imported"
    DATA_INGESTED = "data.ingested"
    TARGETS_EDITED = "targets.edited"
    TARGETS_REMOVED = "targets.removed"
    DEFINITION_EDITED = "definition.edited"  # a KPI, goal or source added or replaced
    DEFINITION_REMOVED = "definition.removed"
    LANGUAGE_SET = "person.language_set"  # a person chose the language kpilot speaks to them in
    SHARE_CREATED = "share.created"  # a read-only link to a KPI or a board (services.sharing)
    SHARE_REVOKED = "share.revoked"
    OKR_CYCLE_CREATED = "okr.cycle_created"  # OKRs (services.okrs)
    OKR_CYCLE_OPENED = "okr.cycle_opened"
    OKR_CYCLE_CLOSED = "okr.cycle_closed"
    OKR_OBJECTIVE_ADDED = "okr.objective_added"
    OKR_KEY_RESULT_ADDED = "okr.key_result_added"
    OKR_ALIGNED = "okr.aligned"
    OKR_CHECKED_IN = "okr.checked_in"
    OKR_INITIATIVE_ADDED = "okr.initiative_added"
    OKR_IMPORTED = "okr.imported"
    BONUS_RUN = "bonus.run"  # bonus plans (services.bonus_runs, bonus_workflow, bonus_statements)
    BONUS_STATUS_SET = "bonus.status_set"
    BONUS_APPROVED = "bonus.approved"
    BONUS_PAID = "bonus.paid"
    BONUS_CLOSED = "bonus.closed"
    BONUS_EXPORTED = "bonus.exported"
    BONUS_STATEMENT_READ = "bonus.statement_read"  # every view of a statement, by whom (pay data)
    BONUS_DISPUTED = "bonus.disputed"
    BONUS_DISPUTE_RESOLVED = "bonus.dispute_resolved"
    COMPENSATION_SET = "compensation.set"
    LEAVE_ADDED = "leave.added"
    ALERT_CHANNEL_ADDED = "alert.channel_added"  # alerts (services.alert_setup)
    ALERT_CHANNEL_REMOVED = "alert.channel_removed"
    ALERT_SUBSCRIBED = "alert.subscribed"
    ALERT_UNSUBSCRIBED = "alert.unsubscribed"
    ALERT_DIGEST_SET = "alert.digest_set"
    ALERT_SILENCED = "alert.silenced"
    ALERT_SILENCE_REMOVED = "alert.silence_removed"
    # Reading is recorded only when refused: a list is not a change.
    ACCOUNTS_LISTED = "account.listed"
    TOKENS_LISTED = "token.listed"
    AUDIT_READ = "audit.read"


def record(
    session: Session,
    actor: Actor,
    action: Action,
    *,
    now: datetime,
    target: str | None = None,
    details: Mapping[str, Any] | None = None,
    outcome: Outcome = Outcome.SUCCEEDED,
    client: str | None = None,
) -> AuditEntry:
    """Append an entry, in the caller's transaction. `details` is JSON data: never a password or a token."""
    entry = AuditEntry(
        at=now,
        actor_kind=actor_kind(actor),
        actor_account_id=actor.account_id,
        actor_email=actor.email,
        action=action.value,
        target=target[:VALUE_LENGTH] if target is not None else None,
        details=dict(details or {}),
        outcome=outcome,
        client=client[:NAME_LENGTH] if client is not None else None,
    )
    return AuditLog(session).append(entry)


def store_version(store: Store) -> int:
    """A number that grows with every change the audit log records (accounts, tokens, roles, permissions, the
    organisation): what a server's kept answers and kept token checks are valid for."""
    return int(store.scalar(LATEST_ID) or 0)  # AuditLog.latest_id, without a session: every request asks it


def read(
    store: Store,
    actor: Actor,
    *,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    by: str | None = None,
    action: str | None = None,
) -> tuple[AuditEntry, ...]:
    """Entries from `since` (included) to `until` (excluded), by the actor with e-mail address `by`, of `action`,
    oldest first. Administrators only (with a token: one with the `read` scope): anyone else is refused, and the
    refusal is recorded."""
    scoped = actor.token_scopes is None or TokenScope.READ.value in actor.token_scopes
    allowed = role_allows(actor, Permission.READ_AUDIT)
    if not (allowed and scoped):
        with store.writing() as session:
            record(session, actor, Action.AUDIT_READ, now=now, outcome=Outcome.REFUSED)
        code = "auth.admin_only" if not allowed else "auth.token_scope_missing"
        why = Message(code, action=Action.AUDIT_READ.value, scope=TokenScope.READ.value)
        raise NotPermitted(why, field="actor")
    with store.reading() as session:
        return AuditLog(session).read(since=since, until=until, actor_email=by, action=action)


def actor_kind(actor: Actor) -> ActorKind:
    if actor.local:
        return ActorKind.OPERATOR
    if actor.account_id is not None:
        return ActorKind.ACCOUNT
    return ActorKind.UNVERIFIED


def entry_data(entry: AuditEntry) -> dict[str, Any]:
    """An entry as every surface shows it (`kpilot audit --format json`, the REST API)."""
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": {"kind": entry.actor_kind.value, "account_id": entry.actor_account_id, "email": entry.actor_email},
        "action": entry.action,
        "target": entry.target,
        "outcome": entry.outcome.value,
        "details": dict(entry.details),
        "client": entry.client,
    }
