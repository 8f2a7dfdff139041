"""`/api/v1/targets`: the targets of the KPIs the caller may see, and editing a KPI's targets (editors and admins).

Reads carry an `ETag`, the targets' version (a hash of the files that hold them); a write must send it back in
`If-Match`: a stale one is 412, none 428, so that two editors cannot overwrite each other. The edit goes through
`services.targets`, which decides who may, writes with the command line's atomic YAML editing and audits it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from kpilot.semantic.lookup import require_kpi
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.reading import PERIOD_PATTERN, ScopeParameter, scope_param, seen_by
from kpilot.server.schemas import ErrorEnvelope
from kpilot.services.targets import edit_targets, remove_target, target_data, targets_version

router = APIRouter(tags=["targets"])


def _error(*, description: str) -> dict[str, Any]:
    return {"model": ErrorEnvelope, "description": description}


EDIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: _error(description="If-Match is not the targets' current version"),
    428: _error(description="No If-Match: an edit must say which version it was made from"),
}


class TargetIn(BaseModel):
    """One target of the KPI, with the keys of docs/targets.md (`kpi` may be left out: it is the path's)."""

    model_config = ConfigDict(extra="forbid")

    kpi: str | None = None
    period: Annotated[str, Field(pattern=PERIOD_PATTERN)] | None = None
    every: Literal["day", "week", "month", "quarter", "year"] | None = None
    scope: dict[str, str] = Field(default_factory=dict)
    type: Literal["increase", "decrease", "above", "below", "range"] | None = None
    commit: float | None = None
    target: float | None = None
    stretch: float | None = None
    min: float | None = None
    max: float | None = None
    spread: Literal["even", "seasonal"] | None = None
    owner: str | None = None
    note: str | None = None


class TargetsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    targets: Annotated[list[TargetIn], Field(min_length=1, max_length=500)]


@router.get("/targets", summary="The targets of the KPIs the caller may see")
def list_targets(response: Response, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with seen_by(runtime, actor) as workspace:
        response.headers["ETag"] = _etag(targets_version(workspace.root))
        return {"targets": [target_data(target) for target in workspace.definitions.targets]}


@router.get("/targets/{kpi}", summary="The targets of one KPI")
def kpi_targets(kpi: str, response: Response, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with seen_by(runtime, actor) as workspace:
        found = require_kpi(workspace.definitions, kpi)  # hidden or missing: 404 alike
        response.headers["ETag"] = _etag(targets_version(workspace.root))
        targets = [target_data(target) for target in workspace.definitions.targets if target.kpi == found.name]
        return {"kpi": found.name, "targets": targets}


@router.put("/targets/{kpi}", summary="Add or replace targets of one KPI", responses=EDIT_RESPONSES)
def put_targets(
    kpi: str,
    body: TargetsIn,
    response: Response,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    if_match: Annotated[
        str | None,
        Header(alias="If-Match", description="The ETag of the targets the edit was made from (GET /api/v1/targets)."),
    ] = None,
) -> dict[str, Any]:
    entries = [item.model_dump(exclude_none=True) for item in body.targets]
    with runtime.workspace() as workspace, runtime.store() as store:
        edit = edit_targets(store, actor, workspace, kpi, entries, version=if_match, now=datetime.now(UTC))
    response.headers["ETag"] = _etag(edit.version)
    report = edit.report
    return {
        "kpi": edit.kpi,
        "changed": report.changed,
        "added": list(report.added),
        "replaced": [{"target": item.key, "before": item.before, "after": item.after} for item in report.replaced],
        "unchanged": list(report.unchanged),
    }


@router.delete("/targets/{kpi}", summary="Remove one target of one KPI", responses=EDIT_RESPONSES)
def delete_target(
    kpi: str,
    response: Response,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    period: Annotated[str | None, Query(pattern=PERIOD_PATTERN, description="The target's period.")] = None,
    every: Annotated[
        Literal["day", "week", "month", "quarter", "year"] | None,
        Query(description="The target's `every`, for a recurring target (instead of `period`)."),
    ] = None,
    scope: ScopeParameter = None,
    if_match: Annotated[
        str | None,
        Header(alias="If-Match", description="The ETag of the targets the edit was made from (GET /api/v1/targets)."),
    ] = None,
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        removal = remove_target(
            store, actor, workspace, kpi, period=period, every=every, scope=scope_param(scope) or {},
            version=if_match, now=datetime.now(UTC),
        )  # fmt: skip
    response.headers["ETag"] = _etag(removal.version)
    removed = [{"target": item.key, "before": item.before} for item in removal.report.removed]
    return {"kpi": removal.kpi, "removed": removed}


def _etag(version: str) -> str:
    return f'"{version}"'
