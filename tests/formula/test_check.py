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
from kpilot.i18n import Message
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
    ("formula", "code", "message", "at"),
    [
        ("starts_with(amount, 'C')", "formula.but_this_is", "starts_with() needs text, but this is number", "amount"),
        ("ends_with(invoice, 1)", "formula.but_this_is", "ends_with() needs text, but this is number", "1"),
        ("contains(invoice, paid)", "formula.but_this_is", "contains() needs text, but this is true/false", "paid"),
        ("lower(day)", "formula.but_this_is", "lower() needs text, but this is date", "day"),
        ("length(quantity)", "formula.but_this_is", "length() needs text, but this is number", "quantity"),
        ("year(invoice)", "formula.but_this_is", "year() needs a date or timestamp, but this is text", "invoice"),
        ("weekday(amount)", "formula.but_this_is", "weekday() needs a date or timestamp, but this is number", "amount"),
        ("hour(day)", "formula.but_this_is", "hour() needs a timestamp, but this is date", "day"),
        (
            "date_trunc('month', amount)",
            "formula.but_this_is",
            "date_trunc() needs a date or timestamp, but this is number",
            "amount",
        ),
        (
            "date_trunc('hour', at)",
            "formula.choice_parameter",
            "date_trunc(): 'unit' must be one of 'day', 'week', 'month', 'quarter', 'year'",
            "'hour'",
        ),
        ("date_trunc(unit, at)", "formula.choice_parameter", "date_trunc(): 'unit' must be one of", "unit"),
        ("date_trunc(at, 'month')", "formula.choice_parameter", "date_trunc(): 'unit' must be one of", "at"),
        (
            "like(invoice, country)",
            "formula.pattern_parameter",
            "like(): 'pattern' must be text in single quotes, such as 'C%'",
            "country",
        ),
        ("like(invoice, 'C\\_%')", "formula.pattern_backslash", "like(): the pattern holds a backslash", "'C\\_%'"),
        ("like(invoice)", "formula.missing_parameter", "like() needs 'pattern'", ")"),
        (
            "starts_with(invoice, 'C', 'D')",
            "formula.too_many_arguments",
            "starts_with() takes at most 2 argument(s) (text, prefix), got 3",
            "'D'",
        ),
        ("trim(invoice, ' ')", "formula.too_many_arguments", "trim() takes at most 1 argument(s) (text), got 2", "' '"),
        ("least(amount)", "formula.takes_two_or_more", "least() takes two or more positional arguments", "least"),
        (
            "greatest(amount, invoice)",
            "formula.values_differ",
            "the values of greatest() give number and text",
            "invoice",
        ),
        (
            "least(paid, paid)",
            "formula.but_this_is",
            "least() compares numbers, text, dates or timestamps, but this is true/false",
            "paid",
        ),
        ("nullif(amount, invoice)", "formula.nullif_kinds", "nullif() compares number with text", "invoice"),
        ("nullif(day, at)", "formula.nullif_kinds", "nullif() compares date with timestamp", "at"),
        ("nullif(amount)", "formula.missing_parameter", "nullif() needs 'b'", ")"),
        (
            "case when amount then 1 end",
            "formula.but_this_is",
            "'when' needs a condition (true/false), but this is number",
            "amount",
        ),
        (
            "case when paid then 1 when not paid then 'x' end",
            "formula.case_branches_differ",
            "the branches of case give number and text",
            "'x'",
        ),
        (
            "case when paid then day else 'x' end",
            "formula.case_branches_differ",
            "the branches of case give date and text",
            "'x'",
        ),
        (
            "case when paid then 1 else invoice end",
            "formula.case_branches_differ",
            "the branches of case give number and text",
            "invoice",
        ),
        ("case when paid then nope end", "semantic.unknown_column", "unknown column 'nope'", "nope"),
        ("strats_with(invoice, 'C')", "formula.unknown_function", "unknown function 'strats_with'", "strats_with"),
    ],
)
def test_mistakes_point_at_the_argument(formula: str, code: str, message: str, at: str) -> None:
    with pytest.raises(FormulaError) as caught:
        check(parse(formula), ROWS)
    assert caught.value.code == code
    assert message in str(caught.value.message)
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
        assert hint in str(caught.value.hint or ""), formula


@pytest.mark.parametrize(
    "name", sorted(name for name, f in FUNCTIONS.items() if Level.KPI not in f.levels)
)  # fmt: skip
def test_row_functions_are_refused_in_kpi_formulas(name: str) -> None:
    arguments = "'month', x" if name == "date_trunc" else "x, 'a'" if FUNCTIONS[name].params[1:] else "x"
    formula = f"1 + {name}({arguments})"
    with pytest.raises(FormulaError) as caught:
        check(parse(formula), KpiNames())
    assert caught.value.message == Message("formula.row_function_in_kpi", function=name)
    assert f"{name}() works on a source's rows" in str(caught.value.message)
    assert caught.value.offset == 4
    assert "measure's expr or filter" in str(caught.value.hint or "")


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
