"""`/api/v1/okrs`: OKR cycles, their objectives, key results and alignment links, check-ins and initiatives
(docs/okrs.md). Every route calls `services.okrs`, which decides who may (reads need a token with `read`, changes
`write`; a member changes and checks in on their own OKRs only) and checks the rules, refusing a change whole.

A scored cycle is answered in the one shape of `services.okr_data` (what `kpilot okr show --format json` prints).
Numbers in bodies are JSON numbers or decimal strings, read as the decimal they are written as (`0.1` stays 0.1:
pydantic reads a JSON number through its shortest text, never through float arithmetic), and bounded so that no
value is too large to score exactly or to keep in the store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from kpilot.i18n import Message
from kpilot.okr.errors import OkrNotFound
from kpilot.okr.kinds import CycleState, Direction, KeyResultKind, Level, OwnerKind, Rollup
from kpilot.okr.scoring import Grading
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.problems import RequestProblem
from kpilot.services import okrs
from kpilot.services.okr_data import check_in_data, cycle_data, cycle_summary, decimal
from kpilot.services.okr_propose import proposal_data, propose
from kpilot.services.okrs import AlignTo, NewKeyResult, NewObjective
from kpilot.store.models import DIMENSION_LENGTH, EMAIL_LENGTH, NAME_LENGTH, VALUE_LENGTH
from kpilot.store.okrs import Alignment, KeyResult, Objective, Okrs

router = APIRouter(prefix="/okrs", tags=["okrs"])

# Ids as the store's integer keys hold them (a larger one could not even be looked up).
MAX_ID = 2**31 - 1
TEXT_LENGTH = 4000  # a description or a note, as the store keeps them
# 40 digits, 20 after the point: wide enough for any business number, small enough to score exactly and to keep as
# the store's decimal text (64 characters).
Number = Annotated[Decimal, Field(max_digits=40, decimal_places=20, allow_inf_nan=False)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
CycleName = Annotated[str, Path(max_length=NAME_LENGTH, description="The cycle's name.")]
ObjectiveId = Annotated[int, Path(ge=1, le=MAX_ID, description="The objective's id.")]
KeyResultId = Annotated[int, Path(ge=1, le=MAX_ID, description="The key result's id.")]
# The day after date.max does not exist: a cycle's last day must leave room for it.
LAST_DAY = date.max - timedelta(days=1)


class GradingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    green: Number = Field(description="A grade from here up is green (0.7 unless set).")
    yellow: Number = Field(description="A grade from here up is yellow, below it red (0.4 unless set).")


class CycleIn(BaseModel):
    """A new cycle: a period (`2026-Q1`, `2026`) or its first and last days."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(max_length=NAME_LENGTH)]
    period: Annotated[str, Field(max_length=32)] | None = None
    starts_on: Annotated[date, Field(le=LAST_DAY)] | None = None
    ends_on: Annotated[date, Field(le=LAST_DAY, description="The cycle's last day (inclusive).")] | None = None
    state: CycleState = CycleState.OPEN
    rollup: Rollup = Rollup.WEIGHTED_MEAN
    grading: GradingIn | None = None


class OwnerIn(BaseModel):
    """Exactly one of the two: a person by e-mail address or a team by name."""

    model_config = ConfigDict(extra="forbid")

    person: Annotated[str, Field(max_length=EMAIL_LENGTH)] | None = None
    team: Annotated[str, Field(max_length=NAME_LENGTH)] | None = None


class AlignIn(BaseModel):
    """A parent: exactly one of an objective and a key result (of this cycle or another)."""

    model_config = ConfigDict(extra="forbid")

    objective: Id | None = None
    key_result: Id | None = None
    weight: Number = Decimal(1)


class KeyResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(max_length=VALUE_LENGTH)]
    kind: KeyResultKind
    kpi: Annotated[str, Field(max_length=DIMENSION_LENGTH)] | None = None
    scope: (
        Annotated[
            dict[Annotated[str, Field(max_length=DIMENSION_LENGTH)], Annotated[str, Field(max_length=VALUE_LENGTH)]],
            Field(max_length=20, description="The KPI's slice of the data (default: the objective owner's)."),
        ]
        | None
    ) = None
    direction: Direction | None = None
    baseline: Number | None = None
    target: Number | None = None
    stretch: Number | None = None
    upper: Number | None = None
    unit: Annotated[str, Field(max_length=64)] | None = None
    weight: Number = Decimal(1)
    milestones: Annotated[list[Annotated[str, Field(max_length=VALUE_LENGTH)]], Field(max_length=100)] = Field(
        default_factory=list
    )


class ObjectiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(max_length=VALUE_LENGTH)]
    level: Level
    owner: OwnerIn
    description: Annotated[str, Field(max_length=TEXT_LENGTH)] = ""
    aligned_to: Annotated[list[AlignIn], Field(max_length=100)] = Field(default_factory=list)
    # More than the five an objective may have, so that the service, not the schema, says what is wrong.
    key_results: Annotated[list[KeyResultIn], Field(max_length=100)] = Field(default_factory=list)


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confidence: Annotated[int, Field(ge=0, le=10, description="How likely the key result is met, 0 to 10.")]
    value: Number | None = None
    done: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=100)] = Field(
        default_factory=list, description="The positions of the milestones done."
    )
    note: Annotated[str, Field(max_length=TEXT_LENGTH)] = ""


class InitiativeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(max_length=VALUE_LENGTH)]
    state: Literal["planned", "active", "done", "dropped"] = "planned"
    link: Annotated[str, Field(max_length=1000)] | None = None


def now() -> datetime:
    """The moment a request acts at: the clock's (tests set it, to act in the small company's 2025)."""
    return datetime.now(UTC)


# --- cycles ---------------------------------------------------------------------------------------------------
@router.get("/cycles", summary="Every OKR cycle")
def list_cycles(actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        found = okrs.cycles(store, actor, workspace)
    return {"cycles": [cycle_summary(cycle) for cycle in found]}


@router.post("/cycles", status_code=201, summary="Make an OKR cycle")
def new_cycle(body: CycleIn, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    grading = None if body.grading is None else Grading(Fraction(body.grading.green), Fraction(body.grading.yellow))
    with runtime.workspace() as workspace, runtime.store() as store:
        made = okrs.create_cycle(
            store, actor, workspace, name=body.name, period=body.period, starts_on=body.starts_on,
            ends_on=body.ends_on, rollup=body.rollup, grading=grading, state=body.state, now=now(),
        )  # fmt: skip
    return cycle_summary(made)


# Before `/cycles/{name}`, which would otherwise take `current` for a cycle's name.
@router.get("/cycles/current", summary="The current cycle, scored")
def current(actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        today = workspace.calendar.today(now())
        found = okrs.current_cycle(store, actor, workspace, today=today)
        if found is None:
            raise OkrNotFound(Message("okr.no_current_cycle"), hint=Message("okr.no_current_cycle_hint"), field="cycle")
        return cycle_data(okrs.read_cycle(store, actor, workspace, found.name, today=today))


@router.get("/cycles/{name}", summary="One cycle, scored")
def cycle(name: CycleName, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        return cycle_data(okrs.read_cycle(store, actor, workspace, name, today=workspace.calendar.today(now())))


@router.post("/cycles/{name}/open", summary="Open a draft cycle for check-ins")
def open_cycle(name: CycleName, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        return cycle_summary(okrs.open_cycle(store, actor, workspace, name, now=now()))


@router.post("/cycles/{name}/close", summary="Close a cycle, keeping its final values")
def close_cycle(name: CycleName, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        return cycle_data(okrs.close_cycle(store, actor, workspace, name, now=now()))


# --- objectives, key results, links ---------------------------------------------------------------------------
@router.post("/cycles/{name}/objectives", status_code=201, summary="Add an objective, with its key results")
def new_objective(name: CycleName, body: ObjectiveIn, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        made = okrs.add_objective(store, actor, workspace, name, _objective(body), now=now())
        # The new key results' ids, so that a client can check in on them without reading the cycle (which a token
        # with `write` only could not): the objective is the caller's own, just written.
        with store.reading() as session:
            positions = Okrs(session).key_result_positions()
    key_results = sorted((position, kr) for (objective, position), kr in positions.items() if objective == made.id)
    return _objective_data(made, name.strip()) | {
        "key_results": [{"id": kr, "position": position} for position, kr in key_results]
    }


@router.post("/objectives/{objective_id}/key-results", status_code=201, summary="Add a key result to an objective")
def new_key_result(
    objective_id: ObjectiveId, body: KeyResultIn, actor: CurrentActor, runtime: CurrentRuntime
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        made = okrs.add_key_result(store, actor, workspace, objective_id, _key_result(body), now=now())
    return _key_result_data(made)


@router.post("/objectives/{objective_id}/alignments", status_code=201, summary="Align an objective to a parent")
def new_alignment(
    objective_id: ObjectiveId, body: AlignIn, actor: CurrentActor, runtime: CurrentRuntime
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        made = okrs.align(store, actor, workspace, objective_id, _align_to(body), now=now())
    return _alignment_data(made)


# --- check-ins and initiatives --------------------------------------------------------------------------------
@router.post("/key-results/{key_result_id}/check-ins", status_code=201, summary="Check in on a key result")
def new_check_in(
    key_result_id: KeyResultId, body: CheckInIn, actor: CurrentActor, runtime: CurrentRuntime
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        made = okrs.check_in(
            store, actor, workspace, key_result_id, confidence=body.confidence, value=body.value,
            done=tuple(body.done), note=body.note, now=now(),
        )  # fmt: skip
    return check_in_data(made)


@router.post("/key-results/{key_result_id}/initiatives", status_code=201, summary="Add an initiative to a key result")
def new_initiative(
    key_result_id: KeyResultId, body: InitiativeIn, actor: CurrentActor, runtime: CurrentRuntime
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        okrs.add_initiative(
            store, actor, workspace, key_result_id, title=body.title, state=body.state, link=body.link,
            now=now(),
        )  # fmt: skip
    return {"key_result": key_result_id, "title": body.title.strip(), "state": body.state, "link": body.link}


# --- proposals ------------------------------------------------------------------------------------------------
@router.get("/proposals", summary="Draft objectives for the KPIs off track or at risk in a cycle's period")
def proposals(
    actor: CurrentActor,
    runtime: CurrentRuntime,
    cycle: Annotated[
        str | None, Query(max_length=NAME_LENGTH, description="The cycle (default: the current one).")
    ] = None,
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        found = propose(store, actor, workspace, cycle=cycle, today=workspace.calendar.today(now()))
    return {"proposals": [proposal_data(proposal) for proposal in found]}


# --- bodies to the service's values, and back ------------------------------------------------------------------
def _objective(body: ObjectiveIn) -> NewObjective:
    owner = body.owner
    if owner.person is not None and owner.team is None:
        kind, named = OwnerKind.PERSON, owner.person
    elif owner.team is not None and owner.person is None:
        kind, named = OwnerKind.TEAM, owner.team
    else:
        raise RequestProblem(Message("api.okr_owner_one"), field="owner")
    return NewObjective(
        title=body.title, level=body.level, owner_kind=kind, owner=named, description=body.description,
        aligned_to=tuple(_align_to(link) for link in body.aligned_to),
        key_results=tuple(_key_result(kr) for kr in body.key_results),
    )  # fmt: skip


def _key_result(body: KeyResultIn) -> NewKeyResult:
    return NewKeyResult(
        title=body.title, kind=body.kind, kpi=body.kpi, scope=body.scope, direction=body.direction,
        baseline=body.baseline, target=body.target, stretch=body.stretch, upper=body.upper, unit=body.unit,
        weight=body.weight, milestones=tuple(body.milestones),
    )  # fmt: skip


def _align_to(body: AlignIn) -> AlignTo:
    return AlignTo(objective=body.objective, key_result=body.key_result, weight=body.weight)


def _objective_data(objective: Objective, cycle: str) -> dict[str, Any]:
    return {
        "id": objective.id,
        "cycle": cycle,
        "title": objective.title,
        "description": objective.description,
        "level": objective.level,
        "owner": {
            "kind": "person" if objective.owner_person_id is not None else "team",
            "id": objective.owner_person_id or objective.owner_team_id,
        },
    }


def _key_result_data(kr: KeyResult) -> dict[str, Any]:
    """The key result as written, with the keys `services.okr_data` gives it in a scored cycle."""
    return {
        "id": kr.id,
        "objective": kr.objective_id,
        "position": kr.position,
        "title": kr.title,
        "kind": kr.kind,
        "kpi": kr.kpi,
        "scope": dict(kr.scope),
        "direction": kr.direction,
        **{name: decimal(getattr(kr, name)) for name in ("baseline", "target", "stretch", "upper")},
        "unit": kr.unit,
        "weight": decimal(kr.weight),
    }


def _alignment_data(link: Alignment) -> dict[str, Any]:
    return {
        "id": link.id,
        "child": link.child_id,
        "objective": link.parent_objective_id,
        "key_result": link.parent_key_result_id,
        "weight": decimal(link.weight),
    }
