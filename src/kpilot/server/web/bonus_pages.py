"""The bonus pages of a person and a manager (docs/dashboard.md#bonus-pages): `/bonus`, the signed-in person's own
statements (the plans and periods they have lines in, the one picked shown in full); `/bonus/{plan}/{period}/{email}`,
one statement anyone can follow (each component's KPI value, target, attainment, the point on the curve, gates,
proration, the amount, adjustments with their reason and before and after, totals, what the next 1 % is worth, the
KPI's page), with a form to dispute a line for the person it is about; `/bonus/team`, a manager's reports'
statements for a period.

Who may read what is the service layer's (services.bonus_views, services.bonus_statements: the person, their
managers, compensation holders; every read audited): a statement someone may not read is a 403 page, an unknown plan,
period or person a 404 page, in the reader's language. The pages need no JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kpilot.auth.errors import NotPermitted
from kpilot.errors import UserError
from kpilot.incentives.errors import BonusNotFound
from kpilot.server.runtime import Runtime
from kpilot.server.web.bonus_statement_view import statement_view
from kpilot.server.web.edit_forms import form_reader, refusal_page
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.bonus_refusals import as_bonus_refusals
from kpilot.services.bonus_statements import statement
from kpilot.services.bonus_views import StatementRef, may_dispute, my_statements, team_view
from kpilot.services.bonus_workflow import dispute

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
FIELD_LENGTH = 200
REASON_LENGTH = 2000  # as the store keeps a dispute's reason


def statement_path(plan: str, period: str, email: str) -> str:
    return "/bonus/" + "/".join(quote(part, safe="@") for part in (plan, period, email))


@router.get("/bonus")
async def my_bonus(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    wanted = (_query(request, "plan"), _query(request, "period"))
    runtime: Runtime = request.app.state.runtime

    def made() -> dict[str, Any]:
        with runtime.workspace() as workspace, runtime.store() as store:
            refs = my_statements(store, reader.actor, workspace)
            chosen = next((ref for ref in refs if (ref.plan, ref.period) == wanted), refs[0] if refs else None)
            found = None
            if chosen is not None:
                found = statement(store, reader.actor, workspace, chosen.plan, chosen.email, chosen.period, now=now())
        return {
            "choices": tuple((ref, _my_link(ref), ref == chosen) for ref in refs),
            "statement": None if found is None else statement_view(found, reader.language),
            "may_dispute": found is not None and may_dispute(reader.actor, found),
            "back": "/bonus" if chosen is None else _my_link(chosen),
        }

    return await _shown(request, reader, "bonus/mine.html", made)


@router.get("/bonus/team")
async def team_bonus(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    plan, period = _query(request, "plan"), _query(request, "period")
    runtime: Runtime = request.app.state.runtime

    def made() -> dict[str, Any]:
        with runtime.workspace() as workspace, runtime.store() as store:
            view = team_view(store, reader.actor, workspace, plan, period, now=now())
        choices = tuple(
            (ref, f"/bonus/team?{urlencode({'plan': ref.plan, 'period': ref.period})}",
             (ref.plan, ref.period) == (view.plan, view.period))
            for ref in view.choices
        )  # fmt: skip
        rows = tuple(
            (statement_view(found, reader.language), statement_path(found.plan, found.period, found.person.email))
            for found in view.statements
        )
        return {"choices": choices, "plan": view.plan, "period": view.period, "rows": rows}

    return await _shown(request, reader, "bonus/team.html", made)


@router.get("/bonus/{plan}/{period}/{email}")
async def statement_page(request: Request, plan: str, period: str, email: str) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def made() -> dict[str, Any]:
        with runtime.workspace() as workspace, runtime.store() as store:
            found = statement(store, reader.actor, workspace, plan[:FIELD_LENGTH], email[:FIELD_LENGTH],
                              period[:FIELD_LENGTH], now=now())  # fmt: skip
        return {
            "statement": statement_view(found, reader.language),
            "may_dispute": may_dispute(reader.actor, found),
            "back": statement_path(found.plan, found.period, found.person.email),
            "disputed": request.query_params.get("disputed") == "1",
        }

    return await _shown(request, reader, "bonus/statement.html", made)


@router.post("/bonus/disputes")
async def new_dispute(request: Request) -> Response:
    """A dispute of one line, from the statement's form; back to the statement (the form's `back`), which says so."""
    fields = await request.form()
    back = _local(str(fields.get("back") or "/bonus"))
    reader = await form_reader(request, str(fields.get("csrf") or ""), back)
    if not isinstance(reader, Reader):
        return reader
    line = str(fields.get("line") or "")
    reason = str(fields.get("reason") or "")[: REASON_LENGTH + 1]  # one more, so that the store refuses a long one
    runtime: Runtime = request.app.state.runtime

    def save() -> None:
        with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
            dispute(store, reader.actor, workspace, int(line) if line.isdigit() else 0, reason, now=now())

    try:
        await run_in_threadpool(save)
    except BonusNotFound as error:
        return refusal_page(request, reader, "web.bonus.not_found", error=error, status_code=404)
    except UserError as error:
        return refusal_page(request, reader, "web.bonus.dispute_refused", error=error, status_code=400)
    joiner = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{joiner}disputed=1", status_code=303)


async def _shown(request: Request, reader: Reader, template: str, made: Callable[[], dict[str, Any]]) -> Response:
    context = await shown_or_refused(request, reader, made)
    if isinstance(context, Response):
        return context
    return signed_page(request, template, reader, **context)


async def shown_or_refused(request: Request, reader: Reader, made: Callable[[], T]) -> T | Response:
    """What `made` makes (in the thread pool), or the page that says why not: an unknown plan, period or person
    404, pay data the reader may not see 403, anything else refused 422."""
    try:
        return await run_in_threadpool(made)
    except BonusNotFound as error:
        return refusal_page(request, reader, "web.bonus.not_found", error=error, status_code=404)
    except NotPermitted as error:
        return refusal_page(request, reader, "web.bonus.not_allowed", error=error, status_code=403)
    except UserError as error:
        return refusal_page(request, reader, "web.bonus.not_shown", error=error, status_code=422)


def _my_link(ref: StatementRef) -> str:
    return f"/bonus?{urlencode({'plan': ref.plan, 'period': ref.period})}"


def _query(request: Request, name: str) -> str | None:
    return request.query_params.get(name, "")[:FIELD_LENGTH].strip() or None


def _local(path: str) -> str:
    """Only a bonus page of this site to go back to (never another site's address)."""
    return path if path.startswith("/bonus") and not path.startswith("//") else "/bonus"


def now() -> datetime:
    """The moment a read or a dispute happens at (the audit log's)."""
    return datetime.now(UTC)
