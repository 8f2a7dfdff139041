"""Formula trees to Ibis expressions, through lookup tables; the same operators serve rows and KPIs.

Division always goes through NULLIF(divisor, 0), so that dividing by zero or by an empty value is empty on every
backend (DuckDB would give NULL, PostgreSQL an error, Python infinity).

Every function is built from Ibis operations, which each backend renders in its own SQL (`starts_with` is
STARTS_WITH on both, `ends_with` SUFFIX on DuckDB and RIGHT(...) = ... on PostgreSQL); the tests run each function on
DuckDB and PostgreSQL and compare with values worked out by hand.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Generator
from typing import Any

import ibis

from kpilot.errors import InternalError
from kpilot.formula.ast import Binary, Boolean, Call, Case, InList, IsNull, Node, Null, Number, String, Unary
from kpilot.formula.check import SIGNATURES, BoundCall, Type, bind_call
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


def _elapsed(start: Any, end: Any) -> Any:
    """Seconds from `start` to `end`, as a float64 to divide: a literal 86400.0 is a DECIMAL to Spark, whose
    quotients come back as decimals, not quite the number once converted."""
    return (_seconds(end) - _seconds(start)).cast("float64")


# The literal `null` has no type in Ibis, and no methods: given where a function takes text (or a number, or a
# timestamp), it is first made an empty value of that type.
NULL_AS = {Type.NUMBER: "float64", Type.STRING: "string", Type.TIMESTAMP: "timestamp", Type.DATE: "date"}


def typed_null(value: Any, takes: frozenset[Type]) -> Any:
    if not value.type().is_null():
        return value
    kind = next(kind for kind in (Type.NUMBER, Type.STRING, Type.TIMESTAMP, Type.DATE) if kind in takes)
    return value.cast(NULL_AS[kind])


# Each builder gets the call's compiled value arguments by parameter name, and the compiled variadic ones in order.
SCALAR_FUNCTIONS: dict[str, Callable[[BoundCall, dict[str, Any], list[Any]], Any]] = {
    "if": lambda b, v, rest: ibis.ifelse(v["condition"], v["then"], v["else"]),
    "coalesce": lambda b, v, rest: ibis.coalesce(*rest),
    "abs": lambda b, v, rest: v["x"].abs(),
    "round": lambda b, v, rest: v["x"].round(int(b.literals["digits"])),
    "days_between": lambda b, v, rest: _elapsed(v["start"], v["end"]) / 86400,
    "hours_between": lambda b, v, rest: _elapsed(v["start"], v["end"]) / 3600,
    "nullif": lambda b, v, rest: v["a"].nullif(v["b"]),
    # LEAST and GREATEST skip empty values on both warehouses: empty only when every value is.
    "least": lambda b, v, rest: ibis.least(*rest),
    "greatest": lambda b, v, rest: ibis.greatest(*rest),
    "starts_with": lambda b, v, rest: v["text"].startswith(v["prefix"]),
    "ends_with": lambda b, v, rest: v["text"].endswith(v["suffix"]),
    "contains": lambda b, v, rest: v["text"].contains(v["part"]),
    "like": lambda b, v, rest: v["text"].like(str(b.literals["pattern"])),
    "lower": lambda b, v, rest: v["text"].lower(),
    "upper": lambda b, v, rest: v["text"].upper(),
    "length": lambda b, v, rest: v["text"].length(),
    "trim": lambda b, v, rest: v["text"].strip(),  # the ASCII whitespace: space, \t, \n, \r, \v, \f
}

# How a node is compiled: a generator that yields the sub-expressions it needs compiled (by the same compiler), one
# at a time, receives each one's Ibis expression back, and returns the node's. `compile` drives these with an
# explicit stack, so a formula's depth costs no Python stack frames (a recursive compiler ran out of them on
# formulas the parser accepts).
Rule = Generator[Node, Any, Any]
_START = object()  # sent to a rule that has not started yet


class ExpressionCompiler:
    """Compiles the shared part of the language; subclasses say what names and time functions mean."""

    level: Level = Level.ROW

    def compile(self, node: Node) -> Any:
        """The Ibis expression of a formula tree."""
        stack: list[Rule] = [self.rule(node)]
        value: Any = _START
        while True:
            try:
                needed = next(stack[-1]) if value is _START else stack[-1].send(value)
            except StopIteration as finished:
                stack.pop()
                value = finished.value
                if not stack:
                    return value
                continue
            stack.append(self.rule(needed))
            value = _START

    def rule(self, node: Node) -> Rule:
        match node:
            case Number(value=value):
                # Ibis renders a float literal as bare `0.5`, which PostgreSQL reads as NUMERIC (so `clicks + 0.5`
                # became a decimal column), and drops a cast to float64; cast from text, it is a double everywhere.
                return ibis.literal(repr(value)).cast("float64") if isinstance(value, float) else ibis.literal(value)
            case String(value=value):
                return ibis.literal(value)
            case Boolean(value=value):
                return ibis.literal(value)
            case Null():
                return ibis.null()
            case Unary(op="-", operand=operand):
                return -(yield operand)
            case Unary(operand=operand):
                return ~(yield operand)
            case Binary(op=op, left=left, right=right):
                compiled_left = yield left
                return BINARY[op](compiled_left, (yield right))
            case InList(operand=operand, options=options, negated=negated):
                value = yield operand
                values = []
                for option in options:
                    values.append((yield option))
                return value.notin(values) if negated else value.isin(values)
            case IsNull(operand=operand, negated=negated):
                value = yield operand
                return value.notnull() if negated else value.isnull()
            case Call():
                return (yield from self.call(node, bind_call(node, self.level)))
            case Case(whens=whens, otherwise=otherwise):
                branches = []
                for condition, branch in whens:
                    compiled_condition = yield condition
                    branches.append((compiled_condition, (yield branch)))
                default = None if otherwise is None else (yield otherwise)
                return ibis.cases(*branches, else_=default)
        return self.leaf(node)

    def call(self, node: Call, bound: BoundCall) -> Rule:
        builder = SCALAR_FUNCTIONS.get(bound.function.name)
        if builder is None:
            raise InternalError(f"no compiler for function {bound.function.name}() at {self.level.value} level")
        values = {}
        for name, argument in bound.values.items():
            values[name] = yield argument
        rest = []
        for argument in bound.rest:
            rest.append((yield argument))
        signature = SIGNATURES.get(bound.function.name)
        if signature is not None:
            values = {name: typed_null(value, signature.takes) for name, value in values.items()}
        return builder(bound, values, rest)

    def leaf(self, node: Node) -> Any:
        raise InternalError(f"unexpected {type(node).__name__} in a {self.level.value}-level formula")
