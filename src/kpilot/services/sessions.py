"""Signing in for a browser session, and the actor of a session cookie (docs/accounts.md#sessions): the password
check, its rate limit and audit are `services.sign_in`'s; this adds the cookie's claim, checked against the store
on every request (an account disabled or given a new password since is signed out)."""

from __future__ import annotations

from datetime import datetime

from kpilot.auth.actor import Actor
from kpilot.auth.errors import TokenRefused
from kpilot.auth.sessions import SessionClaim, SessionCodec, session_epoch
from kpilot.i18n import Message
from kpilot.services.actors import actor_of
from kpilot.services.sign_in import sign_in
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
