"""`/kpis/{name}/moved`: one sentence on what moved a KPI most in a period against the period before, for the cards
and the KPI page to load after they are shown (services.explain; over the reader's rows, in their language). Of the
KPI's dimensions, the one whose largest part explains most of the change is told (`most_telling`); nothing is said
when no dimension splits the change into parts that add up, or the KPI cannot be computed there."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.errors import UserError
from kpilot.i18n import render
from kpilot.server.runtime import Runtime
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.explain import explain, headline, most_telling

router = APIRouter(include_in_schema=False)


def moved_url(kpi: str, period: str) -> str:
    """Where a card or a KPI page loads its sentence from."""
    return f"/kpis/{kpi}/moved?period={period}"


@router.get("/kpis/{name}/moved")
async def moved(request: Request, name: str, period: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def sentence() -> str | None:
        with runtime.workspace() as workspace:
            try:
                found = explain(runtime.open_store(), reader.actor, workspace, name, period=period)
            except UserError:  # a KPI the reader may not see, a period it cannot be computed in: nothing to say
                return None
        best = most_telling(found)
        return None if best is None else render(headline(best, 1), reader.language)

    return signed_page(request, "_moved.html", reader, sentence=await run_in_threadpool(sentence))
