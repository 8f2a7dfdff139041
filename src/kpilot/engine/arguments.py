"""What a Python caller passes to `Workspace.compute`, `sql` and `request`, checked and turned into a `Request`.

The command line always passes the right types; a script or a notebook may not. A wrong type gets a QueryError that
names the argument and shows a right value, rather than an AttributeError from deep inside the engine, and a
single name where a list of names is expected is taken as that one name (`compute("ctr")` computes ctr, instead
of the KPIs 'c', 't' and 'r').
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from kpilot.engine.periods import Grain
from kpilot.engine.plan import Request
from kpilot.errors import QueryError


def make_request(
    kpis: Any, *, grain: Any = Grain.MONTH, by: Any = (), start: Any = None, end: Any = None, where: Any = None
) -> Request:
    return Request(
        kpis=names(kpis, "kpis", "['ctr', 'cpc']"),
        grain=grain_of(grain),
        by=() if by is None else names(by, "by", "['channel']"),
        start=date_of(start, "start", "--from"),
        end=date_of(end, "end", "--to"),
        where=text_of(where, "where", "\"channel = 'email'\"") or None,
    )


def checked(request: Any) -> Request:
    """A request built by hand (`Request(...)`) checked like one built by `make_request`."""
    if not isinstance(request, Request):
        raise QueryError(
            f"request must be a Request, not {_kind(request)}",
            hint="build it with workspace.request(['ctr'], grain='month')",
        )
    return make_request(
        request.kpis, grain=request.grain, by=request.by, start=request.start, end=request.end, where=request.where
    )


def names(value: Any, argument: str, example: str) -> tuple[str, ...]:
    """A tuple of names from one name or an iterable of names."""
    if isinstance(value, str):
        return (value,)
    if value is None or isinstance(value, bytes | Mapping) or not isinstance(value, Iterable):
        raise QueryError(
            f"{argument} must be a name or a list of names, not {_kind(value)}", hint=f"e.g. {argument}={example}"
        )
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            which = "None" if item is None else f"{_kind(item)}: {item!r}"
            raise QueryError(
                f"{argument} must list names as text, but one of them is {which}", hint=f"e.g. {argument}={example}"
            )
    return items


def grain_of(value: Any) -> Grain:
    allowed = ", ".join(g.value for g in Grain)
    if not isinstance(value, str):  # a Grain is a str too
        raise QueryError(f"grain must be text, not {_kind(value)}", hint=f"use one of: {allowed}")
    try:
        return Grain(value)
    except ValueError:
        raise QueryError(f"unknown grain '{value}'", hint=f"use one of: {allowed}") from None


def date_of(value: Any, argument: str, option: str) -> date | None:
    """A date from a date or ISO text. `option` is the command line's name for it, which its messages use."""
    if value is None:
        return None
    if isinstance(value, datetime):  # a datetime is a date too, but compares with neither dates nor ranges
        raise QueryError(
            f"{argument} must be a date, not a datetime ({value!r})",
            hint=f"pass its day, e.g. {argument}=value.date(), or text such as '2025-03-31'",
        )
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise QueryError(
            f"{argument} must be a date or text such as '2025-03-31', not {_kind(value)}",
            hint=f"e.g. {argument}=datetime.date(2025, 3, 31) or {argument}='2025-03-31'",
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(
            f"{option} '{value}' is not a date", hint="write dates as YYYY-MM-DD, e.g. 2025-03-31"
        ) from None


def text_of(value: Any, argument: str, example: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise QueryError(f"{argument} must be text, not {_kind(value)}", hint=f"e.g. {argument}={example}")


def _kind(value: object) -> str:
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"
