"""Rules for the time functions that do not depend on a request: what to_date() and rolling() may contain."""

from __future__ import annotations

from kpilot.definitions.model import Aggregation
from kpilot.formula.ast import Call, MeasureRef, Node
from kpilot.formula.check import BoundCall, bind_call, children, walk
from kpilot.formula.functions import FUNCTIONS, Level
from kpilot.i18n import Message
from kpilot.semantic.resolve import SemanticModel

ROLLUP_AGGREGATIONS = frozenset({Aggregation.SUM, Aggregation.COUNT, Aggregation.MIN, Aggregation.MAX})


def is_time_call(node: Node) -> bool:
    return isinstance(node, Call) and node.name in FUNCTIONS and FUNCTIONS[node.name].time


def time_calls(tree: Node) -> list[BoundCall]:
    return [bind_call(node, Level.KPI) for node in walk(tree) if isinstance(node, Call) and is_time_call(node)]


# A problem and how to fix it.
Problem = tuple[Message, Message]


def rollup_problem(kpi: str, function: str, argument: Node, model: SemanticModel) -> Problem | None:
    """Why `function(argument)` (to_date or rolling) cannot add per-period values up, with a fix; None if it can."""
    problem = _argument_problem(function, argument, model)
    return None if problem is None else _of_kpi(kpi, problem)


def _of_kpi(kpi: str, problem: Problem) -> Problem:
    return Message("semantic.in_kpi", kpi=kpi, problem=problem[0]), problem[1]


def _argument_problem(function: str, argument: Node, model: SemanticModel) -> Problem | None:
    for node in walk(argument):
        if isinstance(node, Call) and is_time_call(node):
            return (
                Message("semantic.time_function_inside", function=function, inner=node.name),
                Message("semantic.time_function_outside_hint", function=function, inner=node.name),
            )
        if isinstance(node, MeasureRef):
            _, measure = model.measure(node)
            if measure.agg not in ROLLUP_AGGREGATIONS:
                return (
                    Message(
                        "semantic.not_additive_measure",
                        function=function,
                        measure=f"{node.source}.{node.measure}",
                        agg=measure.agg.value,
                    ),
                    Message("semantic.additive_measures_hint"),
                )
    return None


class RollupCheck:
    """What `rollup_problem` finds in each to_date() and rolling() of a KPI, for every KPI of a model.

    Expanded formulas share the trees of the KPIs they use, so what is found in a shared part (its time functions,
    and the problem of each) is worked out once, keyed by the node object: checking every KPI stays linear in the
    size of the definitions, however many KPIs use a large one."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self._calls: dict[int, tuple[Call, ...]] = {}
        self._problems: dict[int, Problem | None] = {}

    def problems(self, kpi: str, tree: Node) -> list[Problem]:
        found = []
        for call in self._time_calls(tree):
            bound = bind_call(call, Level.KPI)
            if bound.function.name not in ("to_date", "rolling"):
                continue
            if id(call) not in self._problems:
                self._problems[id(call)] = _argument_problem(bound.function.name, bound.values["x"], self.model)
            problem = self._problems[id(call)]
            if problem is not None:
                found.append(_of_kpi(kpi, problem))
        return found

    def _time_calls(self, tree: Node) -> tuple[Call, ...]:
        """The time-function calls in `tree`, in the order of `walk`; children before parents, explicit stack."""
        memo = self._calls
        stack: list[tuple[Node, bool]] = [(tree, False)]
        while stack:
            node, ready = stack.pop()
            if id(node) in memo:
                continue
            parts = children(node)
            if parts and not ready:
                stack.append((node, True))
                stack.extend((part, False) for part in reversed(parts) if id(part) not in memo)
                continue
            own: tuple[Call, ...] = (node,) if isinstance(node, Call) and is_time_call(node) else ()
            memo[id(node)] = own + tuple(call for part in parts for call in memo[id(part)])
        return memo[id(tree)]
