"""Spark local mode against DuckDB (`make bench`, a section; alone: `.venv/bin/python bench/run.py --spark-only`,
with `--quick` for the 2 M-row table).

The same 10 ratio KPIs by month and channel as the main section, computed by kpilot twice over the same data: on
the bench workspace's DuckDB table, and on Spark local mode (as many cores as the machine has) over the same rows
exported once to Parquet (bench/data/spark_<rows>_<seed>/marketing.parquet) and read by a `file:` source, exactly
the definitions otherwise. The numbers must be identical (to a relative 1e-9, both empty where one is), else the
section fails; then both run interleaved, and the medians and the Spark / DuckDB ratio are printed. No goal: the
issue asks for the ratio (docs/performance.md, "Spark local mode against DuckDB").
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import references

import kpilot

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ORDER_SEED = 17  # of the random running order
TOLERANCE = 1e-9
KEYS = ["period", "channel"]


def prepare(database: Path) -> Path:
    """The Spark workspace's folder, with the bench table exported to Parquet (once per table: kept while newer
    than the database). Before the bench workspace opens the database: DuckDB opens a file in one configuration
    per process, and kpilot's is fenced from writing files."""
    folder = DATA / f"spark_{database.stem}"
    target = folder / "data" / "marketing.parquet"
    if not target.exists() or target.stat().st_mtime < database.stat().st_mtime:
        target.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(database), read_only=True)
        try:
            con.execute(f"COPY marketing TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
        finally:
            con.close()
    rows = f"{pq.ParquetFile(target).metadata.num_rows:,}"
    print(f"\nSpark local mode vs DuckDB: {len(references.RATIO_KPIS)} ratio KPIs by month and channel, {rows} rows")
    return folder


def run(folder: Path, workspace: kpilot.Workspace, repeats: int) -> bool:
    """Print the section; False when Spark's numbers differ from DuckDB's. `workspace` is the bench workspace on
    DuckDB, `folder` what `prepare` made."""
    spark_ws = _spark_workspace(folder)
    try:
        began = time.perf_counter()
        spark_ws.warehouse.connect()
        print(f"  Spark session started in {time.perf_counter() - began:.1f} s (once per process, not timed below)")
        contenders = {"kpilot on DuckDB": _compute(workspace), "kpilot on Spark local mode": _compute(spark_ws)}
        results = {name: compute() for name, compute in contenders.items()}  # also the warm-up
        problems = _compare(results["kpilot on DuckDB"], results["kpilot on Spark local mode"])
        if problems:
            print("  RESULTS DISAGREE:\n    " + "\n    ".join(problems))
            return False
        table = results["kpilot on DuckDB"]
        print(f"  identical numbers: {table.num_rows} month x channel rows, {len(references.RATIO_KPIS)} KPIs")
        times: dict[str, list[float]] = {name: [] for name in contenders}
        order = random.Random(ORDER_SEED)
        for _ in range(repeats):
            names = list(contenders)
            order.shuffle(names)
            for name in names:
                start = time.perf_counter()
                contenders[name]()
                times[name].append(time.perf_counter() - start)
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, value in medians.items():
            print(f"  {name:<28} {value:8.3f} s  (median of {repeats})")
        ratio = medians["kpilot on Spark local mode"] / medians["kpilot on DuckDB"]
        print(f"  Spark local mode / DuckDB: {ratio:.1f}x  ({os.cpu_count()} cores)")
    finally:
        spark_ws.close()
    return True


def _spark_workspace(folder: Path) -> kpilot.Workspace:
    """The bench definitions, with the table read from the Parquet file, on Spark local mode (rewritten each run)."""
    (folder / "definitions").mkdir(parents=True, exist_ok=True)
    cores = os.cpu_count() or 1
    (folder / "kpilot.yaml").write_text(
        f"name: kpilot bench on Spark\nwarehouse: spark://local[{cores}]?spark.sql.shuffle.partitions={cores * 2}\n",
        encoding="utf-8",
    )
    definitions = references.DEFINITIONS.replace("    table: marketing\n", "    file: data/marketing.parquet\n", 1)
    (folder / "definitions" / "bench.yaml").write_text(definitions, encoding="utf-8")
    return kpilot.Workspace(folder)


def _compute(workspace: kpilot.Workspace) -> Callable[[], pa.Table]:
    def computed() -> pa.Table:
        workspace.forget_answers()  # the engine is what is timed, not the answers kept
        return workspace.compute(list(references.RATIO_KPIS), grain="month", by=["channel"])

    return computed


def _compare(expected: pa.Table, actual: pa.Table) -> list[str]:
    order = [(key, "ascending") for key in KEYS]
    expected, actual = expected.sort_by(order), actual.sort_by(order)
    for key in KEYS:
        if expected.column(key).to_pylist() != actual.column(key).to_pylist():
            return [f"the {key} values differ ({expected.num_rows} rows against {actual.num_rows})"]
    problems = []
    for column in references.RATIO_KPIS:
        want = np.asarray(expected.column(column).cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
        got = np.asarray(actual.column(column).cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
        same = (np.isnan(want) & np.isnan(got)) | np.isclose(want, got, rtol=TOLERANCE, atol=0.0)
        if not same.all():
            row = int(np.argmax(~same))
            problems.append(f"{column} differs in {int((~same).sum())} rows, e.g. row {row}: {want[row]} vs {got[row]}")
    return problems
