"""`/api/v1/compute`: KPIs per period and dimension values, with the options of `kpilot compute`. Numbers that
compute but may mislead (a filter that keeps no row) come back under `warnings`, in the envelope's terms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from kpilot.api import Workspace
from kpilot.errors_data import issue_data
from kpilot.results.data import plain
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.language import request_language
from kpilot.server.reading import GRAINS, ScopeParameter, day_parameter, kept_answer, scope_param

router = APIRouter(tags=["compute"])


@router.get("/compute", response_model=dict[str, Any], summary="KPIs per period (and dimension values)")
async def compute(
    request: Request,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    kpi: Annotated[list[str], Query(min_length=1, description="One or more KPI names.")],
    grain: Annotated[GRAINS, Query(description="The periods' length.")] = "month",
    by: Annotated[list[str] | None, Query(description="Dimensions to break the values down by.")] = None,
    start: Annotated[str | None, day_parameter(description="The first day, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, day_parameter(description="The last day, YYYY-MM-DD.")] = None,
    where: Annotated[str | None, Query(description="A row filter, as a formula.")] = None,
    scope: ScopeParameter = None,
) -> Response:
    language = request_language(request)
    chosen = scope_param(scope)

    def answer(workspace: Workspace) -> dict[str, Any]:
        table = workspace.compute(kpi, grain=grain, by=by or (), start=start, end=end, where=where, scope=chosen)
        warnings = workspace.filter_warnings(where, kpi, scope=chosen)
        return {"rows": plain(table.to_pylist()), "warnings": [issue_data(issue, language) for issue in warnings]}

    return await kept_answer(request, runtime, actor, answer)
