"""Rules for the time functions that do not depend on a request: what to_date() and rolling() may contain."""

from __future__ import annotations

from kpilot.definitions.model import Aggregation
from kpilot.formula.ast import Call, MeasureRef, Node
from kpilot.formula.check import BoundCall, bind_call, walk
from kpilot.formula.functions import FUNCTIONS, Level
from kpilot.semantic.resolve import SemanticModel

ROLLUP_AGGREGATIONS = frozenset({Aggregation.SUM, Aggregation.COUNT, Aggregation.MIN, Aggregation.MAX})


def is_time_call(node: Node) -> bool:
    return isinstance(node, Call) and node.name in FUNCTIONS and FUNCTIONS[node.name].time


def time_calls(tree: Node) -> list[BoundCall]:
    return [bind_call(node, Level.KPI) for node in walk(tree) if isinstance(node, Call) and is_time_call(node)]


def rollup_problem(kpi: str, function: str, argument: Node, model: SemanticModel) -> tuple[str, str] | None:
    """Why `function(argument)` (to_date or rolling) cannot add per-period values up, with a fix; None if it can."""
    for node in walk(argument):
        if isinstance(node, Call) and is_time_call(node):
            return (
                f"KPI '{kpi}': {function}() cannot contain {node.name}()",
                f"put {node.name}() outside, e.g. {node.name}({function}(x, ...))",
            )
        if isinstance(node, MeasureRef):
            _, measure = model.measure(node)
            if measure.agg not in ROLLUP_AGGREGATIONS:
                return (
                    f"KPI '{kpi}': {function}() adds up per-period values, but measure "
                    f"'{node.source}.{node.measure}' is '{measure.agg.value}', which does not add up across periods",
                    "use it on sum, count, min or max measures (an average is sum / count of two measures)",
                )
    return None


def rollup_problems(kpi: str, tree: Node, model: SemanticModel) -> list[tuple[str, str]]:
    problems = []
    for bound in time_calls(tree):
        if bound.function.name in ("to_date", "rolling"):
            problem = rollup_problem(kpi, bound.function.name, bound.values["x"], model)
            if problem is not None:
                problems.append(problem)
    return problems
