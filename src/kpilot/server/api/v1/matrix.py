"""`/api/v1/matrix`: goals and the KPIs linked to them, as `kpilot matrix --format json`, for the KPIs the caller
may see."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.language import request_language
from kpilot.server.reading import PeriodParameter, seen_by

router = APIRouter(tags=["goals"])


@router.get("/matrix", summary="The KPI matrix: goals and their KPIs, with status")
def matrix(
    request: Request,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    period: PeriodParameter = None,
) -> dict[str, Any]:
    language = request_language(request)
    with seen_by(runtime, actor) as workspace:
        return workspace.matrix(period=period).to_data(language)
