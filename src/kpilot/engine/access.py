"""An access restriction: the rows a reader may see, as a request carries it (docs/permissions.md).

`None` is unrestricted. Otherwise it is a union of scopes: a row may be read when it matches any one of them, and it
matches a scope when it matches every (dimension, value) pair of it. The empty union, `()`, is no row at all: that
is what a reader without a slice of the data gets, never everything.

A scope without any pair would match every row, so a union never holds one: `access_of` leaves such scopes out, so
that a person or team without a scope can never widen access by accident. Unions are kept sorted and without
scopes that another one already covers, so that two equal restrictions are equal requests (and equal cache keys).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import product
from typing import Any, TypeAlias

from kpilot.engine.scope import Scope, scope_of
from kpilot.errors import QueryError
from kpilot.i18n import Message, Raw

Access: TypeAlias = tuple[Scope, ...] | None

UNRESTRICTED: Access = None
NOTHING: Access = ()


def access_of(value: Any) -> Access:
    """An access argument as a request carries it: None, or scopes (mappings or (dimension, value) pairs)."""
    if value is None:
        return None
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise _not_an_access(value)
    try:
        scopes = [scope_of(item) for item in value]
    except QueryError:
        raise _not_an_access(value) from None
    return _normalised(scopes)


def intersect(first: Access, second: Access) -> Access:
    """The rows both restrictions allow: each scope of one joined with each of the other (a dimension asked to be
    two different values at once matches nothing, so that pair is left out)."""
    if first is None:
        return second
    if second is None:
        return first
    joined = []
    for left, right in product(first, second):
        merged = dict(left)
        if all(merged.setdefault(key, value) == value for key, value in right):
            joined.append(tuple(sorted(merged.items())))
    return _normalised(joined)


def union(accesses: Iterable[Access]) -> Access:
    """The rows any of the restrictions allows (unrestricted if any one is)."""
    scopes: list[Scope] = []
    for access in accesses:
        if access is None:
            return None
        scopes.extend(access)
    return _normalised(scopes)


def access_shown(access: Access) -> str:
    """How messages and plans show a restriction: `owner=anna | team=EMEA`."""
    if access is None:
        return "*"
    return " | ".join(", ".join(f"{key}={value}" for key, value in scope) for scope in access)


def _normalised(scopes: Iterable[Scope]) -> tuple[Scope, ...]:
    """Sorted, each scope once, none that is empty, and none that a looser scope of the union already covers
    (`team=EMEA, owner=anna` adds nothing to `team=EMEA`)."""
    distinct = sorted({scope for scope in scopes if scope})
    return tuple(scope for scope in distinct if not any(_covers(other, scope) for other in distinct if other != scope))


def _covers(looser: Scope, tighter: Scope) -> bool:
    return set(looser) < set(tighter)


def _not_an_access(value: Any) -> QueryError:
    return QueryError(
        Message("engine.access_not_scopes", value=Raw(repr(value)[:80])),
        hint=Message("engine.access_example", example="access=[{'team': 'EMEA'}, {'owner': 'anna'}]"),
        field="access",
    )
