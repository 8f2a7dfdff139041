"""Row-level expressions (measure expr and filter, dimension expr, --where) over a source's table."""

from __future__ import annotations

from typing import Any

import ibis.expr.datatypes as dt

from kpilot.definitions.model import Dimension
from kpilot.engine.expressions import ExpressionCompiler
from kpilot.errors import FormulaError, Location, QueryError
from kpilot.formula.ast import Name, Node
from kpilot.formula.check import Type, check, suggestion
from kpilot.formula.functions import Level
from kpilot.formula.parser import parse
from kpilot.semantic.positions import formula_location


def type_of_dtype(dtype: dt.DataType) -> Type | None:
    if dtype.is_numeric():
        return Type.NUMBER
    if dtype.is_string():
        return Type.STRING
    if dtype.is_boolean():
        return Type.BOOLEAN
    if dtype.is_date():
        return Type.DATE
    if dtype.is_timestamp():
        return Type.TIMESTAMP
    if dtype.is_null():
        return Type.NULL
    return None


class RowScope:
    """Names in a row-level expression are the source's columns, or its dimensions defined by an expression."""

    level = Level.ROW

    def __init__(self, schema: dict[str, dt.DataType], dimensions: tuple[Dimension, ...] = ()) -> None:
        self.schema = schema
        self.dimensions = {d.name: d for d in dimensions if d.expr is not None and d.name not in schema}

    def type_of(self, name: Name) -> Type:
        if len(name.parts) != 1:
            raise FormulaError(f"'{name.dotted}': row-level expressions use plain column names", offset=name.span.start)
        column = name.parts[0]
        if column in self.schema:
            found = type_of_dtype(self.schema[column])
            if found is None:
                raise FormulaError(
                    f"column '{column}' has type {self.schema[column]}, which formulas cannot use",
                    offset=name.span.start,
                )
            return found
        if column in self.dimensions:
            inner = RowScope(self.schema)
            return check(parse(self.dimensions[column].expression), inner)
        raise FormulaError(
            f"unknown column '{column}'",
            offset=name.span.start,
            hint=suggestion(column, [*self.schema, *self.dimensions])
            or f"columns: {', '.join(sorted(self.schema)[:20])}",
        )


class RowCompiler(ExpressionCompiler):
    level = Level.ROW

    def __init__(self, table: Any, dimensions: tuple[Dimension, ...] = ()) -> None:
        self.table = table
        self.dimensions = {d.name: d for d in dimensions if d.expr is not None}

    def leaf(self, node: Node) -> Any:
        if isinstance(node, Name) and len(node.parts) == 1:
            column = node.parts[0]
            if column in self.table.columns:
                return self.table[column]
            if column in self.dimensions:
                return self.compile(parse(self.dimensions[column].expression))
        return super().leaf(node)

    def text(
        self, formula: str, what: str = "expression", where: Location | None = None, expect: Type | None = None
    ) -> Any:
        """Compile row-level formula text, type-checked against the table first so that a bad name or type is the
        user's error (with a location), never a failure inside the compiler."""
        try:
            tree = parse(formula)
            found = check(tree, RowScope(dict(self.table.schema().items()), tuple(self.dimensions.values())))
            if expect is not None and found not in (expect, Type.NULL):
                raise FormulaError(f"must be {expect.value}, but '{formula}' is {found.value}", offset=0)
        except FormulaError as error:
            located = formula_location(where, error.offset) if where else None
            raise QueryError(f"{what}: {error.message}", location=located, hint=error.hint) from None
        return self.compile(tree)
