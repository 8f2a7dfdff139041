"""A request's scope (a team's or person's slice, {'team': 'EMEA'}) is typed data compiled straight into
conditions, never turned into formula text: a value with quotes or formula syntax is just a value, a bad scope is
reported as the scope (field `scope`), not as a bad `where`. Expected values are counted by hand from DEALS."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kpilot import Workspace
from kpilot.engine.scope import scope_of
from kpilot.errors import QueryError
from tests.support import rows

DEALS = {
    "day": [date(2025, 1, d) for d in (2, 3, 4, 5, 6, 7)],
    "team": ["EMEA", "EMEA", "APAC", "O'Brien and co", "EMEA", "APAC"],
    "owner": ["anna", "bob", "anna", "carl", "anna", "bob"],
    "amount": [10, 20, 30, 40, 50, 60],
}

DEFINITIONS = """
sources:
  - name: deals
    table: deals
    time: day
    dimensions: [team, owner, {name: region, expr: "if(team = 'EMEA', 'Europe', 'Other')"}]
    measures:
      - {name: revenue, expr: amount, agg: sum}
kpis:
  - {name: revenue, formula: revenue}
"""


@pytest.fixture
def ws(workspace_factory: Callable[..., Workspace]) -> Workspace:
    return workspace_factory(DEFINITIONS, {"deals": DEALS})


def _total(ws: Workspace, **options: object) -> object:
    table = ws.compute(["revenue"], grain="all", **options)  # type: ignore[arg-type]
    return rows(table, "revenue")


def test_a_scope_keeps_the_rows_of_its_slice(ws: Workspace) -> None:
    assert _total(ws, scope={"team": "EMEA"}) == [(80,)]  # 10 + 20 + 50
    assert _total(ws, scope={"team": "EMEA", "owner": "anna"}) == [(60,)]  # 10 + 50
    assert _total(ws, scope={"region": "Other"}) == [(130,)]  # a computed dimension: 30 + 40 + 60


def test_a_scope_and_a_filter_both_hold(ws: Workspace) -> None:
    assert _total(ws, scope={"owner": "anna"}, where="amount > 20") == [(80,)]  # 30 + 50


def test_a_value_is_only_a_value_whatever_it_contains(ws: Workspace) -> None:
    assert _total(ws, scope={"team": "O'Brien and co"}) == [(40,)]
    assert _total(ws, scope={"team": "EMEA' or '1' = '1"}) == [(0,)]  # no such team: a sum of no rows, not everything


def test_the_same_scope_in_another_order_is_the_same_request(ws: Workspace) -> None:
    first = ws.request(["revenue"], scope={"team": "EMEA", "owner": "anna"})
    second = ws.request(["revenue"], scope={"owner": "anna", "team": "EMEA"})
    assert first == second
    assert first.scope == (("owner", "anna"), ("team", "EMEA"))


def test_a_scope_over_an_unknown_dimension_is_reported_as_the_scope(ws: Workspace) -> None:
    with pytest.raises(QueryError) as raised:
        ws.compute(["revenue"], scope={"teem": "EMEA"})
    assert raised.value.field == "scope"
    assert raised.value.code == "engine.formula_problem"
    assert raised.value.message.values["part"].code == "engine.part_scope"


@pytest.mark.parametrize("bad", ["team=EMEA", {"team": 3}, [("team",)], {"": "EMEA"}, 7])
def test_a_scope_that_is_not_a_mapping_of_text_is_refused(bad: object) -> None:
    with pytest.raises(QueryError) as raised:
        scope_of(bad)
    assert raised.value.code == "engine.scope_not_a_mapping"
    assert raised.value.field == "scope"


def test_a_scope_that_keeps_no_row_is_warned_with_the_values_that_occur(ws: Workspace) -> None:
    warnings = ws.filter_warnings(None, ["revenue"], scope={"team": "EMAE"})
    assert [w.code for w in warnings] == ["engine.value_never_occurs"]
    assert warnings[0].message.values["value"] == "EMAE"
    assert ws.filter_warnings(None, ["revenue"], scope={"team": "EMEA"}) == []
