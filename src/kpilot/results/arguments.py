"""The arguments of the Python API's result methods (`kpilot.Workspace.scorecard`, ...), checked.

The command line always passes the right types; a script may not. A wrong type gets a QueryError that names the
argument (its `field`) rather than a TypeError from deep inside the goals code, as `Workspace.compute` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from kpilot.engine.arguments import date_of, kind_of, names, text_of
from kpilot.engine.period_names import explicit_period
from kpilot.engine.periods import Calendar, Grain
from kpilot.engine.scope import scope_of
from kpilot.errors import QueryError
from kpilot.i18n import Language, Message, Raw

E = TypeVar("E", bound=StrEnum)


def kpi_names(value: Any) -> list[str]:
    """Optional KPI names: one name, a list of names, or None (every KPI)."""
    return [] if value is None else list(names(value, "kpis", "['revenue', 'aov']"))


def kpi_name(value: Any) -> str:
    """One KPI's name."""
    return text(value, "kpi", "'revenue'")


def text(value: Any, argument: str, example: str) -> str:
    """Text that must be given (`example` shows a right value in the hint)."""
    found = text_of(value, argument, example)
    if found is None:
        raise QueryError(
            Message("engine.argument_not_text", argument=argument, kind=kind_of(value)),
            hint=Message("engine.argument_example", argument=argument, example=example),
            field=argument,
        )
    return found


def scope(value: Any) -> dict[str, str]:
    """A scope ({'team': 'EMEA'}, or (dimension, value) pairs) as a dict, in the order it was written: the order
    the command line's `--scope team=EMEA,owner=anna` keeps too."""
    scope_of(value)  # refuses anything that is not a scope
    if value is None:
        return {}
    return dict(value.items() if isinstance(value, Mapping) else value)


def today(value: Any) -> date | None:
    return date_of(value, "today")


def whole_number(value: Any, argument: str) -> int:
    """A whole number: an int, not a bool (True is an int to Python, never a count to a person)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise QueryError(
        Message("api.not_a_whole_number", argument=argument, value=Raw(repr(value)[:80])),
        hint=Message("engine.argument_example", argument=argument, example=f"{argument}=3"),
        field=argument,
    )


def optional_whole_number(value: Any, argument: str) -> int | None:
    return None if value is None else whole_number(value, argument)


def choice(value: Any, kind: type[E], argument: str) -> E:
    """One of an enum's values, given as the member or as its text."""
    allowed = tuple(member.value for member in kind)
    if isinstance(value, str) and value in allowed:
        return kind(value)
    raise QueryError(
        Message("api.unknown_choice", argument=argument, value=Raw(repr(value)[:80])),
        hint=Message("engine.use_one_of", allowed=allowed),
        field=argument,
        suggestions=allowed,
    )


def optional_choice(value: Any, kind: type[E], argument: str) -> E | None:
    return None if value is None else choice(value, kind, argument)


def language(value: Any) -> Language:
    """The language of `to_data`: a `kpilot.Language` or its code ('en', 'it', 'pl', 'zh')."""
    return choice(value, Language, "language")


def period(value: Any, calendar: Calendar, day: date | None) -> str | None:
    """A period's name (2025-05, 2025-Q2, 2025), or the shorthands `current` (the running month) and `last` (the
    last complete one), counted from `day` when one is given, else from today as the command line counts them."""
    text = text_of(value, "period", "'2025-05'")
    if text is None or day is None or text.strip().lower() not in ("current", "last"):
        return explicit_period(text, calendar)
    month = calendar.start(day, Grain.MONTH)
    if text.strip().lower() == "last":
        month = calendar.shift(month, -1, Grain.MONTH)
    return f"{month:%Y-%m}"
