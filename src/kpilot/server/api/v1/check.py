"""`/api/v1/check`: the SMART findings of `kpilot check --format json`, for the KPIs the caller may see."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.language import request_language
from kpilot.server.reading import seen_by

router = APIRouter(tags=["check"])


@router.get("/check", summary="Whether each KPI and target is SMART")
def check(request: Request, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    language = request_language(request)
    with seen_by(runtime, actor) as workspace:
        return workspace.check().to_data(language)
