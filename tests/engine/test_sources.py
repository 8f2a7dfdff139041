"""Sources beyond warehouse tables: files (CSV or Parquet, globs) and SQL (a star schema joined in the warehouse)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpilot import WarehouseError, Workspace
from tests.support import make_workspace, rows

FILES = """
sources:
  - name: parquet_sales
    file: data/sales-*.parquet
    time: day
    measures:
      - {name: revenue, agg: sum, expr: amount}
  - name: csv_sales
    file: data/extra.csv
    time: day
    measures:
      - {name: extra, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: revenue}
  - {name: total, formula: revenue + extra}
"""


def test_file_sources_read_globs_of_parquet_and_csv(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "data").mkdir(parents=True)
    pq.write_table(pa.table({"day": [date(2025, 1, 3)], "amount": [10.0]}), root / "data" / "sales-1.parquet")
    pq.write_table(pa.table({"day": [date(2025, 2, 3)], "amount": [20.0]}), root / "data" / "sales-2.parquet")
    (root / "data" / "extra.csv").write_text("day,amount\n2025-01-09,1.5\n")
    with make_workspace(root, FILES, {}) as ws:
        # Both Parquet files are read; January adds the CSV's 1.5.
        assert rows(ws.compute(["revenue", "total"], grain="month")) == [
            (date(2025, 1, 1), 10.0, 11.5),
            (date(2025, 2, 1), 20.0, 20.0),
        ]


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with make_workspace(tmp_path / "ws", FILES, {}) as ws, pytest.raises(WarehouseError, match="no file matches"):
        ws.compute(["revenue"])


STAR = """
sources:
  - name: sales
    sql: |
      select f.day, f.amount, p.category
      from sales_facts f join products p on p.product_id = f.product_id
    time: day
    dimensions: [category]
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: revenue}
"""


def test_sql_source_serves_a_star_schema(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(
        STAR,
        {
            "sales_facts": {
                "day": [date(2025, 1, 2), date(2025, 1, 5), date(2025, 1, 7)],
                "product_id": [1, 2, 1],
                "amount": [10.0, 5.0, 2.5],
            },
            "products": {"product_id": [1, 2], "category": ["books", "games"]},
        },
    )
    # Each fact row joins one product: books 10 + 2.5, games 5.
    assert rows(ws.compute(["revenue"], grain="all", by=["category"])) == [("books", 12.5), ("games", 5.0)]
