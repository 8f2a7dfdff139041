"""The workspace as the caller may see it, for one request: every route that computes goes through here, so that
the service layer's view (hidden KPIs unknown, every value over the caller's rows) is the only one a route gets."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import StringConstraints

from kpilot.api import Workspace
from kpilot.auth.actor import Actor
from kpilot.engine.scope import parse_scope
from kpilot.server.runtime import Runtime
from kpilot.services.kpis import workspace_for

# What the schema says of the parameters every surface shares (the words of docs/api.md): a value that matches
# may still name nothing (a KPI, a dimension value), which is a 400 or 404 in the envelope, never a 500.
GRAINS = Literal["day", "week", "month", "quarter", "year", "all"]
FORECAST_GRAINS = Literal["day", "week", "month", "quarter", "year"]
PERIOD_PATTERN = r"^(current|last|[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2])(-[0-3][0-9])?)?)$"
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
    Query(pattern=PERIOD_PATTERN, description="2025-05, 2025-Q2, 2025, 2025-05-12, current or last."),
]


@contextmanager
def seen_by(runtime: Runtime, actor: Actor) -> Iterator[Workspace]:
    with runtime.workspace() as workspace:
        yield workspace_for(actor, workspace)


def scope_param(items: Sequence[str] | None) -> dict[str, str] | None:
    """`?scope=team=EMEA&scope=country=IT` (or `team=EMEA,country=IT`), as the command line's `--scope`."""
    return parse_scope(list(items)) if items else None
