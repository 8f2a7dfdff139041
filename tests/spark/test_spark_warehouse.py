"""Spark as a workspace's warehouse: Parquet `file:` sources, catalog tables, a missing database, and the fences
around `sql:` sources. Expected values are worked out by hand next to each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpilot import Workspace
from kpilot.errors import WarehouseError
from tests.spark.conftest import SPARK_MARKS, spark_target
from tests.support import rows, write_workspace

pytestmark = list(SPARK_MARKS)
Factory = Callable[..., Workspace]


ORDERS = """
sources:
  - name: orders
    file: data/*.parquet
    time: day
    dimensions: [channel]
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: orders, agg: count}
  - name: targets
    table: monthly_targets
    time: month
    measures:
      - {name: target, agg: sum, expr: target}
kpis:
  - {name: aov, formula: revenue / orders}
  - {name: attainment, formula: revenue / target}
"""


def test_parquet_files_and_catalog_tables(workspace_factory: Factory) -> None:
    ws = workspace_factory(ORDERS, {"monthly_targets": {"month": [date(2025, 1, 1)], "target": [200.0]}})
    (ws.root / "data").mkdir()
    # Two files, read as one source: January 10 + 30 + 50 over 3 orders; February 20 over 1.
    pq.write_table(
        pa.table({"day": [date(2025, 1, 2), date(2025, 1, 9)], "channel": ["a", "b"], "amount": [10.0, 30.0]}),
        ws.root / "data" / "1.parquet",
    )
    pq.write_table(
        pa.table({"day": [date(2025, 1, 20), date(2025, 2, 3)], "channel": ["a", "a"], "amount": [50.0, 20.0]}),
        ws.root / "data" / "2.parquet",
    )
    assert rows(ws.compute(["aov", "attainment"], grain="month")) == [
        (date(2025, 1, 1), pytest.approx(90 / 3), pytest.approx(90 / 200)),  # 90 of the target 200
        (date(2025, 2, 1), 20.0, None),  # no target for February
    ]
    assert rows(ws.compute(["aov"], grain="all", by=["channel"])) == [("a", pytest.approx(80 / 3)), ("b", 30.0)]
    # The file source's view is kpilot's own: not listed as the user's data.
    assert ws.warehouse.list_tables() == ["monthly_targets"]


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("select * from parquet.`/etc/data.parquet`", "warehouse.sql_spark_reads_file"),
        ("select day, reflect('java.lang.System', 'exit', 0) as x from t", "warehouse.sql_calls_refused"),
        ("select day from t; drop table t", "warehouse.sql_many_statements"),
    ],
)
def test_sql_sources_read_tables_only(workspace_factory: Factory, sql: str, code: str) -> None:
    definitions = f"""
sources:
  - name: s
    sql: "{sql}"
    time: day
    measures:
      - {{name: n, agg: count}}
kpis:
  - {{name: n, formula: n}}
"""
    ws = workspace_factory(definitions, {"t": {"day": [date(2025, 1, 1)]}})
    with pytest.raises(WarehouseError) as refused:
        ws.compute(["n"], grain="all")
    assert refused.value.code == code


def test_a_database_that_is_not_there_is_told(spark_session: Any, tmp_path: Path) -> None:
    write_workspace(tmp_path, "kpis: []\n", warehouse=spark_target())
    with Workspace(tmp_path) as ws, pytest.raises(WarehouseError) as missing:
        ws.warehouse.list_tables()
    assert missing.value.code == "warehouse.spark_database_missing"
