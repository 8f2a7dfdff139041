"""Version 1 of the REST API, under `/api/v1`: one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from kpilot.server.api.v1 import check, compute, forecast, kpis, matrix, me, people, scorecard
from kpilot.server.schemas import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
for module in (me, kpis, compute, scorecard, forecast, check, matrix, people):
    router.include_router(module.router)

__all__ = ["router"]
