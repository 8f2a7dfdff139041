"""Version 1 of the REST API, under `/api/v1`: one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from kpilot.server.api.v1 import (
    alerts,
    audit,
    bonus,
    check,
    compute,
    definitions,
    explain,
    forecast,
    goals,
    ingest,
    kpis,
    matrix,
    me,
    okrs,
    people,
    scorecard,
    session,
    targets,
    tokens,
)
from kpilot.server.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
for module in (
    session,
    me,
    kpis,
    compute,
    scorecard,
    forecast,
    explain,
    check,
    matrix,
    people,
    targets,
    goals,
    definitions,
    tokens,
    audit,
    okrs,
    bonus,
    alerts,
):
    router.include_router(module.router)
router.include_router(ingest.router)

__all__ = ["router"]
