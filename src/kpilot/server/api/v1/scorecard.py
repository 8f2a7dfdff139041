"""`/api/v1/scorecard`: for the KPIs the caller may see and over their rows, the period shown (and why, when none
was named), the lines exactly as `kpilot scorecard --format json` prints them, and the warnings the command writes
on stderr."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from kpilot.api import Workspace
from kpilot.errors_data import issue_data
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.language import request_language
from kpilot.server.reading import PeriodParameter, ScopeParameter, kept_answer, scope_param

router = APIRouter(tags=["scorecard"])


@router.get(
    "/scorecard",
    response_model=dict[str, Any],
    summary="Value, target, status, pace, projection and changes of each KPI",
)
async def scorecard(
    request: Request,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    period: PeriodParameter = None,
    scope: ScopeParameter = None,
    category: Annotated[str | None, Query(description="Only the KPIs of this category.")] = None,
    kpi: Annotated[list[str] | None, Query(description="Only these KPIs.")] = None,
) -> Response:
    language = request_language(request)

    def answer(workspace: Workspace) -> dict[str, Any]:
        result = workspace.scorecard(period=period, scope=scope_param(scope), category=category, kpis=kpi)
        return {
            "period": result.name,
            "start": result.period.isoformat(),
            "grain": result.grain.value,
            "scope": dict(result.scope),
            "chosen_because": result.chosen.why.value if result.chosen else None,
            "lines": result.to_data(language),
            "warnings": [issue_data(issue, language) for issue in result.warnings],
        }

    return await kept_answer(request, runtime, actor, answer)
