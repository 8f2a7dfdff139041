"""Names in row-level expressions (measure expr and filter, dimension expr, --where): the source's columns."""

from __future__ import annotations

import ibis.expr.datatypes as dt

from kpilot.definitions.model import Dimension
from kpilot.errors import FormulaError
from kpilot.formula.ast import Name
from kpilot.formula.check import Type, check, suggestion
from kpilot.formula.functions import Level
from kpilot.formula.parser import parse


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
