"""Idempotency keys: what a request sent with an `Idempotency-Key` header was for, and the answer it got, so that a
retry is answered again instead of done twice (docs/api.md, "Idempotency-Key").

A key is the account's own (two accounts may use the same one). It is claimed before the request does anything
(`status` None: in progress) and completed with the answer; a request that fails releases it, so that it can be
retried. The unique key per account is what stops two requests with the same key from both going ahead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.store.models import IdempotencyKeyRow
from kpilot.store.times import utc


@dataclass(frozen=True)
class IdempotentRequest:
    account_id: int
    key: str
    source: str
    body_sha256: str
    created_at: datetime
    expires_at: datetime
    status: int | None = None  # None while the request runs
    response: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None  # given by the store

    @property
    def done(self) -> bool:
        return self.status is not None


class IdempotencyKeys:
    """The idempotency keys of the store, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, account_id: int, key: str, *, now: datetime) -> IdempotentRequest | None:
        """The account's request with this key, unless it has expired."""
        row = self.session.scalars(
            select(IdempotencyKeyRow).where(
                IdempotencyKeyRow.account_id == account_id,
                IdempotencyKeyRow.idempotency_key == key,
                IdempotencyKeyRow.expires_at > utc(now),
            )
        ).one_or_none()
        return None if row is None else _request(row)

    def claim(self, request: IdempotentRequest) -> IdempotentRequest:
        """Record a request as in progress (an expired one with the same key is removed first)."""
        self.session.execute(
            delete(IdempotencyKeyRow).where(
                IdempotencyKeyRow.account_id == request.account_id,
                IdempotencyKeyRow.idempotency_key == request.key,
                IdempotencyKeyRow.expires_at <= utc(request.created_at),
            )
        )
        row = IdempotencyKeyRow(
            account_id=request.account_id,
            idempotency_key=request.key,
            source=request.source,
            body_sha256=request.body_sha256,
            status=None,
            response=None,
            created_at=utc(request.created_at),
            expires_at=utc(request.expires_at),
        )
        self.session.add(row)
        self.session.flush()
        return _request(row)

    def complete(self, request_id: int, status: int, response: Mapping[str, Any]) -> None:
        row = self._row(request_id)
        row.status = status
        row.response = dict(response)
        self.session.flush()

    def release(self, request_id: int) -> None:
        """Forget a request that failed, so that its key may be used again."""
        self.session.execute(delete(IdempotencyKeyRow).where(IdempotencyKeyRow.id == request_id))

    def purge_expired(self, now: datetime) -> int:
        """Remove every expired key; how many there were."""
        result = self.session.execute(delete(IdempotencyKeyRow).where(IdempotencyKeyRow.expires_at <= utc(now)))
        return int(getattr(result, "rowcount", 0) or 0)

    def _row(self, request_id: int) -> IdempotencyKeyRow:
        row = self.session.get(IdempotencyKeyRow, request_id)
        if row is None:
            raise InternalError(f"no idempotency key with id {request_id} in the store")
        return row


def _request(row: IdempotencyKeyRow) -> IdempotentRequest:
    return IdempotentRequest(
        id=row.id,
        account_id=row.account_id,
        key=row.idempotency_key,
        source=row.source,
        body_sha256=row.body_sha256,
        created_at=row.created_at,
        expires_at=row.expires_at,
        status=row.status,
        response=dict(row.response or {}),
    )
