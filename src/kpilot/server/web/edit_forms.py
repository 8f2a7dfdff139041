"""What the pages that change something (targets, admin, share links) share: the reader of a form that changes
something, checked against the session's CSRF token sent as the form's `csrf` field, and the page that says in words
why something is refused.

A POST with the session cookie cannot go through `reader.signed_in`: the API's identity check asks such a request
for the `X-CSRF-Token` header, which a plain HTML form cannot send. So the form's field stands for the header here,
as `/language` and `/sign-out` read it, and the account is checked again by the service layer (a disabled account,
or a password changed since, ends the session)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpilot.auth.actor import Actor
from kpilot.auth.errors import AuthError
from kpilot.auth.sessions import COOKIE, CSRF_COOKIE, SessionCodec, SessionInvalid, csrf_matches
from kpilot.errors import UserError
from kpilot.i18n import render
from kpilot.server.language import ACTOR_LANGUAGE, request_language
from kpilot.server.paths import local_path
from kpilot.server.runtime import Runtime
from kpilot.server.web.reader import Reader, signed_page
from kpilot.services.permissions import NotFound
from kpilot.services.sessions import actor_for_session

Refused = Callable[[Request, Reader], Awaitable[Response]]


async def form_reader(request: Request, csrf: str, back: str, refused: Refused | None = None) -> Reader | Response:
    """The reader who sent this form, or the answer that refuses it: signed out (or the session ended), the way to
    /sign-in and back to `back`; a form without the session's token (another site's), a 403 page, nothing done
    (`refused` makes that page, else the refusal page below)."""
    target = local_path(back)
    codec: SessionCodec = request.app.state.sessions
    try:
        claim = codec.read(request.cookies.get(COOKIE, ""))
    except SessionInvalid:
        return RedirectResponse(f"/sign-in?next={target}", status_code=303)
    runtime: Runtime = request.app.state.runtime

    def checked() -> Actor:
        with runtime.store() as store:
            return actor_for_session(store, claim)

    try:
        actor = await run_in_threadpool(checked)
    except AuthError:
        return RedirectResponse(f"/sign-in?next={target}", status_code=303)
    setattr(request.state, ACTOR_LANGUAGE, actor.language)
    reader = Reader(actor, request_language(request), request.cookies.get(CSRF_COOKIE, ""))
    if not csrf_matches(claim, csrf):
        if refused is not None:
            return await refused(request, reader)
        return refusal_page(request, reader, "web.admin.form_expired", status_code=403)
    return reader


def refusal_page(
    request: Request, reader: Reader, code: str, *, error: UserError | None = None, status_code: int = 403
) -> HTMLResponse:
    """A page that says why it shows nothing: `code`'s words, and the service's own reason when there is one."""
    reason = render(error.message, reader.language) if error is not None else None
    return signed_page(request, "admin_refused.html", reader, status_code, refusal=code, reason=reason)


def not_found_page(request: Request, reader: Reader, error: NotFound | None = None) -> HTMLResponse:
    """A KPI the reader may not see, exactly as one that does not exist (the service's words say the same)."""
    return refusal_page(request, reader, "web.targets.not_found", error=error, status_code=404)
