"""Accounts: who can sign in (one account per e-mail address, compared case-insensitively), their roles, the
permissions granted on top of the roles, and their password hash (docs/accounts.md).

An account belongs to the person with the same e-mail address, when there is one (`People.by_email`). The password
hash is read on its own (`password_hash`), never as part of the record, so that no record a surface shows or logs
carries it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.store.models import ROLES, AccountPermissionRow, AccountRoleRow, AccountRow
from kpilot.store.records import email_key
from kpilot.store.times import utc


@dataclass(frozen=True)
class Account:
    id: int
    email: str  # as written
    created_at: datetime
    disabled_at: datetime | None  # None while the account may sign in
    has_password: bool  # False: it signs in through OpenID Connect only
    roles: tuple[str, ...]  # in the order of ROLES (admin first)
    permissions: tuple[str, ...]  # sorted

    @property
    def email_key(self) -> str:
        return email_key(self.email)

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None


class Accounts:
    """The accounts of the store, read and written through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> tuple[Account, ...]:
        """Every account, by e-mail address."""
        return self._records(self.session.scalars(select(AccountRow).order_by(AccountRow.email_key)).all())

    def by_email(self, email: str) -> Account | None:
        """The account with this address, whatever its case."""
        row = self.session.scalars(select(AccountRow).where(AccountRow.email_key == email_key(email))).one_or_none()
        return None if row is None else self._records([row])[0]

    def get(self, account_id: int) -> Account | None:
        row = self.session.get(AccountRow, account_id)
        return None if row is None else self._records([row])[0]

    def add(self, email: str, *, roles: Collection[str], password_hash: str | None, now: datetime) -> Account:
        row = AccountRow(email=email, email_key=email_key(email), password_hash=password_hash, created_at=utc(now))
        self.session.add(row)
        self.session.flush()  # the id, for the roles and for the caller
        self.set_roles(row.id, roles)
        return self._records([row])[0]

    def password_hash(self, account_id: int) -> str | None:
        return self._row(account_id).password_hash

    def set_password_hash(self, account_id: int, password_hash: str | None, *, replacing: str | None = None) -> bool:
        """A new hash (None: no password). With `replacing`, only if the stored hash is still that one (a rehash
        after sign-in must not undo a password changed meanwhile); returns whether it was written."""
        query = update(AccountRow).where(AccountRow.id == account_id).values(password_hash=password_hash)
        if replacing is not None:
            query = query.where(AccountRow.password_hash == replacing)
        written = self.session.execute(query.execution_options(synchronize_session="fetch"))
        return isinstance(written, CursorResult) and written.rowcount > 0

    def set_disabled(self, account_id: int, at: datetime | None) -> None:
        """Disabled from `at` on (None: enabled again)."""
        self._row(account_id).disabled_at = None if at is None else utc(at)
        self.session.flush()

    def set_roles(self, account_id: int, roles: Collection[str]) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise InternalError(f"roles the store does not know: {sorted(unknown)}")
        self.session.execute(delete(AccountRoleRow).where(AccountRoleRow.account_id == account_id))
        self.session.add_all(AccountRoleRow(account_id=account_id, role=role) for role in sorted(set(roles)))
        self.session.flush()

    def grant(self, account_id: int, permission: str) -> None:
        self.session.add(AccountPermissionRow(account_id=account_id, permission=permission))
        self.session.flush()

    def revoke(self, account_id: int, permission: str) -> None:
        self.session.execute(
            delete(AccountPermissionRow).where(
                AccountPermissionRow.account_id == account_id, AccountPermissionRow.permission == permission
            )
        )

    def _records(self, rows: Iterable[AccountRow]) -> tuple[Account, ...]:
        rows = list(rows)
        ids = [row.id for row in rows]
        roles: dict[int, list[str]] = {}
        for account_id, role in self.session.execute(
            select(AccountRoleRow.account_id, AccountRoleRow.role).where(AccountRoleRow.account_id.in_(ids))
        ):
            roles.setdefault(account_id, []).append(role)
        permissions: dict[int, list[str]] = {}
        for account_id, permission in self.session.execute(
            select(AccountPermissionRow.account_id, AccountPermissionRow.permission).where(
                AccountPermissionRow.account_id.in_(ids)
            )
        ):
            permissions.setdefault(account_id, []).append(permission)
        return tuple(
            Account(
                id=row.id,
                email=row.email,
                created_at=row.created_at,
                disabled_at=row.disabled_at,
                has_password=row.password_hash is not None,
                roles=tuple(sorted(roles.get(row.id, []), key=ROLES.index)),
                permissions=tuple(sorted(permissions.get(row.id, []))),
            )
            for row in rows
        )

    def _row(self, account_id: int) -> AccountRow:
        row = self.session.get(AccountRow, account_id)
        if row is None:
            raise InternalError(f"no account with id {account_id} in the store")
        return row
