"""The export routes of a signed-in reader (docs/dashboard.md#exports): each file holds what the page it exports
shows that reader, computed through the same view of the workspace (server.reading.seen_by) and refused exactly as
that page is: signed out, the way to `/sign-in` and back; a KPI or a board the reader may not see, a 404 page that
does not tell it exists; filters the page would not apply as asked, a 400 page that says why."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.api import Workspace
from kpilot.errors import QueryError, UserError
from kpilot.i18n import Message, render
from kpilot.server.problems import status_of
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.export_answers import CHARTS, SHEETS, File, NotOffered, board_file, kpi_file, scorecard_file
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.boards import TeamBoard, team_board

router = APIRouter(include_in_schema=False)


@router.get("/export/kpi/{name}.{kind}")
async def kpi_export(request: Request, name: str, kind: str) -> Response:
    """The KPI page's history (csv, xlsx), over the filters of its query string: `?region=EMEA&grain=month`."""
    pairs = list(request.query_params.multi_items())

    def produce(workspace: Workspace, reader: Reader) -> File:
        return kpi_file(workspace, name, pairs, kind, reader.language, SHEETS)

    return await _answer(request, produce)


@router.get("/export/chart/kpi/{name}.{kind}")
async def chart_export(request: Request, name: str, kind: str) -> Response:
    """The KPI page's history chart (png, svg): the spec the page draws, drawn on the server."""
    pairs = list(request.query_params.multi_items())

    def produce(workspace: Workspace, reader: Reader) -> File:
        return kpi_file(workspace, name, pairs, kind, reader.language, CHARTS)

    return await _answer(request, produce)


@router.get("/export/scorecard.{kind}")
async def scorecard_export(request: Request, kind: str) -> Response:
    """The reader's scorecard (My KPIs) as csv or xlsx."""
    return await _answer(request, lambda workspace, reader: scorecard_file(workspace, kind, reader.language))


@router.get("/export/board/company.{kind}")
async def company_board_export(request: Request, kind: str) -> Response:
    """The company board as the reader sees it (pdf, csv, xlsx)."""
    return await _answer(request, lambda workspace, reader: board_file(workspace, None, kind, reader.language))


@router.get("/export/board/team/{key}.{kind}")
async def team_board_export(request: Request, key: str, kind: str) -> Response:
    """A team's board (pdf, csv, xlsx): one the reader may open (services.boards), else a 404 page."""
    runtime: Runtime = request.app.state.runtime

    def produce(workspace: Workspace, reader: Reader) -> File:
        with runtime.store() as store:
            team: TeamBoard | None = team_board(store, reader.actor, workspace.calendar.today(), key)
        if team is None:
            raise QueryError(Message("services.sharing.unknown_board", board=f"team:{key}"), field="board")
        return board_file(workspace, team, kind, reader.language)

    return await _answer(request, produce, unknown=True)


async def _answer(request: Request, produce: Callable[[Workspace, Reader], File], *, unknown: bool = False) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def made() -> File:
        with seen_by(runtime, reader.actor) as workspace:
            return produce(workspace, reader)

    try:
        found = await run_in_threadpool(made)
    except UserError as error:
        status = status_of(error)
        if isinstance(error, NotOffered) or (unknown and error.code == "services.sharing.unknown_board"):
            status = 404
        return problem_page(request, reader, error, status)
    return found.response()


def problem_page(request: Request, reader: Reader, error: UserError, status: int) -> Response:
    """Why there is no file, in the reader's words (a KPI they may not see is told exactly as a missing one)."""
    heading = "web.export.not_found" if status == 404 else "web.export.refused"
    words = render(error.message, reader.language)
    return signed_page(request, "export_problem.html", reader, status_code=status, heading=heading, reason=words)
