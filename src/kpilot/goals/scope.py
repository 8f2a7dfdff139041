"""A scope: the slice of the company a KPI or target is about (team=EMEA), as a dict and as a row filter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kpilot.errors import QueryError
from kpilot.formula.lexer import quote_string


def parse_scope(items: Sequence[str] | str | None) -> dict[str, str]:
    """`["team=EMEA", "country=IT"]` (or `["team=EMEA,country=IT"]`, as `kpilot scorecard --scope`) as a dict."""
    texts = [items] if isinstance(items, str) else list(items or [])
    scope: dict[str, str] = {}
    for item in (part.strip() for text in texts for part in text.split(",") if part.strip()):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise QueryError(f"cannot read the scope '{item}'", hint="write DIMENSION=VALUE, e.g. --scope team=EMEA")
        scope[key.strip()] = value.strip()
    return scope


def scope_filter(scope: Mapping[str, str]) -> str | None:
    """The row filter that restricts a computation to a scope: `team = 'EMEA' and country = 'IT'`."""
    if not scope:
        return None
    return " and ".join(f"{key} = {quote_string(value)}" for key, value in sorted(scope.items()))
