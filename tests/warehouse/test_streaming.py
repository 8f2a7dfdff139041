"""A large Parquet file is loaded batch by batch (warehouse.streaming): the same table, report, notices and errors as
the whole-file path, and nothing written when any batch fails.

The threshold and the batch size are made tiny here (every Parquet file streams, three rows a batch), so that small
files cross several batches; each case is loaded both ways, into two warehouses, and compared."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpilot.errors import DataError, WarehouseError
from kpilot.warehouse import readers, streaming
from kpilot.warehouse.ingest import IngestReport, ingest_file
from tests.warehouse.ingest_support import fetch

BATCH = 3


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """Switch between the two paths: True streams every Parquet file, three rows a batch; False reads it whole."""
    monkeypatch.setattr(streaming, "BATCH_ROWS", BATCH)

    def switch(on: bool) -> None:
        monkeypatch.setattr(readers, "STREAM_BYTES", 0 if on else 1 << 40)

    return switch


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """Two DuckDB warehouses: one loaded by streaming, one by whole files."""
    first, second = (ibis.duckdb.connect(str(tmp_path / f"{name}.duckdb")) for name in ("streamed", "whole"))
    yield first, second
    first.disconnect()
    second.disconnect()


def rows(con: Any, table: str) -> list[tuple[Any, ...]]:
    return fetch(con, f'SELECT * FROM "{table}" ORDER BY ALL')


def types(con: Any, table: str) -> dict[str, str]:
    return {name: str(kind) for name, kind in con.table(table).schema().items()}


def log(con: Any) -> list[tuple[Any, ...]]:
    return fetch(con, 'SELECT table_name, mode, file_rows, replaced_rows FROM "_kpilot_ingest_log" ORDER BY seq')


def both(
    streamed: Callable[[bool], None], pair: tuple[Any, Any], load: Callable[[Any], IngestReport]
) -> tuple[IngestReport, IngestReport]:
    streamed(True)
    by_batches = load(pair[0])
    streamed(False)
    whole = load(pair[1])
    return by_batches, whole


def write(path: Path, columns: dict[str, Any]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


# Ten rows: three full batches and one of a single row. A dictionary-encoded text column, a timestamp with a time
# zone, an all-null column, and integers of two widths: each is adjusted batch by batch as for the whole file.
TEN = {
    "id": pa.array(range(1, 11), pa.int64()),
    "region": pa.array(["north", "south", "east", "west", "north"] * 2).dictionary_encode(),
    "amount": pa.array([1.5, 2.25, None, 4.0, 5.5, 6.0, 7.75, 8.0, 9.5, 10.0]),
    "units": pa.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], pa.int32()),
    "at": pa.array(
        [dt.datetime(2025, 3, day, 12, tzinfo=dt.UTC) for day in range(1, 11)], pa.timestamp("us", tz="Europe/Rome")
    ),
    "note": pa.nulls(10),
}


def test_a_new_table_is_the_same_either_way(streamed: Any, pair: tuple[Any, Any], tmp_path: Path) -> None:
    path = write(tmp_path / "ten.parquet", TEN)
    by_batches, whole = both(streamed, pair, lambda con: ingest_file(con, path, "sales"))
    assert by_batches == whole
    assert (by_batches.rows, by_batches.columns, by_batches.created) == (10, 6, True)
    assert rows(pair[0], "sales") == rows(pair[1], "sales")
    assert types(pair[0], "sales") == types(pair[1], "sales")
    # Worked out from TEN by hand: the time zone's instant as UTC wall time, the null column as text.
    assert rows(pair[0], "sales")[0] == (1, "north", 1.5, 1, dt.datetime(2025, 3, 1, 12), None)
    assert types(pair[0], "sales")["note"] == "string"
    assert log(pair[0]) == log(pair[1]) == [("sales", "create", 10, 0)]


def test_an_append_converts_and_counts_the_same(streamed: Any, pair: tuple[Any, Any], tmp_path: Path) -> None:
    first = write(tmp_path / "ten.parquet", TEN)
    # Text and narrower numbers that fit the table's columns; rows 1 and 2 repeat rows already in the table.
    more = write(
        tmp_path / "more.parquet",
        {
            "id": pa.array([1, 2, 11, 12, 13, 14, 15], pa.int32()),
            "region": ["north", "south", "x", "y", "z", "x", "y"],
            "amount": pa.array([1.5, 2.25, 1, 2, 3, 4, 5], pa.float32()),
            "units": pa.array([1, 2, 3, 4, 5, 6, 7], pa.int64()),
            "at": [f"2025-03-0{day} 12:00:00" for day in (1, 2, 3, 4, 5, 6, 7)],
            "note": [None, None, "c", "d", "e", "f", "g"],
        },
    )

    def load(con: Any) -> IngestReport:
        ingest_file(con, first, "sales")
        return ingest_file(con, more, "sales")

    by_batches, whole = both(streamed, pair, load)
    assert by_batches == whole
    assert by_batches.rows == 7
    assert [type(notice).__name__ for notice in by_batches.notices] == ["RowsAlreadyInTable"]
    assert rows(pair[0], "sales") == rows(pair[1], "sales")
    assert len(rows(pair[0], "sales")) == 17
    assert log(pair[0]) == log(pair[1]) == [("sales", "create", 10, 0), ("sales", "append", 7, 0)]


def test_an_upsert_replaces_the_same_rows(streamed: Any, pair: tuple[Any, Any], tmp_path: Path) -> None:
    first = write(tmp_path / "ten.parquet", TEN)
    # Keys 2, 5 and 9 replace rows in three different batches of the table's file; 11 and 12 are new.
    more = write(
        tmp_path / "more.parquet",
        {
            "id": [2, 5, 9, 11, 12],
            "region": ["r2", "r5", "r9", "r11", "r12"],
            "amount": [20.0, 50.0, 90.0, 110.0, 120.0],
            "units": pa.array([20, 50, 90, 110, 120], pa.int32()),
            "at": pa.array(
                [dt.datetime(2025, 4, day, tzinfo=dt.UTC) for day in range(1, 6)], pa.timestamp("us", "UTC")
            ),
            "note": ["two", "five", "nine", "eleven", "twelve"],
        },
    )

    def load(con: Any) -> IngestReport:
        ingest_file(con, first, "sales", key="id")
        return ingest_file(con, more, "sales", key="id")

    by_batches, whole = both(streamed, pair, load)
    assert by_batches == whole
    assert by_batches.replaced_rows == 3
    assert rows(pair[0], "sales") == rows(pair[1], "sales")
    ids = [row[0] for row in rows(pair[0], "sales")]
    assert ids == list(range(1, 13))
    assert [row[1] for row in rows(pair[0], "sales") if row[0] in (2, 5, 9)] == ["r2", "r5", "r9"]


def test_a_replace_is_the_same_either_way(streamed: Any, pair: tuple[Any, Any], tmp_path: Path) -> None:
    first = write(tmp_path / "ten.parquet", TEN)
    other = write(tmp_path / "other.parquet", {"n": list(range(8)), "label": [f"l{i}" for i in range(8)]})

    def load(con: Any) -> IngestReport:
        ingest_file(con, first, "sales")
        return ingest_file(con, other, "sales", replace=True)

    by_batches, whole = both(streamed, pair, load)
    assert by_batches == whole
    assert rows(pair[0], "sales") == [(i, f"l{i}") for i in range(8)]
    assert types(pair[0], "sales") == types(pair[1], "sales") == {"n": "int64", "label": "string"}


# ---------------------------------------------------------------------------------------------------------------
# Errors: the same messages, and nothing written


def errors(streamed: Any, pair: tuple[Any, Any], load: Callable[[Any], object]) -> tuple[DataError, DataError]:
    caught = []
    for on, con in ((True, pair[0]), (False, pair[1])):
        streamed(on)
        with pytest.raises(DataError) as raised:
            load(con)
        caught.append(raised.value)
    return caught[0], caught[1]


def test_a_bad_value_in_a_later_batch_names_its_row_and_writes_nothing(
    streamed: Any, pair: tuple[Any, Any], tmp_path: Path
) -> None:
    first = write(tmp_path / "ten.parquet", TEN)
    amounts = ["1", "2", "3", "4", "5", "6", "7", "many", "9"]  # row 8: the third batch, after two were written
    bad = write(
        tmp_path / "bad.parquet",
        {
            "id": list(range(20, 29)),
            "region": ["r"] * 9,
            "amount": amounts,
            "units": list(range(9)),
            "at": ["2025-04-01 00:00:00"] * 9,
            "note": ["n"] * 9,
        },
    )
    for con in pair:
        streamed(False)
        ingest_file(con, first, "sales")

    def load(con: Any) -> None:
        ingest_file(con, bad, "sales")

    by_batches, whole = errors(streamed, pair, load)
    assert str(by_batches.message) == str(whole.message)
    assert str(by_batches.message) == "row 8: column 'amount': 'many' is not a number (the table column is float64)"
    assert rows(pair[0], "sales") == rows(pair[1], "sales")
    assert len(rows(pair[0], "sales")) == 10
    assert log(pair[0]) == [("sales", "create", 10, 0)]


def test_a_key_repeated_across_batches_is_refused(streamed: Any, pair: tuple[Any, Any], tmp_path: Path) -> None:
    ids = [1, 2, 3, 4, 5, 6, 7, 8, 2, 10]  # 2 at rows 2 and 9: the first and the third batch
    path = write(tmp_path / "twice.parquet", {**TEN, "id": ids})

    def load(con: Any) -> None:
        ingest_file(con, path, "sales", key="id")

    by_batches, whole = errors(streamed, pair, load)
    assert str(by_batches.message) == str(whole.message)
    assert str(by_batches.message) == "the key (id) repeats in the file: '2' in row 2, row 9"
    assert str(by_batches.location) == str(whole.location)
    for con in pair:  # the table the first batches went into was never committed
        assert "sales" not in con.list_tables()


def test_empty_keys_are_counted_over_the_whole_file(streamed: Any, pair: tuple[Any, Any], tmp_path: Path) -> None:
    ids = [1, None, 3, 4, 5, 6, 7, None, 9, None]  # rows 2, 8 and 10: three batches
    path = write(tmp_path / "empty.parquet", {**TEN, "id": pa.array(ids, pa.int64())})
    by_batches, whole = errors(streamed, pair, lambda con: ingest_file(con, path, "sales", key="id"))
    assert str(by_batches.message) == str(whole.message)
    assert str(by_batches.message) == "key column 'id' is empty in 3 row(s): row 2, row 8, row 10"


def test_a_missing_key_column(streamed: Any, pair: tuple[Any, Any], tmp_path: Path) -> None:
    path = write(tmp_path / "ten.parquet", TEN)
    by_batches, whole = errors(streamed, pair, lambda con: ingest_file(con, path, "sales", key="order_id"))
    assert str(by_batches.message) == str(whole.message)
    assert "the file has no column 'order_id'" in str(by_batches.message)
    for con in pair:
        assert "sales" not in con.list_tables()


def test_a_file_loaded_before_is_refused_then_loaded_again(
    streamed: Any, pair: tuple[Any, Any], tmp_path: Path
) -> None:
    path = write(tmp_path / "ten.parquet", TEN)
    streamed(True)
    con = pair[0]
    ingest_file(con, path, "sales")
    with pytest.raises(DataError) as raised:
        ingest_file(con, path, "sales")
    assert "was already loaded into table 'sales'" in str(raised.value.message)
    report = ingest_file(con, path, "sales", again=True)
    assert [type(notice).__name__ for notice in report.notices] == ["LoadedBefore", "RowsAlreadyInTable"]
    assert len(rows(con, "sales")) == 20


def test_a_write_that_fails_midway_keeps_the_old_table(
    streamed: Any, pair: tuple[Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = pair[0]
    streamed(True)
    ingest_file(con, write(tmp_path / "ten.parquet", TEN), "sales")
    before = rows(con, "sales")

    def failing(*args: Any) -> None:
        raise duckdb.IOException("disk full")  # after DROP TABLE and CREATE TABLE ran in the transaction

    monkeypatch.setattr(streaming, "_insert", failing)
    with pytest.raises(WarehouseError) as raised:
        ingest_file(con, write(tmp_path / "other.parquet", {"n": list(range(8))}), "sales", replace=True)
    assert str(raised.value.message) == "could not write table 'sales': disk full"
    assert rows(con, "sales") == before
    assert types(con, "sales")["region"] == "string"
    assert log(con) == [("sales", "create", 10, 0)]
    assert not list(tmp_path.rglob("_kpilot_load_*"))  # the staging file is gone


def test_the_staging_file_is_removed_and_the_fence_lets_duckdb_read_it(
    streamed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through a workspace's own writable connection, whose DuckDB reads only the workspace's folders: the staging
    file is in the spill folder (.kpilot/spill), which DuckDB may read; it is gone after the load."""
    import kpilot

    path = write(tmp_path / "ten.parquet", TEN)  # outside the workspace: Arrow reads it, not DuckDB
    streamed(True)
    root = tmp_path / "ws"
    kpilot.Workspace.init(root).close()
    with kpilot.Workspace(root) as workspace:
        with workspace.warehouse.writable() as con:
            assert ingest_file(con, path, "sales").rows == 10
            assert ingest_file(con, path, "sales", again=True).rows == 10
            assert fetch(con, "SELECT count(*), sum(id) FROM sales") == [(20, 110)]  # 2 * (1 + ... + 10)
        assert not list(root.rglob("_kpilot_load_*"))


def test_a_damaged_file_is_a_data_error(streamed: Any, pair: tuple[Any, Any], tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really parquet PAR1")
    by_batches, whole = errors(streamed, pair, lambda con: ingest_file(con, path, "sales"))
    # Arrow words its reason a little differently for the two readers; kpilot's message and place are the same.
    for error in (by_batches, whole):
        assert str(error.message).startswith("not a readable Parquet file (")
        assert str(error.location) == str(path)


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL: the same loads through COPY, batch by batch


@pytest.mark.postgres
def test_postgres_streamed_loads(streamed: Any, postgres: Any, tmp_path: Path) -> None:
    first = write(tmp_path / "ten.parquet", {key: TEN[key] for key in ("id", "region", "amount", "units")})
    more = write(
        tmp_path / "more.parquet", {"id": [2, 11], "region": ["r2", "r11"], "amount": [0.5, 1.0], "units": [7, 8]}
    )
    streamed(True)
    assert ingest_file(postgres, first, "sales", key="id").rows == 10
    report = ingest_file(postgres, more, "sales", key="id")
    assert report.replaced_rows == 1
    got = fetch(postgres, "SELECT id, region, amount, units FROM sales ORDER BY id")
    assert len(got) == 11
    assert got[1] == (2, "r2", 0.5, 7)
    assert got[-1] == (11, "r11", 1.0, 8)


def test_what_runs_after_the_write_sees_the_staged_rows(streamed: Any, pair: tuple[Any, Any], tmp_path: Path) -> None:
    """The rollups refresh in the load's transaction from `Written` (engine.rollups): the stage must hold exactly the
    appended rows when it runs, batch by batch or not."""
    first = write(tmp_path / "ten.parquet", TEN)
    more = write(
        tmp_path / "more.parquet", {**{key: column.slice(0, 7) for key, column in TEN.items()}, "id": range(11, 18)}
    )
    seen: dict[bool, tuple[Any, ...]] = {}
    for on, con in ((True, pair[0]), (False, pair[1])):
        streamed(on)

        def after(session: Any, written: Any, on: bool = on) -> tuple[()]:
            staged = session.fetch(f'SELECT count(*), sum(id) FROM "{written.stage}"') if written.stage else None
            seen[on] = (written.table, written.mode, staged)
            return ()  # no notice

        ingest_file(con, first, "sales")
        ingest_file(con, more, "sales", after_write=after)
    # By hand: ids 11 to 17 are appended, 11 + 12 + ... + 17 = 98.
    assert seen[True] == seen[False] == ("sales", "append", [(7, 98)])
