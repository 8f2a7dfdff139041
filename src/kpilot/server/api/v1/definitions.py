"""`/api/v1/definitions/{kind}`: KPIs, goals and sources as written in the definitions files, and editing them one
entry at a time (editors and admins; sources: admins only). Each entry's `ETag` is its version: a replacement or
removal sends it back in `If-Match` (stale: 412, none: 428), a new entry is sent with `If-None-Match: *`. The edits
go through `services.definitions`, which decides who may, validates the whole workspace with the change, writes
atomically and audits it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from kpilot.goals.definition_edits import EntryEdit, Kind
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.schemas import ErrorEnvelope
from kpilot.services.definitions import (
    edit_data,
    entry_data,
    list_entries,
    put_definition,
    read_entry,
    remove_definition,
)

router = APIRouter(tags=["definitions"])
NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _error(*, description: str) -> dict[str, Any]:
    return {"model": ErrorEnvelope, "description": description}


EDIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: _error(description="If-Match is not the entry's current version, or If-None-Match: * and it exists"),
    428: _error(description="Neither If-Match (to replace) nor If-None-Match: * (to create)"),
}
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The ETag of the entry the edit was made from.")]
IfNoneMatch = Annotated[
    str | None, Header(alias="If-None-Match", description="`*`: create the entry, which must not exist yet.")
]
Name = Annotated[str, Path(pattern=NAME, max_length=200, description="The entry's name.")]


class DefinitionIn(BaseModel):
    """The entry with the keys of docs/definitions.md (`name` may be left out: it is the path's)."""

    model_config = ConfigDict(extra="forbid")

    definition: dict[str, Any] = Field(description="The KPI, goal or source, as in its YAML file.")


@router.get("/definitions/{kind}", summary="The KPIs, goals or sources as written (editors and admins)")
def list_definitions(kind: Kind, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace:
        found = list_entries(actor, workspace, kind)
    return {"kind": kind.value, "definitions": [entry_data(entry) | {"version": entry.version} for entry in found]}


@router.get("/definitions/{kind}/{name}", summary="One KPI, goal or source as written, with its version")
def one_definition(kind: Kind, name: str, response: Response, actor: CurrentActor, runtime: CurrentRuntime) -> Any:
    with runtime.workspace() as workspace:
        entry = read_entry(actor, workspace, kind, name)
    response.headers["ETag"] = _etag(entry.version)
    return entry_data(entry)


@router.put(
    "/definitions/{kind}/{name}",
    summary="Add or replace one KPI, goal or source",
    responses={201: {"description": "Created"}, **EDIT_RESPONSES},
)
def put_one(
    kind: Kind,
    name: Name,
    body: DefinitionIn,
    response: Response,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        edit = put_definition(
            store, actor, workspace, kind, name, body.definition,
            if_match=if_match, if_none_match=if_none_match, now=datetime.now(UTC),
        )  # fmt: skip
    if edit.before is None:
        response.status_code = 201
    return _answer(edit, response)


@router.delete("/definitions/{kind}/{name}", summary="Remove one KPI, goal or source", responses=EDIT_RESPONSES)
def delete_one(
    kind: Kind, name: str, response: Response, actor: CurrentActor, runtime: CurrentRuntime, if_match: IfMatch = None
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        edit = remove_definition(store, actor, workspace, kind, name, if_match=if_match, now=datetime.now(UTC))
    return _answer(edit, response)


def _answer(edit: EntryEdit, response: Response) -> dict[str, Any]:
    if edit.version is not None:
        response.headers["ETag"] = _etag(edit.version)
    return edit_data(edit)


def _etag(version: str) -> str:
    return f'"{version}"'
