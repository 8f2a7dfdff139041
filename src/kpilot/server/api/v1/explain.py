"""`/api/v1/explain/{kpi}`: what moved a KPI, as `kpilot explain KPI --format json` prints it, over the caller's rows
(services.explain; the sentence in the caller's language)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from kpilot.i18n import render
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.language import request_language
from kpilot.server.reading import PERIOD_PATTERN
from kpilot.services.explain import Versus, explain, explanation_data, headline

router = APIRouter(tags=["explain"])


@router.get(
    "/explain/{kpi}",
    response_model=dict[str, Any],
    summary="What moved a KPI between two periods, member by member of each dimension",
)
def explain_kpi(
    kpi: str,
    request: Request,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    period: Annotated[
        str | None, Query(pattern=PERIOD_PATTERN, description="2026-11, 2026-Q3, 2026, current or last (default).")
    ] = None,
    vs: Annotated[Literal["previous", "last_year"], Query(description="The period compared with.")] = "previous",
    by: Annotated[list[str] | None, Query(max_length=20, description="Dimensions (default: every one).")] = None,
    top: Annotated[int, Query(ge=1, le=5, description="Contributors named in each sentence.")] = 2,
) -> dict[str, Any]:
    language = request_language(request)
    with runtime.workspace() as workspace:
        found = explain(runtime.open_store(), actor, workspace, kpi, period=period, versus=Versus(vs), by=by or ())
    return {
        "explanations": [
            {**explanation_data(item), "sentence": render(headline(item, top), language)} for item in found
        ]
    }
