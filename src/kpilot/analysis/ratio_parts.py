"""A KPI as a ratio of two sums, when it is one: `orders.revenue / orders.orders`, `(a - b) / c * 100`, or a KPI
that is another KPI's ratio by name. The parts are the formula's own text (the numerator's and the denominator's
spans), so they compute exactly as the KPI's own halves do; a constant factor (the `* 100` of a score) is kept
apart. Whether each part adds up over the members of a dimension (a sum or a count, not a distinct count or a
median) is the caller's to check, with the parts made KPIs (semantic.additive)."""

from __future__ import annotations

from dataclasses import dataclass

from kpilot.definitions.model import Definitions
from kpilot.errors import FormulaError
from kpilot.formula.ast import Binary, Name, Node, Number
from kpilot.formula.parser import parse

MOST_NAMES_FOLLOWED = 20  # a KPI naming a KPI naming ...: a loop is the definitions' error, not followed here


@dataclass(frozen=True)
class RatioParts:
    numerator: str  # formula text
    denominator: str
    factor: float  # the ratio's constant factor (100 for `... / ... * 100`; 1 mostly)


def ratio_parts(definitions: Definitions, kpi: str) -> RatioParts | None:
    """The KPI's numerator and denominator formulas and factor, or None when its formula is not a ratio."""
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
