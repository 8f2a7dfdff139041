"""`/admin` and `/admin/people`: the administrators' pages (docs/dashboard.md, "Admin pages"): an index of them,
and the organisation: people with their manager and teams today, teams with their parent and members, and every
membership with its dates.

Administrators only. The service layer decides (`services.permissions`, and each service again when it is called):
anyone else gets a 403 page that says the page is for administrators, never an empty page. The organisation is
changed by importing it (`kpilot org import`, all or nothing, audited), which these pages do not replace: they show
it. Accounts, roles and tokens are changed on their own pages (admin_accounts, admin_tokens)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from kpilot.auth.errors import NotPermitted
from kpilot.i18n import Language, value_text
from kpilot.server.runtime import Runtime
from kpilot.server.web.edit_forms import refusal_page
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.directory import directory
from kpilot.services.memberships import membership_history
from kpilot.services.permissions import Action, ensure

router = APIRouter(include_in_schema=False)
SECTIONS = (  # the admin pages, in the index's order: (path, the catalogue code of its name)
    ("/admin/people", "web.admin.people.title"),
    ("/admin/accounts", "web.admin.accounts.title"),
    ("/admin/tokens", "web.admin.tokens.title"),
    ("/admin/audit", "web.admin.audit.title"),
)


def admins_only(request: Request, reader: Reader, action: Action) -> HTMLResponse | None:
    """The 403 page for a reader the service layer does not allow `action`; None for one it does."""
    try:
        ensure(reader.actor, action)
    except NotPermitted as error:
        return refusal_page(request, reader, "web.admin.admins_only", error=error)
    return None


@router.get("/admin")
async def admin_index(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    refused = admins_only(request, reader, Action.MANAGE_ACCOUNTS)
    if refused is not None:
        return refused
    return signed_page(request, "admin_index.html", reader, sections=SECTIONS)


@dataclass(frozen=True)
class MembershipRow:
    email: str
    name: str
    team: str
    since: str
    until: str  # empty while it lasts


@router.get("/admin/people")
async def admin_people(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    refused = admins_only(request, reader, Action.MANAGE_PEOPLE)
    if refused is not None:
        return refused
    runtime: Runtime = request.app.state.runtime

    def read() -> HTMLResponse:
        with runtime.workspace() as workspace:
            today = workspace.calendar.today()
        with runtime.store() as store:
            people, teams = directory(store, reader.actor, today)
            held = membership_history(store, reader.actor)
        rows = [
            MembershipRow(
                line.email,
                line.name,
                line.team,
                _day(line.valid_from, reader.language),
                _day(line.valid_to, reader.language),
            )
            for line in held
        ]
        shown = value_text(today, reader.language)
        return signed_page(
            request, "admin_people.html", reader, people=people, teams=teams, memberships=rows, today=shown
        )

    try:
        return await run_in_threadpool(read)
    except NotPermitted as error:
        return refusal_page(request, reader, "web.admin.admins_only", error=error)


def _day(day: object, language: Language) -> str:
    return value_text(day, language) if day is not None else ""
