"""`/api/v1/check`: the SMART findings of `kpilot check --format json`, for the KPIs the caller may see."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.language import request_language
from kpilot.server.reading import kept_answer

router = APIRouter(tags=["check"])


@router.get("/check", response_model=dict[str, Any], summary="Whether each KPI and target is SMART")
async def check(request: Request, actor: CurrentActor, runtime: CurrentRuntime) -> Response:
    language = request_language(request)
    return await kept_answer(request, runtime, actor, lambda workspace: workspace.check().to_data(language))
