"""Row filters generated as structures, rendered both as formula text and as a Python predicate.

The predicate follows SQL's three-valued logic (None is unknown; a row is kept only when the filter is true), so it
is an independent reference for what a `--where` must select, whatever quotes, backslashes or unicode its literals
hold and whatever string settings the server runs with.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from kpilot.formula.lexer import quote_string
from tests.security.strategies import NUMBER_COLUMNS, TEXT_COLUMNS, text_literals

Row = dict[str, Any]
Truth = bool | None


@dataclass(frozen=True)
class Filter:
    text: str
    test: Callable[[Row], Truth]

    def keeps(self, row: Row) -> bool:
        return self.test(row) is True


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_NUMBERS = {"0": 0.0, "7": 7.0, "100": 100.0, "0.5": 0.5, "1e2": 100.0, "1_000": 1000.0, ".25": 0.25, "115.5": 115.5}


def _compare(column: str, op: str, literal: str, value: Any) -> Filter:
    def test(row: Row) -> Truth:
        cell = row[column]
        return None if cell is None else _COMPARE[op](cell, value)

    return Filter(f"{column} {op} {literal}", test)


def _member(column: str, values: list[str], negated: bool) -> Filter:
    def test(row: Row) -> Truth:
        cell = row[column]
        if cell is None:
            return None
        return (cell not in values) if negated else (cell in values)

    listed = ", ".join(quote_string(v) for v in values)
    return Filter(f"{column} {'not in' if negated else 'in'} ({listed})", test)


def _is_null(column: str, negated: bool) -> Filter:
    return Filter(
        f"{column} is {'not ' if negated else ''}null",
        lambda row: (row[column] is not None) if negated else (row[column] is None),
    )


def _and(left: Filter, right: Filter) -> Filter:
    def test(row: Row) -> Truth:
        a, b = left.test(row), right.test(row)
        if a is False or b is False:
            return False
        return None if a is None or b is None else True

    return Filter(f"({left.text} and {right.text})", test)


def _or(left: Filter, right: Filter) -> Filter:
    def test(row: Row) -> Truth:
        a, b = left.test(row), right.test(row)
        if a is True or b is True:
            return True
        return None if a is None or b is None else False

    return Filter(f"({left.text} or {right.text})", test)


def _not(inner: Filter) -> Filter:
    def test(row: Row) -> Truth:
        value = inner.test(row)
        return None if value is None else not value

    return Filter(f"not ({inner.text})", test)


def _leaves() -> st.SearchStrategy[Filter]:
    text = st.builds(
        lambda c, op, v: _compare(c, op, quote_string(v), v),
        st.sampled_from(TEXT_COLUMNS),
        st.sampled_from(["=", "!="]),
        text_literals,
    )
    number = st.builds(
        lambda c, op, n: _compare(c, op, n, _NUMBERS[n]),
        st.sampled_from(NUMBER_COLUMNS),
        st.sampled_from(sorted(_COMPARE)),
        st.sampled_from(sorted(_NUMBERS)),
    )
    member = st.builds(
        _member, st.sampled_from(TEXT_COLUMNS), st.lists(text_literals, min_size=1, max_size=4), st.booleans()
    )
    nulls = st.builds(_is_null, st.sampled_from([*TEXT_COLUMNS, *NUMBER_COLUMNS]), st.booleans())
    flag = st.sampled_from([Filter("flag", lambda r: r["flag"]), Filter("not flag", lambda r: not r["flag"])])
    return st.one_of(text, number, member, nulls, flag)


def _combine(inner: st.SearchStrategy[Filter]) -> st.SearchStrategy[Filter]:
    return st.one_of(st.builds(_and, inner, inner), st.builds(_or, inner, inner), st.builds(_not, inner))


filters = st.recursive(_leaves(), _combine, max_leaves=6)


def scope_as_filter(scope: dict[str, str]) -> Filter:
    """The filter a scope must act as: every named dimension equals its value."""
    return Filter(
        " and ".join(f"{k} = {quote_string(v)}" for k, v in sorted(scope.items())),
        lambda row: all(row[k] == v for k, v in scope.items()),
    )
