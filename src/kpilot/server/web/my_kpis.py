"""`/`: My KPIs, the page a person lands on after signing in: the KPIs they may see, over the rows they may see
(the service layer's view of the workspace for them, as every API route reads it), for the last complete period,
as cards. Signed out, it sends the browser to `/sign-in` and back here after."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kpilot.auth.actor import Actor
from kpilot.i18n import Period
from kpilot.server.identity import current_actor
from kpilot.server.language import request_language
from kpilot.server.problems import Unauthenticated
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.cards import Card, card
from kpilot.server.web.templates import page

router = APIRouter(include_in_schema=False)


@router.get("/")
async def my_kpis(request: Request) -> Response:
    try:
        actor = await current_actor(request)
    except Unauthenticated:
        return RedirectResponse("/sign-in?next=/", status_code=303)
    language = request_language(request)
    runtime: Runtime = request.app.state.runtime

    def cards() -> tuple[Period, list[Card]]:
        with seen_by(runtime, actor) as workspace:
            result = workspace.scorecard()
            currency = workspace.settings.currency
            shown = Period(result.period, result.grain.value, result.name)
            return shown, [card(line, currency, language) for line in result.lines]

    period, found = await run_in_threadpool(cards)
    return page(request, "my_kpis.html", language, actor=_who(actor), period=period, cards=found, csrf=_csrf(request))


def _who(actor: Actor) -> str:
    return actor.email or ""


def _csrf(request: Request) -> str:
    from kpilot.auth.sessions import CSRF_COOKIE

    return request.cookies.get(CSRF_COOKIE, "")
