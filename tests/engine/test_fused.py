"""Fused computation: a request's SQL is compiled once (and kept), several requests are computed by one statement
that scans a shared source once, each request still gets exactly what `compute` gives it (its table or its error),
and a query's extent (its first and last period with data) comes from the same scans. Expected values are counted
by hand from ORDERS and ADS."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

import kpilot.workspace as workspace_module
from kpilot import Workspace
from kpilot.engine.cache import LRU
from kpilot.engine.execute import Extent
from kpilot.errors import QueryError, UserError, WarehouseDataError
from kpilot.warehouse.ingest_log import LOG_TABLE
from tests.security.recording import record
from tests.support import rows

TODAY = date(2025, 6, 15)
ORDERS = {
    "day": [date(2025, 1, 5), date(2025, 1, 20), date(2025, 2, 3), date(2025, 3, 9), date(2025, 3, 30)],
    "channel": ["email", "search", "email", None, "search"],
    "amount": [10, 20, 40, 80, 160],
    "label": ["1", "2", "3", "4", "x"],
}
ADS = {"day": [date(2025, 2, 1), date(2025, 3, 1)], "channel": ["email", "search"], "cost": [4.0, 10.0]}

DEFINITIONS = """
sources:
  - name: orders
    table: orders
    time: day
    dimensions: [channel]
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: orders, agg: count}
      - {name: biggest, agg: max, expr: amount}
  - name: ads
    table: ads
    time: day
    dimensions: [channel]
    measures:
      - {name: cost, agg: sum, expr: cost}
  - name: labels
    sql: select day, cast(label as integer) as n from orders
    time: day
    measures:
      - {name: label_sum, agg: sum, expr: n}
  - name: roster
    table: ads
    measures:
      - {name: seats, agg: count}
kpis:
  - {name: revenue, formula: revenue}
  - {name: orders, formula: orders}
  - {name: biggest, formula: biggest}
  - {name: roas, formula: revenue / cost}
  - {name: growth, formula: growth(revenue)}
  - {name: label_sum, formula: label_sum}
  - {name: seats, formula: seats}
"""


@pytest.fixture
def ws(workspace_factory: Callable[..., Workspace]) -> Workspace:
    return workspace_factory(DEFINITIONS, {"orders": ORDERS, "ads": ADS})


def _statements(log: list[str]) -> list[str]:
    """The queries the warehouse ran (not the DESCRIBE of a source, the listing of tables, nor the read of the
    data's versions: warehouse.data_version)."""
    bookkeeping = ("information_schema", "duckdb_tables()", LOG_TABLE)
    return [
        s for s in log if s.lstrip().upper().startswith(("WITH", "SELECT")) and not any(b in s for b in bookkeeping)
    ]


def test_many_requests_are_one_statement_each_result_as_compute_gives_it(ws: Workspace) -> None:
    requests = [
        ws.request(["revenue", "orders"], grain="month"),
        ws.request(["roas"], grain="all", by=["channel"]),
        ws.request(["growth"], grain="month", start="2025-02-01", end="2025-03-31"),
        ws.request(["biggest"], grain="quarter", by=["channel"]),
    ]
    alone = [ws.compute(list(r.kpis), grain=r.grain, by=r.by, start=r.start, end=r.end, today=TODAY) for r in requests]
    ws.forget_answers()  # computed together, not answered from memory
    log = record(ws)
    together = ws.compute_each(requests, today=TODAY)
    assert len(_statements(log)) == 1
    assert [table.to_pylist() for table in together] == [table.to_pylist() for table in alone]  # type: ignore[union-attr]
    assert [table.schema for table in together] == [table.schema for table in alone]  # type: ignore[union-attr]
    monthly, by_channel, growth, biggest = together
    assert rows(monthly) == [(date(2025, 1, 1), 30, 2), (date(2025, 2, 1), 40, 1), (date(2025, 3, 1), 240, 2)]
    # email 50 / 4, search 180 / 10; the order without a channel has no spend: empty.
    assert rows(by_channel) == [("email", 12.5), ("search", 18.0), (None, None)]
    assert rows(growth) == [(date(2025, 2, 1), 40 / 30 - 1), (date(2025, 3, 1), 240 / 40 - 1)]
    assert rows(biggest) == [
        (date(2025, 1, 1), "email", 40),
        (date(2025, 1, 1), "search", 160),
        (date(2025, 1, 1), None, 80),
    ]


def test_requests_that_read_a_source_alike_scan_it_once(ws: Workspace) -> None:
    requests = [ws.request(["revenue"]), ws.request(["orders"]), ws.request(["roas"])]
    ws.compute_each(requests, today=TODAY)  # the sources' checks, once per workspace
    log = record(ws)
    shared = ws.compute_each(requests, today=TODAY, share=True)
    (statement,) = _statements(log)
    assert statement.count('FROM "orders"') == 1
    assert [rows(table) for table in shared] == [  # type: ignore[arg-type]
        [(date(2025, 1, 1), 30), (date(2025, 2, 1), 40), (date(2025, 3, 1), 240)],
        [(date(2025, 1, 1), 2), (date(2025, 2, 1), 1), (date(2025, 3, 1), 2)],
        # roas reads ads too: its periods run from January (orders) to March, and January has no spend.
        [(date(2025, 1, 1), None), (date(2025, 2, 1), 10.0), (date(2025, 3, 1), 24.0)],
    ]


def test_a_request_that_fails_fails_alone_as_compute_fails(ws: Workspace) -> None:
    requests = [
        ws.request(["revenue"]),
        ws.request(["revenu"]),  # unknown
        ws.request(["seats"], grain="month"),  # a source without time has no months
        ws.request(["label_sum"]),  # 'x' is no integer: fails when it runs, not before
        ws.request(["orders"], grain="all"),
    ]
    found = ws.compute_each(requests, today=TODAY, share=True)
    for request, outcome in zip(requests, found, strict=True):
        if isinstance(outcome, UserError):
            with pytest.raises(type(outcome)) as raised:
                ws.compute(list(request.kpis), grain=request.grain, today=TODAY)
            assert raised.value.message == outcome.message
        else:
            assert outcome.to_pylist() == ws.compute(list(request.kpis), grain=request.grain, today=TODAY).to_pylist()
    assert [type(outcome) for outcome in found[1:4]] == [QueryError, QueryError, WarehouseDataError]
    assert rows(found[4]) == [(5,)]  # type: ignore[arg-type]


def test_the_sql_shown_is_the_sql_that_runs(ws: Workspace) -> None:
    ws.compute(["roas"], by=["channel"], today=TODAY)
    ws.forget_answers()  # computed again, not answered from memory
    log = record(ws)
    ws.compute(["roas"], by=["channel"], today=TODAY)
    assert _statements(log) == [ws.sql(["roas"], by=["channel"])]


def test_a_request_is_compiled_once(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    made = []
    compile_plan = workspace_module.compile_plan
    monkeypatch.setattr(workspace_module, "compile_plan", lambda *a, **k: made.append(1) or compile_plan(*a, **k))
    first = ws.compile(ws.request(["roas"], by=["channel"]))
    assert ws.compile(ws.request(["roas"], by=["channel"])) is first
    ws.compute(["roas"], by=["channel"], today=TODAY)
    assert len(made) == 1
    ws.compile(ws.request(["roas"], by=["channel"], start="2025-02-01"))  # another request: its own query
    assert len(made) == 2
    ws.close()  # a new connection may see other tables: compiled again
    again = ws.compile(ws.request(["roas"], by=["channel"]))
    assert again is not first
    assert again.sql == first.sql
    assert len(made) == 3


def test_views_with_the_same_definitions_share_what_they_compile(ws: Workspace) -> None:
    class Everything:
        unrestricted = True

        def visible(self, kpi: str) -> bool:
            return True

        def access(self, kpi: str) -> None:
            return None

        def ensure(self, action: str) -> None:
            return None

    compiled = ws.compile(ws.request(["revenue"]))
    assert ws.restricted(Everything()).compile(ws.request(["revenue"])) is compiled


def test_the_cache_forgets_the_least_recently_used() -> None:
    kept: LRU[str] = LRU(2)
    kept.keep("a", "A")
    kept.keep("b", "B")
    assert kept.find("a") == "A"  # now the most recent
    kept.keep("c", "C")
    assert (kept.find("a"), kept.find("b"), kept.find("c"), len(kept)) == ("A", None, "C", 2)


def test_the_portable_expression_computes_the_same_rows(ws: Workspace) -> None:
    for kpis, grain, by in ((["roas", "growth"], "month", []), (["biggest", "orders"], "week", ["channel"])):
        request = ws.request(kpis, grain=grain, by=by, start="2025-01-10", end="2025-03-20")
        compiled = ws.compile(request)
        portable = ws.warehouse.to_arrow(compiled.expr)
        table = ws.compute(kpis, grain=grain, by=by, start="2025-01-10", end="2025-03-20", today=TODAY)
        assert portable.to_pylist() == table.drop_columns(["partial"]).to_pylist()


def test_the_extent_is_where_the_data_starts_and_ends(ws: Workspace) -> None:
    table, extent = ws.compute_with_extent(ws.request(["roas"]), today=TODAY)
    assert extent == Extent(date(2025, 1, 1), date(2025, 3, 1))
    assert table.to_pylist() == ws.compute(["roas"], today=TODAY).to_pylist()
    assert ws.extents(
        [
            ws.request(["revenue"], grain="day", start="2025-01-10", end="2025-03-20"),
            ws.request(["roas"], grain="day", scope={"channel": "email"}),
            ws.request(["revenue"], grain="day", scope={"channel": "phone"}),
        ]
    ) == [
        Extent(date(2025, 1, 20), date(2025, 3, 9)),
        Extent(date(2025, 1, 5), date(2025, 2, 3)),  # the orders and the spend by e-mail
        Extent(),  # no row of the scope
    ]
    assert ws.extents([ws.request(["seats"], grain="all")]) == [Extent()]  # one total: no periods
    (error,) = ws.extents([ws.request(["seats"], grain="day")])  # no time: no periods, as compute says
    assert isinstance(error, QueryError)
    assert Extent(date(2025, 2, 1), None) | Extent(date(2025, 1, 1), date(2025, 3, 1)) == Extent(
        date(2025, 1, 1), date(2025, 3, 1)
    )
