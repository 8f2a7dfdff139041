"""A scope: the slice of the company a KPI or target is about (team=EMEA), as a dict and as a row filter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

from kpilot.errors import QueryError
from kpilot.formula.ast import Binary, Name, Node, Span, String
from kpilot.i18n import Message, Raw

# A scope as a request carries it: (dimension, value) pairs, sorted, so that equal scopes are equal requests.
Scope: TypeAlias = tuple[tuple[str, str], ...]


def parse_scope(items: Sequence[str] | str | None) -> dict[str, str]:
    """`["team=EMEA", "country=IT"]` (or `["team=EMEA,country=IT"]`, as `kpilot scorecard --scope`) as a dict."""
    texts = [items] if isinstance(items, str) else list(items or [])
    scope: dict[str, str] = {}
    for item in (part.strip() for text in texts for part in text.split(",") if part.strip()):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise QueryError(
                Message("engine.unreadable_scope", scope=item),
                hint=Message("engine.unreadable_scope_hint", example="team=EMEA"),
                field="scope",
            )
        scope[key.strip()] = value.strip()
    return scope


def scope_of(value: Any) -> Scope:
    """A scope argument (a mapping of dimension to value, or (dimension, value) pairs) as a request's scope."""
    if value is None:
        return ()
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list | tuple) and all(isinstance(pair, tuple) and len(pair) == 2 for pair in value):
        items = list(value)
    else:
        raise _not_a_scope(value)
    if not all(isinstance(key, str) and key.strip() and isinstance(item, str) for key, item in items):
        raise _not_a_scope(value)
    return tuple(sorted(dict(items).items()))


def _not_a_scope(value: Any) -> QueryError:
    return QueryError(
        Message("engine.scope_not_a_mapping", value=Raw(repr(value)[:80])),
        hint=Message("engine.scope_example", example="scope={'team': 'EMEA'}"),
        field="scope",
    )


def scope_tree(scope: Scope) -> Node | None:
    """The row condition of a scope as a formula tree, built directly (never as text to parse): each dimension
    equals its value, all of them together. A value is a string literal, so no value can change the condition."""
    where = Span(0, 0)
    tree: Node | None = None
    for key, value in scope:
        term = Binary("=", Name((key,), where), String(value, where), where)
        tree = term if tree is None else Binary("and", tree, term, where)
    return tree


def scope_shown(scope: Scope) -> str:
    """A scope as messages show it: team=EMEA, country=IT."""
    return ", ".join(f"{key}={value}" for key, value in scope)
