"""Who a request comes from: an API token in `Authorization: Bearer ...` (docs/accounts.md), checked by the
service layer, which also records its use. No credentials is a 401 in the envelope, never an anonymous reader:
every route that shows data needs an actor, and the service layer decides what that actor may see."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBearer

from kpilot.auth.actor import Actor
from kpilot.i18n import Message
from kpilot.server.language import ACTOR_LANGUAGE
from kpilot.server.problems import Unauthenticated
from kpilot.server.runtime import Runtime
from kpilot.services.tokens import actor_for_token


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


# Declares the bearer scheme in the OpenAPI document; the header is read below, so that every refusal is ours.
BEARER = HTTPBearer(auto_error=False, description="An API token: `kpilot tokens create` (docs/accounts.md).")


def current_actor(request: Request, _: Annotated[object, Security(BEARER)] = None) -> Actor:
    header = request.headers.get("authorization", "")
    if not header.strip():
        raise Unauthenticated(Message("server.not_signed_in"), hint=Message("server.not_signed_in_hint"))
    scheme, _, raw = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthenticated(Message("server.bearer_expected"), hint=Message("server.not_signed_in_hint"))
    with runtime_of(request).store() as store:
        actor = actor_for_token(store, raw.strip(), now=datetime.now(UTC))
    setattr(request.state, ACTOR_LANGUAGE, actor.language)
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
CurrentRuntime = Annotated[Runtime, Depends(runtime_of)]
