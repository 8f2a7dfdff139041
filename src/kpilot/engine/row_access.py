"""The row condition of an access restriction over one source, built inside the query of every source it reads.

A scope applies to a source when each of its dimensions is a dimension the source declares; it then keeps the rows
whose dimension values equal the scope's (compared as text, the way scopes are stored). A source that lacks a
dimension of a scope cannot tell which of its rows belong to that scope, so the scope keeps none of them: a reader
whose only slice is `owner: rep-07` reads nothing from a source without an `owner`, never all of it. With no scope
that applies (or an empty restriction), the condition is false and the source gives no row.
"""

from __future__ import annotations

from typing import Any

import ibis

from kpilot.definitions.model import Source
from kpilot.engine.rows import RowCompiler
from kpilot.engine.scope import Scope
from kpilot.formula.ast import Name, Span
from kpilot.i18n import Message


def access_condition(compiler: RowCompiler, source: Source, access: tuple[Scope, ...]) -> Any:
    """A boolean expression over the source's rows: true for the rows of any scope of `access`."""
    condition = None
    for scope in access:
        term = _scope_condition(compiler, source, scope)
        if term is not None:
            condition = term if condition is None else condition | term
    return ibis.literal(False) if condition is None else condition


def _scope_condition(compiler: RowCompiler, source: Source, scope: Scope) -> Any | None:
    """The rows of one scope, or None when the source lacks one of its dimensions."""
    if any(source.dimension(key) is None for key, _ in scope):
        return None
    condition = None
    for key, value in scope:
        what = Message("engine.part_dimension", source=source.name, dimension=key)
        column = compiler.tree(Name((key,), Span(0, 0)), key, what, field="access")
        text = column if column.type().is_string() else column.cast("string")
        term = text == ibis.literal(value, type="string")
        condition = term if condition is None else condition & term
    return condition
