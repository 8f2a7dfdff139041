"""`/kpis/{name}`: the KPI page. Its history with targets, pace and forecast; a breakdown by each of its dimensions
whose bars (and the tables' links) filter the page by a value; what it is (definition, goals, SMART findings, the
catalogue's explanation). The URL holds the whole state (server.web.kpi_state), so that a page can be shared.

A KPI the reader may not see is exactly a KPI that does not exist: the reader's view of the workspace does not
know it, and both are the same 404 page, in the reader's language."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.analysis.dimensions import dimensions_of
from kpilot.errors import UserError
from kpilot.results.data import words
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.export_links import kpi_links, share_link
from kpilot.server.web.kpi_kept import keeper
from kpilot.server.web.kpi_numbers import gather
from kpilot.server.web.kpi_state import read_state
from kpilot.server.web.kpi_view import KpiView, kpi_view
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.kpis import permissions_for
from kpilot.services.permissions import Action, KpiResource

router = APIRouter(include_in_schema=False)


@router.get("/kpis/{name}")
async def kpi_page(name: str, request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime
    pairs = list(request.query_params.multi_items())

    def build() -> tuple[KpiView, bool] | str | None:
        """The page's view; None for a KPI the reader does not know; the words of what stopped it otherwise."""
        with seen_by(runtime, reader.actor) as workspace:
            kpi = workspace.definitions.kpi(name)
            if kpi is None:
                return None
            keep = keeper(request, runtime, reader.actor, workspace.warehouse.path, workspace.calendar.today())
            try:
                dimensions = dimensions_of(workspace, kpi.name)
                numbers = gather(workspace, kpi, read_state(kpi.name, pairs, dimensions), dimensions, keep)
                editor = permissions_for(reader.actor, workspace, store=runtime.open_store()).can(
                    Action.EDIT_TARGETS, KpiResource(kpi.name, workspace.definitions)
                )
                return kpi_view(workspace, kpi, numbers, reader.language, keep), editor
            except UserError as error:  # a KPI that cannot be computed says why, as the scorecard says it
                return words(error.message, reader.language) or str(error)

    found = await run_in_threadpool(build)
    if found is None:
        return signed_page(request, "kpi.html", reader, status_code=404, view=None, failed=None, kpi=name)
    if isinstance(found, str):
        return signed_page(request, "kpi.html", reader, status_code=400, view=None, failed=found, kpi=name)
    view, editor = found
    query = request.url.query
    return signed_page(
        request,
        "kpi.html",
        reader,
        view=view,
        failed=None,
        kpi=name,
        exports=kpi_links(name, query),
        share=share_link("kpi", name, query),
        edit_targets=f"/kpis/{quote(name, safe='')}/targets" if editor else None,
    )
