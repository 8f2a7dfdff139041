"""`/bonus/admin`: the plan admin's page (docs/dashboard.md#bonus-pages), for those who run or approve bonuses
(RUN_BONUS or APPROVE_BONUS, both with the `compensation` permission: services.bonus_views decides, anyone else
is a 403 page).
Each plan with a form to run a period, its runs with their status and the buttons of the next step (submit, approve,
send back, pay; the payroll CSV of a paid run), closing a paid period, and the open disputes to accept or reject.

Every button is a form that posts the session's CSRF token (server.web.edit_forms) to a route that calls the service
(services.bonus_runs, services.bonus_workflow), which checks who may and every rule; a refusal comes back on this
page in the reader's words, nothing written. Done, the page comes back with what was done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kpilot.errors import UserError
from kpilot.i18n import Language, Message, render, text, value_text
from kpilot.i18n.numbers import fixed, money
from kpilot.incentives.errors import BonusNotFound
from kpilot.server.problems import status_of
from kpilot.server.runtime import Runtime
from kpilot.server.web.edit_forms import form_reader, refusal_page
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services import bonus_workflow as workflow
from kpilot.services.bonus_refusals import as_bonus_refusals
from kpilot.services.bonus_runs import run_plan
from kpilot.services.bonus_views import PlanAdmin, administered
from kpilot.services.permissions import PermissionDenied
from kpilot.store.bonus import RunStatus

router = APIRouter(include_in_schema=False)
PAGE = "/bonus/admin"
FIELD_LENGTH = 200
RESOLUTION_LENGTH = 4000
# A run's next steps by its status: (the action's path part, who may: "run" or "approve").
STEPS = {
    RunStatus.DRAFT: (("submit", "run"),),
    RunStatus.REVIEW: (("approve", "approve"), ("send-back", "approve")),
    RunStatus.APPROVED: (("pay", "approve"),),
    RunStatus.PAID: (),
}
ACTIONS = {"submit": workflow.submit, "approve": workflow.approve, "send-back": workflow.send_back}


@dataclass(frozen=True)
class RunRow:
    id: int
    period: str
    status: str
    started: str  # by whom, when
    approvals: str  # "1 of 2"
    steps: tuple[str, ...]  # the actions offered
    payroll: str  # the CSV's address, for a paid run ("" else)


@dataclass(frozen=True)
class DisputeRow:
    id: int
    person: str
    line: str  # component and period
    amount: str
    reason: str


@dataclass(frozen=True)
class PlanBlock:
    name: str
    title: str
    runnable: tuple[str, ...]  # the periods a run may be asked for (not closed)
    closable: tuple[str, ...]  # paid, not closed yet
    locked: tuple[str, ...]
    runs: tuple[RunRow, ...]
    disputes: tuple[DisputeRow, ...]
    may_run: bool
    may_approve: bool


@router.get(PAGE)
async def admin_page(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    done = request.query_params.get("done", "")[:FIELD_LENGTH]
    return await run_in_threadpool(_page, request, reader, done, "", 200)


@router.post(PAGE + "/run")
async def run(request: Request) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        plan, period = _field(fields, "plan"), _field(fields, "period")
        with runtime.workspace() as workspace, runtime.store() as store:
            outcome = run_plan(store, reader.actor, workspace, plan, period, now=_now())
        return f"run:{outcome.run.id}"

    return await _acted(request, fields, act)


@router.post(PAGE + "/runs/{run_id}/{step}")
async def step(request: Request, run_id: int, step: str) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        with runtime.workspace() as workspace, runtime.store() as store:
            if step == "pay":
                workflow.pay(store, reader.actor, workspace, run_id, now=_now())
            elif step in ACTIONS:
                ACTIONS[step](store, reader.actor, workspace, run_id, now=_now())
            else:
                raise BonusNotFound(Message("web.bonus.admin.unknown_step", step=step), field="step")
        return f"{step}:{run_id}"

    return await _acted(request, fields, act)


@router.post(PAGE + "/close")
async def close(request: Request) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        plan, period = _field(fields, "plan"), _field(fields, "period")
        with runtime.workspace() as workspace, runtime.store() as store:
            workflow.close(store, reader.actor, workspace, plan, period, now=_now())
        return f"close:{period}"

    return await _acted(request, fields, act)


@router.post(PAGE + "/disputes/{dispute_id}/resolve")
async def resolve(request: Request, dispute_id: int) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        accepted = _field(fields, "decision") == "accept"
        resolution = str(fields.get("resolution") or "")[: RESOLUTION_LENGTH + 1]
        with runtime.workspace() as workspace, runtime.store() as store:
            workflow.resolve(store, reader.actor, workspace, dispute_id, accepted, resolution, now=_now())
        return f"resolve:{dispute_id}"

    return await _acted(request, fields, act)


async def _acted(request: Request, fields: Any, act: Any) -> Response:
    reader = await form_reader(request, str(fields.get("csrf") or ""), PAGE)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def acting() -> str:
        with as_bonus_refusals():
            done: str = act(runtime, reader)
        return done

    try:
        done = await run_in_threadpool(acting)
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.bonus.not_allowed", error=error, status_code=403)
    except UserError as error:
        said = render(error.message, reader.language)
        problem = f"{said} {render(error.hint, reader.language)}" if error.hint is not None else said
        return await run_in_threadpool(_page, request, reader, "", problem, status_of(error))
    return RedirectResponse(f"{PAGE}?{urlencode({'done': done})}", status_code=303)


def _page(request: Request, reader: Reader, done: str, problem: str, status: int) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        with runtime.workspace() as workspace, runtime.store() as store:
            found = administered(store, reader.actor, workspace)
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.bonus.not_allowed", error=error, status_code=403)
    blocks = tuple(_block(plan, reader.language) for plan in found)
    action, _, target = done.partition(":")
    code = f"web.bonus.admin.done.{action.replace('-', '_')}"
    done_words = text(code, reader.language, what=target) if action in DONE else ""
    return signed_page(request, "bonus/admin.html", reader, status, plans=blocks, done=done_words, problem=problem)


DONE = frozenset({"run", "submit", "approve", "send-back", "pay", "close", "resolve"})


def _block(found: PlanAdmin, language: Language) -> PlanBlock:
    paid = {run.period for run in found.runs if run.status is RunStatus.PAID}
    runs = tuple(
        RunRow(
            id=run.id,
            period=run.period,
            status=text(f"store.bonus.status.{run.status.value}", language),
            started=text(
                "web.bonus.admin.started", language, who=run.started_by, at=value_text(run.started_at, language)
            ),
            approvals=text(
                "web.bonus.admin.approvals_count", language, count=len(run.approvals), needed=run.approvals_needed
            ),
            steps=tuple(
                action for action, who in STEPS[run.status] if (found.may_run if who == "run" else found.may_approve)
            ),
            payroll=f"/api/v1/bonus/runs/{run.id}/payroll.csv"
            if run.status is RunStatus.PAID and found.may_run
            else "",
        )
        for run in found.runs
    )
    disputes = tuple(
        DisputeRow(
            item.dispute.id,
            item.person.name,
            f"{item.line.component} · {item.line.period}",
            money(fixed(item.line.amount, 2, language), item.line.currency, language),
            item.dispute.reason,
        )
        for item in found.disputes
    )
    return PlanBlock(
        name=found.plan.name,
        title=found.plan.title,
        runnable=tuple(period for period in found.plan.periods if period not in found.locked),
        closable=tuple(period for period in found.plan.periods if period in paid and period not in found.locked),
        locked=found.locked,
        runs=runs,
        disputes=disputes,
        may_run=found.may_run,
        may_approve=found.may_approve,
    )


def _field(fields: Any, name: str) -> str:
    return str(fields.get(name) or "").strip()[:FIELD_LENGTH]


def _now() -> datetime:
    return datetime.now(UTC)
