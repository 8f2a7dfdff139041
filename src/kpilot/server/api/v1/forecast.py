"""`/api/v1/forecast/{kpi}`: exactly what `kpilot forecast KPI --format json` prints, over the caller's rows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from kpilot.api import Workspace
from kpilot.forecast.next_periods import ForecastMethod
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.language import request_language
from kpilot.server.reading import FORECAST_GRAINS, ScopeParameter, kept_answer, scope_param

router = APIRouter(tags=["forecast"])


@router.get(
    "/forecast/{kpi}",
    response_model=dict[str, Any],
    summary="The next periods of a KPI, with the method chosen and its bands",
)
async def forecast(
    kpi: str,
    request: Request,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    grain: Annotated[FORECAST_GRAINS, Query(description="The periods' length.")] = "month",
    periods: Annotated[int, Query(ge=1, le=60, description="How many periods ahead.")] = 3,
    method: Annotated[ForecastMethod, Query(description="auto, or a method of docs/forecasts.md.")] = "auto",
    history: Annotated[int | None, Query(ge=1, description="Use only the last N periods.")] = None,
    scope: ScopeParameter = None,
) -> Response:
    language = request_language(request)

    def answer(workspace: Workspace) -> dict[str, Any]:
        result = workspace.forecast(
            kpi, grain=grain, periods=periods, method=method, history=history, scope=scope_param(scope)
        )
        return result.to_data(language)

    return await kept_answer(request, runtime, actor, answer)
