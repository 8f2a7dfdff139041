"""`/boards`: the boards a reader may open, a team's board and the company scorecard (docs/dashboard.md#boards).

Which team boards a reader may open is the service layer's decision (services.boards); a board computes through the
reader's own view of the workspace (server.reading.seen_by), narrowed to the team's rows, so that a KPI or a row
the reader may not see never enters a number. A team board the reader may not open is the same 404 as a team that
does not exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.api import Workspace
from kpilot.auth.actor import Actor
from kpilot.i18n import Language
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.board_cards import BoardCards, board_cards
from kpilot.server.web.export_links import board_links, share_link
from kpilot.server.web.live import stream_url
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.boards import TeamBoard, board_view, team_board, team_boards

router = APIRouter(include_in_schema=False)
T = TypeVar("T")


@dataclass(frozen=True)
class Shown:
    """A board as a page shows it: the team (None: the company scorecard) and its cards."""

    team: TeamBoard | None
    cards: BoardCards

    @property
    def name(self) -> str:
        """The board as a TV address names it: `team:emea`, `company`."""
        return f"team:{quote(self.team.key, safe='')}" if self.team is not None else "company"


@router.get("/boards")
async def boards(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def found() -> tuple[TeamBoard, ...]:
        return visible_boards(runtime, reader.actor)

    teams = await run_in_threadpool(found)
    return signed_page(request, "boards.html", reader, teams=teams, rotation=rotation(teams))


@router.get("/boards/team/{team}")
async def team(request: Request, team: str) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime
    shown = await run_in_threadpool(team_shown, runtime, reader.actor, reader.language, team)
    if shown is None:
        return signed_page(request, "board_missing.html", reader, status_code=404)
    return _board_page(request, "board.html", reader, shown)


@router.get("/boards/company")
async def company(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime
    shown = await run_in_threadpool(company_shown, runtime, reader.actor, reader.language)
    return _board_page(request, "company.html", reader, shown)


def _board_page(request: Request, template: str, reader: Reader, shown: Shown) -> Response:
    """A board with its live updates, its downloads and the way to share it."""
    key = shown.team.key if shown.team is not None else None
    return signed_page(
        request,
        template,
        reader,
        board=shown,
        tv=f"/tv?boards={shown.name}",
        live=stream_url(shown.cards.kpis),
        exports=board_links(key),
        share=share_link("board", "company" if key is None else f"team:{key}"),
    )


def visible_boards(runtime: Runtime, actor: Actor) -> tuple[TeamBoard, ...]:
    """The team boards `actor` may open today (in the workspace's time zone)."""
    return _reading(runtime, actor, lambda workspace: team_boards_today(runtime, actor, workspace))


def team_boards_today(runtime: Runtime, actor: Actor, workspace: Workspace) -> tuple[TeamBoard, ...]:
    with runtime.store() as store:
        return team_boards(store, actor, workspace.calendar.today())


def team_shown(runtime: Runtime, actor: Actor, language: Language, key: str) -> Shown | None:
    """The board of the team `key` names over its rows, or None when the reader may open no such board."""

    def produce(workspace: Workspace) -> Shown | None:
        with runtime.store() as store:
            chosen = team_board(store, actor, workspace.calendar.today(), key)
        if chosen is None:
            return None
        return Shown(chosen, board_cards(board_view(workspace, chosen), language, chosen.scope))

    return _reading(runtime, actor, produce)


def company_shown(runtime: Runtime, actor: Actor, language: Language) -> Shown:
    """Every KPI the reader may see, over every row they may see: the company's scorecard as they may read it."""
    return _reading(runtime, actor, lambda workspace: Shown(None, board_cards(workspace, language)))


def rotation(teams: tuple[TeamBoard, ...]) -> str:
    """The TV address that rotates through every board listed, the company scorecard last."""
    names = [f"team:{quote(board.key, safe='')}" for board in teams] + ["company"]
    return "/tv?boards=" + ",".join(names)


def _reading(runtime: Runtime, actor: Actor, produce: Callable[[Workspace], T]) -> T:
    with seen_by(runtime, actor) as workspace:
        return produce(workspace)
