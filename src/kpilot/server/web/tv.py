"""`/tv`: boards for a screen on the wall (docs/dashboard.md#boards): large numbers, no navigation, and the next
board after `every` seconds, by a `<meta http-equiv="refresh">` to the next board's address (no JavaScript needed).

`?boards=team:emea,company` names the boards in turn (`team:<name>` or `company`), `&every=30` the seconds each
stays (held within 5 s and an hour), `&at=1` the one shown (counting from 0; the one after the last is the first
again). The screen stays signed in as whoever signed it in, and each board is checked as its own page is: a board
its reader may not open is a 404, never a board of someone else's rows."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.auth.actor import Actor
from kpilot.i18n import Language
from kpilot.server.runtime import Runtime
from kpilot.server.web.boards import Shown, company_shown, team_shown
from kpilot.server.web.live import stream_url
from kpilot.server.web.reader import Reader, signed_in, signed_page

router = APIRouter(include_in_schema=False)

EVERY = 30  # seconds a board stays, unless `every` says otherwise
SHORTEST, LONGEST = 5, 3600
MOST_BOARDS = 20  # a rotation longer than this is cut: each board is a computation
COMPANY = "company"
TEAM = "team:"


@dataclass(frozen=True)
class Rotation:
    boards: tuple[str, ...]
    every: int
    at: int

    @property
    def next(self) -> str:
        """The address of the board after this one (the first after the last)."""
        following = (self.at + 1) % len(self.boards)
        query = urlencode({"boards": ",".join(self.boards), "every": self.every, "at": following}, safe=":,")
        return f"/tv?{query}"


def rotation(boards: str, every: str, at: str) -> Rotation:
    """The rotation a TV address asks for; every part that is not a number or a board is left out (no board at
    all: the company scorecard)."""
    named = tuple(name.strip() for name in boards.split(",") if name.strip())[:MOST_BOARDS] or (COMPANY,)
    seconds = min(max(_whole(every, EVERY), SHORTEST), LONGEST)
    return Rotation(named, seconds, _whole(at, 0) % len(named))


@router.get("/tv")
async def tv(request: Request, boards: str = COMPANY, every: str = "", at: str = "") -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime
    chosen = rotation(boards, every, at)
    shown = await run_in_threadpool(_board, runtime, reader.actor, reader.language, chosen.boards[chosen.at])
    if shown is None:
        return signed_page(request, "board_missing.html", reader, status_code=404)
    return signed_page(request, "tv.html", reader, board=shown, rotation=chosen, live=stream_url(shown.cards.kpis))


def _board(runtime: Runtime, actor: Actor, language: Language, name: str) -> Shown | None:
    if name == COMPANY:
        return company_shown(runtime, actor, language)
    if name.startswith(TEAM) and name != TEAM:
        return team_shown(runtime, actor, language, name.removeprefix(TEAM))
    return None


def _whole(text: str, default: int) -> int:
    try:
        return int(text.strip()) if text.strip() else default
    except ValueError:
        return default
