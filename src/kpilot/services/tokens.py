"""API tokens: create one for an account (shown once), list them (never the secret), revoke one, and find the actor
a request's token stands for (docs/accounts.md).

An administrator manages every account's tokens; an account manages its own. A token is refused when it is
malformed, unknown, revoked, expired, or its account is disabled. Its last use is written at most once a minute
(`LAST_USED_PRECISION`), so that a busy script does not make every request a write.

A server keeps the tokens it has checked (`KnownTokens`), so that a repeated request costs one query instead of a
token, an account, its roles and its person: a kept check is used only while the store's version (the newest
audit entry, which every revocation, disabling, role, permission and organisation change adds) is the one it was
made at, the token has not expired, and for at most `TRUSTED_FOR`, which bounds what a change made outside kpilot
(by hand in the database) can go unseen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from kpilot.auth.actor import Actor, TokenScope
from kpilot.auth.errors import AuthError, TokenRefused, UnknownToken
from kpilot.auth.tokens import make_token, parse_scopes, parse_token, secret_matches
from kpilot.engine.cache import LRU
from kpilot.i18n import Message
from kpilot.services.accounts import find_account
from kpilot.services.actors import actor_of
from kpilot.services.audit import Action, record
from kpilot.services.refusals import is_self, refuse, require_admin, require_admin_or_self
from kpilot.store.accounts import Accounts
from kpilot.store.models import NAME_LENGTH
from kpilot.store.records import Outcome
from kpilot.store.session import Store
from kpilot.store.times import utc
from kpilot.store.tokens import NewToken, Token, Tokens

LAST_USED_PRECISION = timedelta(minutes=1)
TRUSTED_FOR = timedelta(seconds=10)  # the longest a kept check of a token is used without checking again
KNOWN_TOKENS = 1024  # tokens a server keeps checked (the least recently used go first)


class TokenStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class TokenView:
    token: Token
    email: str  # its account's address
    status: TokenStatus


@dataclass(frozen=True)
class CreatedToken:
    view: TokenView
    raw: str = field(repr=False)  # the token itself: show it once, never store or log it


def create_token(
    store: Store,
    actor: Actor,
    email: str,
    name: str,
    scopes: Collection[str],
    *,
    expires_at: datetime,
    now: datetime,
    sources: Collection[str] | None = None,
) -> CreatedToken:
    """A new token for the account, with these scopes (`read`, `write`, `ingest:SOURCE`; with `sources`, the
    source must be one of them), valid until `expires_at`."""
    now, expires_at = utc(now), utc(expires_at)
    require_admin_or_self(store, actor, Action.TOKEN_CREATED, email=email, now=now)
    checked = parse_scopes(scopes, sources)
    if actor.token_scopes is not None and not set(checked) <= actor.token_scopes:
        # A token makes no token stronger than itself.
        why = Message("auth.token_scopes_wider", scopes=tuple(sorted(actor.token_scopes)))
        refuse(store, actor, Action.TOKEN_CREATED, email, now, why)
    label = name.strip()
    if not label or len(label) > NAME_LENGTH:
        raise AuthError(Message("auth.token_name", maximum=NAME_LENGTH), field="name")
    if expires_at <= now:
        raise AuthError(Message("auth.expiry_past_moment", at=expires_at), field="expires_at")
    made = make_token()
    with store.writing() as session:
        account = find_account(session, email)
        if account.disabled:
            raise AuthError(Message("auth.account_disabled", email=account.email), field="email")
        token = Tokens(session).add(
            NewToken(account.id, label, made.lookup, made.secret_hash, checked, created_at=now, expires_at=expires_at)
        )
        details = {"account": account.email, "name": label, "scopes": list(checked), "expires_at": _iso(expires_at)}
        record(session, actor, Action.TOKEN_CREATED, now=now, target=token.lookup, details=details)
    return CreatedToken(TokenView(token, account.email, status_of(token, now)), made.raw)


def list_tokens(store: Store, actor: Actor, *, email: str | None = None, now: datetime) -> tuple[TokenView, ...]:
    """The tokens of one account (`email`), or of every account (administrators only; anyone else: their own)."""
    now = utc(now)
    if email is None and not actor.is_admin:
        email = actor.email if actor.account_id is not None else None
        if email is None:
            require_admin(store, actor, Action.TOKENS_LISTED, target=None, now=now, scope=TokenScope.READ)
    if email is not None:
        require_admin_or_self(store, actor, Action.TOKENS_LISTED, email=email, now=now, scope=TokenScope.READ)
    elif actor.token_scopes is not None:
        require_admin(store, actor, Action.TOKENS_LISTED, target=None, now=now, scope=TokenScope.READ)
    with store.reading() as session:
        accounts = {account.id: account.email for account in Accounts(session).all()}
        ids = None if email is None else [find_account(session, email).id]
        return tuple(TokenView(t, accounts[t.account_id], status_of(t, now)) for t in Tokens(session).of_accounts(ids))


def revoke_token(store: Store, actor: Actor, lookup: str, *, now: datetime) -> TokenView:
    """Revoke a token by its id (its lookup): an administrator any, an account its own. Another account's token is
    answered as an unknown one (so that ids cannot be probed), and the refusal is recorded."""
    now, lookup = utc(now), lookup.strip()
    unknown = UnknownToken(Message("auth.unknown_token", id=lookup), field="token")
    with store.reading() as session:
        token = Tokens(session).by_lookup(lookup)
        owner = Accounts(session).get(token.account_id) if token is not None else None
    if token is None or owner is None:
        raise unknown
    if not (actor.is_admin or is_self(actor, owner.email)):
        with store.writing() as session:
            record(session, actor, Action.TOKEN_REVOKED, now=now, target=lookup, outcome=Outcome.REFUSED)
        raise unknown
    if actor.token_scopes is not None and TokenScope.WRITE.value not in actor.token_scopes:
        why = Message("auth.token_scope_missing", scope=TokenScope.WRITE.value, action=Action.TOKEN_REVOKED.value)
        refuse(store, actor, Action.TOKEN_REVOKED, lookup, now, why)
    with store.writing() as session:
        tokens = Tokens(session)
        current = tokens.by_lookup(lookup)
        if current is None:
            raise unknown
        if current.revoked_at is not None:
            raise AuthError(Message("auth.token_already_revoked", id=lookup, at=current.revoked_at), field="token")
        tokens.revoke(current.id, now)
        details = {"account": owner.email, "name": current.name}
        record(session, actor, Action.TOKEN_REVOKED, now=now, target=lookup, details=details)
        revoked = tokens.by_lookup(lookup) or current
    return TokenView(revoked, owner.email, TokenStatus.REVOKED)


def actor_for_token(
    store: Store, raw: str, *, now: datetime, known: KnownTokens | None = None, version: int | None = None
) -> Actor:
    """The actor a request's token stands for: its account, with the token's scopes. TokenRefused otherwise.

    With `known` (a server's) and `version` (the store's, `services.audit.store_version`, read before this call), a
    check kept from an earlier request at the same version is used instead of reading the token again."""
    now = utc(now)
    if known is None or version is None:
        return _checked(store, raw, now).actor
    key = hashlib.sha256(raw.encode()).digest()
    kept = known.get(key, version, now)
    if kept is None:
        kept = _checked(store, raw, now)
        known.put(key, replace(kept, version=version, checked_at=now))
    elif kept.last_used_at is None or now - kept.last_used_at >= LAST_USED_PRECISION:
        with store.writing() as session:
            Tokens(session).set_last_used(kept.token_id, now)
        known.put(key, replace(kept, last_used_at=now))
    return kept.actor


def known_actor(raw: str, known: KnownTokens, *, version: int, now: datetime) -> Actor | None:
    """The actor of a check kept at `version` (as `actor_for_token` would use it), when using it needs nothing of
    the store (its last use is recent); None otherwise, and then `actor_for_token` must be asked."""
    kept = known.get(hashlib.sha256(raw.encode()).digest(), version, utc(now))
    if kept is None or kept.last_used_at is None or utc(now) - kept.last_used_at >= LAST_USED_PRECISION:
        return None
    return kept.actor


@dataclass(frozen=True)
class CheckedToken:
    actor: Actor
    token_id: int
    expires_at: datetime
    last_used_at: datetime | None
    version: int = -1  # the store's version it was checked at
    checked_at: datetime | None = None


class KnownTokens:
    """The tokens a server has checked, by a hash of the token (never the token itself), bounded in number."""

    def __init__(self, size: int = KNOWN_TOKENS) -> None:
        self._kept: LRU[CheckedToken] = LRU(size)

    def get(self, key: bytes, version: int, now: datetime) -> CheckedToken | None:
        kept = self._kept.find(key)
        if kept is None:
            return None
        fresh = kept.checked_at is not None and now - kept.checked_at < TRUSTED_FOR
        if kept.version != version or kept.expires_at <= now or not fresh:
            self._kept.forget(key)
            return None
        return kept

    def put(self, key: bytes, checked: CheckedToken) -> None:
        self._kept.keep(key, checked)

    def __len__(self) -> int:
        return len(self._kept)


def _checked(store: Store, raw: str, now: datetime) -> CheckedToken:
    parsed = parse_token(raw)
    with store.reading() as session:
        tokens = Tokens(session)
        token = tokens.by_lookup(parsed.lookup)
        if token is None or not secret_matches(parsed.secret, tokens.secret_hash(token.id)):
            raise TokenRefused(Message("auth.token_invalid"), hint=Message("auth.token_hint"), field="token")
        if token.revoked_at is not None:
            raise TokenRefused(Message("auth.token_revoked", id=token.lookup, at=token.revoked_at), field="token")
        if token.expires_at <= now:
            raise TokenRefused(
                Message("auth.token_expired", id=token.lookup, at=token.expires_at),
                hint=Message("auth.token_hint"),
                field="token",
            )
        account = Accounts(session).get(token.account_id)
        if account is None or account.disabled:
            raise TokenRefused(Message("auth.token_account_disabled", id=token.lookup), field="token")
        actor = actor_of(session, account, token_scopes=frozenset(token.scopes))
    last_used = token.last_used_at
    if last_used is None or now - last_used >= LAST_USED_PRECISION:
        with store.writing() as session:
            Tokens(session).set_last_used(token.id, now)
        last_used = now
    return CheckedToken(actor, token.id, token.expires_at, last_used)


def status_of(token: Token, now: datetime) -> TokenStatus:
    if token.revoked_at is not None:
        return TokenStatus.REVOKED
    if token.expires_at <= now:
        return TokenStatus.EXPIRED
    return TokenStatus.ACTIVE


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def token_data(view: TokenView) -> dict[str, Any]:
    """A token as every surface shows it (`kpilot tokens --format json`, the REST API): never its secret."""
    token = view.token
    return {
        "id": token.lookup,
        "user": view.email,
        "name": token.name,
        "scopes": list(token.scopes),
        "created_at": token.created_at.isoformat(),
        "expires_at": token.expires_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        "status": view.status.value,
    }
