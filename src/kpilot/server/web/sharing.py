"""Share links on the web (docs/dashboard.md#sharing-and-embedding): `/shares` (a signed-in person's links, the form
that makes one, the buttons that revoke them) and `/s/{token}` (what a link shows, to anyone holding it, signed out;
`?embed=1` for an iframe, the one answer other sites may frame), with its exports under `/s/{token}/export.*`.

Making and revoking are the service's (services.sharing: permission-checked and audited), from forms that carry the
session's CSRF token. A link that was never made here (forged, altered) is a 404 page; one that expired, was
revoked, or whose creator may no longer sign in, a 410 page that says which. The time is the app's clock
(`app.state.share_clock`, a callable; the system's UTC time when unset), so that tests can move it."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from kpilot.errors import UserError
from kpilot.i18n import Language, render, text
from kpilot.server.language import request_language
from kpilot.server.problems import status_of
from kpilot.server.runtime import Runtime
from kpilot.server.secret import secret_key
from kpilot.server.web.export_answers import File
from kpilot.server.web.framing import embeddable
from kpilot.server.web.share_view import LinkBroken, Shown, shared_file, shared_page
from kpilot.server.web.templates import page
from kpilot.services.sharing import MAX_DAYS, OpenedShare, ShareCodec, ShareGone, ShareUnknown, open_share

router = APIRouter(include_in_schema=False)
CLOCK = "share_clock"
MAX_DAYS_VARIABLE = "KPILOT_SHARE_MAX_DAYS"  # the longest a link may work, in days (default: services.sharing)


def now(request: Request) -> datetime:
    clock: Callable[[], datetime] | None = getattr(request.app.state, CLOCK, None)
    return clock() if clock is not None else datetime.now(UTC)


def max_days() -> int:
    given = os.environ.get(MAX_DAYS_VARIABLE, "").strip()
    return int(given) if given.isdigit() and int(given) > 0 else MAX_DAYS


def codec(request: Request) -> ShareCodec:
    """The app's signer of links, with the server's secret (made once an app)."""
    found: ShareCodec | None = getattr(request.app.state, "share_codec", None)
    if found is None:
        runtime: Runtime = request.app.state.runtime
        found = ShareCodec(secret_key(runtime.root))
        request.app.state.share_codec = found
    return found


@router.get("/s/{token}")
async def shared(request: Request, token: str, embed: str = "") -> Response:
    """What the link shows; every query parameter but `lang` and `embed` is ignored (the filters are locked)."""
    language = request_language(request)
    framed = embed == "1"
    opened = await _opened(request, token, language, framed)
    if not isinstance(opened, OpenedShare):
        return opened
    runtime: Runtime = request.app.state.runtime
    try:
        shown: Shown = await run_in_threadpool(shared_page, runtime, opened, language, f"/s/{token}")
    except ShareUnknown:
        return unknown(request, language, framed)
    except UserError as error:  # the filters no longer apply, the KPI or the board is no longer the creator's
        if status_of(error) >= 500:  # the store or the warehouse is down: not the link's fault
            raise
        return gone(request, language, "web.share.broken", render(error.message, language), framed)
    answer = page(request, shown.template, language, embed=framed, **shown.context)
    _private(answer, framed)
    return answer


@router.get("/s/{token}/export.{kind}")
async def shared_export(request: Request, token: str, kind: str) -> Response:
    """The link's numbers as a file (a KPI: csv, xlsx, png, svg; a board: pdf, csv, xlsx)."""
    language = request_language(request)
    opened = await _opened(request, token, language, False)
    if not isinstance(opened, OpenedShare):
        return opened
    runtime: Runtime = request.app.state.runtime
    try:
        found: File = await run_in_threadpool(shared_file, runtime, opened, kind, language)
    except LinkBroken as error:
        return gone(request, language, "web.share.broken", render(error.message, language), False)
    except (
        UserError
    ) as error:  # a format not offered, a board gone: nothing to tell a visitor but that there is no file
        if status_of(error) >= 500:
            raise
        return unknown(request, language, False)
    answer = found.response()
    answer.headers["Referrer-Policy"] = "no-referrer"
    return answer


async def _opened(request: Request, token: str, language: Language, framed: bool) -> OpenedShare | Response:
    link_id = codec(request).link_id(token)
    if link_id is None:
        return unknown(request, language, framed)
    runtime: Runtime = request.app.state.runtime
    moment = now(request)

    def opening() -> OpenedShare:
        with runtime.store() as store:
            return open_share(store, link_id, now=moment)

    try:
        return await run_in_threadpool(opening)
    except ShareGone as error:
        return gone(request, language, "web.share.gone", render(error.message, language), framed)
    except ShareUnknown:
        return unknown(request, language, framed)


def unknown(request: Request, language: Language, framed: bool) -> HTMLResponse:
    words = text("web.share.unknown_text", language)
    answer = page(request, "share_gone.html", language, 404, heading="web.share.unknown", reason=words, embed=framed)
    _private(answer, framed)
    return answer


def gone(request: Request, language: Language, heading: str, reason: str, framed: bool) -> HTMLResponse:
    answer = page(request, "share_gone.html", language, 410, heading=heading, reason=reason, embed=framed)
    _private(answer, framed)
    return answer


def _private(answer: Response, framed: bool) -> None:
    """A link's page is seen by whoever holds the link: never indexed, never sent on as a referrer; framed by other
    sites only as `?embed=1`."""
    answer.headers["Referrer-Policy"] = "no-referrer"
    answer.headers["X-Robots-Tag"] = "noindex"
    if framed:
        answer.headers.update(embeddable())
