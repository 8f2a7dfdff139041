"""KPI formulas over the per-period frame: arithmetic on measure columns, and time functions as window functions.

SQL cannot nest window functions, so the argument of each previous()/growth() is first materialised as a column
(one `mutate` layer per nesting depth); to_date() and rolling() become windowed sums of measure columns.
"""

from __future__ import annotations

from typing import Any

import ibis

from kpilot.definitions.model import Aggregation
from kpilot.engine.aggregate import PERIOD
from kpilot.engine.expressions import ExpressionCompiler, Rule, divide
from kpilot.engine.plan import column_name
from kpilot.errors import InternalError
from kpilot.formula.ast import Call, MeasureRef, Node
from kpilot.formula.check import BoundCall, children, walk
from kpilot.formula.functions import Level

LAGGED = ("previous", "growth")


def to_date_key(period: str) -> str:
    return f"_kpilot_to_date_{period}"


class KpiCompiler(ExpressionCompiler):
    level = Level.KPI

    def __init__(
        self,
        table: Any,
        by: tuple[str, ...],
        aggregations: dict[str, Aggregation],
        materialised: dict[Node, str],
    ) -> None:
        self.table = table
        self.by = list(by)
        self.aggregations = aggregations
        self.materialised = materialised

    def rule(self, node: Node) -> Rule:
        if node in self.materialised:
            return self.table[self.materialised[node]]
        return (yield from super().rule(node))

    def leaf(self, node: Node) -> Any:
        if isinstance(node, MeasureRef):
            return self.measure(column_name(node.source, node.measure))
        return super().leaf(node)

    def measure(self, column: str) -> Any:
        return self.table[column]

    def call(self, node: Call, bound: BoundCall) -> Rule:
        name = bound.function.name
        if name in LAGGED:
            steps = int(bound.literals.get("n", 1))
            value = yield bound.values["x"]
            before = value.lag(steps).over(ibis.window(group_by=self.by, order_by=self.table[PERIOD]))
            return divide(value, before) - 1 if name == "growth" else before
        if name == "to_date":
            keys = [*self.by, to_date_key(str(bound.literals["period"]))]
            window = ibis.window(group_by=keys, order_by=self.table[PERIOD], rows=(None, 0))
            return RollupCompiler(self, window).compile(bound.values["x"])
        if name == "rolling":
            preceding = int(bound.literals["n"]) - 1
            window = ibis.window(group_by=self.by, order_by=self.table[PERIOD], preceding=preceding, following=0)
            return RollupCompiler(self, window).compile(bound.values["x"])
        return (yield from super().call(node, bound))


class RollupCompiler(KpiCompiler):
    """Inside to_date() and rolling(): each measure is rolled up over the window (sums add, min and max combine)."""

    def __init__(self, parent: KpiCompiler, window: Any) -> None:
        # Nothing inside is materialised: the plan forbids previous() and growth() inside to_date() and rolling().
        super().__init__(parent.table, tuple(parent.by), parent.aggregations, {})
        self.window = window

    def measure(self, column: str) -> Any:
        value = self.table[column]
        aggregation = self.aggregations[column]
        if aggregation is Aggregation.MIN:
            return value.min().over(self.window)
        if aggregation is Aggregation.MAX:
            return value.max().over(self.window)
        if aggregation in (Aggregation.SUM, Aggregation.COUNT):
            return value.sum().over(self.window)
        raise InternalError(f"measure {column} ({aggregation.value}) cannot be rolled up")


def depth(node: Node) -> int:
    """How many previous()/growth() are nested inside `node`, itself included (one pass with an explicit stack)."""
    deepest = 0
    stack = [(node, 0)]
    while stack:
        current, above = stack.pop()
        if isinstance(current, Call) and current.name in LAGGED:
            above += 1
        deepest = max(deepest, above)
        stack.extend((child, above) for child in children(current))
    return deepest


def lagged_arguments(node: Node) -> list[Node]:
    """The argument of every previous()/growth() in `node`, outer ones first."""
    return [
        found.args[0] if found.args else dict(found.kwargs)["x"]
        for found in walk(node)
        if isinstance(found, Call) and found.name in LAGGED
    ]


def compute_kpis(
    frame: Any,
    kpis: list[tuple[str, Node]],
    by: tuple[str, ...],
    aggregations: dict[str, Aggregation],
    keep: list[str],
) -> Any:
    """The `keep` columns of `frame` (period and dimensions) and one column per KPI, computed from its measures."""
    arguments = sorted({arg for _, tree in kpis for arg in lagged_arguments(tree)}, key=depth)
    materialised: dict[Node, str] = {}
    table = frame
    for level in sorted({depth(arg) for arg in arguments}):
        layer = [arg for arg in arguments if depth(arg) == level]
        compiler = KpiCompiler(table, by, aggregations, materialised)
        names = {f"_kpilot_arg_{len(materialised) + i}": arg for i, arg in enumerate(layer)}
        table = table.mutate(**{name: compiler.compile(arg) for name, arg in names.items()})
        materialised.update({arg: name for name, arg in names.items()})
    compiler = KpiCompiler(table, by, aggregations, materialised)
    return table.select(*keep, **{name: compiler.compile(tree) for name, tree in kpis})
