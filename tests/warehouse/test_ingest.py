"""Loading files into DuckDB (and PostgreSQL): create, append, replace, and nothing written on any failure."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import ibis
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpilot.errors import DataError, WarehouseError
from kpilot.warehouse import sessions
from kpilot.warehouse.ingest import IngestReport, ingest_file
from kpilot.warehouse.notices import DateOrderInferred

SALES = "region,amount,day\nnorth,10.5,2025-03-31\nsouth,7,2025-04-01\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def con(tmp_path: Path) -> Iterator[Any]:
    connection = ibis.duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.disconnect()


def contents(con: Any, table: str, order: str = "1") -> list[tuple[Any, ...]]:
    return [tuple(row) for row in con.con.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()]


def column_types(con: Any, table: str) -> dict[str, str]:
    return {name: str(kind) for name, kind in con.table(table).schema().items()}


@pytest.fixture
def sales(con: Any, tmp_path: Path) -> Any:
    """Table 'sales' loaded from SALES: region text, amount float64, day date."""
    ingest_file(con, write(tmp_path, "first.csv", SALES), "sales")
    return con


ORIGINAL = [("north", 10.5, dt.date(2025, 3, 31)), ("south", 7.0, dt.date(2025, 4, 1))]


# ---------------------------------------------------------------------------------------------------------------
# Create and append


def test_create_table_from_file(con: Any, tmp_path: Path) -> None:
    report = ingest_file(con, write(tmp_path, "sales.csv", SALES), "sales")
    assert report == IngestReport(table="sales", rows=2, columns=3, created=True, replaced=False)
    assert column_types(con, "sales") == {"region": "string", "amount": "float64", "day": "date"}
    assert contents(con, "sales") == ORIGINAL


def test_append_that_fits_in_another_column_order(sales: Any, tmp_path: Path) -> None:
    more = write(tmp_path, "more.csv", "day;amount;region\n12.04.2025;1.000,25;east\n13.04.2025;3;west\n")
    report = ingest_file(sales, more, "sales")
    # 12.04 reads both ways; 13.04 shows that the day comes first, and the report says so.
    order = DateOrderInferred(column="day", order="dmy", example="13.04.2025", where="line 3", ambiguous=1)
    assert report == IngestReport(table="sales", rows=2, columns=3, created=False, replaced=False, notices=(order,))
    assert contents(sales, "sales", order="day") == [
        *ORIGINAL,
        ("east", 1000.25, dt.date(2025, 4, 12)),
        ("west", 3.0, dt.date(2025, 4, 13)),
    ]


def test_append_converts_to_the_table_types(con: Any, tmp_path: Path) -> None:
    con.con.execute("CREATE TABLE facts (id INTEGER, ratio DECIMAL(6, 2), flag BOOLEAN, ts TIMESTAMP, label VARCHAR)")
    path = write(tmp_path, "facts.csv", "id,ratio,flag,ts,label\n1,0.25,1,2025-03-31,007\n2,3,0,31/03/2025 10:00,12\n")
    ingest_file(con, path, "facts")
    assert contents(con, "facts") == [
        (1, Decimal("0.25"), True, dt.datetime(2025, 3, 31, 0, 0), "007"),
        (2, Decimal("3.00"), False, dt.datetime(2025, 3, 31, 10, 0), "12"),
    ]


def test_append_with_missing_column_writes_nothing(sales: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", "region,amout\neast,1\n")
    with pytest.raises(DataError) as caught:
        ingest_file(sales, path, "sales")
    message = str(caught.value.message)
    assert "does not fit table 'sales'" in message
    assert "missing column(s) 'amount', 'day'" in message
    assert "unexpected column(s) 'amout' (did you mean 'amount'?)" in message
    assert contents(sales, "sales") == ORIGINAL


def test_append_with_bad_value_writes_nothing(sales: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", "region,amount,day\neast,1,2025-04-02\n\nwest,abc,2025-04-03\n")
    with pytest.raises(DataError) as caught:
        ingest_file(sales, path, "sales")
    error = caught.value
    assert str(error.location) == f"{path}:4"
    assert str(error.message) == "column 'amount': 'abc' is not a number (the table column is float64)"
    assert contents(sales, "sales") == ORIGINAL


def test_many_bad_values_are_counted_and_the_first_shown(sales: Any, tmp_path: Path) -> None:
    lines = ["region,amount,day"] + [f"r{i},x{i},2025-13-0{i}" for i in range(1, 5)]
    path = write(tmp_path, "bad.csv", "\n".join(lines) + "\n")
    with pytest.raises(DataError) as caught:
        ingest_file(sales, path, "sales")
    message = str(caught.value.message)
    assert message.startswith("8 values do not fit table 'sales', the first ones:")
    assert "line 2: column 'amount': 'x1' is not a number" in message
    assert "line 2: column 'day': '2025-13-01' is not a date" in message
    assert message.count("\n    line ") == 5
    assert contents(sales, "sales") == ORIGINAL


def test_whole_numbers_and_ranges(con: Any, tmp_path: Path) -> None:
    con.con.execute("CREATE TABLE counts (n INTEGER)")
    with pytest.raises(DataError) as caught:
        ingest_file(con, write(tmp_path, "n.csv", "n\n1\n2.5\n3000000000\n"), "counts")
    message = str(caught.value.message)
    assert "line 3: column 'n': '2.5' is not a whole number that fits int32" in message
    assert "line 4: column 'n': '3000000000' is not a whole number that fits int32" in message
    assert contents(con, "counts") == []


def test_not_null_column(con: Any, tmp_path: Path) -> None:
    con.con.execute("CREATE TABLE keyed (id BIGINT NOT NULL, v VARCHAR)")
    with pytest.raises(DataError) as caught:
        ingest_file(con, write(tmp_path, "k.csv", "id,v\n1,a\n,b\n"), "keyed")
    assert str(caught.value.message) == "column 'id' is empty, but the table column does not allow NULL"
    assert caught.value.location is not None
    assert caught.value.location.line == 3


def test_date_column_rejects_times_of_day(con: Any, tmp_path: Path) -> None:
    con.con.execute("CREATE TABLE days (d DATE)")
    with pytest.raises(DataError) as caught:
        ingest_file(con, write(tmp_path, "d.csv", "d\n2025-03-31 00:00\n2025-03-31 10:00\n"), "days")
    assert "'2025-03-31 10:00' is not a date" in str(caught.value.message)


# ---------------------------------------------------------------------------------------------------------------
# Replace


def test_replace_takes_the_schema_from_the_file(sales: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "new.csv", "region;units\nnorth;3\n")
    report = ingest_file(sales, path, "sales", replace=True)
    assert report == IngestReport(table="sales", rows=1, columns=2, created=False, replaced=True)
    assert column_types(sales, "sales") == {"region": "string", "units": "int64"}
    assert contents(sales, "sales") == [("north", 3)]


def test_replace_of_a_missing_table_creates_it(con: Any, tmp_path: Path) -> None:
    report = ingest_file(con, write(tmp_path, "s.csv", SALES), "sales", replace=True)
    assert (report.created, report.replaced) == (True, False)
    assert contents(con, "sales") == ORIGINAL


def test_replace_that_fails_midway_keeps_the_old_table(
    sales: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_load(self: Any, table: str, data: pa.Table) -> None:
        raise duckdb.IOException("disk full")  # after DROP TABLE and CREATE TABLE ran in the transaction

    monkeypatch.setattr(sessions.DuckDBSession, "load", broken_load)
    with pytest.raises(WarehouseError) as caught:
        ingest_file(sales, write(tmp_path, "new.csv", "other\n1\n"), "sales", replace=True)
    assert str(caught.value.message) == "could not write table 'sales': disk full"
    assert column_types(sales, "sales") == {"region": "string", "amount": "float64", "day": "date"}
    assert contents(sales, "sales") == ORIGINAL


def test_create_that_fails_midway_leaves_no_table(con: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_load(self: Any, table: str, data: pa.Table) -> None:
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(sessions.DuckDBSession, "load", broken_load)
    with pytest.raises(WarehouseError):
        ingest_file(con, write(tmp_path, "s.csv", SALES), "sales")
    assert con.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'sales'").fetchone() == (
        0,
    )


def test_replace_with_unreadable_file_keeps_the_old_table(sales: Any, tmp_path: Path) -> None:
    with pytest.raises(DataError):
        ingest_file(sales, write(tmp_path, "bad.csv", "a,b\n1,2,3\n"), "sales", replace=True)
    assert contents(sales, "sales") == ORIGINAL


# ---------------------------------------------------------------------------------------------------------------
# Other inputs and refusals


def test_header_only_file_has_no_rows(sales: Any, tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        ingest_file(sales, write(tmp_path, "empty.csv", "region,amount,day\n"), "sales", replace=True)
    assert str(caught.value.message).startswith("no rows")
    assert contents(sales, "sales") == ORIGINAL


@pytest.mark.parametrize("name", ["", "1sales", "sales-2025", "main.sales", 'x"y', "a" * 64])
def test_invalid_table_name(con: Any, tmp_path: Path, name: str) -> None:
    with pytest.raises(DataError) as caught:
        ingest_file(con, write(tmp_path, "s.csv", SALES), name)
    assert str(caught.value.message) == f"invalid table name '{name}'"


def test_excel_file_into_a_table(con: Any, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["region", "amount", "day"], ["north", 10.5, dt.date(2025, 3, 31)], ["south", 7, dt.date(2025, 4, 1)]]:
        sheet.append(row)
    book.save(tmp_path / "sales.xlsx")
    ingest_file(con, tmp_path / "sales.xlsx", "sales")
    ingest_file(con, tmp_path / "sales.xlsx", "sales", again=True)  # a second load must be asked for
    assert column_types(con, "sales") == {"region": "string", "amount": "float64", "day": "date"}
    assert contents(con, "sales", order="1, 2") == [ORIGINAL[0], ORIGINAL[0], ORIGINAL[1], ORIGINAL[1]]


def test_excel_bad_value_names_the_sheet_row(sales: Any, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["region", "amount", "day"], [], ["east", "lots", dt.date(2025, 4, 2)]]:
        sheet.append(row)
    book.save(tmp_path / "more.xlsx")
    with pytest.raises(DataError) as caught:
        ingest_file(sales, tmp_path / "more.xlsx", "sales")
    assert str(caught.value.location) == f"{tmp_path / 'more.xlsx'}:3"
    assert contents(sales, "sales") == ORIGINAL


def test_parquet_file_into_a_table(sales: Any, tmp_path: Path) -> None:
    path = tmp_path / "more.parquet"
    table = pa.table(
        {"day": pa.array([dt.date(2025, 4, 2)]), "region": pa.array(["east"]), "amount": pa.array([4], pa.int32())}
    )
    pq.write_table(table, path)
    ingest_file(sales, path, "sales")
    assert contents(sales, "sales", order="day") == [*ORIGINAL, ("east", 4.0, dt.date(2025, 4, 2))]


def test_parquet_bad_value_names_the_row(sales: Any, tmp_path: Path) -> None:
    path = tmp_path / "more.parquet"
    pq.write_table(pa.table({"region": ["x", "y"], "amount": ["1", "many"], "day": ["2025-04-02", "2025-04-03"]}), path)
    with pytest.raises(DataError) as caught:
        ingest_file(sales, path, "sales")
    assert str(caught.value.message) == "row 2: column 'amount': 'many' is not a number (the table column is float64)"
    assert str(caught.value.location) == str(path)
    assert contents(sales, "sales") == ORIGINAL


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL


def _postgres() -> Any:
    try:
        import psycopg

        return psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3, autocommit=True)
    except Exception:
        return None


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[Any]:
    """An ibis PostgreSQL backend whose search_path is a fresh schema, dropped afterwards."""
    admin = _postgres()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (database 'test')")
    schema = f"kpilot_ingest_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        connection = ibis.postgres.connect(
            host="127.0.0.1", port=5432, user="postgres", database="test", options=f"-c search_path={schema}"
        )
        try:
            yield connection
        finally:
            connection.disconnect()
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.mark.postgres
def test_postgres_create_append_and_rejected_append(pg: Any, tmp_path: Path) -> None:
    assert ingest_file(pg, write(tmp_path, "s.csv", SALES), "sales").created
    ingest_file(pg, write(tmp_path, "more.csv", "day,amount,region\n2025-04-02,1,east\n"), "sales")
    with pytest.raises(DataError):
        ingest_file(pg, write(tmp_path, "bad.csv", "region,amount,day\nwest,2,2025-04-03\nx,y,z\n"), "sales")
    rows = pg.raw_sql('SELECT region, amount, day FROM "sales" ORDER BY day').fetchall()
    assert rows == [*ORIGINAL, ("east", 1.0, dt.date(2025, 4, 2))]


@pytest.mark.postgres
def test_postgres_replace_that_fails_midway_keeps_the_old_table(
    pg: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_file(pg, write(tmp_path, "s.csv", SALES), "sales")

    def broken_load(self: Any, table: str, data: pa.Table) -> None:
        raise psycopg.OperationalError("connection lost")

    monkeypatch.setattr(sessions.PostgresSession, "load", broken_load)
    with pytest.raises(WarehouseError):
        ingest_file(pg, write(tmp_path, "new.csv", "other\n1\n"), "sales", replace=True)
    monkeypatch.undo()
    assert pg.raw_sql('SELECT region, amount, day FROM "sales" ORDER BY day').fetchall() == ORIGINAL
    report = ingest_file(pg, write(tmp_path, "new.csv", "other\n1\n"), "sales", replace=True)
    assert report.replaced
    assert pg.raw_sql('SELECT * FROM "sales"').fetchall() == [(1,)]
