"""A request's access restriction (engine.access): a union of scopes applied inside the query of every source a
request reads, with its scope and `where`; fail closed (no scope, or a source without the scope's dimensions, keeps
no row). Expected values are counted by hand from DEALS and SPEND."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pyarrow as pa
import pytest

from kpilot import Workspace
from kpilot.engine.access import access_of, access_shown, intersect, union
from kpilot.engine.merge import merge_results
from kpilot.engine.plan import Request
from kpilot.errors import QueryError
from tests.support import rows

DEALS = {
    "day": [date(2025, 1, 2), date(2025, 1, 3), date(2025, 2, 4), date(2025, 2, 5), date(2025, 3, 6)],
    "team": ["EMEA", "EMEA", "APAC", "APAC", "EMEA"],
    "owner": ["anna", "bob", "anna", "carl", "carl"],
    "region": [1, 1, 2, 2, 1],  # a number, compared as text like every scope value
    "amount": [1, 2, 4, 8, 16],
}
SPEND = {"day": [date(2025, 1, 2), date(2025, 2, 2)], "team": ["EMEA", "APAC"], "cost": [10, 100]}

DEFINITIONS = """
sources:
  - name: deals
    table: deals
    time: day
    dimensions: [team, owner, region, {name: big, expr: "if(amount >= 8, 'yes', 'no')"}]
    measures:
      - {name: revenue, expr: amount, agg: sum}
      - {name: deals, agg: count}
  - name: spend
    table: spend
    time: day
    dimensions: [team]
    measures:
      - {name: cost, expr: cost, agg: sum}
kpis:
  - {name: revenue, formula: revenue}
  - {name: deals, formula: deals}
  - {name: cost, formula: cost}
  - {name: roi, formula: revenue / cost}
"""


@pytest.fixture
def ws(workspace_factory: Callable[..., Workspace]) -> Workspace:
    return workspace_factory(DEFINITIONS, {"deals": DEALS, "spend": SPEND})


def _all(ws: Workspace, kpis: list[str], **options: object) -> list[tuple[object, ...]]:
    return rows(ws.compute(kpis, grain="all", **options), *kpis)  # type: ignore[arg-type]


def test_a_union_keeps_the_rows_of_any_of_its_scopes(ws: Workspace) -> None:
    # team=EMEA: rows 1, 2, 5; owner=anna adds row 3.
    assert _all(ws, ["revenue", "deals"], access=[{"team": "EMEA"}, {"owner": "anna"}]) == [(1 + 2 + 16 + 4, 4)]
    # A scope of two pairs needs both: EMEA and carl is row 5.
    assert _all(ws, ["revenue"], access=[{"team": "EMEA", "owner": "carl"}]) == [(16,)]


def test_access_holds_together_with_scope_and_where(ws: Workspace) -> None:
    access = [{"team": "EMEA"}, {"owner": "anna"}]  # rows 1, 2, 3, 5
    assert _all(ws, ["revenue"], access=access, scope={"owner": "anna"}) == [(1 + 4,)]
    assert _all(ws, ["revenue"], access=access, where="amount >= 4") == [(4 + 16,)]
    assert _all(ws, ["revenue"], access=access, scope={"owner": "bob"}, where="amount > 5") == [(0,)]


def test_no_scope_at_all_is_no_row(ws: Workspace) -> None:
    assert _all(ws, ["revenue", "deals", "cost"], access=[]) == [(0, 0, 0)]
    assert _all(ws, ["revenue"], access=[{}]) == [(0,)]  # a scope of no dimension is no slice: left out
    # Periods come from the data, and there is none: no row at all; a range asked for shows zeros.
    assert ws.compute(["revenue"], grain="month", access=[]).num_rows == 0
    zeros = ws.compute(["revenue"], grain="month", start="2025-01-01", end="2025-02-28", access=[])
    assert rows(zeros, "period", "revenue") == [(date(2025, 1, 1), 0), (date(2025, 2, 1), 0)]


def test_a_source_without_a_scopes_dimension_gives_no_row_for_it(ws: Workspace) -> None:
    # spend has a team but no owner: owner=anna keeps none of its rows, team=APAC keeps row 2.
    assert _all(ws, ["cost"], access=[{"owner": "anna"}]) == [(0,)]
    assert _all(ws, ["cost"], access=[{"owner": "anna"}, {"team": "APAC"}]) == [(100,)]
    # Across sources (one KPI over two, and KPIs over two sources fused in one plan), each source on its own rows:
    # deals of EMEA (1 + 2 + 16) over spend of EMEA (10).
    assert _all(ws, ["roi", "revenue", "cost"], access=[{"team": "EMEA"}]) == [(19 / 10, 19, 10)]
    # owner=anna: deals 1 + 4, spend none: a ratio over nothing is no value, not the unrestricted one.
    assert _all(ws, ["roi", "revenue", "cost"], access=[{"owner": "anna"}]) == [(None, 5, 0)]


def test_numbers_and_computed_dimensions_compare_as_text(ws: Workspace) -> None:
    assert _all(ws, ["revenue"], access=[{"region": "2"}]) == [(4 + 8,)]
    assert _all(ws, ["revenue"], access=[{"big": "yes"}]) == [(8 + 16,)]


def test_per_period_values_and_splits_see_only_the_allowed_rows(ws: Workspace) -> None:
    table = ws.compute(["revenue", "cost"], grain="month", by=["team"], access=[{"team": "APAC"}])
    # Periods run over the allowed rows only (February): not even the months other rows fall in are told.
    assert rows(table, "period", "team", "revenue", "cost") == [(date(2025, 2, 1), "APAC", 12, 100)]


def test_access_is_part_of_the_request_and_of_its_sql(ws: Workspace) -> None:
    first = ws.request(["revenue"], access=[{"team": "EMEA"}, {"owner": "anna"}])
    again = ws.request(["revenue"], access=[{"owner": "anna"}, {"team": "EMEA"}, {"team": "EMEA"}])
    assert first == again
    assert hash(first) == hash(again)  # any cache keyed by the request keys by its access too
    assert first != ws.request(["revenue"])
    assert first != ws.request(["revenue"], access=[{"team": "EMEA"}])
    assert ws.sql(["revenue"], access=[{"team": "EMEA"}]) != ws.sql(["revenue"], access=[{"team": "APAC"}])
    assert ws.sql(["revenue"], access=[{"team": "EMEA"}]) != ws.sql(["revenue"])


@pytest.mark.parametrize("bad", ["team=EMEA", {"team": "EMEA"}, [{"team": 1}], [("team",)], 7])
def test_an_access_that_is_not_a_list_of_scopes_is_refused(bad: object) -> None:
    with pytest.raises(QueryError) as raised:
        access_of(bad)
    assert (raised.value.code, raised.value.field) == ("engine.access_not_scopes", "access")


def test_unions_and_intersections_of_restrictions() -> None:
    emea, anna = (("team", "EMEA"),), (("owner", "anna"),)
    both = (("owner", "anna"), ("team", "EMEA"))
    assert intersect(None, (emea,)) == (emea,)
    assert intersect((emea,), None) == (emea,)
    assert intersect((emea, anna), (anna,)) == (anna,)  # EMEA-and-anna is inside anna: absorbed
    assert intersect((emea,), (anna,)) == (both,)
    assert intersect((emea,), ((("team", "APAC"),),)) == ()  # a team is never two at once
    assert union([(emea,), (anna,), (both,)]) == (anna, emea)
    assert union([(emea,), None]) is None
    assert union([]) == ()
    assert access_shown((anna, emea)) == "owner=anna | team=EMEA"
    assert access_shown(None) == "*"


def test_results_computed_apart_are_merged_by_their_keys() -> None:
    request = Request(("a", "b"), by=("team",))
    first = pa.table(
        {"period": [date(2025, 1, 1), date(2025, 2, 1)], "team": ["x", None], "a": [1, 2], "partial": [False, True]}
    )
    second = pa.table({"period": [date(2025, 1, 1)], "team": ["y"], "b": [3.5], "partial": [False]})
    merged = merge_results([first, second], request)
    assert merged.column_names == ["period", "team", "a", "b", "partial"]
    assert merged.to_pylist() == [
        {"period": date(2025, 1, 1), "team": "x", "a": 1, "b": None, "partial": False},
        {"period": date(2025, 1, 1), "team": "y", "a": None, "b": 3.5, "partial": False},
        {"period": date(2025, 2, 1), "team": None, "a": 2, "b": None, "partial": True},
    ]
