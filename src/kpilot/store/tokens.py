"""API tokens: each belongs to an account, has a name, scopes, an expiry and a last-used time, and can be revoked.

The token itself is never stored. Its public `lookup` finds the row; the SHA-256 hash of its secret proves it
(`kpilot.auth.tokens`). The hash is read on its own (`secret_hash`), never as part of the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.store.models import TokenRow
from kpilot.store.times import utc


@dataclass(frozen=True)
class Token:
    id: int
    account_id: int
    name: str
    lookup: str  # public: shown in lists, named to revoke the token
    scopes: tuple[str, ...]  # sorted: `ingest:orders`, `read`, `write`
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    account_id: int
    name: str
    lookup: str
    secret_hash: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime


class Tokens:
    """The tokens of the store, read and written through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, new: NewToken) -> Token:
        row = TokenRow(
            account_id=new.account_id,
            name=new.name,
            lookup=new.lookup,
            secret_hash=new.secret_hash,
            scopes=" ".join(sorted(new.scopes)),
            created_at=utc(new.created_at),
            expires_at=utc(new.expires_at),
        )
        self.session.add(row)
        self.session.flush()
        return _token(row)

    def by_lookup(self, lookup: str) -> Token | None:
        row = self._by_lookup(lookup)
        return None if row is None else _token(row)

    def secret_hash(self, token_id: int) -> str:
        return self._row(token_id).secret_hash

    def of_accounts(self, account_ids: Sequence[int] | None = None) -> tuple[Token, ...]:
        """The tokens of these accounts (every token when None), oldest first."""
        query = select(TokenRow).order_by(TokenRow.created_at, TokenRow.id)
        if account_ids is not None:
            query = query.where(TokenRow.account_id.in_(list(account_ids)))
        return tuple(_token(row) for row in self.session.scalars(query))

    def set_last_used(self, token_id: int, at: datetime) -> None:
        self._row(token_id).last_used_at = utc(at)
        self.session.flush()

    def revoke(self, token_id: int, at: datetime) -> None:
        self._row(token_id).revoked_at = utc(at)
        self.session.flush()

    def _by_lookup(self, lookup: str) -> TokenRow | None:
        return self.session.scalars(select(TokenRow).where(TokenRow.lookup == lookup)).one_or_none()

    def _row(self, token_id: int) -> TokenRow:
        row = self.session.get(TokenRow, token_id)
        if row is None:
            raise InternalError(f"no token with id {token_id} in the store")
        return row


def _token(row: TokenRow) -> Token:
    return Token(
        id=row.id,
        account_id=row.account_id,
        name=row.name,
        lookup=row.lookup,
        scopes=tuple(row.scopes.split()),
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )
