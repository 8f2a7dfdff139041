"""Signing in for a browser session, and the actor of a session cookie (docs/accounts.md#sessions): the password
check, its rate limit and audit are `services.sign_in`'s; this adds the cookie's claim, checked against the store
on every request (an account disabled or given a new password since is signed out).

A server keeps the sessions it has checked (`KnownSessions`), as it keeps checked tokens (services.tokens): a kept
check is used only while the store's version (the newest audit entry, which a disabled account, a new password, new
roles or permissions and organisation changes all add) is the one it was made at, and for at most `TRUSTED_FOR`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kpilot.auth.actor import Actor
from kpilot.auth.errors import TokenRefused
from kpilot.auth.sessions import SessionClaim, SessionCodec, session_epoch
from kpilot.engine.cache import LRU
from kpilot.i18n import Message
from kpilot.services.actors import actor_of
from kpilot.services.sign_in import sign_in
from kpilot.services.tokens import TRUSTED_FOR
from kpilot.store.accounts import Accounts
from kpilot.store.session import Store


def open_session(
    store: Store, codec: SessionCodec, email: str, password: str, *, now: datetime, client: str | None
) -> tuple[Actor, str, SessionClaim]:
    """The actor, the cookie to set and its claim (with the CSRF token); the errors of `sign_in` otherwise."""
    actor = sign_in(store, email, password, now=now, client=client)
    assert actor.account_id is not None  # an account signed in
    with store.reading() as session:
        epoch = session_epoch(Accounts(session).password_hash(actor.account_id))
    cookie, claim = codec.issue(actor.account_id, epoch)
    return actor, cookie, claim


def actor_for_session(store: Store, claim: SessionClaim) -> Actor:
    """The actor of a valid cookie's claim, if its account may still sign in with it."""
    with store.reading() as session:
        accounts = Accounts(session)
        account = accounts.get(claim.account_id)
        if account is None or account.disabled or session_epoch(accounts.password_hash(account.id)) != claim.epoch:
            raise TokenRefused(Message("auth.session_ended"), hint=Message("auth.session_ended_hint"), field="session")
        return actor_of(session, account)


KNOWN_SESSIONS = 1024  # sessions a server keeps checked (the least recently used go first)


@dataclass(frozen=True)
class _CheckedSession:
    actor: Actor
    version: int  # the store's version it was checked at
    checked_at: datetime


class KnownSessions:
    """The session claims a server has checked (account and password epoch: what `actor_for_session` reads)."""

    def __init__(self, size: int = KNOWN_SESSIONS) -> None:
        self._kept: LRU[_CheckedSession] = LRU(size)

    def actor(self, claim: SessionClaim, *, version: int, now: datetime) -> Actor | None:
        """The actor of a check of this claim kept at `version`, not older than TRUSTED_FOR; None otherwise."""
        key = (claim.account_id, claim.epoch)
        kept = self._kept.find(key)
        if kept is None:
            return None
        if kept.version != version or not timedelta(0) <= now - kept.checked_at < TRUSTED_FOR:
            self._kept.forget(key)
            return None
        return kept.actor

    def keep(self, claim: SessionClaim, actor: Actor, *, version: int, now: datetime) -> None:
        self._kept.keep((claim.account_id, claim.epoch), _CheckedSession(actor, version, now))

    def __len__(self) -> int:
        return len(self._kept)
