"""`/sign-in` and `/sign-out`: the page that opens a browser session with an e-mail address and a password, through
the same service as `POST /api/v1/session` (services.sessions), and the button that ends it.

The form carries a token of its own, also set as a cookie (double submit), so that another site cannot sign a
visitor in to an account of its choosing ("login CSRF"); signing out needs the session's CSRF token, sent by the
page's form as a field. A refused sign-in shows the service's words, never which of the address or the password
was wrong (services.sign_in says neither). When the workspace signs in through an OpenID Connect provider
(`oidc:` in kpilot.yaml), the page also offers it, with the same destination."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kpilot.auth.sessions import COOKIE, SessionCodec, SessionInvalid, csrf_matches
from kpilot.errors import UserError
from kpilot.i18n import render
from kpilot.server.cookies import end_session, set_session
from kpilot.server.language import request_language
from kpilot.server.paths import local_path
from kpilot.server.runtime import Runtime
from kpilot.server.web.templates import page
from kpilot.services.sessions import open_session

router = APIRouter(include_in_schema=False)
FORM_COOKIE = "kpilot_sign_in"  # the sign-in form's own token (double submit)


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/") -> Response:
    return _form(request, local_path(next))


@router.post("/sign-in")
async def sign_in(
    request: Request,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    form_token: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    expected = request.cookies.get(FORM_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, form_token):
        return _form(request, local_path(next), problem="web.sign_in.expired", email=email, status_code=400)
    runtime: Runtime = request.app.state.runtime
    codec: SessionCodec = request.app.state.sessions
    client = request.client.host if request.client else None

    def opened() -> tuple[str, str]:
        with runtime.store() as store:
            _, cookie, claim = open_session(store, codec, email, password, now=datetime.now(UTC), client=client)
        return cookie, claim.csrf

    try:
        cookie, csrf = await run_in_threadpool(opened)
    except UserError as error:
        words = render(error.message, request_language(request))
        return _form(request, local_path(next), problem_words=words, email=email, status_code=401)
    response = RedirectResponse(local_path(next), status_code=303)
    set_session(response, request, cookie, csrf)
    response.delete_cookie(FORM_COOKIE, path="/sign-in")
    return response


@router.post("/sign-out")
def sign_out(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    codec: SessionCodec = request.app.state.sessions
    cookie = request.cookies.get(COOKIE)
    response = RedirectResponse("/sign-in", status_code=303)
    if cookie:
        try:
            claim = codec.read(cookie)
        except SessionInvalid:
            claim = None
        if claim is not None and not csrf_matches(claim, csrf):
            return RedirectResponse("/", status_code=303)  # not the page's own form: nothing ends
    end_session(response)
    return response


def _form(
    request: Request,
    next: str,
    *,
    problem: str | None = None,
    problem_words: str | None = None,
    email: str = "",
    status_code: int = 200,
) -> Response:
    token = secrets.token_urlsafe(32)
    offered = getattr(request.app.state, "oidc", False)
    provider = f"/auth/oidc/login?{urlencode({'next': next})}" if offered else None
    response = page(
        request,
        "sign_in.html",
        request_language(request),
        status_code=status_code,
        form_token=token,
        next=next,
        email=email,
        problem=problem,
        problem_words=problem_words,
        provider=provider,
    )
    secure = request.url.scheme == "https"
    response.set_cookie(FORM_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/sign-in")
    return response
