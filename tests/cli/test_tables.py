"""`kpilot tables` and `kpilot describe`, on DuckDB and on PostgreSQL: what they list and show, in every format, and
their errors. The tables are made by hand; every expected count and date is read off them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pytest

from kpilot import Workspace
from tests.support import run_cli

Factory = Callable[..., Workspace]
Capsys = pytest.CaptureFixture[str]

DEFINITIONS = """
sources:
  - name: orders
    table: orders
    time: ordered_at
    measures:
      - {name: orders, agg: count}
  - name: order_days
    table: orders
    time: day
    measures:
      - {name: orders, agg: count}
  - name: timeless
    table: orders
    measures:
      - {name: orders, agg: count}
  - name: other
    table: customers
    measures:
      - {name: customers, agg: count}
kpis:
  - {name: orders, formula: orders.orders}
"""
ORDERS = {
    "id": [1, 2, 3, 4],
    "customer": ["ann", "bob", None, "ann"],
    "amount": [10.5, 20.0, 7.25, None],
    "day": [date(2025, 3, 4), date(2024, 11, 30), None, date(2025, 1, 15)],
    "ordered_at": [
        datetime(2025, 3, 4, 9, 30),
        datetime(2024, 11, 30, 23, 59),
        datetime(2025, 6, 1, 0, 0),
        None,
    ],
    "paid": [True, False, True, None],
}
CUSTOMERS = {"name": ["ann", "bob"], "joined": [date(2020, 5, 1), date(2021, 7, 9)]}
INTERNAL = {"x": [1]}  # kpilot's own working table: never listed


@pytest.fixture
def workspace(workspace_factory: Factory) -> Workspace:
    tables = {"orders": ORDERS, "customers": CUSTOMERS, "_kpilot_ingest_1234": INTERNAL}
    return workspace_factory(DEFINITIONS, tables)


def kpilot(capsys: Capsys, workspace: Workspace, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, *args, "-w", str(workspace.root))


def cells(line: str) -> list[str]:
    """The cells of a row of a table drawn by Rich."""
    return [cell.strip() for cell in line.split("│")[1:-1]]


def test_tables_lists_every_table_but_kpilots_own(capsys: Capsys, workspace: Workspace) -> None:
    code, out, err = kpilot(capsys, workspace, "tables")
    assert (code, err) == (0, "")
    assert [cells(line) for line in out.splitlines() if "│" in line] == [["customers", "2", "2"], ["orders", "4", "6"]]
    assert "_kpilot_" not in out


def test_tables_as_csv_and_json(capsys: Capsys, workspace: Workspace) -> None:
    code, out, _ = kpilot(capsys, workspace, "tables", "--format", "csv")
    assert code == 0
    assert out == "table,rows,columns\ncustomers,2,2\norders,4,6\n"
    code, out, _ = kpilot(capsys, workspace, "tables", "-f", "json")
    assert code == 0
    assert json.loads(out) == [
        {"table": "customers", "rows": 2, "columns": 2},
        {"table": "orders", "rows": 4, "columns": 6},
    ]


def test_tables_of_an_empty_warehouse(capsys: Capsys, workspace_factory: Factory) -> None:
    workspace = workspace_factory(DEFINITIONS, {})
    code, out, _ = kpilot(capsys, workspace, "tables")
    assert code == 0
    assert "The warehouse has no tables yet: load one with `kpilot ingest FILE --table NAME`." in out
    assert json.loads(kpilot(capsys, workspace, "tables", "-f", "json")[1]) == []
    assert kpilot(capsys, workspace, "tables", "-f", "csv")[1] == "table,rows,columns\n"


def test_describe_as_json(capsys: Capsys, workspace: Workspace) -> None:
    code, out, err = kpilot(capsys, workspace, "describe", "orders", "--format", "json")
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert found["table"] == "orders"
    assert found["rows"] == 4
    columns = {c["name"]: c for c in found["columns"]}
    assert list(columns) == ["id", "customer", "amount", "day", "ordered_at", "paid"]
    assert {name: c["formula_type"] for name, c in columns.items()} == {
        "id": "number",
        "customer": "text",
        "amount": "number",
        "day": "date",
        "ordered_at": "timestamp",
        "paid": "true/false",
    }
    assert {name: c["type"] for name, c in columns.items()} == {
        "id": "int64",
        "customer": "string",
        "amount": "float64",
        "day": "date",
        "ordered_at": columns["ordered_at"]["type"],
        "paid": "boolean",
    }
    assert columns["ordered_at"]["type"].startswith("timestamp")
    # The earliest and latest of each date and timestamp column, empty values aside.
    assert (columns["day"]["first"], columns["day"]["last"]) == ("2024-11-30", "2025-03-04")
    assert (columns["ordered_at"]["first"], columns["ordered_at"]["last"]) == (
        "2024-11-30T23:59:00",
        "2025-06-01T00:00:00",
    )
    assert all(columns[name]["first"] is None for name in ("id", "customer", "amount", "paid"))
    # The sources that read the table, with their time columns and its range; another table's source is not one.
    assert found["sources"] == [
        {"name": "orders", "time": "ordered_at", "first": "2024-11-30T23:59:00", "last": "2025-06-01T00:00:00"},
        {"name": "order_days", "time": "day", "first": "2024-11-30", "last": "2025-03-04"},
        {"name": "timeless", "time": None, "first": None, "last": None},
    ]


def test_describe_as_a_table(capsys: Capsys, workspace: Workspace) -> None:
    code, out, _ = kpilot(capsys, workspace, "describe", "orders")
    assert code == 0
    assert out.startswith("Table 'orders': 4 rows, 6 columns\n")
    columns = {row[0]: row[1:] for row in (cells(line) for line in out.splitlines() if "│" in line)}
    assert columns["day"] == ["date", "date", "2024-11-30", "2025-03-04"]
    assert columns["ordered_at"][1:] == ["timestamp", "2024-11-30T23:59:00", "2025-06-01T00:00:00"]
    assert columns["customer"] == ["string", "text", "", ""]
    assert "Source 'orders' reads this table; its time column 'ordered_at' runs from 2024-11-30T23:59:00 to " in out
    assert "Source 'order_days' reads this table; its time column 'day' runs from 2024-11-30 to 2025-03-04." in out
    assert "Source 'timeless' reads this table; it has no time column." in out
    assert "Source 'other'" not in out


def test_describe_an_empty_table(capsys: Capsys, workspace_factory: Factory) -> None:
    empty = pa.table({"day": pa.array([], type=pa.date32()), "n": pa.array([], type=pa.int64())})
    workspace = workspace_factory(DEFINITIONS.replace("table: customers", "table: orders"), {"orders": empty})
    code, out, _ = kpilot(capsys, workspace, "describe", "orders")
    assert code == 0
    assert out.startswith("Table 'orders': 0 rows, 2 columns\n")
    assert "Source 'order_days' reads this table; its time column 'day' holds no dates yet." in out
    assert "Source 'orders' reads this table; its time column 'ordered_at' is not in it." in out
    found = json.loads(kpilot(capsys, workspace, "describe", "orders", "-f", "json")[1])
    assert found["columns"][0] == {"name": "day", "type": "date", "formula_type": "date", "first": None, "last": None}


def test_describe_a_schema_qualified_table(capsys: Capsys, workspace: Workspace, backend: str) -> None:
    schema = "public" if "://" in backend else "main"
    code, out, _ = kpilot(capsys, workspace, "describe", f"{schema}.customers", "-f", "json")
    assert code == 0
    assert json.loads(out)["rows"] == 2
    code, _, err = kpilot(capsys, workspace, "describe", "nowhere.customers")
    assert code == 1
    assert "error: unknown table 'nowhere.customers'" in err


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("order", "hint: did you mean 'orders'?"),
        ("Customers", "hint: did you mean 'customers'?"),
        ("zzz", "hint: tables: customers, orders"),
        ("_kpilot_ingest_1234", "hint: tables: customers, orders"),
        ('orders"; drop table orders; --', "hint: tables: customers, orders"),
    ],
)
def test_describe_an_unknown_table(capsys: Capsys, workspace: Workspace, name: str, hint: str) -> None:
    code, out, err = kpilot(capsys, workspace, "describe", name)
    assert (code, out) == (1, "")
    assert f"error: unknown table '{name}'" in err
    assert hint in err
    assert kpilot(capsys, workspace, "tables", "-f", "csv")[1] == "table,rows,columns\ncustomers,2,2\norders,4,6\n"


def test_describe_in_an_empty_warehouse(capsys: Capsys, workspace_factory: Factory) -> None:
    workspace = workspace_factory(DEFINITIONS, {})
    code, _, err = kpilot(capsys, workspace, "describe", "orders")
    assert code == 1
    assert "hint: the warehouse has no tables yet: load one with `kpilot ingest FILE --table NAME`" in err


def test_describe_works_with_broken_definitions(capsys: Capsys, workspace_factory: Factory) -> None:
    broken: dict[str, Any] = {"orders": ORDERS}
    workspace = workspace_factory("sources:\n  - {name: orders, table: orders, time: day, measures: nope}\n", broken)
    code, out, _ = kpilot(capsys, workspace, "describe", "orders", "-f", "json")
    assert code == 0
    assert json.loads(out)["rows"] == 4
