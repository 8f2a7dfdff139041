"""`/api/v1/me`: who the caller is, as the server sees them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kpilot.server.identity import CurrentActor

router = APIRouter(tags=["me"])


@router.get("/me", summary="The signed-in identity")
def me(actor: CurrentActor) -> dict[str, Any]:
    return {
        "email": actor.email,
        "person_id": actor.person_id,
        "roles": sorted(role.value for role in actor.roles),
        "permissions": sorted(actor.permissions),
        "token_scopes": None if actor.token_scopes is None else sorted(actor.token_scopes),
        "language": actor.language,
    }
