"""Values a definition names but the data never holds, and filters that keep no row, are warned about by
`validate` (and so by `check`), with the values that do occur, on DuckDB and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pyarrow as pa

from kpilot import Workspace
from kpilot.errors import Issue, Severity

DEALS = {
    "day": [date(2025, 1, d) for d in (2, 3, 4, 5, 6, 7)],
    "stage": ["Won", "Won", "Lost", "Open", "Won", "Open"],
    "team": ["EMEA", "EMEA", "APAC", "APAC", "EMEA", "EMEA"],
    "amount": [10, 20, 30, 40, 50, 60],
}

DEFINITIONS = """
sources:
  - name: deals
    table: deals
    time: day
    dimensions: [team, {name: region, expr: "if(team = 'EMEA', 'Europe', 'Asia')"}]
    measures:
      - {name: won, agg: count, filter: "stage = 'won'"}
      - {name: closed, agg: count, filter: "stage in ('Won', 'lost')"}
      - {name: big, agg: count, filter: "amount > 1000"}
      - {name: all_deals, agg: count}
kpis:
  - {name: won_deals, formula: won}
  - {name: big_deals, formula: big}
  - {name: deals, formula: all_deals}
targets:
  - {kpi: deals, period: 2025-01, scope: {team: EMAE}, target: 3}
  - {kpi: deals, period: 2025-01, scope: {team: EMEA}, target: 4}
"""


def _warnings(ws: Workspace) -> list[Issue]:
    return [i for i in ws.validate() if i.severity is Severity.WARNING]


def test_named_values_that_never_occur_are_warned_with_the_values_that_do(
    workspace_factory: Callable[..., Workspace],
) -> None:
    ws = workspace_factory(DEFINITIONS, {"deals": DEALS})
    warnings = _warnings(ws)
    assert {i.code for i in warnings} == {"engine.value_never_occurs", "engine.filter_matches_nothing"}
    found = {str(i.message): i for i in warnings}
    won = found["measure 'deals.won' filter: the value 'won' never occurs in column 'stage' of source 'deals'"]
    assert won.message.values["value"] == "won"
    # Counted by hand from DEALS: Won 3, Open 2, Lost 1 (most frequent first).
    assert won.hint is not None
    assert won.hint.code == "engine.values_that_occur_case"
    assert str(won.hint) == (
        "did you mean 'Won'? Values are compared exactly, case included; values that occur: "
        "'Won' (3 rows), 'Open' (2 rows), 'Lost' (1 row)"
    )
    assert won.suggestions == ("Won",)
    assert won.location.line is not None
    lost = found["measure 'deals.closed' filter: the value 'lost' never occurs in column 'stage' of source 'deals'"]
    assert str(lost.hint).startswith("did you mean 'Lost'?")
    assert lost.suggestions == ("Lost",)
    scope = found[
        "the scope of the target for KPI 'deals' (2025-01): the value 'EMAE' never occurs in dimension 'team' of "
        "source 'deals'"
    ]
    assert str(scope.hint) == "values that occur: 'EMEA' (4 rows), 'APAC' (2 rows)"
    assert scope.suggestions == ("EMEA", "APAC")
    # 'Won' (closed), 'EMEA' (the second target and the region dimension), 'Europe'/'Asia' are outputs, not lookups.
    assert not any("'Won' never" in m or "'EMEA' never" in m for m in found)


def test_a_filter_that_keeps_no_row_is_warned_once(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(DEFINITIONS, {"deals": DEALS})
    empty = [i for i in _warnings(ws) if i.code == "engine.filter_matches_nothing"]
    # 'won' keeps nothing too, but its missing value already says why; 'big' (amount > 1000) has no such value.
    assert [i.message.values["measure"] for i in empty] == ["big"]
    assert [str(i.message) for i in empty] == [
        "measure 'deals.big' filter matches none of the source's 6 rows: the measure is always empty or 0"
    ]


def test_clean_definitions_and_empty_tables_say_nothing(workspace_factory: Callable[..., Workspace]) -> None:
    clean = DEFINITIONS.replace("'won'", "'Won'").replace("'lost'", "'Lost'").replace("EMAE", "APAC")
    clean = clean.replace("amount > 1000", "amount > 45")
    assert _warnings(workspace_factory(clean, {"deals": DEALS})) == []
    empty = pa.table(DEALS).slice(0, 0)
    ws = workspace_factory(DEFINITIONS, {"deals": empty})
    assert [i for i in _warnings(ws) if i.code in ("engine.value_never_occurs", "engine.filter_matches_nothing")] == []


def test_a_request_filter_that_keeps_nothing_is_warned(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(DEFINITIONS.replace("'won'", "'Won'"), {"deals": DEALS})
    typo = ws.filter_warnings("team = 'EMAE'", ["won_deals"])
    assert [i.field for i in typo] == ["where"]
    assert [(str(i.message), str(i.hint)) for i in typo] == [
        (
            "the row filter: the value 'EMAE' never occurs in dimension 'team' of source 'deals'",
            "values that occur: 'EMEA' (4 rows), 'APAC' (2 rows)",
        )
    ]
    nothing = ws.filter_warnings("amount > 1000")
    assert [(i.code, i.field) for i in nothing] == [("engine.row_filter_keeps_nothing", "where")]
    assert [str(i.message) for i in nothing] == [
        "the row filter 'amount > 1000' keeps none of the 6 rows of source 'deals': its values are empty or 0"
    ]
    assert ws.filter_warnings("team = 'APAC'", ["won_deals"]) == []
    assert ws.filter_warnings(None) == []
    assert ws.filter_warnings("no_such_column = 1") == []  # the computation reports that one
