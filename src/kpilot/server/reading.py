"""The workspace as the caller may see it, for one request: every route that computes goes through here, so that
the service layer's view (hidden KPIs unknown, every value over the caller's rows) is the only one a route gets."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import StringConstraints

from kpilot.api import Workspace
from kpilot.auth.actor import Actor
from kpilot.engine.scope import parse_scope
from kpilot.i18n import Language
from kpilot.server.answers import STORE_VERSION, answer_key, data_version
from kpilot.server.language import request_language
from kpilot.server.runtime import Runtime, fingerprint
from kpilot.services.audit import store_version
from kpilot.services.kpis import workspace_for

# What the schema says of the parameters every surface shares (the words of docs/api.md): a value that matches
# may still name nothing (a KPI, a dimension value), which is a 400 or 404 in the envelope, never a 500.
GRAINS = Literal["day", "week", "month", "quarter", "year", "all"]
FORECAST_GRAINS = Literal["day", "week", "month", "quarter", "year"]
PERIOD_PATTERN = r"^(current|last|[0-9]{4}(-Q[1-4]|-W(0[1-9]|[1-4][0-9]|5[0-3])|-(0[1-9]|1[0-2])(-[0-3][0-9])?)?)$"
SCOPE_PATTERN = r"^[^=,]+=[^=,]+(,[^=,]+=[^=,]+)*$"
ScopeParameter = Annotated[
    list[Annotated[str, StringConstraints(pattern=SCOPE_PATTERN)]] | None,
    Query(description="dimension=value, as `--scope`; repeated for several."),
]
# A day as the ISO text it is documented as (pydantic would also read numbers as Unix times: 0.0 is 1970-01-01).
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def day_parameter(*, description: str) -> Any:
    return Query(pattern=DAY_PATTERN, description=description, json_schema_extra={"format": "date"})


PeriodParameter = Annotated[
    str | None,
    Query(pattern=PERIOD_PATTERN, description="2025-05, 2025-Q2, 2025, 2025-W20, 2025-05-12, current or last."),
]


JSON = "application/json"


@contextmanager
def seen_by(runtime: Runtime, actor: Actor) -> Iterator[Workspace]:
    """The workspace as `actor` may see it; the organisation is read through the server's open store, when it is
    open (signing in opens it), rather than opening the store again for each request."""
    with runtime.workspace() as workspace:
        yield workspace_for(actor, workspace, store=runtime.open_store())


async def kept_answer(
    request: Request, runtime: Runtime, actor: Actor, produce: Callable[[Workspace], Any]
) -> Response:
    """`produce(the actor's view)` as JSON, or the answer kept for exactly this request, actor and state of things
    (server.answers). What is kept is the JSON itself, so that a kept answer costs no encoding either.

    A kept answer is looked up in the event loop first, with the versions read there (the definition files, the
    data file, the store's version the actor was checked at): a repeated request then costs no trip to the thread
    pool and no wait for the workspace's lock, which a long computation may hold. Anything else (no workspace open
    yet, definitions changed on disk, a store version not read with the actor, no kept answer) is answered in the
    thread pool, under the lock, where the versions are read again."""
    language = request_language(request)
    known = _known_answer(request, runtime, actor, language)
    if known is not None:
        return Response(known, media_type=JSON)
    return await run_in_threadpool(_answer, request, runtime, actor, language, produce)


def _known_answer(request: Request, runtime: Runtime, actor: Actor, language: Language) -> bytes | None:
    loaded = runtime.loaded()
    organisation = getattr(request.state, STORE_VERSION, None)
    if loaded is None or organisation is None:
        return None
    workspace, definitions = loaded
    if fingerprint(runtime.root) != definitions:  # edited on disk: the thread pool reloads them
        return None
    data = data_version(workspace.warehouse.path)
    if data is None:
        return None
    key = answer_key(
        request, actor, language, versions=(definitions, data, organisation), day=workspace.calendar.today()
    )
    found = runtime.answers.find(key)
    return found if isinstance(found, bytes) else None


def _answer(
    request: Request, runtime: Runtime, actor: Actor, language: Language, produce: Callable[[Workspace], Any]
) -> Response:
    with runtime.workspace() as workspace:
        data = data_version(workspace.warehouse.path)
        key = None
        if data is not None:
            organisation = getattr(request.state, STORE_VERSION, None)
            if organisation is None:
                with runtime.store() as store:
                    organisation = store_version(store)
            versions = (runtime.definitions_version, data, organisation)
            key = answer_key(request, actor, language, versions=versions, day=workspace.calendar.today())
            kept = runtime.answers.find(key)
            if kept is not None:
                return Response(kept, media_type=JSON)
        body = JSONResponse(produce(workspace_for(actor, workspace))).body
        if key is not None:
            runtime.answers.keep(key, body)
        return Response(body, media_type=JSON)


def scope_param(items: Sequence[str] | None) -> dict[str, str] | None:
    """`?scope=team=EMEA&scope=country=IT` (or `team=EMEA,country=IT`), as the command line's `--scope`."""
    return parse_scope(list(items)) if items else None
