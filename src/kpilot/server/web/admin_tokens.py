"""`/admin/tokens`: every account's API tokens (never a secret), a form that makes one (`POST /admin/tokens`: its
secret is shown on the answer's page once, never again, and the page is not kept by the browser's cache) and a
button that revokes one (`POST /admin/tokens/revoke`). Through `services.tokens`, which decides and audits exactly
as for the REST API and `kpilot tokens`. Administrators only on this page (an account's own tokens are for the
command line and the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpilot.auth.errors import NotPermitted
from kpilot.auth.tokens import DEFAULT_DAYS, MAX_DAYS, expiry
from kpilot.errors import UserError
from kpilot.i18n import Language, render, value_text
from kpilot.server.runtime import Runtime
from kpilot.server.web.admin_pages import admins_only
from kpilot.server.web.edit_forms import form_reader, refusal_page
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.permissions import Action
from kpilot.services.tokens import CreatedToken, TokenView, create_token, list_tokens, revoke_token

router = APIRouter(include_in_schema=False)
SCOPES = ("read", "write")  # what this form offers; `ingest:SOURCE` tokens are made with `kpilot tokens create`


@dataclass(frozen=True)
class TokenRow:
    lookup: str
    email: str
    name: str
    scopes: tuple[str, ...]
    created: str
    expires: str
    last_used: str
    status: str  # active, expired, revoked (a code: the page says it in words)


@dataclass(frozen=True)
class Made:
    """What the page says after an action: a new token's secret (shown this once), or the one revoked."""

    secret: str = ""
    name: str = ""
    revoked: str = ""
    problem: str = ""


@router.get("/admin/tokens")
async def admin_tokens(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    made = Made(revoked=request.query_params.get("revoked", "")[:16])
    return await run_in_threadpool(_page, request, reader, made, 200)


@router.post("/admin/tokens")
async def make_token(request: Request) -> Response:
    fields = await request.form()
    reader = await form_reader(request, str(fields.get("csrf") or ""), "/admin/tokens")
    if not isinstance(reader, Reader):
        return reader
    refused = admins_only(request, reader, Action.MANAGE_ACCOUNTS)
    if refused is not None:
        return refused
    email = str(fields.get("email") or "").strip()[:320] or reader.who
    name = str(fields.get("name") or "")[:200]
    scopes = [value for value in fields.getlist("scopes") if isinstance(value, str) and value in SCOPES]
    days = _days(str(fields.get("days") or ""))
    runtime: Runtime = request.app.state.runtime

    def make() -> CreatedToken:
        now = datetime.now(UTC)
        with runtime.workspace() as workspace:
            expires_at = expiry(f"{days}d", now, workspace.settings.timezone)
        with runtime.store() as store:
            return create_token(store, reader.actor, email, name, scopes, expires_at=expires_at, now=now)

    try:
        made = await run_in_threadpool(make)
    except NotPermitted as error:
        return refusal_page(request, reader, "web.admin.admins_only", error=error)
    except UserError as error:  # no name, no scope, an unknown account: said on the page, nothing made
        said = Made(problem=render(error.message, reader.language))
        return await run_in_threadpool(_page, request, reader, said, 422)
    return await run_in_threadpool(_page, request, reader, Made(secret=made.raw, name=made.view.token.name), 201)


@router.post("/admin/tokens/revoke")
async def revoke(request: Request) -> Response:
    fields = await request.form()
    reader = await form_reader(request, str(fields.get("csrf") or ""), "/admin/tokens")
    if not isinstance(reader, Reader):
        return reader
    lookup = str(fields.get("token") or "").strip()[:16]
    runtime: Runtime = request.app.state.runtime

    def revoked() -> TokenView:
        with runtime.store() as store:
            return revoke_token(store, reader.actor, lookup, now=datetime.now(UTC))

    try:
        await run_in_threadpool(revoked)
    except NotPermitted as error:
        return refusal_page(request, reader, "web.admin.admins_only", error=error)
    except UserError as error:  # unknown, or revoked already
        return await run_in_threadpool(
            _page, request, reader, Made(problem=render(error.message, reader.language)), 422
        )
    return RedirectResponse(f"/admin/tokens?{urlencode({'revoked': lookup})}", status_code=303)


def _page(request: Request, reader: Reader, made: Made, status: int) -> HTMLResponse:
    refused = admins_only(request, reader, Action.MANAGE_ACCOUNTS)
    if refused is not None:
        return refused
    runtime: Runtime = request.app.state.runtime
    try:
        with runtime.store() as store:
            found = list_tokens(store, reader.actor, now=datetime.now(UTC))
    except NotPermitted as error:
        return refusal_page(request, reader, "web.admin.admins_only", error=error)
    rows = [_row(view, reader.language) for view in found]
    return signed_page(
        request, "admin_tokens.html", reader, status, tokens=rows, made=made, scopes=SCOPES,
        default_days=DEFAULT_DAYS, max_days=MAX_DAYS,
    )  # fmt: skip


def _row(view: TokenView, language: Language) -> TokenRow:
    token = view.token
    return TokenRow(
        token.lookup,
        view.email,
        token.name,
        token.scopes,
        value_text(token.created_at, language),
        value_text(token.expires_at, language),
        value_text(token.last_used_at, language) if token.last_used_at else "",
        view.status.value,
    )


def _days(typed: str) -> int:
    """The days a new token is valid: as typed when it is a whole number the service allows, else the default."""
    return int(typed) if typed.isdigit() and 1 <= int(typed) <= MAX_DAYS else DEFAULT_DAYS
