"""Type checking of the text, date and comparison functions and of the case form: types given, and mistakes told at
the argument that is wrong."""

from __future__ import annotations

import ibis.expr.datatypes as dt
import pytest

from kpilot.errors import FormulaError
from kpilot.formula.ast import Name
from kpilot.formula.check import Type, check, children, walk, with_children
from kpilot.formula.functions import FUNCTIONS, Level
from kpilot.formula.parser import parse
from kpilot.semantic.rowscope import RowScope

ROWS = RowScope(
    {
        "invoice": dt.string,
        "country": dt.string,
        "amount": dt.float64,
        "quantity": dt.int64,
        "day": dt.date,
        "at": dt.timestamp,
        "paid": dt.boolean,
    }
)


class KpiNames:
    """A KPI formula's scope: every name is a measure (a number)."""

    level = Level.KPI

    def type_of(self, name: Name) -> Type:
        return Type.NUMBER


@pytest.mark.parametrize(
    ("formula", "kind"),
    [
        ("starts_with(invoice, 'C')", Type.BOOLEAN),
        ("ends_with(invoice, country)", Type.BOOLEAN),
        ("contains(invoice, null)", Type.BOOLEAN),
        ("like(invoice, 'C%')", Type.BOOLEAN),
        ("like(invoice, pattern='_1%')", Type.BOOLEAN),
        ("lower(invoice)", Type.STRING),
        ("upper(trim(invoice))", Type.STRING),
        ("length(invoice) + 1", Type.NUMBER),
        ("year(day) * 100 + month(at)", Type.NUMBER),
        ("quarter(day) + week(at) + weekday(day) + hour(at)", Type.NUMBER),
        ("date_trunc('month', at)", Type.DATE),
        ("date_trunc('week', day) = '2025-01-06'", Type.BOOLEAN),
        ("year(null)", Type.NUMBER),
        ("nullif(amount, 0)", Type.NUMBER),
        ("nullif(null, invoice)", Type.NULL),
        ("nullif(country, '')", Type.STRING),
        ("least(amount, quantity, 3)", Type.NUMBER),
        ("greatest(invoice, country, null)", Type.STRING),
        ("greatest(day, at)", Type.TIMESTAMP),
        ("least(day, date_trunc('month', day))", Type.DATE),
        ("case when amount > 0 then 'sale' when amount < 0 then 'refund' else null end", Type.STRING),
        ("case when paid then null end", Type.NULL),
        ("case when paid then null else 2 end", Type.NUMBER),
        ("case when paid then day else at end", Type.TIMESTAMP),
        ("case when paid then paid else not paid end", Type.BOOLEAN),
        ("case when null then 1 end", Type.NUMBER),
    ],
)
def test_types(formula: str, kind: Type) -> None:
    assert check(parse(formula), ROWS) is kind


@pytest.mark.parametrize(
    ("formula", "message", "at"),
    [
        ("starts_with(amount, 'C')", "starts_with() needs text, but this is number", "amount"),
        ("ends_with(invoice, 1)", "ends_with() needs text, but this is number", "1"),
        ("contains(invoice, paid)", "contains() needs text, but this is true/false", "paid"),
        ("lower(day)", "lower() needs text, but this is date", "day"),
        ("length(quantity)", "length() needs text, but this is number", "quantity"),
        ("year(invoice)", "year() needs a date or timestamp, but this is text", "invoice"),
        ("weekday(amount)", "weekday() needs a date or timestamp, but this is number", "amount"),
        ("hour(day)", "hour() needs a timestamp, but this is date", "day"),
        ("date_trunc('month', amount)", "date_trunc() needs a date or timestamp, but this is number", "amount"),
        (
            "date_trunc('hour', at)",
            "date_trunc(): 'unit' must be one of 'day', 'week', 'month', 'quarter', 'year'",
            "'hour'",
        ),
        ("date_trunc(unit, at)", "date_trunc(): 'unit' must be one of", "unit"),
        ("date_trunc(at, 'month')", "date_trunc(): 'unit' must be one of", "at"),
        ("like(invoice, country)", "like(): 'pattern' must be text in single quotes, such as 'C%'", "country"),
        ("like(invoice, 'C\\_%')", "like(): the pattern holds a backslash", "'C\\_%'"),
        ("like(invoice)", "like() needs 'pattern'", ")"),
        ("starts_with(invoice, 'C', 'D')", "starts_with() takes at most 2 argument(s) (text, prefix), got 3", "'D'"),
        ("trim(invoice, ' ')", "trim() takes at most 1 argument(s) (text), got 2", "' '"),
        ("least(amount)", "least() takes two or more positional arguments", "least"),
        ("greatest(amount, invoice)", "the values of greatest() give number and text", "invoice"),
        ("least(paid, paid)", "least() compares numbers, text, dates or timestamps, but this is true/false", "paid"),
        ("nullif(amount, invoice)", "nullif() compares number with text", "invoice"),
        ("nullif(day, at)", "nullif() compares date with timestamp", "at"),
        ("nullif(amount)", "nullif() needs 'b'", ")"),
        ("case when amount then 1 end", "'when' needs a condition (true/false), but this is number", "amount"),
        ("case when paid then 1 when not paid then 'x' end", "the branches of case give number and text", "'x'"),
        ("case when paid then day else 'x' end", "the branches of case give date and text", "'x'"),
        ("case when paid then 1 else invoice end", "the branches of case give number and text", "invoice"),
        ("case when paid then nope end", "unknown column 'nope'", "nope"),
        ("strats_with(invoice, 'C')", "unknown function 'strats_with'", "strats_with"),
    ],
)
def test_mistakes_point_at_the_argument(formula: str, message: str, at: str) -> None:
    with pytest.raises(FormulaError) as caught:
        check(parse(formula), ROWS)
    assert message in caught.value.message
    assert formula[caught.value.offset :].startswith(at), (formula, caught.value.offset)


def test_hints() -> None:
    cases = {
        "hour(day)": "a date has no hour",
        "like(invoice, 'a\\%')": "to find a literal % or _, use contains()",
        "strats_with(invoice, 'C')": "did you mean 'starts_with'?",
        "case when paid then 1 else 'x' end": "every branch must give the same kind of value",
    }
    for formula, hint in cases.items():
        with pytest.raises(FormulaError) as caught:
            check(parse(formula), ROWS)
        assert hint in (caught.value.hint or ""), formula


@pytest.mark.parametrize(
    "name", sorted(name for name, f in FUNCTIONS.items() if Level.KPI not in f.levels)
)  # fmt: skip
def test_row_functions_are_refused_in_kpi_formulas(name: str) -> None:
    arguments = "'month', x" if name == "date_trunc" else "x, 'a'" if FUNCTIONS[name].params[1:] else "x"
    formula = f"1 + {name}({arguments})"
    with pytest.raises(FormulaError) as caught:
        check(parse(formula), KpiNames())
    assert f"{name}() works on a source's rows" in caught.value.message
    assert caught.value.offset == 4
    assert "measure's expr or filter" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("formula", "kind"),
    [
        ("case when revenue > 0 then revenue / orders else 0 end", Type.NUMBER),
        ("least(revenue, 100) + greatest(cost, 0)", Type.NUMBER),
        ("revenue / nullif(orders, 0)", Type.NUMBER),
    ],
)
def test_case_least_greatest_nullif_work_in_kpi_formulas(formula: str, kind: Type) -> None:
    assert check(parse(formula), KpiNames()) is kind


def test_previous_is_still_refused_in_rows() -> None:
    with pytest.raises(FormulaError, match="works on KPI formulas, across periods"):
        check(parse("previous(amount)"), ROWS)


def test_case_children_round_trip() -> None:
    for text in ("case when a then b when c then d else e end", "case when a then b end"):
        tree = parse(text)
        parts = children(tree)
        assert [node.dotted for node in parts if isinstance(node, Name)] == list("abcde"[: len(parts)])
        assert with_children(tree, parts) == tree
        renamed = with_children(tree, [Name((p.dotted.upper(),), p.span) for p in parts if isinstance(p, Name)])
        assert [n.dotted for n in walk(renamed) if isinstance(n, Name)] == [p.dotted.upper() for p in parts]
