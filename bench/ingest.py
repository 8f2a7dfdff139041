"""Ingest speed (`make bench`, a section; alone: `.venv/bin/python bench/run.py --ingest-only`).

Writes one generated table (a day, a channel, an amount with cents, a count; seeded) as a Parquet file and as a CSV
file with quoted text (as spreadsheets and most exports write it), then loads each into a fresh workspace the way
`kpilot ingest` does (`services.ingest.ingest_local_file`: read, type every column from all its values, check,
write in one transaction, log), in this process so that the interpreter's start is not counted, as the median of a
few rounds. Also timed, as the reference of the same run: DuckDB reading the same file straight into a table
(`CREATE TABLE AS SELECT * FROM read_csv/read_parquet`), with none of kpilot's checks. Goals of issue 8
(docs/performance.md): Parquet at 1 M rows/s or more, CSV at 300 k rows/s or more. Each load's row count and the
sum of its amounts are checked against the generated table.
"""

from __future__ import annotations

import shutil
import statistics
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.ingest import ingest_local_file

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "data" / "ingest"
GOALS = {"parquet": 1_000_000.0, "csv": 300_000.0}  # rows per second
SEED = 3


def run(rows: int = 2_000_000, rounds: int = 3) -> bool:
    """Print the section; False when a load's rows disagree with the generated table."""
    print(f"\ningest: {rows:,} rows, median of {rounds} rounds, in this process")
    files, expected = _files(rows)
    agree = True
    for kind, path in files.items():
        times, references = [], []
        for round_ in range(rounds):
            root = FOLDER / f"ws-{kind}-{round_}"
            shutil.rmtree(root, ignore_errors=True)
            workspace = Workspace.init(root)
            try:
                began = time.perf_counter()
                ingest_local_file(workspace, Actor.operator(), path, "sales", now=datetime.now(UTC))
                times.append(time.perf_counter() - began)
                agree = _check(workspace, expected, kind) and agree
            finally:
                workspace.close()
                shutil.rmtree(root, ignore_errors=True)
            references.append(_duckdb_alone(path, kind))
        seconds, reference = statistics.median(times), statistics.median(references)
        speed = rows / seconds
        met = speed >= GOALS[kind]
        print(
            f"  {kind:8} kpilot ingest {seconds * 1000:8.0f} ms ({speed / 1e6:5.2f} M rows/s)"
            f"   duckdb alone {reference * 1000:7.0f} ms   ratio {seconds / reference:5.2f}"
        )
        print(f"  goal: {kind} at {GOALS[kind] / 1e6:g} M rows/s or more: {'ok' if met else 'missed'}")
    return agree


def _files(rows: int) -> tuple[dict[str, Path], tuple[int, Decimal]]:
    """The Parquet and CSV files of the table (written once per size), and its row count and sum of amounts."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    days = np.datetime64("2024-01-01") + rng.integers(0, 730, rows).astype("timedelta64[D]")
    cents = rng.integers(0, 100_000, rows)
    table = pa.table(
        {
            "day": pa.array(days.astype("datetime64[D]")),
            "channel": pa.array(rng.choice(["email", "search", "social", "display", "partner"], rows)),
            "amount": pa.array(cents / 100),
            "orders": pa.array(rng.integers(0, 5, rows)),
        }
    )
    files = {"parquet": FOLDER / f"sales-{rows}.parquet", "csv": FOLDER / f"sales-{rows}.csv"}
    if not files["parquet"].is_file():
        pq.write_table(table, files["parquet"])
    if not files["csv"].is_file():
        pa_csv.write_csv(table, files["csv"])  # quotes every text value
    return files, (rows, Decimal(int(cents.sum())) / 100)


def _check(workspace: Workspace, expected: tuple[int, Decimal], kind: str) -> bool:
    con = duckdb.connect(str(workspace.warehouse.path), read_only=True)
    try:
        found = con.execute("SELECT count(*), sum(CAST(amount AS DECIMAL(18, 2))) FROM sales").fetchone()
    finally:
        con.close()
    assert found is not None
    if (found[0], Decimal(found[1])) != expected:
        print(f"  NUMBERS DISAGREE: {kind} loaded {found}, generated {expected}")
        return False
    return True


def _duckdb_alone(path: Path, kind: str) -> float:
    database = FOLDER / "reference.duckdb"
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    try:
        began = time.perf_counter()
        con.execute(f"CREATE TABLE sales AS SELECT * FROM read_{kind}(?)", [str(path)])
        return time.perf_counter() - began
    finally:
        con.close()
        database.unlink(missing_ok=True)
