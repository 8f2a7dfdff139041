"""Row-level expressions (measure expr and filter, dimension expr, --where) over a source's table."""

from __future__ import annotations

from typing import Any

from kpilot.definitions.model import Dimension, Source
from kpilot.engine.expressions import ExpressionCompiler, Rule, typed_null
from kpilot.engine.periods import Calendar
from kpilot.engine.timeexpr import DATE_FUNCTIONS, RowTime, date_function
from kpilot.errors import FormulaError, Location, QueryError
from kpilot.formula.ast import Call, Name, Node
from kpilot.formula.check import SIGNATURES, BoundCall, Type, check
from kpilot.formula.functions import Level
from kpilot.formula.parser import parse
from kpilot.semantic.positions import formula_location
from kpilot.semantic.rowscope import RowScope


class RowCompiler(ExpressionCompiler):
    level = Level.ROW

    def __init__(self, table: Any, dimensions: tuple[Dimension, ...] = (), time: RowTime | None = None) -> None:
        self.table = table
        self.dimensions = {d.name: d for d in dimensions if d.expr is not None}
        self.time = time or RowTime()

    @classmethod
    def of_source(cls, table: Any, source: Source, calendar: Calendar) -> RowCompiler:
        """The compiler of a source's formulas: its dimensions, and date functions in its time zone and the
        workspace's calendar (without them, date functions read naive timestamps as UTC, in a UTC workspace)."""
        return cls(table, source.dimensions, RowTime(calendar, source.timezone))

    def call(self, node: Call, bound: BoundCall) -> Rule:
        name = bound.function.name
        if name not in DATE_FUNCTIONS:
            return (yield from super().call(node, bound))
        value = typed_null((yield bound.values["t"]), SIGNATURES[name].takes)
        unit = bound.literals.get("unit")
        return date_function(name, value, self.time, None if unit is None else str(unit))

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
