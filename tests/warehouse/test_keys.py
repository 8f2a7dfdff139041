"""A table with a key: a file's rows replace the rows with the same key, atomically, on DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kpilot.definitions.model import Source
from kpilot.errors import DataError, Location, WarehouseError
from kpilot.i18n import Message
from kpilot.warehouse.ingest import IngestReport, ingest_file
from kpilot.warehouse.ingest_settings import table_settings
from kpilot.warehouse.notices import LoadedBefore
from tests.warehouse.ingest_support import fetch, write

ORDERS = "id,status,amount\nA1,open,10\nA2,open,20\nA3,paid,30\n"
UPDATE = "id,status,amount\nA2,paid,20\nA4,open,40\n"


def orders(con: Any) -> list[tuple[Any, ...]]:
    return fetch(con, "SELECT id, status, amount FROM orders ORDER BY id")


def test_rows_with_a_known_key_are_replaced(warehouse: Any, tmp_path: Path) -> None:
    ingest_file(warehouse, write(tmp_path, "orders.csv", ORDERS), "orders", key="id")
    report = ingest_file(warehouse, write(tmp_path, "update.csv", UPDATE), "orders", key="id")
    assert report == IngestReport(
        table="orders", rows=2, columns=3, created=False, replaced=False, key=("id",), replaced_rows=1
    )
    # A2 is replaced by the update's row, A4 is new, A1 and A3 stay: 4 orders, 100 in all rather than 120.
    assert orders(warehouse) == [("A1", "open", 10), ("A2", "paid", 20), ("A3", "paid", 30), ("A4", "open", 40)]
    assert fetch(warehouse, "SELECT sum(amount) FROM orders") == [(100,)]


def test_a_key_of_several_columns(warehouse: Any, tmp_path: Path) -> None:
    first = "day,region,units\n2025-03-31,north,1\n2025-03-31,south,2\n2025-04-01,north,3\n"
    second = "day,region,units\n2025-03-31,south,5\n2025-04-01,south,6\n"
    ingest_file(warehouse, write(tmp_path, "a.csv", first), "units", key=["day", "region"])
    report = ingest_file(warehouse, write(tmp_path, "b.csv", second), "units", key=["day", "region"])
    assert report.replaced_rows == 1
    assert fetch(warehouse, "SELECT day, region, units FROM units ORDER BY day, region") == [
        (dt.date(2025, 3, 31), "north", 1),
        (dt.date(2025, 3, 31), "south", 5),
        (dt.date(2025, 4, 1), "north", 3),
        (dt.date(2025, 4, 1), "south", 6),
    ]


def test_loading_the_same_file_again_changes_nothing(warehouse: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "orders.csv", ORDERS)
    ingest_file(warehouse, path, "orders", key="id")
    report = ingest_file(warehouse, path, "orders", key="id")
    assert report.replaced_rows == 3
    (notice,) = report.notices
    assert isinstance(notice, LoadedBefore)
    assert orders(warehouse) == [("A1", "open", 10), ("A2", "open", 20), ("A3", "paid", 30)]


def test_a_key_repeated_in_the_file_is_refused(warehouse: Any, tmp_path: Path) -> None:
    ingest_file(warehouse, write(tmp_path, "orders.csv", ORDERS), "orders", key="id")
    twice = write(tmp_path, "twice.csv", "id,status,amount\nA5,open,1\nA2,paid,2\nA5,paid,3\nA2,void,4\nA2,x,5\n")
    with pytest.raises(DataError) as caught:
        ingest_file(
            warehouse, twice, "orders", key="id", declared_by=Message("warehouse.declared_by_source", source="orders")
        )
    error = caught.value
    assert (
        str(error.message) == "the key (id) repeats in the file: 'A5' in line 2, line 4; 'A2' in line 3, line 5, line 6"
    )
    assert str(error.location) == f"{twice}:4"
    assert error.hint is not None
    assert "source 'orders'" in str(error.hint)
    assert orders(warehouse) == [("A1", "open", 10), ("A2", "open", 20), ("A3", "paid", 30)]


def test_a_repeated_key_is_refused_when_creating_the_table_too(duck: Any, tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        ingest_file(duck, write(tmp_path, "o.csv", "id,amount\n1,1\n1,2\n"), "orders", key="id")
    assert str(caught.value.message) == "the key (id) repeats in the file: '1' in line 2, line 3"
    assert fetch(duck, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'") == [(0,)]


def test_an_empty_key_is_refused(duck: Any, tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        ingest_file(duck, write(tmp_path, "o.csv", "id,amount\nA1,1\n,2\n"), "orders", key="id")
    assert str(caught.value.message) == "key column 'id' is empty in 1 row(s): line 3"


def test_a_key_column_the_file_lacks_is_refused(duck: Any, tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        ingest_file(
            duck,
            write(tmp_path, "o.csv", ORDERS),
            "orders",
            key="order_id",
            declared_by=Message("warehouse.declared_by_source", source="orders"),
        )
    assert str(caught.value.message) == (
        "source 'orders' declares the key (order_id) for table 'orders', but the file has no column 'order_id'"
    )


def test_an_upsert_that_fails_midway_changes_nothing(
    warehouse: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_file(warehouse, write(tmp_path, "orders.csv", ORDERS), "orders", key="id")

    def failing_insert(table: str, stage: str, columns: Any) -> str:
        return f'INSERT INTO "{table}" SELECT * FROM no_such_table'  # after the DELETE of the replaced rows

    monkeypatch.setattr("kpilot.warehouse.ingest.insert_sql", failing_insert)
    with pytest.raises(WarehouseError):
        ingest_file(warehouse, write(tmp_path, "update.csv", UPDATE), "orders", key="id")
    assert orders(warehouse) == [("A1", "open", 10), ("A2", "open", 20), ("A3", "paid", 30)]


def test_keyed_values_are_compared_in_the_table_types(duck: Any, tmp_path: Path) -> None:
    # The key column is a date; the update writes it another way, which still names the same day.
    ingest_file(duck, write(tmp_path, "a.csv", "day,units\n2025-03-31,1\n2025-04-01,2\n"), "daily", key="day")
    ingest_file(duck, write(tmp_path, "b.csv", "day,units\n31/03/2025,7\n"), "daily", key="day")
    assert fetch(duck, "SELECT day, units FROM daily ORDER BY day") == [
        (dt.date(2025, 3, 31), 7),
        (dt.date(2025, 4, 1), 2),
    ]


# ---------------------------------------------------------------------------------------------------------------
# What the workspace's sources say


def source(name: str, **fields: Any) -> Source:
    return Source.model_validate({"name": name, "origin": Location("definitions/main.yaml", 3, 5), **fields})


def test_the_key_and_date_format_come_from_the_sources_over_the_table() -> None:
    settings = table_settings(
        [
            source("other", table="elsewhere", key="x"),
            source("orders", table="orders", key=["id"], date_format="dmy"),
            source("order_lines", table="orders"),
        ],
        "orders",
    )
    assert settings.key == ("id",)
    assert settings.declared_by.code == "warehouse.declared_by_source_at"
    assert str(settings.declared_by) == "source 'orders' (definitions/main.yaml:3:5)"
    assert settings.date_formats.default is not None
    assert settings.date_formats.default.order == "dmy"
    assert settings.sources == ("orders", "order_lines")


def test_a_date_format_mapping_names_columns() -> None:
    settings = table_settings([source("o", table="orders", date_format={"paid": "excel", "due": "%d/%m/%Y"})], "orders")
    assert settings.date_formats.default is None
    assert {name: fmt.spelled for name, fmt in settings.date_formats.columns.items()} == {
        "paid": "excel",
        "due": "%d/%m/%Y",
    }


def test_sources_that_disagree_about_the_key_are_refused() -> None:
    with pytest.raises(DataError) as caught:
        table_settings([source("a", table="orders", key="id"), source("b", table="orders", key="code")], "orders")
    assert str(caught.value.message) == "sources 'a' and 'b' declare different 'key:' for table 'orders'"


def test_a_bad_date_format_on_a_source_is_located() -> None:
    with pytest.raises(DataError) as caught:
        table_settings([source("a", table="orders", date_format="%d/%m")], "orders")
    assert str(caught.value.message).startswith("source 'a': date_format '%d/%m': a date needs a year")
    assert str(caught.value.location) == "definitions/main.yaml:3:5"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sql": "select 1", "key": "id"}, "they need 'table'"),
        ({"table": "t", "key": ["id", "id"]}, "a key lists a column twice"),
        ({"table": "t", "key": [""]}, "a key column needs a name"),
    ],
)
def test_source_key_fields_are_checked(fields: dict[str, Any], message: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        Source.model_validate({"name": "s", **fields})
    assert message in str(caught.value)
