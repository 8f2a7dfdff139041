"""Whether a KPI adds up over time: its value over a period is the sum of its values over the period's parts.

Additive KPIs (revenue, orders, signups, 2 * revenue - refunds) grow through a period, so in a running period they
are judged against the pace: the part of the target expected by now. Others (rates, averages, distinct counts,
stocks, growth) are judged by their current value against the target itself.
"""

from __future__ import annotations

from enum import Enum

from kpilot.definitions.model import Aggregation
from kpilot.errors import FormulaError
from kpilot.formula.ast import Binary, Call, MeasureRef, Number, Resolved, Unary
from kpilot.formula.check import walk
from kpilot.semantic.resolve import SemanticModel


class _Sum(Enum):
    """A sub-formula that is linear in additive measures with no constant term."""

    ADDITIVE = "additive"


# What a sub-formula is: additive, a constant (with its value), or neither (None).
_Kind = _Sum | float | None


def is_additive(model: SemanticModel, kpi_name: str) -> bool:
    """True when the KPI is built only from sum/count measures with +, -, and * or / by constants.

    A KPI whose formula does not resolve is not additive (it cannot be computed either).
    """
    try:
        tree = model.expand(kpi_name)
        return _kind(model, tree) is _Sum.ADDITIVE
    except FormulaError:
        return False


def scales_with_time(model: SemanticModel, kpi_name: str) -> bool:
    """True for a flow over a stock: an additive formula divided by a level, `last` measures or an average balance
    (return on assets = profit / assets, or over average assets; revenue per employee). Its value over a year is
    about the sum of its months', so a year's target is shared out over the months like an additive KPI's, not
    applied to each month as is."""
    try:
        tree = model.expand(kpi_name)
    except FormulaError:
        return False
    while isinstance(tree, Unary) and tree.op == "-":
        tree = tree.operand
    if not (isinstance(tree, Binary) and tree.op == "/"):
        return False
    return _kind(model, tree.left) is _Sum.ADDITIVE and _is_stock(model, tree.right)


def _is_stock(model: SemanticModel, node: Resolved) -> bool:
    """A level that does not grow with the period: a formula of `last` measures and constants (assets), or an
    average of daily balances (their sum over a count of days or items)."""
    if isinstance(node, Binary) and node.op == "/" and _kind(model, node.left) is _Sum.ADDITIVE:
        return _only(model, node.right, {Aggregation.COUNT, Aggregation.COUNT_DISTINCT})
    return _only(model, node, {Aggregation.LAST})


def _only(model: SemanticModel, node: Resolved, aggregations: set[Aggregation]) -> bool:
    """Whether `node` is arithmetic over constants and at least one measure, every measure of these aggregations."""
    refs = [n for n in walk(node) if isinstance(n, MeasureRef)]
    allowed = (MeasureRef, Number, Unary, Binary)
    return (
        bool(refs)
        and all(model.measure(ref)[1].agg in aggregations for ref in refs)
        and all(isinstance(n, allowed) for n in walk(node))
    )


def _kind(model: SemanticModel, node: Resolved) -> _Kind:
    match node:
        case MeasureRef():
            _, measure = model.measure(node)
            return _Sum.ADDITIVE if measure.agg.additive else None
        case Number(value=value):
            return float(value)
        case Unary(op="-", operand=operand):
            inner = _kind(model, operand)
            return -inner if isinstance(inner, float) else inner
        case Binary(op="+" | "-"):
            return _sum(_kind(model, node.left), _kind(model, node.right), node.op)
        case Binary(op="*"):
            return _product(_kind(model, node.left), _kind(model, node.right))
        case Binary(op="/"):
            return _quotient(_kind(model, node.left), _kind(model, node.right))
        case Call(name="coalesce", kwargs=()):
            return _coalesce([_kind(model, arg) for arg in node.args])
    return None


def _sum(left: _Kind, right: _Kind, op: str) -> _Kind:
    if isinstance(left, float) and isinstance(right, float):
        return left + right if op == "+" else left - right
    if left is _Sum.ADDITIVE and right is _Sum.ADDITIVE:
        return _Sum.ADDITIVE
    return None  # a constant term (revenue + 5) or a non-additive part breaks the sum over parts


def _product(left: _Kind, right: _Kind) -> _Kind:
    if isinstance(left, float) and isinstance(right, float):
        return left * right
    if _Sum.ADDITIVE in (left, right) and (isinstance(left, float) or isinstance(right, float)):
        return _Sum.ADDITIVE
    return None


def _quotient(left: _Kind, right: _Kind) -> _Kind:
    if not isinstance(right, float) or right == 0:
        return None  # a ratio of measures, or a division by zero
    if isinstance(left, float):
        return left / right
    return left


def _coalesce(kinds: list[_Kind]) -> _Kind:
    """coalesce(revenue, 0) is still a sum; coalesce(revenue, 10) is not."""
    if kinds and kinds[0] is _Sum.ADDITIVE and all(k is _Sum.ADDITIVE or k == 0.0 for k in kinds[1:]):
        return _Sum.ADDITIVE
    return None
