"""`/api/v1/matrix`: goals and the KPIs linked to them, as `kpilot matrix --format json`, for the KPIs the caller
may see."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from kpilot.api import Workspace
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.language import request_language
from kpilot.server.reading import PeriodParameter, kept_answer

router = APIRouter(tags=["goals"])


@router.get("/matrix", response_model=dict[str, Any], summary="The KPI matrix: goals and their KPIs, with status")
async def matrix(
    request: Request,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    period: PeriodParameter = None,
) -> Response:
    language = request_language(request)

    def answer(workspace: Workspace) -> Any:
        return workspace.matrix(period=period).to_data(language)

    return await kept_answer(request, runtime, actor, answer)
