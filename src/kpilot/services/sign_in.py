"""Signing in with an e-mail address and a password, with a rate limit on failures (docs/accounts.md).

- An unknown address, an account without a password and a wrong password get the same error, after the same work
  (a decoy hash is verified when there is nothing to verify), so that neither the answer nor its time tells which
  addresses have an account.
- A disabled account is refused, and says so, only to whoever gave its right password.
- After `LIMIT` failures for an address within `WINDOW`, every attempt is refused, even with the right password,
  until the oldest of those failures is `WINDOW` old. Refused attempts do not count as failures (or the lock would
  never end while someone kept trying); a successful sign-in forgets the failures before it. Failures are kept in
  the store, so that every worker of a server counts the same ones.
- Every attempt is audited: succeeded, failed or refused, with the reason in its details.

The password is verified outside any transaction (Argon2 takes a moment, which no write lock should wait for); what
was read is read again in the transaction that records the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy.orm import Session

from kpilot.auth.actor import Actor
from kpilot.auth.errors import AuthError, SignInFailed, TooManyAttempts
from kpilot.auth.passwords import PasswordCheck, verify_nothing, verify_password
from kpilot.i18n import Message, Raw
from kpilot.services.actors import actor_of
from kpilot.services.audit import Action, record
from kpilot.store.accounts import Account, Accounts
from kpilot.store.models import EMAIL_LENGTH
from kpilot.store.records import Outcome
from kpilot.store.session import Store
from kpilot.store.sign_ins import SignInFailures
from kpilot.store.times import utc

LIMIT = 5
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class _Seen:
    """What the first, reading transaction found."""

    failures: tuple[datetime, ...]
    account: Account | None
    password_hash: str | None


def sign_in(store: Store, email: str, password: str, *, now: datetime, client: str | None) -> Actor:
    """The actor of the account with this address and password; SignInFailed or TooManyAttempts otherwise."""
    now = utc(now)
    email = email.strip()[:EMAIL_LENGTH]
    with store.reading() as session:
        seen = _seen(session, email, now)
    if len(seen.failures) >= LIMIT:
        retry_at = seen.failures[-LIMIT] + WINDOW
        _record(store, email, now, client, Outcome.REFUSED, "too_many_attempts")
        raise TooManyAttempts(
            Message("auth.too_many_attempts", email=email, time=Raw(retry_at.strftime("%H:%M"))),
            retry_at=retry_at,
            hint=Message("auth.too_many_attempts_hint", count=LIMIT, minutes=int(WINDOW.total_seconds() // 60)),
        )
    account, password_hash = seen.account, seen.password_hash
    if account is None or password_hash is None:
        verify_nothing(password)
        _fail(store, email, now, client, "unknown_account" if account is None else "no_password")
    check = verify_password(password, password_hash)
    if not check.matches:
        _fail(store, email, now, client, "wrong_password")
    with store.writing() as session:
        outcome = _succeed(session, account, password_hash, check, email, now, client)
    if isinstance(outcome, AuthError):
        raise outcome
    return outcome


def _seen(session: Session, email: str, now: datetime) -> _Seen:
    account = Accounts(session).by_email(email)
    failures = SignInFailures(session).after(email, now - WINDOW)
    password_hash = Accounts(session).password_hash(account.id) if account is not None else None
    return _Seen(failures, account, password_hash)


def _fail(store: Store, email: str, now: datetime, client: str | None, reason: str) -> NoReturn:
    with store.writing() as session:
        failures = SignInFailures(session)
        failures.forget_before(now - WINDOW)
        failures.add(email, now)
        _entry(session, email, now, client, Outcome.FAILED, reason)
    raise SignInFailed(Message("auth.sign_in_failed"), hint=Message("auth.sign_in_failed_hint"), field="password")


def _succeed(
    session: Session,
    account: Account,
    verified_hash: str,
    check: PasswordCheck,
    email: str,
    now: datetime,
    client: str | None,
) -> Actor | AuthError:
    """Record a sign-in with the right password: the actor, or (recorded too) why it is refused after all."""
    accounts = Accounts(session)
    current = accounts.get(account.id)
    if current is None or accounts.password_hash(current.id) != verified_hash:
        # Removed, or given another password, while this one was being verified: as if it were wrong.
        _entry(session, email, now, client, Outcome.FAILED, "changed_meanwhile")
        return SignInFailed(Message("auth.sign_in_failed"), hint=Message("auth.sign_in_failed_hint"), field="password")
    if current.disabled:
        _entry(session, email, now, client, Outcome.REFUSED, "disabled")
        return SignInFailed(
            Message("auth.account_disabled", email=current.email),
            hint=Message("auth.account_disabled_hint"),
            field="email",
        )
    if check.rehashed is not None:
        accounts.set_password_hash(current.id, check.rehashed, replacing=verified_hash)
    SignInFailures(session).forget(email)
    actor = actor_of(session, current)
    details = {"rehashed": True} if check.rehashed is not None else {}
    record(session, actor, Action.SIGN_IN, now=now, target=current.email, details=details, client=client)
    return actor


def _record(store: Store, email: str, now: datetime, client: str | None, outcome: Outcome, reason: str) -> None:
    with store.writing() as session:
        _entry(session, email, now, client, outcome, reason)


def _entry(session: Session, email: str, now: datetime, client: str | None, outcome: Outcome, reason: str) -> None:
    """An attempt that did not sign in: its actor is the address it tried, unverified."""
    claimed = Actor(account_id=None, person_id=None, email=email, roles=frozenset())
    details = {"reason": reason}
    record(session, claimed, Action.SIGN_IN, now=now, target=email, details=details, outcome=outcome, client=client)
