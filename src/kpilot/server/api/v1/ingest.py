"""`POST /api/v1/sources/{source}/rows`: push rows into a source's warehouse table, as `kpilot ingest` loads a file
(validated whole, written in one transaction; with the source's `key:`, rows with the same key are replaced), once
only when the request has an `Idempotency-Key`. The service layer decides and records everything; this module reads
the body (up to the size limit) and says which format it is in."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from kpilot.errors import InternalError
from kpilot.i18n import Message
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.problems import BodyTooLarge, UnsupportedBody
from kpilot.server.runtime import LOCK_WAIT_SECONDS
from kpilot.server.schemas import ErrorEnvelope
from kpilot.services.ingest import Push, ensure_may_push, push_rows
from kpilot.store.models import IDEMPOTENCY_KEY_LENGTH
from kpilot.warehouse.uploads import BodyFormat

LIMIT_VARIABLE = "KPILOT_INGEST_MAX_MB"  # the body size limit, in megabytes (docs/server.md)
DEFAULT_LIMIT_MB = 50.0
MEDIA_TYPES = {
    "application/json": BodyFormat.JSON,
    "text/csv": BodyFormat.CSV,
    "application/vnd.apache.parquet": BodyFormat.PARQUET,
    "application/octet-stream": BodyFormat.PARQUET,
}
REPLAYED_HEADER = "Idempotent-Replayed"
SOURCE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"  # a definitions identifier
KEY_PATTERN = r"^[ -~]+$"  # printable ASCII, as an HTTP header holds it safely


def _error(*, description: str) -> dict[str, Any]:
    return {"model": ErrorEnvelope, "description": description}


ROWS_SCHEMA = {"type": "array", "items": {"type": "object"}}
WRAPPED_SCHEMA = {
    "type": "object",
    "properties": {"rows": ROWS_SCHEMA},
    "required": ["rows"],
    "additionalProperties": False,
}
BINARY = {"schema": {"type": "string", "format": "binary"}}
BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"oneOf": [ROWS_SCHEMA, WRAPPED_SCHEMA]}},
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.apache.parquet": BINARY,
        "application/octet-stream": BINARY,
    },
}
router = APIRouter(
    tags=["ingest"],
    responses={
        409: _error(description="A request with the same Idempotency-Key is still running"),
        413: _error(description="The body is larger than the server's limit"),
        415: _error(description="A body of a media type this endpoint does not read"),
    },
)


@router.post("/sources/{source}/rows", summary="Push rows into a source's table", openapi_extra={"requestBody": BODY})
async def push(
    request: Request,
    actor: CurrentActor,
    runtime: CurrentRuntime,
    source: Annotated[str, Path(max_length=128, pattern=SOURCE_PATTERN, description="The source to load into.")],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=IDEMPOTENCY_KEY_LENGTH,
            pattern=KEY_PATTERN,
            description="Do the request at most once: a retry with the same key and body gets the first answer.",
        ),
    ] = None,
) -> Any:
    now = datetime.now(UTC)
    with runtime.store() as store:
        # Refused before the body is read: a caller who may not push is not kept reading megabytes.
        await run_in_threadpool(ensure_may_push, store, actor, source, now=now)
        kind = _format(request)
        body = await _body(request, _limit())
        pushed = Push(source=source, body=body, format=kind, idempotency_key=idempotency_key)
        answer = await run_in_threadpool(
            push_rows, store, runtime.workspace, actor, pushed, now=now, wait_seconds=LOCK_WAIT_SECONDS
        )
    if not answer.replayed and answer.status < 300:
        request.app.state.data_watch.touched(frozenset({source}))  # open pages update (server.data_watch)
    headers = {REPLAYED_HEADER: "true"} if answer.replayed else {}
    return JSONResponse(answer.data, status_code=answer.status, headers=headers)


def _format(request: Request) -> BodyFormat:
    given = request.headers.get("content-type", "")
    media = given.split(";", 1)[0].strip().lower()
    if media not in MEDIA_TYPES:
        raise UnsupportedBody(
            Message("server.ingest.media_type", media=media or "-", supported=tuple(MEDIA_TYPES)),
            field="content_type",
        )
    return MEDIA_TYPES[media]


async def _body(request: Request, limit: int) -> bytes:
    """The body, read no further than the limit (a Content-Length over it is refused before reading)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(
        Message("server.ingest.body_too_large", most=round(limit / 1_000_000, 3)),
        hint=Message("server.ingest.body_too_large_hint"),
        field="body",
    )


def _limit() -> int:
    """The body size limit in bytes: `KPILOT_INGEST_MAX_MB` megabytes (50 by default). A value that is not a positive
    number is the operator's mistake, refused as a bug of the setup (500, logged) rather than guessed around."""
    given = os.environ.get(LIMIT_VARIABLE, "").strip()
    try:
        megabytes = float(given) if given else DEFAULT_LIMIT_MB
    except ValueError:
        megabytes = -1.0
    if not 0 < megabytes < float("inf"):
        raise InternalError(f"{LIMIT_VARIABLE}={given!r} is not a positive number of megabytes")
    return int(megabytes * 1_000_000)
