"""The text, date, comparison functions and the case form of formulas, on DuckDB and on PostgreSQL.

Each function is computed on every row of a small hand-made table, through a dimension holding its value (`--by id,
v`: one group per row), so that the value of every row is seen; the expected values are worked out by hand in the
tables below. Further tests use the functions where people write them: a measure's filter and expr, --where, a KPI.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pytest

from kpilot import Workspace
from kpilot.engine.expressions import SCALAR_FUNCTIONS
from kpilot.engine.timeexpr import DATE_FUNCTIONS
from kpilot.errors import QueryError, ValidationFailed
from kpilot.formula.functions import FUNCTIONS
from tests.support import rows

Factory = Callable[..., Workspace]
D = date
T = datetime


def source_yaml(
    expressions: dict[str, str], *, time: str | None = None, timezone: str | None = None, measures: str = "",
    kpis: str = "",
) -> str:  # fmt: skip
    """One source over table `t`: the dimension `id`, one dimension per expression, a count (and the given measures
    and KPIs, as YAML lines). Its `time` column and `timezone` are given only when named."""
    dimensions = "".join(f"      - {{name: {name}, expr: {json.dumps(text)}}}\n" for name, text in expressions.items())
    zone = (f"    time: {time}\n" if time else "") + (f"    timezone: {timezone}\n" if timezone else "")
    return (
        "sources:\n"
        "  - name: t\n"
        "    table: t\n"
        f"{zone}"
        "    dimensions:\n"
        "      - id\n"
        f"{dimensions}"
        "    measures:\n"
        "      - {name: n, agg: count}\n"
        f"{measures}"
        "kpis:\n"
        "  - {name: n, formula: n}\n"
        f"{kpis}"
    )


def per_row(workspace: Workspace, names: list[str]) -> dict[str, dict[int, Any]]:
    """For each dimension: its value on each row, by id."""
    found = {}
    for name in names:
        result = rows(workspace.compute(["n"], grain="all", by=["id", name]), "id", name, "n")
        assert all(count == 1 for _, _, count in result), result
        found[name] = {row_id: value for row_id, value, _ in result}
    return found


def check_values(factory: Factory, table: dict[str, list[Any]] | pa.Table, expected: dict[str, tuple[str, list[Any]]],
                 **settings: Any) -> None:  # fmt: skip
    """`expected`: dimension name -> (formula, its value on rows 1, 2, ...); the table's `id` column is 1, 2, ..."""
    time, timezone = settings.pop("source_time", None), settings.pop("source_timezone", None)
    definitions = source_yaml({name: formula for name, (formula, _) in expected.items()}, time=time, timezone=timezone)
    workspace = factory(definitions, {"t": table}, **settings)
    got = per_row(workspace, list(expected))
    for name, (formula, values) in expected.items():
        assert got[name] == dict(enumerate(values, start=1)), f"{name}: {formula}"


# --- text ---------------------------------------------------------------------------------------------------------

TEXTS = {
    "id": [1, 2, 3, 4, 5, 6, 7],
    "s": ["C1001", "c1002", "A%_b", "  Zürich\t", None, "北京x", ""],
    "p": ["C", "C", "A%", "Z", "x", "北", ""],
}


def test_text_tests(workspace_factory: Factory) -> None:
    check_values(
        workspace_factory,
        TEXTS,
        {
            # Case-sensitive: 'c1002' does not start with 'C'; the leading spaces of row 4 count; empty stays empty.
            "sw": ("starts_with(s, 'C')", [True, False, False, False, None, False, False]),
            # Against a column: 'A%_b' starts with 'A%' (no wildcard), '北京x' with '北', '' with ''.
            "swp": ("starts_with(s, p)", [True, False, True, False, None, True, True]),
            "ew": ("ends_with(s, 'b')", [False, False, True, False, None, False, False]),
            "ewt": ("ends_with(s, '\t')", [False, False, False, True, None, False, False]),
            # '%' and '_' are ordinary characters for contains.
            "c1": ("contains(s, '%')", [False, False, True, False, None, False, False]),
            "c2": ("contains(s, '_')", [False, False, True, False, None, False, False]),
            "c3": ("contains(s, '00')", [True, True, False, False, None, False, False]),
            # The empty text starts, ends and is contained in any text.
            "e": ("starts_with(s, '') and ends_with(s, '') and contains(s, '')", [True] * 4 + [None, True, True]),
        },
    )


def test_like(workspace_factory: Factory) -> None:
    check_values(
        workspace_factory,
        TEXTS,
        {
            "l1": ("like(s, 'C%')", [True, False, False, False, None, False, False]),
            # '_' is one character: the second one is '1' in C1001 and c1002.
            "l2": ("like(s, '_1%')", [True, True, False, False, None, False, False]),
            # Three characters ending in x: '北京x' (characters, not bytes).
            "l3": ("like(s, '__x')", [False, False, False, False, None, True, False]),
            # Case-insensitive matching through lower().
            "l4": ("like(lower(s), 'c%')", [True, True, False, False, None, False, False]),
            "l5": ("like(s, '%')", [True, True, True, True, None, True, True]),
            "l6": ("like(s, 'A%b')", [False, False, True, False, None, False, False]),
        },
    )


def test_text_values(workspace_factory: Factory) -> None:
    check_values(
        workspace_factory,
        TEXTS,
        {
            "lo": ("lower(s)", ["c1001", "c1002", "a%_b", "  zürich\t", None, "北京x", ""]),
            "up": ("upper(s)", ["C1001", "C1002", "A%_B", "  ZÜRICH\t", None, "北京X", ""]),
            # Characters: '  Zürich\t' is 2 spaces, 6 letters and a tab.
            "len": ("length(s)", [5, 5, 4, 9, None, 3, 0]),
            "tr": ("trim(s)", ["C1001", "c1002", "A%_b", "Zürich", None, "北京x", ""]),
            "trl": ("length(trim(s))", [5, 5, 4, 6, None, 3, 0]),
        },
    )


# --- comparisons ----------------------------------------------------------------------------------------------------

NUMBERS = {
    "id": [1, 2, 3, 4, 5],
    "a": [1.0, None, 5.0, None, -1.5],
    "b": [2.0, 2.0, 5.0, None, 0.0],
    "c": [3.0, 0.0, None, None, 0.5],
    "x": ["b", "a", None, None, "c"],
    "y": ["a", "b", "b", None, "c"],
}


def test_nullif_least_greatest(workspace_factory: Factory) -> None:
    check_values(
        workspace_factory,
        NUMBERS,
        {
            # Empty when a = b (row 3), and when a is.
            "ni": ("nullif(a, b)", [1.0, None, None, None, -1.5]),
            "nz": ("nullif(b, 0)", [2.0, 2.0, 5.0, None, None]),
            # Empty values are skipped; empty only when all are (row 4).
            "le": ("least(a, b, c)", [1.0, 0.0, 5.0, None, -1.5]),
            "gr": ("greatest(a, b, c)", [3.0, 2.0, 5.0, None, 0.5]),
            "lt": ("least(x, y)", ["a", "a", "b", None, "c"]),
            "gt": ("greatest(x, y)", ["b", "b", "b", None, "c"]),
        },
    )


def test_case(workspace_factory: Factory) -> None:
    check_values(
        workspace_factory,
        NUMBERS,
        {
            # Row 2 and 4: a is empty, so no condition holds (empty is not true) and else applies.
            "size": (
                "case when a > 2 then 'big' when a > 0 then 'small' else 'none' end",
                ["small", "none", "big", "none", "none"],
            ),
            # Without else: empty when no condition holds.
            "big": ("case when a > 2 then 'big' end", [None, None, "big", None, None]),
            # The first condition that holds wins: row 3 (a = b = 5) is 'same', not 'large'.
            "first": (
                "CASE WHEN a = b THEN 'same' WHEN b >= 2 THEN 'large' ELSE 'other' END",
                ["large", "large", "same", "other", "other"],
            ),
            # Numbers, nested, with an empty branch.
            "num": (
                "case when b is null then null when b > 1 then case when c > 1 then b * c else b end else 0 end",
                [6.0, 2.0, 5.0, None, 0.0],
            ),
        },
    )


def test_case_and_text_functions_in_a_measure_expr(workspace_factory: Factory) -> None:
    measures = (
        "      - {name: big_sum, agg: sum, expr: 'case when a > 2 then a else 0 end'}\n"
        "      - {name: letters, agg: sum, expr: 'length(y)'}\n"
    )
    kpis = "  - {name: big, formula: big_sum}\n  - {name: letters, formula: letters}\n"
    workspace = workspace_factory(source_yaml({}, measures=measures, kpis=kpis), {"t": NUMBERS})
    # Only row 3 has a > 2: 5; y holds a, b, b, (empty), c: 4 letters.
    assert rows(workspace.compute(["big", "letters"], grain="all")) == [(5.0, 4)]


def test_kpi_formulas_use_case_least_greatest_nullif(workspace_factory: Factory) -> None:
    definitions = """
    sources:
      - name: t
        table: t
        time: day
        measures:
          - {name: orders, agg: count}
          - {name: revenue, agg: sum, expr: amount}
    kpis:
      - {name: tier, formula: "case when orders >= 3 then 2 when orders >= 2 then 1 else 0 end"}
      - {name: capped, formula: "least(revenue, 100)"}
      - {name: floor, formula: "greatest(revenue, 50)"}
      - {name: aov, formula: "revenue / nullif(orders, 2)"}
      - {name: grew, formula: "case when revenue > previous(revenue) then 1 else 0 end"}
    """
    data = {
        "day": [D(2025, 1, 5), D(2025, 1, 6), D(2025, 1, 7), D(2025, 2, 1), D(2025, 2, 2), D(2025, 3, 3)],
        "amount": [40.0, 50.0, 30.0, 10.0, 20.0, 300.0],
    }
    workspace = workspace_factory(definitions, {"t": data})
    result = rows(workspace.compute(["tier", "capped", "floor", "aov", "grew"], grain="month"))
    # January: 3 orders, 120; February: 2 orders, 30 (aov empty: nullif(2, 2)); March: 1 order, 300.
    # grew: January has no month before (the condition is empty: else 0), February fell, March grew.
    assert result == [
        (D(2025, 1, 1), 2, 100.0, 120.0, 40.0, 0),
        (D(2025, 2, 1), 1, 30.0, 50.0, None, 0),
        (D(2025, 3, 1), 0, 100.0, 300.0, 300.0, 1),
    ]


# --- dates -----------------------------------------------------------------------------------------------------------

DATES = {
    "id": [1, 2, 3, 4, 5],
    # A Friday in ISO week 53 of 2020; a Monday in ISO week 1 of 2025; two Sundays.
    "day": [D(2021, 1, 1), D(2024, 12, 30), D(2025, 3, 9), None, D(2025, 6, 1)],
    # Naive timestamps: read in the source's zone (UTC unless it says).
    "at": [T(2021, 1, 1, 23, 30), T(2024, 12, 30, 0, 15), T(2025, 3, 9, 12, 0), None, T(2025, 6, 30, 22, 30)],
}


def test_date_parts_of_dates(workspace_factory: Factory) -> None:
    check_values(
        workspace_factory,
        DATES,
        {
            "y": ("year(day)", [2021, 2024, 2025, None, 2025]),
            "q": ("quarter(day)", [1, 4, 1, None, 2]),
            "m": ("month(day)", [1, 12, 3, None, 6]),
            # ISO weeks: 2021-01-01 is in week 53 (of 2020), 2024-12-30 in week 1 (of 2025), 2025-06-01 ends week 22.
            "w": ("week(day)", [53, 1, 10, None, 22]),
            # ISO numbering: Friday 5, Monday 1, Sunday 7.
            "wd": ("weekday(day)", [5, 1, 7, None, 7]),
            "weekend": ("weekday(day) in (6, 7)", [False, False, True, None, True]),
        },
    )


def test_date_parts_of_timestamps_in_a_utc_workspace(workspace_factory: Factory) -> None:
    check_values(
        workspace_factory,
        DATES,
        {
            "h": ("hour(at)", [23, 0, 12, None, 22]),
            "m": ("month(at)", [1, 12, 3, None, 6]),
            "d": ("date_trunc('day', at)", [D(2021, 1, 1), D(2024, 12, 30), D(2025, 3, 9), None, D(2025, 6, 30)]),
        },
    )


def test_date_parts_of_naive_timestamps_follow_the_workspace_zone(workspace_factory: Factory) -> None:
    # UTC times seen in Rome: +1 hour in winter, +2 from the last Sunday of March.
    # 2021-01-01 23:30 -> 2021-01-02 00:30 (a Saturday); 2024-12-30 00:15 -> 01:15; 2025-03-09 12:00 -> 13:00;
    # 2025-06-30 22:30 -> 2025-07-01 00:30 (a Tuesday, in July, in Q3).
    check_values(
        workspace_factory,
        DATES,
        {
            "h": ("hour(at)", [0, 1, 13, None, 0]),
            "wd": ("weekday(at)", [6, 1, 7, None, 2]),
            "m": ("month(at)", [1, 12, 3, None, 7]),
            "q": ("quarter(at)", [1, 4, 1, None, 3]),
            "y": ("year(at)", [2021, 2024, 2025, None, 2025]),
            "d": ("date_trunc('day', at)", [D(2021, 1, 2), D(2024, 12, 30), D(2025, 3, 9), None, D(2025, 7, 1)]),
            # Dates are calendar dates: no zone moves them.
            "dd": ("weekday(day)", [5, 1, 7, None, 7]),
        },
        timezone="Europe/Rome",
    )


def test_naive_timestamps_are_read_in_the_source_zone(workspace_factory: Factory) -> None:
    # New York wall-clock times seen in UTC: +5 hours in winter, +4 in summer (from 2025-03-09 03:00).
    # 2021-01-01 23:30 -> 2021-01-02 04:30; 2024-12-30 00:15 -> 05:15; 2025-03-09 12:00 EDT -> 16:00;
    # 2025-06-30 22:30 -> 2025-07-01 02:30.
    check_values(
        workspace_factory,
        DATES,
        {
            "h": ("hour(at)", [4, 5, 16, None, 2]),
            "m": ("month(at)", [1, 12, 3, None, 7]),
        },
        source_time="at",
        source_timezone="America/New_York",
    )


def test_timestamps_with_a_zone_are_shown_in_the_workspace_zone(workspace_factory: Factory) -> None:
    table = pa.table(
        {
            "id": [1, 2],
            # Instants: 2025-06-30 22:30 UTC is 2025-07-01 00:30 in Rome; 2025-01-15 08:00 UTC is 09:00 there.
            "at": pa.array([T(2025, 6, 30, 22, 30), T(2025, 1, 15, 8, 0)], type=pa.timestamp("us", tz="UTC")),
        }
    )
    check_values(
        workspace_factory,
        table,
        {
            "h": ("hour(at)", [0, 9]),
            "m": ("month(at)", [7, 1]),
            "d": ("date_trunc('month', at)", [D(2025, 7, 1), D(2025, 1, 1)]),
        },
        timezone="Europe/Rome",
    )


def test_date_trunc_follows_the_calendar(workspace_factory: Factory) -> None:
    check_values(
        workspace_factory,
        DATES,
        {
            # Weeks from Monday (the default).
            "w": ("date_trunc('week', day)", [D(2020, 12, 28), D(2024, 12, 30), D(2025, 3, 3), None, D(2025, 5, 26)]),
            "m": ("date_trunc('month', day)", [D(2021, 1, 1), D(2024, 12, 1), D(2025, 3, 1), None, D(2025, 6, 1)]),
            "q": ("date_trunc('quarter', day)", [D(2021, 1, 1), D(2024, 10, 1), D(2025, 1, 1), None, D(2025, 4, 1)]),
            "y": ("date_trunc('year', day)", [D(2021, 1, 1), D(2024, 1, 1), D(2025, 1, 1), None, D(2025, 1, 1)]),
            "d": ("date_trunc('day', day)", [D(2021, 1, 1), D(2024, 12, 30), D(2025, 3, 9), None, D(2025, 6, 1)]),
        },
    )


def test_date_trunc_follows_week_start_and_fiscal_year(workspace_factory: Factory) -> None:
    check_values(
        workspace_factory,
        DATES,
        {
            # Weeks from Sunday: Friday 2021-01-01 is in the week of Sunday 2020-12-27; Sundays start their own.
            "w": ("date_trunc('week', day)", [D(2020, 12, 27), D(2024, 12, 29), D(2025, 3, 9), None, D(2025, 6, 1)]),
            # Fiscal quarters from February: Feb, May, Aug, Nov.
            "q": ("date_trunc('quarter', day)", [D(2020, 11, 1), D(2024, 11, 1), D(2025, 2, 1), None, D(2025, 5, 1)]),
            "y": ("date_trunc('year', day)", [D(2020, 2, 1), D(2024, 2, 1), D(2025, 2, 1), None, D(2025, 2, 1)]),
            # year(), quarter() and weekday() stay calendar and ISO numbers.
            "yn": ("year(day)", [2021, 2024, 2025, None, 2025]),
            "qn": ("quarter(day)", [1, 4, 1, None, 2]),
            "wd": ("weekday(day)", [5, 1, 7, None, 7]),
        },
        week_start="sunday",
        fiscal_year_start=2,
    )


def test_date_trunc_matches_the_periods_of_the_grain(workspace_factory: Factory) -> None:
    """A dimension `date_trunc('week', day)` groups rows as `--grain week` does, whatever the week start."""
    definitions = source_yaml({"wk": "date_trunc('week', day)"}, time="day")
    data = {"id": [1, 2, 3, 4], "day": [D(2025, 3, 8), D(2025, 3, 9), D(2025, 3, 10), D(2025, 3, 15)]}
    workspace = workspace_factory(definitions, {"t": data}, week_start="sunday")
    by_grain = rows(workspace.compute(["n"], grain="week"))
    by_dimension = rows(workspace.compute(["n"], grain="all", by=["wk"]))
    # Saturday 8 is in the week of Sunday 2; Sunday 9 to Saturday 15 are one week.
    assert by_grain == [(D(2025, 3, 2), 1), (D(2025, 3, 9), 3)]
    assert by_dimension == by_grain


# --- where the functions are written ------------------------------------------------------------------------------

INVOICES = {
    "day": [D(2025, 1, 5), D(2025, 1, 6), D(2025, 1, 7), D(2025, 2, 1), D(2025, 2, 8)],
    "InvoiceNo": ["C536379", "536380", "C536381", "536382", "536383"],
    "amount": [-10.0, 25.0, -5.0, 40.0, 15.0],
}
INVOICE_DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    dimensions:
      - {name: kind, expr: "if(starts_with(InvoiceNo, 'C'), 'cancelled', 'sale')"}
    measures:
      - {name: cancellations, agg: count, filter: "starts_with(InvoiceNo, 'C')"}
      - {name: weekend_revenue, agg: sum, expr: amount, filter: "weekday(day) in (6, 7)"}
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: cancellations, formula: cancellations}
  - {name: weekend_revenue, formula: weekend_revenue}
  - {name: revenue, formula: revenue}
"""


def test_functions_in_filters_dimensions_and_where(workspace_factory: Factory) -> None:
    workspace = workspace_factory(INVOICE_DEFINITIONS, {"sales": INVOICES})
    # Weekends: Sunday 2025-01-05 (-10), Saturday 2025-02-01 (40), Saturday 2025-02-08 (15).
    assert rows(workspace.compute(["cancellations", "weekend_revenue"], grain="month")) == [
        (D(2025, 1, 1), 2, -10.0),
        (D(2025, 2, 1), 0, 55.0),
    ]
    assert rows(workspace.compute(["revenue"], grain="all", by=["kind"])) == [("cancelled", -15.0), ("sale", 80.0)]
    # --where: the sales that are not cancellations, on weekdays: 25 (Monday 6 Jan).
    where = "not like(InvoiceNo, 'C%') and weekday(day) <= 5"
    assert rows(workspace.compute(["revenue"], grain="all", where=where)) == [(25.0,)]
    # --where with a dimension built on a function, and month() of the time column.
    assert rows(workspace.compute(["revenue"], grain="all", where="kind = 'sale' and month(day) = 2")) == [(55.0,)]


# --- mistakes ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("starts_with(amount, 'C')", "starts_with() needs text, but this is number"),
        ("hour(day) = 1", "hour() needs a timestamp, but this is date"),
        ("like(InvoiceNo, InvoiceNo)", "'pattern' must be text in single quotes"),
        ("like(InvoiceNo, 'C\\%')", "the pattern holds a backslash"),
        ("date_trunc('hour', day) = day", "'unit' must be one of 'day', 'week', 'month', 'quarter', 'year'"),
        ("least(amount) > 0", "least() takes two or more positional arguments"),
        ("case when amount > 0 then 'x' else 1 end = 'x'", "the branches of case give text and number"),
        ("case when amount then 1 end = 1", "'when' needs a condition (true/false), but this is number"),
        ("contains(InvoiceNo) ", "contains() needs 'part'"),
    ],
)
def test_mistakes_are_query_errors(duckdb_factory: Factory, where: str, message: str) -> None:
    workspace = duckdb_factory(INVOICE_DEFINITIONS, {"sales": INVOICES})
    with pytest.raises(QueryError) as caught:
        workspace.compute(["revenue"], grain="all", where=where)
    assert (caught.value.code, caught.value.field) == ("engine.formula_problem", "where")
    assert str(caught.value).startswith("the filter (where) on source 'sales': ")
    assert message in str(caught.value)


def test_text_functions_are_refused_in_kpi_formulas(duckdb_factory: Factory) -> None:
    definitions = INVOICE_DEFINITIONS + '  - {name: bad, formula: "length(revenue)"}\n'
    workspace = duckdb_factory(definitions, {"sales": INVOICES})
    with pytest.raises(QueryError) as caught:
        workspace.compute(["bad"])
    assert "length() works on a source's rows" in str(caught.value)
    assert "main.yaml:16:" in str(caught.value)  # the KPI's formula, at the function's name


def test_validate_reports_a_filter_mistake_at_its_place(duckdb_factory: Factory) -> None:
    definitions = INVOICE_DEFINITIONS.replace("starts_with(InvoiceNo, 'C')\"}", "starts_with(amount, 'C')\"}")
    workspace = duckdb_factory(definitions, {"sales": INVOICES})
    problems = [str(issue) for issue in workspace.validate() if issue.severity.value == "error"]
    assert len(problems) == 1, problems
    assert "measure 'sales.cancellations' filter: starts_with() needs text, but this is number" in problems[0]
    with pytest.raises(ValidationFailed):
        workspace.compute(["cancellations"])


def test_a_wide_case_computes_and_a_deep_one_is_refused(duckdb_factory: Factory) -> None:
    workspace = duckdb_factory(INVOICE_DEFINITIONS, {"sales": INVOICES})
    # 300 branches, one of which (amount = 25) holds for one row: the formula is long but one level deep.
    whens = " ".join(f"when amount = {i} then {i}" for i in range(300))
    assert rows(workspace.compute(["revenue"], grain="all", where=f"case {whens} else -1 end = 25")) == [(25.0,)]
    # Cases nested inside each other count one level each, against the limits of docs/formulas.md.
    nested = "case when amount > 0 then " * 70 + "1" + " end" * 70 + " = 1"
    with pytest.raises(QueryError, match="nested too deeply"):
        workspace.compute(["revenue"], grain="all", where=nested)


def test_every_function_has_a_compiler() -> None:
    compiled = {*SCALAR_FUNCTIONS, *DATE_FUNCTIONS, *(name for name, f in FUNCTIONS.items() if f.time)}
    assert compiled == set(FUNCTIONS)
