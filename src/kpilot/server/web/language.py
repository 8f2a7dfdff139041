"""`POST /language`: the language switch of a signed-in person's pages. The choice is kept with the person
(services.me), so that every page, and later every e-mail, speaks it; signed out, the switch is a link (`?lang=`)
that changes one page only. The form carries the session's CSRF token, as every form that changes something does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kpilot.auth.errors import AuthError
from kpilot.auth.sessions import COOKIE, SessionCodec, SessionInvalid, csrf_matches
from kpilot.errors import UserError
from kpilot.server.paths import local_path
from kpilot.server.runtime import Runtime
from kpilot.services.me import set_own_language
from kpilot.services.sessions import actor_for_session

router = APIRouter(include_in_schema=False)


@router.post("/language")
async def choose_language(
    request: Request,
    language: Annotated[str, Form(max_length=8)] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
    back: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    target = local_path(back)
    codec: SessionCodec = request.app.state.sessions
    try:
        claim = codec.read(request.cookies.get(COOKIE, ""))
    except SessionInvalid:
        return RedirectResponse(f"/sign-in?next={target}", status_code=303)
    if not csrf_matches(claim, csrf):  # the form's field stands for the API's X-CSRF-Token header
        return RedirectResponse(target, status_code=303)  # not the page's own form: nothing changes
    runtime: Runtime = request.app.state.runtime

    def kept() -> None:
        with runtime.store() as store:
            actor = actor_for_session(store, claim)  # the account may have been disabled since: refused then
            set_own_language(store, actor, language, now=datetime.now(UTC))

    try:
        await run_in_threadpool(kept)
    except AuthError:
        return RedirectResponse(f"/sign-in?next={target}", status_code=303)
    except UserError:  # no person to keep it with, or not a language: this page in it, if it is one
        shown = f"{target}?{urlencode({'lang': language})}" if "?" not in target else target
        return RedirectResponse(shown, status_code=303)
    return RedirectResponse(target, status_code=303)
