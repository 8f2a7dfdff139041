"""`GET /live`: the stream a page listens to for new data (docs/dashboard.md#live-updates). A page names the KPIs it
shows (`?kpi=a&kpi=b`); the stream keeps those the reader may see (others are dropped without a word, so that the
stream tells nothing about KPIs the reader cannot see) and sends the event `changed` (its data: the names of the
KPIs moved, space-separated) each time data of a source one of them reads changes (server.data_watch). On the
page, htmx's SSE extension turns the event into one fetch of the page, whose cards are swapped in place
(templates/_live.html)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sse_starlette.event import ServerSentEvent
from sse_starlette.sse import EventSourceResponse

from kpilot.api import Workspace
from kpilot.forecast.history import sources_of
from kpilot.server.data_watch import DataWatch
from kpilot.server.identity import current_actor
from kpilot.server.problems import Unauthenticated
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime

router = APIRouter(include_in_schema=False)
PING_SECONDS = 15  # a comment line this often keeps proxies from closing a quiet stream
MAX_KPIS = 200  # a page never shows more; a longer list is cut, not refused


def stream_url(kpis: Sequence[str]) -> str:
    """The stream of a page that shows `kpis` (a page passes it to its template as `live`)."""
    return "/live?" + urlencode([("kpi", name) for name in list(dict.fromkeys(kpis))[:MAX_KPIS]])


@router.get("/live")
async def live(request: Request, kpi: Annotated[list[str] | None, Query(max_length=MAX_KPIS)] = None) -> Response:
    try:
        actor = await current_actor(request)
    except Unauthenticated:
        return Response(status_code=204)  # 204 tells an EventSource to stop trying: the page is no longer signed in
    runtime: Runtime = request.app.state.runtime
    watch: DataWatch = request.app.state.data_watch

    def reads() -> dict[str, frozenset[str]]:
        with seen_by(runtime, actor) as workspace:
            return _sources_read(workspace, kpi or [])

    sources = await run_in_threadpool(reads)

    async def events() -> AsyncIterator[ServerSentEvent]:
        async with watch.listen() as changes:
            while True:
                changed = await changes.get()
                moved = [name for name, read in sources.items() if read & changed]
                if moved:
                    yield ServerSentEvent(data=" ".join(moved), event="changed")

    return EventSourceResponse(events(), ping=PING_SECONDS, headers={"Cache-Control": "no-store"})


def _sources_read(workspace: Workspace, asked: list[str]) -> dict[str, frozenset[str]]:
    """Each asked KPI the reader may see, with the sources it reads (their exchange-rate sources included)."""
    visible = {kpi.name for kpi in workspace.definitions.kpis}
    return {
        name: _with_rates(workspace, sources_of(workspace, name)) for name in dict.fromkeys(asked) if name in visible
    }


def _with_rates(workspace: Workspace, sources: frozenset[str]) -> frozenset[str]:
    rates = {
        source.currency.rates
        for source in workspace.definitions.sources
        if source.name in sources and source.currency is not None and source.currency.rates is not None
    }
    return sources | frozenset(rates)
