"""`/api/v1/audit`: the audit log, oldest first, for administrators (`services.audit` refuses anyone else and
records the refusal). `since` and `until` are UTC days, both included, as `kpilot audit` takes them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from kpilot.engine.arguments import date_of
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.reading import day_parameter
from kpilot.services.audit import Action, entry_data, read

router = APIRouter(tags=["audit"])
# The actions as the schema says them: an unknown one is a 422 naming `action`, before anything is read.
ACTION_PATTERN = "^(" + "|".join(re.escape(action.value) for action in Action) + ")$"


@router.get("/audit", summary="The audit log (administrators)")
def audit(
    actor: CurrentActor,
    runtime: CurrentRuntime,
    since: Annotated[str | None, day_parameter(description="From this UTC day on, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, day_parameter(description="Up to this UTC day, included, YYYY-MM-DD.")] = None,
    user: Annotated[str | None, Query(description="Only what this e-mail address did.")] = None,
    action: Annotated[
        str | None, Query(pattern=ACTION_PATTERN, description="Only this action (sign_in, token.created...).")
    ] = None,
) -> dict[str, Any]:
    start = _moment(date_of(since, "since"))
    end = _moment(date_of(until, "until"), after=True)
    with runtime.store() as store:
        entries = read(store, actor, now=datetime.now(UTC), since=start, until=end, by=user, action=action)
    return {"entries": [entry_data(entry) for entry in entries]}


def _moment(day: date | None, *, after: bool = False) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1) if after else day, time(), tzinfo=UTC)
