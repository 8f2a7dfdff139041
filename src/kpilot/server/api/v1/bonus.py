"""`/api/v1/bonus`: bonus plans, their runs and workflow, statements, disputes and the payroll export
(docs/api.md, "Bonuses"; the rules in docs/bonus.md). Every route calls the service layer, which decides who may:
a statement is the person's, their managers' and compensation holders' only (services.bonus_statements); running,
approving, paying, closing and resolving need RUN_BONUS or APPROVE_BONUS with the `compensation` permission.

Runs, statements, lines and disputes are answered in the one shape of `services.bonus_data` (what `kpilot bonus ...
--format json` prints): money as decimal text, never a JSON number that a client would read as a float."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.services import bonus_workflow as workflow
from kpilot.services.bonus_data import (
    dispute_data,
    line_data,
    run_data,
    run_summary,
    simulation_data,
    statement_data,
)
from kpilot.services.bonus_refusals import as_bonus_refusals
from kpilot.services.bonus_runs import run_plan
from kpilot.services.bonus_simulate import simulate
from kpilot.services.bonus_statements import statement
from kpilot.services.bonus_views import plan_admin, plans
from kpilot.store.models import DISPUTE_REASON_LENGTH, EMAIL_LENGTH, NAME_LENGTH

router = APIRouter(prefix="/bonus", tags=["bonus"])

MAX_ID = 2**31 - 1  # the store's integer keys (a larger one could not even be looked up)
PERIOD_LENGTH = 32  # `2026-Q3`, `2026-10`: far longer than any period's name
RESOLUTION_LENGTH = 4000  # as the store keeps a resolution
PlanName = Annotated[str, Path(max_length=NAME_LENGTH, description="The plan's name.")]
PeriodName = Annotated[str, Path(max_length=PERIOD_LENGTH, description="One of the plan's periods: `2025-Q1`.")]
Email = Annotated[str, Path(max_length=EMAIL_LENGTH, description="The person's e-mail address.")]
RunId = Annotated[int, Path(ge=1, le=MAX_ID, description="The run's id.")]
LineId = Annotated[int, Path(ge=1, le=MAX_ID, description="The ledger line's id (a statement line's `lines`).")]
DisputeId = Annotated[int, Path(ge=1, le=MAX_ID, description="The dispute's id.")]
CSV_MEDIA = "text/csv; charset=utf-8"


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Annotated[str, Field(max_length=PERIOD_LENGTH, description="The period to run: `2025-Q1`.")]


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(max_length=DISPUTE_REASON_LENGTH, description="Why the line is wrong, in words.")]


class ResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accepted: bool = Field(description="true accepts the dispute, false rejects it.")
    resolution: Annotated[str, Field(max_length=RESOLUTION_LENGTH, description="What was decided, in words.")]


def now() -> datetime:
    """The moment a request acts at: the clock's (tests may set it)."""
    return datetime.now(UTC)


# --- plans and runs -------------------------------------------------------------------------------------------
@router.get("/plans", summary="Every bonus plan: name, title, currency and periods")
def list_plans(actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        found = plans(store, actor, workspace)
    return {
        "plans": [{"name": p.name, "title": p.title, "currency": p.currency, "periods": list(p.periods)} for p in found]
    }


@router.get("/plans/{plan}/runs", summary="A plan's runs, newest first, and its closed periods")
def list_runs(plan: PlanName, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        found = plan_admin(store, actor, workspace, plan)
    return {
        "plan": found.plan.name,
        "runs": [run_summary(run) for run in found.runs],
        "locked": list(found.locked),
        "disputes": [dispute_data(item.dispute) for item in found.disputes],
    }


@router.post("/plans/{plan}/runs", status_code=201, summary="Run a plan's period: compute it and post to the ledger")
def new_run(plan: PlanName, body: RunIn, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    moment = now()
    with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
        outcome = run_plan(
            store, actor, workspace, plan, body.period, now=moment, today=workspace.calendar.today(moment)
        )
    return run_data(outcome)


@router.get("/plans/{plan}/simulation", summary="Replay a plan over its year: cost, accrual, spread, fairness")
def simulation(
    plan: PlanName,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    year: Annotated[int | None, Query(ge=1900, le=9999, description="Another (fiscal) year to replay it over.")] = None,
    what_if: Annotated[
        str | None, Query(max_length=64, description="A scenario: `revenue+10%`, `win_rate-5%` or `threshold=85%`.")
    ] = None,
) -> dict[str, Any]:
    moment = now()
    with runtime.workspace() as workspace, runtime.store() as store:
        found = simulate(
            store, actor, workspace, plan, year=year, scenario=what_if, today=workspace.calendar.today(moment)
        )
    return simulation_data(found)


@router.post("/plans/{plan}/periods/{period}/close", summary="Close (lock) a paid period for good")
def close_period(plan: PlanName, period: PeriodName, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
        lock = workflow.close(store, actor, workspace, plan, period, now=now())
    return {
        "plan": lock.plan,
        "period": lock.period,
        "locked_at": lock.locked_at.isoformat(),
        "locked_by": lock.locked_by,
    }


# --- the workflow ---------------------------------------------------------------------------------------------
@router.post("/runs/{run_id}/submit", summary="Submit a draft run for review")
def submit(run_id: RunId, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
        return run_summary(workflow.submit(store, actor, workspace, run_id, now=now()))


@router.post("/runs/{run_id}/approve", summary="Approve a run in review (by someone other than its runner)")
def approve(run_id: RunId, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
        return run_summary(workflow.approve(store, actor, workspace, run_id, now=now()))


@router.post("/runs/{run_id}/send-back", summary="Send a run in review back to draft (its approvals are cleared)")
def send_back(run_id: RunId, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
        return run_summary(workflow.send_back(store, actor, workspace, run_id, now=now()))


@router.post("/runs/{run_id}/pay", summary="Mark an approved run paid: one paid line per person for what is payable")
def pay(run_id: RunId, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
        run, paid = workflow.pay(store, actor, workspace, run_id, now=now())
    return {"run": run_summary(run), "paid": [line_data(line) for line in paid]}


@router.get(
    "/runs/{run_id}/payroll.csv",
    summary="A paid run's payroll export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def payroll(run_id: RunId, actor: CurrentActor, runtime: CurrentRuntime) -> Response:
    with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
        rows = workflow.payroll(store, actor, workspace, run_id, now=now())
    return Response(
        workflow.payroll_csv(rows),
        media_type=CSV_MEDIA,
        headers={
            "Content-Disposition": f'attachment; filename="payroll-run-{run_id}.csv"',
            "Cache-Control": "no-store",
        },
    )


# --- statements and disputes ----------------------------------------------------------------------------------
@router.get("/statements/{plan}/{period}/{email}", summary="One person's statement for one period of a plan")
def read_statement(
    plan: PlanName, period: PeriodName, email: Email, actor: CurrentActor, runtime: CurrentRuntime
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        return statement_data(statement(store, actor, workspace, plan, email, period, now=now()))


@router.post("/lines/{line_id}/disputes", status_code=201, summary="Dispute a line of one's own statement")
def new_dispute(line_id: LineId, body: DisputeIn, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
        return dispute_data(workflow.dispute(store, actor, workspace, line_id, body.reason, now=now()))


@router.post("/disputes/{dispute_id}/resolve", summary="Accept or reject an open dispute, with a resolution")
def resolve(dispute_id: DisputeId, body: ResolutionIn, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store, as_bonus_refusals():
        found = workflow.resolve(store, actor, workspace, dispute_id, body.accepted, body.resolution, now=now())
    return dispute_data(found)
