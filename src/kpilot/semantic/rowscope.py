"""Names in row-level expressions (measure expr and filter, dimension expr, --where): the source's columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kpilot.definitions.model import Dimension
from kpilot.errors import FormulaError
from kpilot.formula.ast import Name
from kpilot.formula.check import Type, check, closest, did_you_mean
from kpilot.formula.functions import Level
from kpilot.formula.parser import parse
from kpilot.i18n import Message, Raw

if TYPE_CHECKING:  # only the annotations name Ibis types: `kpilot validate --no-data` runs without loading Ibis
    import ibis.expr.datatypes as dt

SHOWN_COLUMNS = 20  # a hint lists this many of a table's columns, in name order


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
            raise FormulaError(Message("semantic.plain_column_names", name=name.dotted), offset=name.span.start)
        column = name.parts[0]
        if column in self.schema:
            found = type_of_dtype(self.schema[column])
            if found is None:
                raise FormulaError(
                    Message("semantic.unusable_column_type", column=column, type=Raw(str(self.schema[column]))),
                    offset=name.span.start,
                )
            return found
        if column in self.dimensions:
            inner = RowScope(self.schema)
            return check(parse(self.dimensions[column].expression), inner)
        close = closest(column, [*self.schema, *self.dimensions])
        shown = tuple(sorted(self.schema)[:SHOWN_COLUMNS])
        raise FormulaError(
            Message("semantic.unknown_column", column=column),
            offset=name.span.start,
            hint=did_you_mean(close) or Message("semantic.columns_hint", columns=shown),
            suggestions=(close,) if close else shown,
        )
