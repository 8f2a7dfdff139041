"""The audit log: who did what, when, to what, and how it went. Only ever appended to: this repository has no way
to change or remove an entry, and the store's triggers refuse it too (migration 0002).

Times are UTC. The actor is kept as it was (the account's id and e-mail address at the time), so that an entry
still says who acted after the account changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from kpilot.store.models import AuditRow
from kpilot.store.records import ActorKind, Outcome
from kpilot.store.times import utc


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor_kind: ActorKind
    actor_account_id: int | None
    actor_email: str | None
    action: str  # a code: `account.created`, `sign_in`, `token.revoked` (docs/accounts.md lists them)
    target: str | None  # what it was done to: an e-mail address, a token's id, a file
    details: Mapping[str, Any] = field(default_factory=dict)  # what changed, as JSON data (never a secret)
    outcome: Outcome = Outcome.SUCCEEDED
    client: str | None = None  # where it came from: `cli`, a network address
    id: int | None = None  # given by the store


# The newest entry's id (None for none): see AuditLog.latest_id.
LATEST_ID = select(func.max(AuditRow.id))


class AuditLog:
    """The audit log of the store, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def latest_id(self) -> int:
        """The id of the newest entry (0 for none): it moves with every change the log records, so it versions
        what the entries describe (accounts, roles, the organisation)."""
        return int(self.session.scalar(LATEST_ID) or 0)

    def append(self, entry: AuditEntry) -> AuditEntry:
        row = AuditRow(
            at=utc(entry.at),
            actor_kind=entry.actor_kind.value,
            actor_account_id=entry.actor_account_id,
            actor_email=entry.actor_email,
            action=entry.action,
            target=entry.target,
            details=dict(entry.details) or None,
            outcome=entry.outcome.value,
            client=entry.client,
        )
        self.session.add(row)
        self.session.flush()
        return _entry(row)

    def read(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        actor_email: str | None = None,
        action: str | None = None,
    ) -> tuple[AuditEntry, ...]:
        """Entries from `since` (included) to `until` (excluded), by an actor with this e-mail address (in any
        case), of this action; oldest first."""
        conditions: list[ColumnElement[bool]] = []
        if since is not None:
            conditions.append(AuditRow.at >= utc(since))
        if until is not None:
            conditions.append(AuditRow.at < utc(until))
        if actor_email is not None:
            # lower() on both sides; SQLite's folds ASCII letters only, which is what addresses are in practice.
            conditions.append(func.lower(AuditRow.actor_email) == actor_email.strip().lower())
        if action is not None:
            conditions.append(AuditRow.action == action)
        query = select(AuditRow).where(*conditions).order_by(AuditRow.at, AuditRow.id)
        return tuple(_entry(row) for row in self.session.scalars(query))


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor_kind=ActorKind(row.actor_kind),
        actor_account_id=row.actor_account_id,
        actor_email=row.actor_email,
        action=row.action,
        target=row.target,
        details=dict(row.details or {}),
        outcome=Outcome(row.outcome),
        client=row.client,
    )
