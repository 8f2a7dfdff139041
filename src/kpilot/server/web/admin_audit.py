"""`/admin/audit`: the audit log, newest first, PAGE_SIZE entries a page, filtered by who did it (an e-mail
address), the action, and the UTC days from and until (both included, as `kpilot audit` and the REST API take
them). Read through `services.audit.read`, which allows administrators only and records a refused read; a filter
that is not one (a day that does not exist, an unknown action) is said on the page, above an empty list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from kpilot.auth.errors import NotPermitted
from kpilot.engine.arguments import date_of
from kpilot.errors import UserError
from kpilot.i18n import Language, Message, render, text, value_text
from kpilot.server.runtime import Runtime
from kpilot.server.web.admin_pages import admins_only
from kpilot.server.web.edit_forms import refusal_page
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.audit import Action, read
from kpilot.services.permissions import Action as Permission
from kpilot.store.audit import AuditEntry

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
ACTIONS = tuple(action.value for action in Action)
FILTERS = ("actor", "action", "since", "until")


@dataclass(frozen=True)
class EntryRow:
    at: str
    actor: str
    action: str
    target: str
    outcome: str  # succeeded or refused (a code: the page says it in words)
    details: str  # the entry's details, as `key: value` pairs (data: shown as recorded, in no language)
    data_actor: bool = True  # the actor is an address (data), not the words for who it was


@router.get("/admin/audit")
async def admin_audit(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    refused = admins_only(request, reader, Permission.READ_AUDIT)
    if refused is not None:
        return refused
    query = request.query_params
    filters = {name: query.get(name, "").strip()[:320] for name in FILTERS}
    number = int(query["page"]) if query.get("page", "").isdigit() and int(query["page"]) > 0 else 1
    return await run_in_threadpool(_page, request, reader, filters, number)


def _page(request: Request, reader: Reader, filters: dict[str, str], number: int) -> HTMLResponse:
    runtime: Runtime = request.app.state.runtime
    problem = None
    entries: tuple[AuditEntry, ...] = ()
    try:
        action = filters["action"] or None
        if action is not None and action not in ACTIONS:
            raise UserError(Message("web.admin.audit.unknown_action", action=action), field="action")
        since, until = date_of(filters["since"] or None, "since"), date_of(filters["until"] or None, "until")
        with runtime.store() as store:
            entries = read(
                store, reader.actor, now=datetime.now(UTC), since=_moment(since), until=_moment(until, after=True),
                by=filters["actor"] or None, action=action,
            )  # fmt: skip
    except NotPermitted as error:
        return refusal_page(request, reader, "web.admin.admins_only", error=error)
    except UserError as error:
        problem = render(error.message, reader.language)
    newest = entries[::-1]
    pages = max(1, -(-len(newest) // PAGE_SIZE))
    number = min(number, pages)
    shown = [_row(entry, reader.language) for entry in newest[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]]
    kept = {name: value for name, value in filters.items() if value}
    links = {
        "previous": _link(kept, number - 1) if number > 1 else None,
        "next": _link(kept, number + 1) if number < pages else None,
    }
    return signed_page(
        request, "admin_audit.html", reader, entries=shown, filters=filters, actions=ACTIONS, problem=problem,
        number=number, pages=pages, total=len(newest), links=links,
    )  # fmt: skip


def _link(filters: dict[str, str], number: int) -> str:
    return f"/admin/audit?{urlencode(filters | {'page': str(number)})}"


def _moment(day: date | None, *, after: bool = False) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1) if after else day, time(), tzinfo=UTC)


def _row(entry: AuditEntry, language: Language) -> EntryRow:
    return EntryRow(
        value_text(entry.at, language),
        entry.actor_email or text(f"web.admin.audit.kind.{entry.actor_kind.value}", language),
        entry.action,
        entry.target or "",
        entry.outcome.value,
        "; ".join(f"{key}: {_plain(value)}" for key, value in entry.details.items() if value not in ([], {}, None)),
        entry.actor_email is not None,
    )


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return str(value)
