"""What kind of series a KPI is, as target suggestions and forecasts need to know: a flow, a stock or a rate, and
whether it is the growth of another KPI.

- a **flow** adds up over time (revenue, orders: `semantic.additive`): a quarter is the sum of its months;
- a **stock** is a snapshot (pipeline, headcount, MRR): every measure it reads is `agg: last`, the value on the last
  day of the period, so a quarter is its last month, never the sum of its months;
- anything else (ratios, averages, distinct counts, growth) is a **rate**.

`growth_of` recognises `growth(x)` and its long form `x / previous(x, n=N) - 1`, and names the KPI whose formula is
`x`: a growth KPI's target follows from that KPI's target.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kpilot.definitions.model import Aggregation
from kpilot.errors import FormulaError
from kpilot.formula.ast import Binary, Call, MeasureRef, Number, Resolved
from kpilot.formula.check import walk
from kpilot.semantic.additive import is_additive
from kpilot.semantic.resolve import SemanticModel


class SeriesKind(StrEnum):
    FLOW = "flow"
    STOCK = "stock"
    RATE = "rate"


def series_kind(model: SemanticModel, kpi: str) -> SeriesKind:
    if is_additive(model, kpi):
        return SeriesKind.FLOW
    try:
        tree = model.expand(kpi)
        measures = [model.measure(node)[1] for node in walk(tree) if isinstance(node, MeasureRef)]
    except FormulaError:
        return SeriesKind.RATE
    time_calls = any(isinstance(node, Call) and node.name in ("previous", "growth") for node in walk(tree))
    if measures and not time_calls and all(m.agg is Aggregation.LAST for m in measures) and _linear(tree):
        return SeriesKind.STOCK
    return SeriesKind.RATE


def _linear(tree: Resolved) -> bool:
    """A sum or difference of measures (mrr, recorded - counted); a ratio of two stocks is a rate (ARPA)."""
    match tree:
        case MeasureRef():
            return True
        case Binary(op="+" | "-"):
            return _linear(tree.left) and _linear(tree.right)
        case Binary(op="*" | "/", right=Number()):
            return _linear(tree.left)
    return False


@dataclass(frozen=True)
class GrowthOf:
    """The KPI is the growth of `base` (another KPI) over `lag` periods: base / previous(base, lag) - 1."""

    base: str
    lag: int


def growth_of(model: SemanticModel, kpi: str) -> GrowthOf | None:
    """The KPI this one is the growth of, when its formula is growth(x) or x / previous(x, n=N) - 1 and another KPI's
    formula is x (None otherwise: its targets then come from its own history)."""
    try:
        tree = model.expand(kpi)
    except FormulaError:
        return None
    found = _growth_argument(tree)
    if found is None:
        return None
    inner, lag = found
    shape = _shape(inner)
    for other in model.definitions.kpis:
        if other.name == kpi:
            continue
        try:
            if _shape(model.expand(other.name)) == shape:
                return GrowthOf(other.name, lag)
        except FormulaError:
            continue
    return None


def _growth_argument(tree: Resolved) -> tuple[Resolved, int] | None:
    if isinstance(tree, Call) and tree.name == "growth" and len(tree.args) == 1 and not tree.kwargs:
        return tree.args[0], 1
    match tree:
        case Binary(op="-", left=Binary(op="/", left=inner, right=Call(name="previous") as previous), right=Number(1)):
            if previous.args and _shape(previous.args[0]) == _shape(inner):
                lag = _lag(previous)
                return (inner, lag) if lag is not None else None
    return None


def _lag(previous: Call) -> int | None:
    arguments = [*previous.args[1:], *(value for name, value in previous.kwargs if name == "n")]
    if not arguments:
        return 1
    value = arguments[0]
    return int(value.value) if isinstance(value, Number) and float(value.value).is_integer() else None


def _shape(node: Any) -> Any:
    """A tree without its text spans, to compare formulas written differently (or at other offsets)."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return (
            type(node).__name__,
            *(_shape(getattr(node, f.name)) for f in dataclasses.fields(node) if not f.name.endswith("span")),
        )
    if isinstance(node, tuple):
        return tuple(_shape(item) for item in node)
    return node
