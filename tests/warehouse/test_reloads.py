"""Loading the same data twice: the ingest log, identical rows, --again and --replace, on DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest

from kpilot.errors import DataError, WarehouseError
from kpilot.warehouse import sessions
from kpilot.warehouse.date_formats import date_formats
from kpilot.warehouse.dates import AmbiguousDates
from kpilot.warehouse.ingest import ingest_file
from kpilot.warehouse.ingest_log import INTERNAL_PREFIX, LOG_TABLE
from kpilot.warehouse.notices import LoadedBefore, RowsAlreadyInTable
from tests.warehouse.ingest_support import fetch, write

SALES = "region,amount,day\nnorth,10.5,2025-03-31\nsouth,7,2025-04-01\n"
MORE = "region,amount,day\neast,3.5,2025-04-02\n"
ROWS = [("north", 10.5, dt.date(2025, 3, 31)), ("south", 7.0, dt.date(2025, 4, 1))]
EAST = ("east", 3.5, dt.date(2025, 4, 2))


def table_rows(con: Any, table: str = "sales") -> list[tuple[Any, ...]]:
    return fetch(con, f'SELECT region, amount, day FROM "{table}" ORDER BY day, region')


def log(con: Any) -> list[tuple[Any, ...]]:
    return fetch(con, f'SELECT seq, table_name, mode, file_rows, replaced_rows FROM "{LOG_TABLE}" ORDER BY seq')


def test_the_same_file_twice_is_refused(warehouse: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "sales.csv", SALES)
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    ingest_file(warehouse, path, "sales")
    with pytest.raises(DataError) as caught:
        ingest_file(warehouse, path, "sales")
    error = caught.value
    assert str(error.message).startswith("this file's content was already loaded into table 'sales' on ")
    assert f"(from {path.resolve()}): loading it again would count its rows twice" in str(error.message)
    when = str(error.message).split(" on ", 1)[1].split(" UTC", 1)[0]
    assert before <= dt.datetime.fromisoformat(when) <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert error.hint is not None
    assert "--again" in str(error.hint)
    assert "--replace" in str(error.hint)
    assert table_rows(warehouse) == ROWS
    assert log(warehouse) == [(1, "sales", "create", 2, 0)]


def test_a_copy_under_another_name_is_the_same_content(warehouse: Any, tmp_path: Path) -> None:
    ingest_file(warehouse, write(tmp_path, "sales.csv", SALES), "sales")
    with pytest.raises(DataError) as caught:
        ingest_file(warehouse, write(tmp_path, "copy of sales.csv", SALES), "sales")
    assert "already loaded into table 'sales'" in str(caught.value.message)


def test_the_same_rows_in_another_file_are_refused(warehouse: Any, tmp_path: Path) -> None:
    ingest_file(warehouse, write(tmp_path, "sales.csv", SALES), "sales")
    # Other bytes, the same rows: another delimiter, another column order, another date spelling.
    again = write(tmp_path, "export.csv", "day;region;amount\n31/03/2025;north;10,5\n01/04/2025;south;7\n")
    with pytest.raises(DataError) as caught:
        ingest_file(warehouse, again, "sales")
    assert str(caught.value.message) == (
        "all 2 row(s) of the file are already in table 'sales', identical in every column: "
        "loading them again would count them twice"
    )
    assert table_rows(warehouse) == ROWS


def test_some_rows_already_there_are_appended_with_a_notice(warehouse: Any, tmp_path: Path) -> None:
    ingest_file(warehouse, write(tmp_path, "sales.csv", SALES), "sales")
    overlap = write(tmp_path, "overlap.csv", "region,amount,day\nsouth,7,2025-04-01\neast,3.5,2025-04-02\n")
    report = ingest_file(warehouse, overlap, "sales")
    assert report.notices == (RowsAlreadyInTable(table="sales", count=1, rows=2),)
    assert table_rows(warehouse) == [ROWS[0], ROWS[1], ROWS[1], EAST]


def test_again_loads_it_anyway_and_says_so(warehouse: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "sales.csv", SALES)
    ingest_file(warehouse, path, "sales")
    report = ingest_file(warehouse, path, "sales", again=True)
    (loaded, same) = report.notices
    assert isinstance(loaded, LoadedBefore)
    assert (loaded.table, loaded.file) == ("sales", str(path.resolve()))
    assert same == RowsAlreadyInTable(table="sales", count=2, rows=2)
    assert table_rows(warehouse) == [ROWS[0], ROWS[0], ROWS[1], ROWS[1]]
    assert log(warehouse) == [(1, "sales", "create", 2, 0), (2, "sales", "append", 2, 0)]


def test_replace_is_allowed_and_starts_the_log_afresh(warehouse: Any, tmp_path: Path) -> None:
    first = write(tmp_path, "sales.csv", SALES)
    other = write(tmp_path, "more.csv", MORE)
    ingest_file(warehouse, first, "sales")
    ingest_file(warehouse, first, "sales", replace=True)  # the same file: the table holds it once
    assert table_rows(warehouse) == ROWS
    ingest_file(warehouse, other, "sales", replace=True)
    # The first file's rows are gone with the replace, so loading it now adds them once.
    ingest_file(warehouse, first, "sales")
    assert table_rows(warehouse) == [*ROWS, EAST]
    assert [row[2] for row in log(warehouse)] == ["create", "replace", "replace", "append"]


def test_kpilot_own_table_names_are_refused(duck: Any, tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        ingest_file(duck, write(tmp_path, "sales.csv", SALES), LOG_TABLE)
    assert str(caught.value.message) == (
        "table name '_kpilot_ingest_log' starts with '_kpilot_', which kpilot keeps for its own tables"
    )


def test_the_log_holds_the_file_and_its_hash(warehouse: Any, tmp_path: Path) -> None:
    path = write(tmp_path, "sales.csv", SALES)
    ingest_file(warehouse, path, "sales")
    ((file, sheet, digest, rows),) = fetch(
        warehouse, f'SELECT file, sheet, content_sha256, file_rows FROM "{LOG_TABLE}"'
    )
    assert (file, sheet, rows) == (str(path.resolve()), None, 2)
    assert digest == hashlib.sha256(SALES.encode()).hexdigest()
    assert LOG_TABLE.startswith(INTERNAL_PREFIX)


def test_another_sheet_of_the_same_workbook_is_other_content(duck: Any, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "Q1"
    for row in [["region", "amount"], ["north", 1]]:
        first.append(row)
    second = book.create_sheet("Q2")
    for row in [["region", "amount"], ["north", 2]]:
        second.append(row)
    book.save(tmp_path / "year.xlsx")
    ingest_file(duck, tmp_path / "year.xlsx#Q1", "sales")
    ingest_file(duck, tmp_path / "year.xlsx#Q2", "sales")
    with pytest.raises(DataError):
        ingest_file(duck, tmp_path / "year.xlsx", "sales")  # the first sheet, Q1, by default
    assert fetch(duck, "SELECT region, amount FROM sales ORDER BY amount") == [("north", 1), ("north", 2)]
    assert fetch(duck, f'SELECT sheet FROM "{LOG_TABLE}" ORDER BY seq') == [("Q1",), ("Q2",)]


def test_a_failed_load_leaves_no_log_entry(warehouse: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_file(warehouse, write(tmp_path, "sales.csv", SALES), "sales")
    real = sessions.insert_sql

    def failing_insert(table: str, stage: str, columns: Any) -> str:
        return real(table, stage, columns) + " WHERE no_such_column = 1"  # the warehouse refuses it

    monkeypatch.setattr("kpilot.warehouse.ingest.insert_sql", failing_insert)
    with pytest.raises(WarehouseError) as caught:
        ingest_file(warehouse, write(tmp_path, "more.csv", MORE), "sales")
    assert str(caught.value.message).startswith("could not write table 'sales': ")
    monkeypatch.undo()
    assert table_rows(warehouse) == ROWS
    assert log(warehouse) == [(1, "sales", "create", 2, 0)]
    ingest_file(warehouse, write(tmp_path, "more.csv", MORE), "sales")  # and the file was not marked as loaded
    assert table_rows(warehouse) == [*ROWS, EAST]


# ---------------------------------------------------------------------------------------------------------------
# Ambiguous dates when appending


def test_appending_ambiguous_dates_to_a_date_column_is_refused(warehouse: Any, tmp_path: Path) -> None:
    ingest_file(warehouse, write(tmp_path, "sales.csv", SALES), "sales")
    path = write(tmp_path, "more.csv", "region,amount,day\neast,3,02/04/2025\nwest,4,03/04/2025\n")
    with pytest.raises(AmbiguousDates) as caught:
        ingest_file(warehouse, path, "sales")
    assert caught.value.hint is not None
    assert f"kpilot ingest {path} -t sales --date-format '%d/%m/%Y'" in str(caught.value.hint)
    ingest_file(warehouse, path, "sales", date_formats=date_formats(["dmy"]))
    assert table_rows(warehouse) == [
        *ROWS,
        ("east", 3.0, dt.date(2025, 4, 2)),
        ("west", 4.0, dt.date(2025, 4, 3)),
    ]


def test_ambiguous_dates_into_a_text_column_are_just_text(duck: Any, tmp_path: Path) -> None:
    duck.con.execute("CREATE TABLE notes (label VARCHAR)")
    ingest_file(duck, write(tmp_path, "n.csv", "label\n01/02/2025\n03/04/2025\n"), "notes")
    assert fetch(duck, "SELECT label FROM notes ORDER BY 1") == [("01/02/2025",), ("03/04/2025",)]


def test_creating_a_table_from_ambiguous_dates_is_refused(duck: Any, tmp_path: Path) -> None:
    with pytest.raises(AmbiguousDates):
        ingest_file(duck, write(tmp_path, "n.csv", "day\n01/02/2025\n"), "days")
    assert fetch(duck, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'days'") == [(0,)]
