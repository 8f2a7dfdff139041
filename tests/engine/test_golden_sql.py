"""Golden SQL: what kpilot sends to each warehouse for a representative set of KPIs, kept in files under
`tests/engine/golden/` and compared exactly. A change in the SQL is then a reviewed diff, not a surprise.

Regenerate after an intended change with `pytest tests/engine/test_golden_sql.py tests/spark --update-golden`
(never edit the files by hand), then read the diff. DuckDB, PostgreSQL and Spark SQL comes from real workspaces on
each (Spark's in tests/spark, which runs these tests on Spark local mode); Trino, Snowflake, BigQuery and
ClickHouse SQL is compiled by `engine.compile.sql_in` from the DuckDB workspace's requests (compile-only: no such
warehouse runs here). BigQuery cannot compile kpilot's time spine yet (Ibis generates BigQuery timestamp ranges
only over time-zone-aware timestamps, and no date ranges at all): those cases are a named refusal, pinned here so
that it is noticed when it changes; a request without periods compiles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import ibis
import pyarrow as pa
import pytest

from kpilot import Workspace
from kpilot.engine.compile import sql_in
from kpilot.errors import QueryError

GOLDEN = Path(__file__).parent / "golden"
RUN_ON = ("duckdb", "postgres", "pyspark")  # from real workspaces
COMPILE_ONLY = ("trino", "snowflake", "bigquery", "clickhouse")
NO_SPINE = frozenset({"bigquery"})  # refuse requests with periods (the time spine): see the module docstring

DEFINITIONS = """
sources:
  - name: orders
    table: orders
    time: ordered_at
    dimensions: [channel]
    measures:
      - {name: revenue, agg: sum, expr: amount, filter: "status = 'paid'"}
      - {name: orders, agg: count, filter: "status = 'paid'"}
      - {name: customers, agg: count_distinct, expr: customer_id}
  - name: ads
    table: ads
    time: day
    dimensions: [channel]
    measures:
      - {name: cost, agg: sum, expr: cost}
      - {name: clicks, agg: sum, expr: clicks}
kpis:
  - {name: aov, formula: revenue / orders, unit: currency}
  - {name: roas, formula: revenue / cost, unit: ratio}
  - {name: revenue_mtd, formula: "to_date(revenue, 'month')", grain: day}
  - {name: revenue_3m, formula: "rolling(revenue, 3)"}
  - {name: revenue_growth, formula: growth(revenue), unit: percent}
  - {name: customer_count, formula: customers}
"""

# name -> (KPIs, grain, by, where)
CASES: dict[str, tuple[list[str], str, list[str], str | None]] = {
    "ratio": (["aov"], "month", [], None),
    "cross_source": (["roas"], "month", ["channel"], None),
    "to_date": (["revenue_mtd"], "day", [], None),
    "rolling": (["revenue_3m"], "month", [], None),
    "growth": (["revenue_growth"], "month", [], None),
    "count_distinct": (["customer_count"], "week", [], None),
    "scoped": (["aov"], "month", [], "channel = 'email'"),
    "fiscal_quarter": (["aov", "customer_count"], "quarter", [], None),
    "total": (["aov", "roas"], "all", [], None),
}

TABLES = {
    "orders": pa.table(
        {
            "ordered_at": [date(2025, 1, 3)],
            "channel": ["email"],
            "status": ["paid"],
            "customer_id": ["c1"],
            "amount": pa.array([Decimal("10.00")], pa.decimal128(18, 2)),
        }
    ),
    "ads": pa.table({"day": [date(2025, 1, 3)], "channel": ["email"], "cost": [1.5], "clicks": [3]}),
}


def _stable(sql: str) -> str:
    """The SQL without what differs between runs: names Ibis generates (in-memory tables, Snowflake's array
    helpers)."""
    sql = re.sub(r"ibis_\w+_[a-z0-9]{20,}", "ibis_generated", sql)
    return re.sub(r"'[0-9a-f]{32}'", "'generated'", sql).strip() + "\n"


def _compare(path: Path, sql: str, update: bool) -> None:
    if update:
        path.parent.mkdir(exist_ok=True)
        path.write_text(sql, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"{path.name} is missing: run pytest {__file__} --update-golden and review it")
    assert sql == path.read_text(encoding="utf-8"), f"the SQL of {path.name} changed (see the module docstring)"


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_sql(
    case: str, backend: str, workspace_factory: Callable[..., Workspace], request: pytest.FixtureRequest
) -> None:
    update = bool(request.config.getoption("--update-golden"))
    ws = workspace_factory(DEFINITIONS, TABLES, fiscal_year_start=4)
    kpis, grain, by, where = CASES[case]
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    dialect = ws.warehouse.dialect
    _compare(
        GOLDEN / f"{case}.{dialect}.sql",
        _stable(ws.sql(kpis, grain=grain, by=by, start=start, end=end, where=where)),
        update,
    )
    if dialect != "duckdb":
        return
    compiled = ws.compile(ws.request(kpis, grain=grain, by=by, start=start, end=end, where=where))
    for other in COMPILE_ONLY:
        if other in NO_SPINE and grain != "all":
            continue  # refused: test_bigquery_cannot_compile_the_time_spine_yet
        _compare(GOLDEN / f"{case}.{other}.sql", _stable(sql_in(compiled, other)), update)


def test_bigquery_cannot_compile_the_time_spine_yet(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, TABLES)
    compiled = ws.compile(ws.request(["aov"], grain="month", start=date(2025, 1, 1), end=date(2025, 3, 31)))
    with pytest.raises(QueryError) as refused:
        sql_in(compiled, "bigquery")
    assert refused.value.code == "engine.dialect_cannot_compile"
    assert "Timestamps without timezone" in str(refused.value)
    # The same refusal as Ibis's own, so that this test notices when Ibis learns to write the spine for BigQuery.
    with pytest.raises(ibis.common.exceptions.IbisTypeError, match="Timestamps without timezone"):
        ibis.to_sql(compiled.expr, dialect="bigquery")
    over_all = ws.compile(ws.request(["aov"], grain="all"))  # no periods, no spine: BigQuery compiles it
    assert "SUM" in sql_in(over_all, "bigquery")


@pytest.mark.parametrize("dialect", COMPILE_ONLY)
def test_time_zone_conversions_are_refused_where_kpilot_cannot_write_them(
    dialect: str, duckdb_factory: Callable[..., Workspace]
) -> None:
    # Naive UTC timestamps placed in Rome's days need a time-zone conversion, which kpilot writes only for the
    # warehouses it computes on: elsewhere a named refusal, rather than SQL calling a function the dialect lacks.
    events = """
sources:
  - name: events
    table: events
    time: at
    measures:
      - {name: events, agg: count}
kpis:
  - {name: events, formula: events}
"""
    ws = duckdb_factory(events, {"events": {"at": [datetime(2025, 1, 3, 23, 30)]}}, timezone="Europe/Rome")
    compiled = ws.compile(ws.request(["events"], grain="month"))
    with pytest.raises(QueryError) as refused:
        sql_in(compiled, dialect)
    assert refused.value.code == "engine.dialect_no_time_zones"
    assert "TIMEZONE" in ws.sql(["events"], grain="month")  # DuckDB's own SQL converts them


def test_every_golden_file_belongs_to_a_case(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-golden"):
        pytest.skip("the files are being rewritten")
    expected = {f"{case}.{dialect}.sql" for case in CASES for dialect in RUN_ON}
    expected |= {
        f"{case}.{dialect}.sql"
        for case, (_, grain, _, _) in CASES.items()
        for dialect in COMPILE_ONLY
        if dialect not in NO_SPINE or grain == "all"
    }
    assert {path.name for path in GOLDEN.glob("*.sql")} == expected
