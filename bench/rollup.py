"""Rollups (`make bench`, a section; alone: `.venv/bin/python bench/run.py --rollup-only`).

Two copies of the main section's marketing table (bench/data/rollup/*/warehouse.duckdb) with two workspaces: `with`,
whose source declares `rollup: true` (docs/performance.md#rollups), and `raw`, the same definitions without it;
both get the same appended rows. Measured:

- building the rollup from all the rows (`kpilot rollups build`'s work: `Refresher.build_all`, timed inside the
  transaction), median of the repeats;
- refreshing it after appending 10,000 rows (a Parquet file of rows from the table, dated on the data's last three
  days, loaded by `kpilot ingest`'s path): the rollup's part of the load (`Refresher.__call__`, timed inside the
  load's transaction), median over several appends of different rows; each must leave the rollup current without
  building it again;
- the 20-KPI scorecard of the main section (value, previous, last year, target, status, pace and forecast from 24
  months of history) from the rollup and from the raw rows, interleaved, after the appends: the same numbers, and
  the time ratio.

Goals of issue 8: refresh at most 5% of a build; the scorecard from the rollup at least 10x faster than from the raw
rows, with identical numbers.
"""

from __future__ import annotations

import dataclasses
import math
import random
import shutil
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import generate
import references

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "data" / "rollup"
APPENDED = 10_000
REFRESH_GOAL, SPEED_GOAL = 0.05, 10.0
TOLERANCE = 1e-9
ORDER_SEED = 7
LAST = generate.FIRST_DAY + timedelta(days=generate.DAYS - 1)


def run(database: Path, repeats: int) -> bool:
    """Print the section; False when the scorecards from the rollup and from the raw rows disagree."""
    import kpilot
    from kpilot.auth.actor import Actor
    from kpilot.engine.rollups.refresh import Refresher
    from kpilot.services.ingest import ingest_local_file
    from kpilot.services.rollups import build_rollups

    print(f"\nrollups: a copy of {database.name}, {APPENDED:,} rows appended per refresh, {repeats} repetitions")
    _prepare(database)
    timings: dict[str, list[float]] = {"build": [], "refresh": []}
    _time_method(Refresher, "build_all", timings["build"])
    _time_method(Refresher, "__call__", timings["refresh"])
    with kpilot.Workspace(FOLDER / "with") as ws:
        for _ in range(repeats):
            built = build_rollups(ws, Actor.operator())
    print(f"  build: {built[0].rows:,} rollup rows, median {statistics.median(timings['build']):.2f} s")
    files = _appends(database, max(3, repeats))
    for path in files:
        for name in ("raw", "with"):  # the raw copy gets the same rows (its loads are not timed: no rollup)
            with kpilot.Workspace(FOLDER / name) as ws:
                ingest_local_file(ws, Actor.operator(), path, "marketing", now=datetime.now(UTC))
    with kpilot.Workspace(FOLDER / "with") as ws:
        from kpilot.services.rollups import rollup_status

        (status,) = rollup_status(ws, Actor.operator())
    incremental = status.standing.value == "current" and status.built_at != status.refreshed_at
    refresh, build = statistics.median(timings["refresh"]), statistics.median(timings["build"])
    print(
        f"  refresh after {APPENDED:,} appended rows: median {refresh * 1000:.0f} ms over {len(files)} loads, "
        f"{'incremental' if incremental else 'NOT INCREMENTAL'}, rollup {status.standing.value}"
    )
    share = refresh / build
    verdict = "ok" if share <= REFRESH_GOAL and incremental else "MISSED"
    print(f"  goal refresh / build <= {REFRESH_GOAL:.0%}: {share:.1%}  {verdict}")
    return _scorecards(repeats) and incremental


def _scorecards(repeats: int) -> bool:
    import kpilot

    complete = (LAST + timedelta(days=1)).day == 1
    period = LAST.replace(day=1) if complete else (LAST.replace(day=1) - timedelta(days=1)).replace(day=1)
    today = (period + timedelta(days=32)).replace(day=1)
    kpis = list(references.SCORECARD_KPIS)
    spaces = {name: kpilot.Workspace(FOLDER / name) for name in ("with", "raw")}
    try:

        def scorecard(name: str) -> Callable[[], Any]:
            def once() -> Any:
                spaces[name].forget_answers()
                return spaces[name].scorecard(period=f"{period:%Y-%m}", kpis=kpis, today=today)

            return once

        contenders = {"scorecard from the rollup": scorecard("with"), "scorecard from the raw rows": scorecard("raw")}
        used = "_kpilot_rollup_" in spaces["with"].sql(kpis, grain="month")
        found = {name: work() for name, work in contenders.items()}
        problems = _differences(found["scorecard from the rollup"], found["scorecard from the raw rows"])
        if problems or not used:
            print("  SCORECARDS DISAGREE:\n    " + "\n    ".join(problems or ["the rollup was not read"]))
            return False
        print(
            f"  the scorecards agree: {len(kpis)} KPIs, every value and comparison (relative tolerance {TOLERANCE:g})"
        )
        seconds: dict[str, list[float]] = {name: [] for name in contenders}
        order = random.Random(ORDER_SEED)
        for _ in range(repeats):
            names = list(contenders)
            order.shuffle(names)
            for name in names:
                began = time.perf_counter()
                contenders[name]()
                seconds[name].append(time.perf_counter() - began)
    finally:
        for space in spaces.values():
            space.close()
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    for name, value in medians.items():
        print(f"  {name:28} median {value * 1000:8.1f} ms")
    ratio = medians["scorecard from the raw rows"] / medians["scorecard from the rollup"]
    print(f"  goal raw / rollup >= {SPEED_GOAL:g}x: {ratio:.1f}x  {'ok' if ratio >= SPEED_GOAL else 'MISSED'}")
    return True


def _differences(left: Any, right: Any) -> list[str]:
    """Every part of every line that differs: numbers beyond the tolerance, anything else at all."""
    problems = []
    for one, other in zip(left.lines, right.lines, strict=True):
        for field in ("value", "previous", "last_year", "partial", "target", "evaluation", "projection", "error"):
            a, b = getattr(one, field), getattr(other, field)
            if not _close(a, b):
                problems.append(f"{one.kpi.name} {field}: {a} vs {b}")
    return problems


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    if dataclasses.is_dataclass(a) and not isinstance(a, type) and type(a) is type(b):
        return all(_close(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _prepare(database: Path) -> None:
    """A fresh copy of the table and the two workspaces (every run: appends change the copy)."""
    shutil.rmtree(FOLDER, ignore_errors=True)
    for name in ("with", "raw"):
        (FOLDER / name / "definitions").mkdir(parents=True)
        # Two copies: two workspaces may not share a file in one process (each fences it to its own folders).
        shutil.copyfile(database, FOLDER / name / "warehouse.duckdb")
        settings = "name: kpilot bench, rollups\nwarehouse: warehouse.duckdb\ntimezone: UTC\ncurrency: EUR\n"
        (FOLDER / name / "kpilot.yaml").write_text(settings, encoding="utf-8")
    rollup = references.DEFINITIONS.replace("    time: date\n", "    time: date\n    rollup: true\n", 1)
    assert rollup != references.DEFINITIONS
    (FOLDER / "with" / "definitions" / "bench.yaml").write_text(rollup, encoding="utf-8")
    (FOLDER / "raw" / "definitions" / "bench.yaml").write_text(references.DEFINITIONS, encoding="utf-8")


def _appends(database: Path, count: int) -> list[Path]:
    """`count` Parquet files of APPENDED rows each: rows of the table (a different sample each), dated on its last
    three days, as the next day's export of an ad platform would be."""
    files = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        for index in range(count):
            path = FOLDER / f"append-{index}.parquet"
            days = [LAST - timedelta(days=k) for k in range(3)]
            con.execute(
                f"COPY (SELECT * REPLACE (DATE '{days[0]}' - CAST(hash(rowid) % 3 AS INTEGER) AS date) "
                f"FROM marketing USING SAMPLE {APPENDED} ROWS (reservoir, {index + 1})) TO '{path}' (FORMAT parquet)"
            )
            files.append(path)
    finally:
        con.close()
    return files


def _time_method(owner: type, name: str, into: list[float]) -> None:
    """Time every call of `owner.name` (the rollup's own work, inside its transaction)."""
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - began)

    setattr(owner, name, timed)
