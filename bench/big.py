"""Big data on one machine (`make bench`, a section; alone: `.venv/bin/python bench/run.py --big-only`).

The marketing table of the main section (bench/generate.py, same generator and seed) at 100 M rows in its own file
(bench/data/big_<rows>_<seed>.duckdb; `--quick`: 10 M rows), and a workspace on it (bench/data/ws-big) whose
kpilot.yaml sets `memory_limit` (docs/workspace.md#memory-and-spilling). The ten ratio KPIs by month and channel:

- peak memory: kpilot computing them in a process of its own (open the workspace, compute twice), and the
  hand-written query on a plain DuckDB connection with the same `memory_limit`, each reporting its own peak
  resident set size (the kernel's VmHWM: every thread of the process, DuckDB's included);
- time: both in this process on the workspace's connection, interleaved (each round runs both, in a seeded random
  order), medians after a warm-up, once their numbers are checked to be the same.

Goals of issue 8: kpilot within 1.15x of the hand-written query, peak RSS under 4 GB. Also measured (no goal): the
same rows as one Parquet file (written once by DuckDB), loaded by `kpilot ingest`'s path (services.ingest) into a
new workspace with the same `memory_limit`, in a process of its own: batch by batch (warehouse.streaming), its rows
per second and peak RSS, and its row count and sum of clicks checked against the table. See docs/performance.md.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import generate
import pyarrow as pa
import references
from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
WORKSPACE = DATA / "ws-big"
SEED = 42
MEMORY_LIMIT = "2GB"  # DuckDB's share; Python, Arrow and kpilot come on top of it
RSS_GOAL = 4 * 1000**3  # bytes: "under 4 GB"
TIME_GOAL = 1.15
ORDER_SEED = 7
INGEST_WORKSPACE = DATA / "ws-big-ingest"
KPILOT, SQL, INGEST = "kpilot", "hand-written SQL", "kpilot ingest"
CHECKED = "SELECT count(*), sum(clicks) FROM marketing"  # an integer sum: equal exactly, or the load is wrong

Compare = Callable[[str, pa.Table, pa.Table, list[str], list[str]], list[str]]


def run(rows: int, repeats: int, compare: Compare) -> bool:
    """Print the section; False when kpilot's numbers differ from the hand-written query's."""
    print(f"\nbig data on one machine: {rows:,} rows, memory_limit {MEMORY_LIMIT}, {repeats} timed rounds")
    free = shutil.disk_usage(DATA if DATA.exists() else HERE).free
    print(f"  disk: {free / 1e9:.0f} GB free under {DATA}")
    database = DATA / f"big_{rows}_{SEED}.duckdb"
    began = time.perf_counter()
    made = generate.ensure_data(database, rows, SEED)
    size = database.stat().st_size / 1e9
    action, seconds = "generated" if made else "reused", time.perf_counter() - began
    print(f"  data: {action} {database.name} ({size:.1f} GB) in {seconds:.0f} s")
    _prepare_workspace(database)
    alone = {name: _alone(name) for name in (KPILOT, SQL)}
    for name, found in alone.items():
        print(
            f"  {name:18} alone in a process: peak RSS {found['peak_rss'] / 1e6:6.0f} MB, "
            f"first run {found['seconds'][0]:6.2f} s, second {found['seconds'][1]:6.2f} s, {found['rows']} rows"
        )
    import kpilot  # here, not at the top: the hand-written query's process (this module run alone) never loads it

    workspace = kpilot.Workspace(WORKSPACE)
    try:
        con = workspace.warehouse.con.con
        (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
        kpis = list(references.RATIO_KPIS)

        def computed() -> pa.Table:
            workspace.forget_answers()  # each call computes (docs/performance.md, "Answers kept in memory")
            return workspace.compute(kpis, grain="month", by=["channel"])

        contenders: dict[str, Callable[[], Any]] = {
            KPILOT: computed,
            SQL: lambda: references.run_sql(con, references.MONTHLY_SQL),
        }
        expected, got = contenders[SQL](), contenders[KPILOT]()
        problems = compare("kpilot vs SQL", expected, got, ["period", "channel"], kpis)
        problems += [
            f"{name} alone: {found['rows']} rows, not {expected.num_rows}"
            for name, found in alone.items()
            if found["rows"] != expected.num_rows
        ]
        if problems:
            print("  RESULTS DISAGREE:\n    " + "\n    ".join(problems))
            return False
        print(f"  checked: {expected.num_rows} month x channel rows, {len(kpis)} KPIs, identical (DuckDB at {limit})")
        medians = _medians(contenders, repeats)
    finally:
        workspace.close()
    ratio = medians[KPILOT] / medians[SQL]
    peak = alone[KPILOT]["peak_rss"]
    print(f"  {KPILOT:18} median {medians[KPILOT] * 1000:8.1f} ms")
    print(f"  {SQL:18} median {medians[SQL] * 1000:8.1f} ms")
    print(f"  goal: kpilot / hand-written SQL {ratio:.2f} <= {TIME_GOAL:g}: {_verdict(ratio <= TIME_GOAL)}")
    print(f"  goal: kpilot peak RSS {peak / 1e9:.2f} GB < {RSS_GOAL / 1e9:g} GB: {_verdict(peak < RSS_GOAL)}")
    return _ingest(database, rows)


def _ingest(database: Path, rows: int) -> bool:
    """The table as one Parquet file (written once), loaded by kpilot ingest in a process of its own."""
    parquet = database.with_suffix(".parquet")
    if not parquet.is_file():
        partial = parquet.with_suffix(".partial.parquet")
        with duckdb.connect(str(database), read_only=True) as con:
            con.execute(f"COPY marketing TO '{partial}' (FORMAT parquet)")
        os.replace(partial, parquet)
    with duckdb.connect(str(database), read_only=True) as con:
        expected = con.execute(CHECKED).fetchone()
    from kpilot.warehouse.readers import streams

    found = _alone(INGEST, str(parquet))
    speed = rows / found["seconds"][0]
    how = "batch by batch" if streams(parquet) else "read whole"
    print(
        f"  {INGEST:18} a Parquet file of {parquet.stat().st_size / 1e9:.1f} GB, {how}: "
        f"{found['seconds'][0]:6.1f} s ({speed / 1e6:.2f} M rows/s), peak RSS {found['peak_rss'] / 1e6:6.0f} MB"
    )
    if tuple(found["checked"]) != tuple(expected or ()):
        print(f"  RESULTS DISAGREE: kpilot ingest loaded {found['checked']}, the table has {expected}")
        return False
    print(f"  checked: the loaded table has the same {expected[0]:,} rows and sum of clicks")
    return True


def _verdict(met: bool) -> str:
    return "ok" if met else "goal missed"


def _prepare_workspace(database: Path) -> None:
    """bench/data/ws-big on `database`, with the memory limit and the benchmark's definitions (rewritten each run)."""
    WORKSPACE.mkdir(parents=True, exist_ok=True)
    settings = {
        "name": "kpilot big bench",
        "warehouse": os.path.relpath(database, WORKSPACE),
        "memory_limit": MEMORY_LIMIT,
    }
    with (WORKSPACE / "kpilot.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(settings, handle)
    (WORKSPACE / "definitions").mkdir(exist_ok=True)
    (WORKSPACE / "definitions" / "bench.yaml").write_text(references.DEFINITIONS, encoding="utf-8")


def _alone(name: str, *args: str) -> dict[str, Any]:
    """Run `name` in a new process of its own; what it reports (its peak RSS, its times, its result's size)."""
    command = [sys.executable, str(Path(__file__).resolve()), name, *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"the {name} process failed:\n{done.stdout}\n{done.stderr}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _medians(contenders: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """One warm-up round, then `repeats` rounds, each running every contender once in a new (seeded) order."""
    order = random.Random(ORDER_SEED)
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(1 + repeats):
        order.shuffle(names)
        for name in names:
            began = time.perf_counter()
            contenders[name]()
            if round_:
                times[name].append(time.perf_counter() - began)
    return {name: statistics.median(times[name]) for name in contenders}


# --- the processes of their own --------------------------------------------------------------------------------


def _child(name: str) -> dict[str, Any]:
    """Compute the ten KPIs twice as `name` does (kpilot, or the hand-written query on a plain DuckDB connection
    with the workspace's memory limit), in this process; its times, rows and peak RSS."""
    seconds: list[float] = []
    if name == KPILOT:
        import kpilot

        with kpilot.Workspace(WORKSPACE) as workspace:
            for _ in range(2):
                began = time.perf_counter()
                workspace.forget_answers()
                result = workspace.compute(list(references.RATIO_KPIS), grain="month", by=["channel"])
                seconds.append(time.perf_counter() - began)
    else:
        settings = YAML(typ="safe").load((WORKSPACE / "kpilot.yaml").read_text(encoding="utf-8"))
        database = (WORKSPACE / settings["warehouse"]).resolve()
        config = {"memory_limit": settings["memory_limit"], "temp_directory": str(WORKSPACE / ".kpilot" / "spill")}
        with duckdb.connect(str(database), read_only=True, config=config) as con:
            con.execute("SET enable_progress_bar = false")
            for _ in range(2):
                began = time.perf_counter()
                result = references.run_sql(con, references.MONTHLY_SQL)
                seconds.append(time.perf_counter() - began)
    return {"peak_rss": _peak_rss(), "seconds": seconds, "rows": result.num_rows}


def _ingest_child(parquet: Path) -> dict[str, Any]:
    """Load `parquet` into a new workspace as `kpilot ingest` does, in this process; its time, peak RSS and what the
    loaded table holds."""
    from datetime import UTC, datetime

    import kpilot
    from kpilot.auth.actor import Actor
    from kpilot.services.ingest import ingest_local_file

    shutil.rmtree(INGEST_WORKSPACE, ignore_errors=True)
    kpilot.Workspace.init(INGEST_WORKSPACE).close()
    with (INGEST_WORKSPACE / "kpilot.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"memory_limit: {MEMORY_LIMIT}\n")
    try:
        with kpilot.Workspace(INGEST_WORKSPACE) as workspace:
            began = time.perf_counter()
            ingest_local_file(workspace, Actor.operator(), parquet, "marketing", now=datetime.now(UTC))
            seconds = time.perf_counter() - began
            peak = _peak_rss()
            with duckdb.connect(str(workspace.warehouse.path), read_only=True) as con:
                checked = con.execute(CHECKED).fetchone()
    finally:
        shutil.rmtree(INGEST_WORKSPACE, ignore_errors=True)
    return {"peak_rss": peak, "seconds": [seconds], "checked": list(checked or ())}


def _peak_rss() -> int:
    """This process's peak resident set size, in bytes: the kernel's high-water mark of its memory (VmHWM), every
    thread included. Not `getrusage`'s ru_maxrss: on Linux that carries over the parent's peak into a child started
    by vfork and exec, as `subprocess` starts them."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024  # kB
    raise SystemExit("no VmHWM in /proc/self/status: the peak RSS is measured on Linux only")


def main(argv: Sequence[str]) -> int:
    if len(argv) == 1 and argv[0] in (KPILOT, SQL):
        print(json.dumps(_child(argv[0])))
        return 0
    if len(argv) == 2 and argv[0] == INGEST:
        print(json.dumps(_ingest_child(Path(argv[1]))))
        return 0
    print(f"usage: big.py '{KPILOT}' | '{SQL}' | '{INGEST}' FILE (run by bench/run.py --big-only)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
