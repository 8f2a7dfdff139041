"""`/api/v1/tokens`: the caller's API tokens (an administrator's: anyone's), making one for oneself (shown once, in
the answer), and revoking one. `services.tokens` decides: a token never makes a token with scopes it lacks, and
another account's token is unknown to a non-administrator exactly like a missing one (404), so ids cannot be
probed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from kpilot.auth.actor import TokenScope
from kpilot.auth.tokens import DEFAULT_DAYS, MAX_DAYS, expiry
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.services.tokens import create_token, list_tokens, revoke_token, token_data
from kpilot.store.models import NAME_LENGTH

router = APIRouter(tags=["tokens"])
SCOPE_PATTERN = r"^(read|write|ingest:[A-Za-z_][A-Za-z0-9_]*)$"
LOOKUP_PATTERN = r"^[0-9a-f]{16}$"


class NewTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=NAME_LENGTH, pattern=r"\S")]
    scopes: Annotated[list[Annotated[str, Field(pattern=SCOPE_PATTERN)]], Field(min_length=1, max_length=20)]
    # Days only, so that every value the schema allows is one the service accepts (the command line also takes a day).
    expires_in_days: Annotated[int, Field(ge=1, le=MAX_DAYS, description="Valid for this many days from now.")] = (
        DEFAULT_DAYS
    )


@router.get("/tokens", summary="API tokens: the caller's own (an administrator's: anyone's)")
def tokens(
    actor: CurrentActor,
    runtime: CurrentRuntime,
    user: Annotated[str | None, Query(description="Only this account's tokens (administrators).")] = None,
) -> dict[str, Any]:
    with runtime.store() as store:
        found = list_tokens(store, actor, email=user, now=datetime.now(UTC))
    return {"tokens": [token_data(view) for view in found]}


@router.post("/tokens", status_code=201, summary="Make an API token for oneself (shown once)")
def new_token(body: NewTokenIn, response: Response, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    now = datetime.now(UTC)
    with runtime.workspace() as workspace:
        expires_at = expiry(f"{body.expires_in_days}d", now, workspace.settings.timezone)
        sources = None
        if any(scope.startswith(f"{TokenScope.INGEST.value}:") for scope in body.scopes):
            sources = [source.name for source in workspace.definitions.sources]
    with runtime.store() as store:
        email = actor.email or ""  # an API caller always has an account; the service refuses anyone else
        made = create_token(
            store, actor, email, body.name, body.scopes, expires_at=expires_at, now=now, sources=sources
        )
    response.headers["Cache-Control"] = "no-store"  # the answer holds the token itself
    return token_data(made.view) | {"token": made.raw}


@router.delete("/tokens/{lookup}", summary="Revoke an API token")
def revoke(
    lookup: Annotated[str, Path(pattern=LOOKUP_PATTERN, description="The token's id.")],
    actor: CurrentActor,
    runtime: CurrentRuntime,
) -> dict[str, Any]:
    with runtime.store() as store:
        return token_data(revoke_token(store, actor, lookup, now=datetime.now(UTC)))
