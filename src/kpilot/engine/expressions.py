"""Formula trees to Ibis expressions, through lookup tables; the same operators serve rows and KPIs.

Division always goes through NULLIF(divisor, 0), so that dividing by zero or by an empty value is empty on every
backend (DuckDB would give NULL, PostgreSQL an error, Python infinity).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import ibis

from kpilot.errors import InternalError
from kpilot.formula.ast import Binary, Boolean, Call, InList, IsNull, Node, Null, Number, String, Unary
from kpilot.formula.check import BoundCall, bind_call
from kpilot.formula.functions import Level


def divide(left: Any, right: Any) -> Any:
    # Both sides as float64: PostgreSQL's SUM of integers is NUMERIC, and double / numeric would be numeric.
    return left.cast("float64") / right.cast("float64").nullif(0)


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": divide,
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "and": operator.and_,
    "or": operator.or_,
}


def _seconds(value: Any) -> Any:
    return value.epoch_seconds()


SCALAR_FUNCTIONS: dict[str, Callable[[BoundCall, Callable[[Node], Any]], Any]] = {
    "if": lambda b, c: ibis.ifelse(c(b.values["condition"]), c(b.values["then"]), c(b.values["else"])),
    "coalesce": lambda b, c: ibis.coalesce(*(c(arg) for arg in b.rest)),
    "abs": lambda b, c: c(b.values["x"]).abs(),
    "round": lambda b, c: c(b.values["x"]).round(int(b.literals["digits"])),
    "days_between": lambda b, c: (_seconds(c(b.values["end"])) - _seconds(c(b.values["start"]))) / 86400.0,
    "hours_between": lambda b, c: (_seconds(c(b.values["end"])) - _seconds(c(b.values["start"]))) / 3600.0,
}


class ExpressionCompiler:
    """Compiles the shared part of the language; subclasses say what names and time functions mean."""

    level: Level = Level.ROW

    def compile(self, node: Node) -> Any:
        match node:
            case Number(value=value):
                return ibis.literal(value)
            case String(value=value):
                return ibis.literal(value)
            case Boolean(value=value):
                return ibis.literal(value)
            case Null():
                return ibis.null()
            case Unary(op="-", operand=operand):
                return -self.compile(operand)
            case Unary(operand=operand):
                return ~self.compile(operand)
            case Binary(op=op, left=left, right=right):
                return BINARY[op](self.compile(left), self.compile(right))
            case InList(operand=operand, options=options, negated=negated):
                value, values = self.compile(operand), [self.compile(o) for o in options]
                return value.notin(values) if negated else value.isin(values)
            case IsNull(operand=operand, negated=negated):
                value = self.compile(operand)
                return value.notnull() if negated else value.isnull()
            case Call():
                return self.call(node, bind_call(node, self.level))
        return self.leaf(node)

    def call(self, node: Call, bound: BoundCall) -> Any:
        builder = SCALAR_FUNCTIONS.get(bound.function.name)
        if builder is None:
            raise InternalError(f"no compiler for function {bound.function.name}() at {self.level.value} level")
        return builder(bound, self.compile)

    def leaf(self, node: Node) -> Any:
        raise InternalError(f"unexpected {type(node).__name__} in a {self.level.value}-level formula")
