"""A KPI as a ratio of two sums, when it is one: `orders.revenue / orders.orders`, `(a - b) / c * 100`, or a KPI
that is another KPI's ratio by name. The parts are the formula's own text (the numerator's and the denominator's
spans), so they compute exactly as the KPI's own halves do; a constant factor (the `* 100` of a score) is kept
apart. Whether each part adds up over the members of a dimension (a sum or a count, not a distinct count or a
median) is the caller's to check, with the parts made KPIs (semantic.additive).

An average is a ratio too: a KPI whose formula is one `avg` measure (`tickets.first_response_hours`, or a KPI naming
such a KPI, with a constant factor or divisor around it) is the sum of the measure's expression over the count of
its values, over the same rows (those passing the measure's filter, where the expression is not empty; the count
skips empty values as the average does). The parts are then two new measures of the same source, with the average's
expression and filter and aggregations `sum` and `count`, for the caller to add to the workspace
(Workspace.with_kpis)."""

from __future__ import annotations

from dataclasses import dataclass

from kpilot.definitions.model import Aggregation, Definitions, Measure, Source
from kpilot.errors import FormulaError
from kpilot.formula.ast import Binary, MeasureRef, Name, Node, Number, Resolved
from kpilot.formula.parser import parse
from kpilot.semantic.resolve import SemanticModel

MOST_NAMES_FOLLOWED = 20  # a KPI naming a KPI naming ...: a loop is the definitions' error, not followed here
SUM_SUFFIX, COUNT_SUFFIX = "__sum", "__count"  # an average's parts, as measures of its source


@dataclass(frozen=True)
class RatioParts:
    numerator: str  # formula text
    denominator: str
    factor: float  # the ratio's constant factor (100 for `... / ... * 100`; 1 mostly)
    measures: tuple[tuple[str, Measure], ...] = ()  # (source, measure) the parts use that the source lacks


def ratio_parts(model: SemanticModel, kpi: str) -> RatioParts | None:
    """The KPI's numerator and denominator formulas and factor, or None when its formula is not a ratio."""
    return _average(model, kpi) or _written(model.definitions, kpi)


def _written(definitions: Definitions, kpi: str) -> RatioParts | None:
    """The ratio written in the formula (of the KPI, or of the KPI it names)."""
    name = kpi
    for _ in range(MOST_NAMES_FOLLOWED):
        found = definitions.kpi(name)
        if found is None:
            return None
        text = found.formula
        try:
            tree = parse(text)
        except FormulaError:
            return None
        if isinstance(tree, Name) and len(tree.parts) == 1 and definitions.kpi(tree.parts[0]) is not None:
            name = tree.parts[0]  # the KPI is another KPI
            continue
        return _parts(text, tree)
    return None


def _parts(text: str, tree: Node) -> RatioParts | None:
    factor = 1.0
    if isinstance(tree, Binary) and tree.op == "*":
        if isinstance(tree.right, Number) and isinstance(tree.left, Binary) and tree.left.op == "/":
            factor, tree = float(tree.right.value), tree.left
        elif isinstance(tree.left, Number) and isinstance(tree.right, Binary) and tree.right.op == "/":
            factor, tree = float(tree.left.value), tree.right
    if not (isinstance(tree, Binary) and tree.op == "/"):
        return None
    return RatioParts(_text(text, tree.left), _text(text, tree.right), factor)


def _text(text: str, node: Node) -> str:
    return text[node.span.start : node.span.end]


def _average(model: SemanticModel, kpi: str) -> RatioParts | None:
    """The KPI as sum / count when it is one `avg` measure (KPI names followed by the model's expansion), times or
    over a constant."""
    try:
        tree = model.expand(kpi)
    except FormulaError:
        return None
    factor, inner = _factor(tree)
    if not isinstance(inner, MeasureRef) or factor == 0:
        return None
    try:
        source, measure = model.measure(inner)
    except FormulaError:
        return None
    if measure.agg is not Aggregation.AVG:
        return None
    total = _derived(source, measure, SUM_SUFFIX, Aggregation.SUM)
    count = _derived(source, measure, COUNT_SUFFIX, Aggregation.COUNT)
    # The names are identifiers the source's name and the new measures' names are made of: a formula that parses
    # to exactly these two measure references (no text of the definitions is pasted into it).
    return RatioParts(
        f"{source.name}.{total.name}",
        f"{source.name}.{count.name}",
        factor,
        ((source.name, total), (source.name, count)),
    )


def _factor(tree: Resolved) -> tuple[float, Resolved]:
    """A constant factor or divisor around a formula: `m * 60`, `60 * m`, `m / 24`; 1 and the formula otherwise."""
    if isinstance(tree, Binary) and tree.op == "*":
        if isinstance(tree.right, Number):
            return float(tree.right.value), tree.left
        if isinstance(tree.left, Number):
            return float(tree.left.value), tree.right
    if isinstance(tree, Binary) and tree.op == "/" and isinstance(tree.right, Number) and tree.right.value != 0:
        return 1 / float(tree.right.value), tree.left
    return 1.0, tree


def _derived(source: Source, average: Measure, suffix: str, agg: Aggregation) -> Measure:
    """The average's expression and filter with another aggregation, under a name the source does not have yet
    (where it is told: an error in the expression names the average's place in its file)."""
    taken = {measure.name for measure in source.measures}
    name, tries = average.name + suffix, 1
    while name in taken:
        tries += 1
        name = f"{average.name}{suffix}{tries}"
    return average.model_copy(update={"name": name, "agg": agg, "label": None, "description": None})
