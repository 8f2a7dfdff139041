"""Setting and removing the session cookies (docs/accounts.md#sessions), the same for a password sign-in and an
OpenID Connect one."""

from __future__ import annotations

from fastapi import Request, Response

from kpilot.auth.sessions import COOKIE, CSRF_COOKIE, MAX_AGE


def set_session(response: Response, request: Request, cookie: str, csrf: str) -> None:
    secure = request.url.scheme == "https"
    seconds = int(MAX_AGE.total_seconds())
    response.set_cookie(COOKIE, cookie, max_age=seconds, httponly=True, samesite="lax", secure=secure, path="/")
    # Readable by the page's own scripts (not HttpOnly), so that they can send it back as X-CSRF-Token.
    response.set_cookie(CSRF_COOKIE, csrf, max_age=seconds, samesite="lax", secure=secure, path="/")


def end_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
