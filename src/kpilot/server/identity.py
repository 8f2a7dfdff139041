"""Who a request comes from: an API token in `Authorization: Bearer ...`, or a browser's session cookie
(docs/accounts.md), each checked by the service layer. No credentials is a 401 in the envelope, never an anonymous
reader: every route that shows data needs an actor, and the service layer decides what that actor may see. A
request with the session cookie that changes something must also send the session's CSRF token in `X-CSRF-Token`
(a bearer token needs none: no browser sends it on its own)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer

from kpilot.auth.actor import Actor
from kpilot.auth.errors import NotPermitted
from kpilot.auth.sessions import COOKIE, CSRF_HEADER, SessionClaim, SessionCodec, SessionInvalid, csrf_matches
from kpilot.i18n import Message
from kpilot.server.answers import STORE_VERSION
from kpilot.server.language import ACTOR_LANGUAGE
from kpilot.server.problems import Unauthenticated
from kpilot.server.runtime import Runtime
from kpilot.services.audit import store_version
from kpilot.services.sessions import actor_for_session
from kpilot.services.tokens import actor_for_token, known_actor
from kpilot.store.errors import StoreUnavailable

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def runtime_of(request: Request) -> Runtime:
    """Async because it only reads the app's state: a sync dependency would cost every request a trip to the
    thread pool."""
    return _runtime(request)


# Declares the bearer scheme in the OpenAPI document; the header is read below, so that every refusal is ours.
BEARER = HTTPBearer(auto_error=False, description="An API token: `kpilot tokens create` (docs/accounts.md).")


async def current_actor(request: Request, _: Annotated[object, Security(BEARER)] = None) -> Actor:
    """Async, so that a token checked by an earlier request costs no trip to the thread pool: its kept check is
    looked up here, in the event loop, with one read of the store's version; anything more (a first check, a last use
    to write, a session cookie) runs in the thread pool."""
    header = request.headers.get("authorization", "")
    if not header.strip():
        cookie = request.cookies.get(COOKIE)
        if cookie:
            claim = _claim(request, cookie)  # signature, age and CSRF: no store needed
            runtime = _runtime(request)
            version = _store_version(runtime)
            actor = None if version is None else runtime.sessions.actor(claim, version=version, now=_now())
            if actor is not None:
                _remember(request, actor, version)
                return actor
            return await run_in_threadpool(_session_actor, request, claim)
        raise Unauthenticated(Message("server.not_signed_in"), hint=Message("server.not_signed_in_hint"))
    scheme, _, raw = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthenticated(Message("server.bearer_expected"), hint=Message("server.not_signed_in_hint"))
    runtime = _runtime(request)
    version = _store_version(runtime)
    actor = None if version is None else known_actor(raw.strip(), runtime.tokens, version=version, now=_now())
    if actor is not None:
        _remember(request, actor, version)
        return actor
    return await run_in_threadpool(_token_actor, request, raw.strip())


def _store_version(runtime: Runtime) -> int | None:
    """The store's version, read in the event loop when the store is open; None when it is not (or fails: told by
    the thread pool's try, which also reopens the store)."""
    store = runtime.open_store()
    if store is None:
        return None
    try:
        return store_version(store)
    except StoreUnavailable:
        return None


def _token_actor(request: Request, raw: str) -> Actor:
    runtime = _runtime(request)
    with runtime.store() as store:
        version = store_version(store)
        actor = actor_for_token(store, raw, now=_now(), known=runtime.tokens, version=version)
    _remember(request, actor, version)
    return actor


def _remember(request: Request, actor: Actor, version: int | None) -> None:
    setattr(request.state, ACTOR_LANGUAGE, actor.language)
    if version is not None:
        setattr(request.state, STORE_VERSION, version)


def _now() -> datetime:
    return datetime.now(UTC)


def _claim(request: Request, cookie: str) -> SessionClaim:
    codec: SessionCodec = request.app.state.sessions
    try:
        claim = codec.read(cookie)
    except SessionInvalid:
        raise Unauthenticated(Message("server.session_invalid"), hint=Message("auth.session_ended_hint")) from None
    if request.method not in SAFE_METHODS and not csrf_matches(claim, request.headers.get(CSRF_HEADER)):
        raise NotPermitted(Message("server.csrf_missing", header=CSRF_HEADER), field="csrf")
    return claim


def _session_actor(request: Request, claim: SessionClaim) -> Actor:
    runtime = _runtime(request)
    with runtime.store() as store:
        version = store_version(store)  # before the check: a change made meanwhile is a version not yet kept
        actor = actor_for_session(store, claim)
    runtime.sessions.keep(claim, actor, version=version, now=_now())
    _remember(request, actor, version)
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
CurrentRuntime = Annotated[Runtime, Depends(runtime_of)]
