"""`/api/v1/session`: signing in with an e-mail address and a password for a browser session (an HttpOnly,
SameSite cookie), and signing out (docs/accounts.md#sessions). Scripts use API tokens instead."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from kpilot.auth.sessions import SessionCodec
from kpilot.server.cookies import end_session, set_session
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.services.sessions import open_session

router = APIRouter(tags=["session"])


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


@router.post("/session", summary="Sign in: a session cookie for a browser")
def sign_in(
    request: Request, response: Response, runtime: CurrentRuntime, credentials: Annotated[Credentials, Body()]
) -> dict[str, Any]:
    codec: SessionCodec = request.app.state.sessions
    client = request.client.host if request.client else None
    with runtime.store() as store:
        actor, cookie, claim = open_session(
            store, codec, credentials.email, credentials.password, now=datetime.now(UTC), client=client
        )
    set_session(response, request, cookie, claim.csrf)
    return {"email": actor.email, "roles": sorted(role.value for role in actor.roles), "csrf_token": claim.csrf}


@router.delete("/session", status_code=204, summary="Sign out: the session cookie is removed")
def sign_out(actor: CurrentActor, response: Response) -> None:
    end_session(response)
