"""Managing accounts: add one (with roles, and a password given, generated or none), set its password, disable and
enable it, set its roles, grant and revoke permissions, list them (docs/accounts.md).

Every change is made and audited in one transaction. Administrators only, but for an account setting its own
password. Passwords are checked by the policy and hashed before the transaction begins (Argon2 takes a moment,
which no lock should wait for).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from kpilot.auth.actor import Actor, Role, TokenScope
from kpilot.auth.addresses import checked_email
from kpilot.auth.errors import AccountExists, AuthError, UnknownAccount
from kpilot.auth.grants import Permission
from kpilot.auth.passwords import check_policy, generate_password, hash_password
from kpilot.formula.check import suggestion
from kpilot.i18n import Message
from kpilot.services.audit import Action, record
from kpilot.services.refusals import require_admin, require_admin_or_self
from kpilot.store.accounts import Account, Accounts
from kpilot.store.people import People
from kpilot.store.session import Store
from kpilot.store.times import utc


@dataclass(frozen=True)
class NewPassword:
    """A password to set: `given` (checked by the policy), or None to generate one."""

    given: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AddedAccount:
    account: Account
    generated: str | None = field(default=None, repr=False)  # a generated password, to show once


@dataclass(frozen=True)
class AccountView:
    account: Account
    person: str | None  # the name of the person with the account's address, if there is one


def add_account(
    store: Store,
    actor: Actor,
    email: str,
    roles: Collection[Role],
    *,
    password: NewPassword | None,
    now: datetime,
) -> AddedAccount:
    """A new account with these roles (at least one); `password` given, generated (`NewPassword()`), or none."""
    now = utc(now)
    require_admin(store, actor, Action.ACCOUNT_CREATED, target=email.strip(), now=now)
    email = checked_email(email)
    if not roles:
        raise AuthError(Message("auth.roles_missing"), hint=Message("auth.known_roles", names=_ROLES), field="roles")
    plain, generated = _plain(password, email)
    password_hash = hash_password(plain) if plain is not None else None
    with store.writing() as session:
        accounts = Accounts(session)
        existing = accounts.by_email(email)
        if existing is not None:
            raise AccountExists(Message("auth.account_exists", email=existing.email), field="email")
        account = accounts.add(email, roles={role.value for role in roles}, password_hash=password_hash, now=now)
        how = "none" if password is None else ("generated" if generated is not None else "given")
        details = {"roles": list(account.roles), "password": how}
        record(session, actor, Action.ACCOUNT_CREATED, now=now, target=account.email, details=details)
    return AddedAccount(account, generated)


def set_password(store: Store, actor: Actor, email: str, password: NewPassword, *, now: datetime) -> str | None:
    """A new password for the account (its own, or any for an administrator); returns it if it was generated."""
    now = utc(now)
    require_admin_or_self(store, actor, Action.PASSWORD_SET, email=email, now=now)
    with store.reading() as session:
        account = find_account(session, email)
    plain, generated = _plain(password, account.email)
    password_hash = hash_password(plain) if plain is not None else None
    with store.writing() as session:
        account = find_account(session, email)
        Accounts(session).set_password_hash(account.id, password_hash)
        details = {"password": "generated" if generated is not None else "given"}
        record(session, actor, Action.PASSWORD_SET, now=now, target=account.email, details=details)
    return generated


def set_disabled(store: Store, actor: Actor, email: str, disabled: bool, *, now: datetime) -> bool:
    """Disable the account (it can no longer sign in, and its tokens are refused) or enable it again; returns
    whether anything changed (nothing is recorded when not)."""
    now = utc(now)
    action = Action.ACCOUNT_DISABLED if disabled else Action.ACCOUNT_ENABLED
    require_admin(store, actor, action, target=email.strip(), now=now)
    with store.writing() as session:
        account = find_account(session, email)
        if account.disabled == disabled:
            return False
        Accounts(session).set_disabled(account.id, now if disabled else None)
        details = {"disabled_at": {"from": _moment(account.disabled_at), "to": _moment(now if disabled else None)}}
        record(session, actor, action, now=now, target=account.email, details=details)
    return True


def set_roles(store: Store, actor: Actor, email: str, roles: Collection[Role], *, now: datetime) -> bool:
    """Replace the account's roles (at least one); returns whether they changed."""
    now = utc(now)
    require_admin(store, actor, Action.ROLES_SET, target=email.strip(), now=now)
    if not roles:
        raise AuthError(Message("auth.roles_missing"), hint=Message("auth.known_roles", names=_ROLES), field="roles")
    with store.writing() as session:
        account = find_account(session, email)
        wanted = tuple(role.value for role in Role if role in roles)
        if wanted == account.roles:
            return False
        Accounts(session).set_roles(account.id, wanted)
        details = {"roles": {"from": list(account.roles), "to": list(wanted)}}
        record(session, actor, Action.ROLES_SET, now=now, target=account.email, details=details)
    return True


def set_permission(
    store: Store, actor: Actor, email: str, permission: Permission, granted: bool, *, now: datetime
) -> bool:
    """Grant the permission (`granted`) or revoke it; returns whether anything changed."""
    now = utc(now)
    action = Action.PERMISSION_GRANTED if granted else Action.PERMISSION_REVOKED
    require_admin(store, actor, action, target=email.strip(), now=now)
    with store.writing() as session:
        account = find_account(session, email)
        if (permission.value in account.permissions) == granted:
            return False
        accounts = Accounts(session)
        if granted:
            accounts.grant(account.id, permission.value)
        else:
            accounts.revoke(account.id, permission.value)
        after = sorted(
            {*account.permissions, permission.value} if granted else set(account.permissions) - {permission.value}
        )
        details = {"permissions": {"from": list(account.permissions), "to": after}}
        record(session, actor, action, now=now, target=account.email, details=details)
    return True


def list_accounts(store: Store, actor: Actor, *, now: datetime) -> tuple[AccountView, ...]:
    """Every account, by e-mail address, with the name of its person. Administrators only."""
    require_admin(store, actor, Action.ACCOUNTS_LISTED, target=None, now=utc(now), scope=TokenScope.READ)
    with store.reading() as session:
        people = {person.email_key: person.name for person in People(session).all()}
        return tuple(AccountView(account, people.get(account.email_key)) for account in Accounts(session).all())


_ROLES = tuple(role.value for role in Role)


def find_account(session: Session, email: str) -> Account:
    """The account with this address; UnknownAccount (with the closest address as a hint) when there is none."""
    accounts = Accounts(session)
    found = accounts.by_email(email)
    if found is None:
        known = [account.email for account in accounts.all()]
        raise UnknownAccount(
            Message("auth.unknown_account", email=email.strip()), hint=suggestion(email.strip(), known), field="email"
        )
    return found


def _plain(password: NewPassword | None, email: str) -> tuple[str | None, str | None]:
    """(the password to hash, the generated one to show)."""
    if password is None:
        return None, None
    if password.given is None:
        generated = generate_password()
        return generated, generated
    check_policy(password.given, email)
    return password.given, None


def _moment(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
