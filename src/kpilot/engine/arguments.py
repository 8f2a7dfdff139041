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

from kpilot.engine.access import access_of
from kpilot.engine.periods import Grain
from kpilot.engine.plan import Request
from kpilot.engine.scope import scope_of
from kpilot.errors import QueryError
from kpilot.i18n import Message


def make_request(
    kpis: Any,
    *,
    grain: Any = Grain.MONTH,
    by: Any = (),
    start: Any = None,
    end: Any = None,
    where: Any = None,
    scope: Any = None,
    access: Any = None,
) -> Request:
    return Request(
        kpis=names(kpis, "kpis", "['ctr', 'cpc']"),
        grain=grain_of(grain),
        by=() if by is None else names(by, "by", "['channel']"),
        start=date_of(start, "start"),
        end=date_of(end, "end"),
        where=text_of(where, "where", "\"channel = 'email'\"") or None,
        scope=scope_of(scope),
        access=access_of(access),
    )


def checked(request: Any) -> Request:
    """A request built by hand (`Request(...)`) checked like one built by `make_request`."""
    if not isinstance(request, Request):
        raise QueryError(
            Message("engine.request_not_a_request", kind=kind_of(request)),
            hint=Message("engine.request_build_hint", example="workspace.request(['ctr'], grain='month')"),
        )
    return make_request(
        request.kpis,
        grain=request.grain,
        by=request.by,
        start=request.start,
        end=request.end,
        where=request.where,
        scope=request.scope,
        access=request.access,
    )


def names(value: Any, argument: str, example: str) -> tuple[str, ...]:
    """A tuple of names from one name or an iterable of names."""
    if isinstance(value, str):
        return (value,)
    if value is None or isinstance(value, bytes | Mapping) or not isinstance(value, Iterable):
        raise QueryError(
            Message("engine.argument_not_names", argument=argument, kind=kind_of(value)),
            hint=_example(argument, example),
            field=argument,
        )
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            which = (
                kind_of(item)
                if item is None
                else Message("engine.kind_and_value", kind=kind_of(item), value=repr(item))
            )
            raise QueryError(
                Message("engine.argument_name_not_text", argument=argument, item=which),
                hint=_example(argument, example),
                field=argument,
            )
    return items


def grain_of(value: Any) -> Grain:
    allowed = tuple(g.value for g in Grain)
    hint = Message("engine.use_one_of", allowed=allowed)
    if not isinstance(value, str):  # a Grain is a str too
        raise QueryError(
            Message("engine.argument_not_text", argument="grain", kind=kind_of(value)), hint=hint, field="grain"
        )
    try:
        return Grain(value)
    except ValueError:
        raise QueryError(
            Message("engine.unknown_grain", grain=value), hint=hint, field="grain", suggestions=allowed
        ) from None


def date_of(value: Any, argument: str) -> date | None:
    """A date from a date or ISO text; `argument` is the field it is for (start, end, today), which messages name."""
    if value is None:
        return None
    if isinstance(value, datetime):  # a datetime is a date too, but compares with neither dates nor ranges
        raise QueryError(
            Message("engine.argument_is_datetime", argument=argument, value=repr(value)),
            hint=Message("engine.argument_is_datetime_hint", argument=argument),
            field=argument,
        )
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise QueryError(
            Message("engine.argument_not_a_date", argument=argument, kind=kind_of(value)),
            hint=Message("engine.argument_not_a_date_hint", argument=argument),
            field=argument,
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(
            Message("engine.text_not_a_date", argument=argument, value=value),
            hint=Message("engine.write_dates_hint"),
            field=argument,
        ) from None


def text_of(value: Any, argument: str, example: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise QueryError(
        Message("engine.argument_not_text", argument=argument, kind=kind_of(value)),
        hint=_example(argument, example),
        field=argument,
    )


def _example(argument: str, example: str) -> Message:
    return Message("engine.argument_example", argument=argument, example=example)


def kind_of(value: object) -> Message:
    """What a value is, for a message: None, a str, an int (the article is the language's business)."""
    if value is None:
        return Message("engine.kind_none")
    name = type(value).__name__
    return Message("engine.kind_an" if name[0].lower() in "aeiou" else "engine.kind_a", type=name)
