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
from kpilot.i18n import Message
from kpilot.semantic.positions import formula_location
from kpilot.semantic.rowscope import RowScope

EXPRESSION = Message("engine.part_expression")


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
        self,
        formula: str,
        what: Message = EXPRESSION,
        where: Location | None = None,
        expect: Type | None = None,
        *,
        field: str | None = None,
    ) -> Any:
        """Compile row-level formula text, type-checked against the table first so that a bad name or type is the
        user's error (with a location), never a failure inside the compiler. `what` names the formula in messages
        (a measure's filter, the request's filter); `field` is the request field it came from, if any."""
        try:
            tree = parse(formula)
        except FormulaError as error:
            raise self._refused(error, what, where, field) from None
        return self.tree(tree, formula, what, where, expect, field=field)

    def tree(
        self,
        tree: Node,
        formula: str,
        what: Message = EXPRESSION,
        where: Location | None = None,
        expect: Type | None = None,
        *,
        field: str | None = None,
    ) -> Any:
        """Compile a parsed row-level formula (a typed scope is built as a tree, never as text), type-checked
        against the table first; `formula` is how messages show it."""
        try:
            found = check(tree, RowScope(dict(self.table.schema().items()), tuple(self.dimensions.values())))
            if expect is not None and found not in (expect, Type.NULL):
                wrong = Message("engine.formula_wrong_type", expected=expect.value, formula=formula, found=found.value)
                raise FormulaError(wrong, offset=0)
        except FormulaError as error:
            raise self._refused(error, what, where, field) from None
        return self.compile(tree)

    @staticmethod
    def _refused(error: FormulaError, what: Message, where: Location | None, field: str | None) -> QueryError:
        located = formula_location(where, error.offset) if where else None
        problem = Message("engine.formula_problem", part=what, problem=error.message)
        return QueryError(problem, location=located, hint=error.hint, field=field, suggestions=error.suggestions)


def measure_part(source: Source, measure: str, part: str) -> Message:
    """A measure's `expr` or `filter`, as messages name it: measure 'deals.won' filter."""
    code = "engine.part_measure_filter" if part == "filter" else "engine.part_measure_expr"
    return Message(code, source=source.name, measure=measure)
