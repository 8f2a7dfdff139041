"""`/admin/accounts`: every account with its roles, permissions and state, and each account's roles changed with a
form (`POST /admin/accounts/roles`: the roles ticked replace the account's, through `services.accounts.set_roles`,
audited as `account.roles_set`). Administrators only: the service layer refuses anyone else (and records it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpilot.auth.actor import Role
from kpilot.auth.errors import NotPermitted
from kpilot.errors import UserError
from kpilot.i18n import render, value_text
from kpilot.server.runtime import Runtime
from kpilot.server.web.admin_pages import admins_only
from kpilot.server.web.edit_forms import form_reader, refusal_page
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.accounts import list_accounts, set_roles
from kpilot.services.permissions import Action

router = APIRouter(include_in_schema=False)
ROLES = tuple(role.value for role in Role)


@dataclass(frozen=True)
class AccountRow:
    email: str
    person: str
    roles: tuple[str, ...]
    permissions: tuple[str, ...]
    disabled: str  # when it was disabled, as shown; empty while it may sign in


@router.get("/admin/accounts")
async def admin_accounts(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    changed = request.query_params.get("changed", "")[:320]
    return await run_in_threadpool(_page, request, reader, changed, None, 200)


@router.post("/admin/accounts/roles")
async def change_roles(request: Request) -> Response:
    fields = await request.form()
    reader = await form_reader(request, str(fields.get("csrf") or ""), "/admin/accounts")
    if not isinstance(reader, Reader):
        return reader
    email = str(fields.get("email") or "").strip()[:320]
    wanted = [Role(value) for value in fields.getlist("roles") if isinstance(value, str) and value in ROLES]
    runtime: Runtime = request.app.state.runtime

    def change() -> None:
        with runtime.store() as store:
            set_roles(store, reader.actor, email, wanted, now=datetime.now(UTC))

    try:
        await run_in_threadpool(change)
    except NotPermitted as error:
        return refusal_page(request, reader, "web.admin.admins_only", error=error)
    except UserError as error:  # no role ticked, an unknown account: said on the page, nothing changed
        return await run_in_threadpool(_page, request, reader, "", render(error.message, reader.language), 422)
    return RedirectResponse(f"/admin/accounts?{urlencode({'changed': email})}", status_code=303)


def _page(request: Request, reader: Reader, changed: str, problem: str | None, status: int) -> HTMLResponse:
    refused = admins_only(request, reader, Action.MANAGE_ACCOUNTS)
    if refused is not None:
        return refused
    runtime: Runtime = request.app.state.runtime
    try:
        with runtime.store() as store:
            accounts = list_accounts(store, reader.actor, now=datetime.now(UTC))
    except NotPermitted as error:
        return refusal_page(request, reader, "web.admin.admins_only", error=error)
    rows = [
        AccountRow(
            view.account.email,
            view.person or "",
            view.account.roles,
            view.account.permissions,
            value_text(view.account.disabled_at, reader.language) if view.account.disabled_at else "",
        )
        for view in accounts
    ]
    return signed_page(
        request, "admin_accounts.html", reader, status, accounts=rows, roles=ROLES, changed=changed, problem=problem
    )
