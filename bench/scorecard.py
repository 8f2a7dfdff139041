"""The demo scorecard (`make bench`, a section; alone: `.venv/bin/python bench/run.py --scorecard-only`).

Times, on the demo workspace (made once in bench/data/demo, as the REST API section makes it), interleaved in a
shuffled order over several rounds (medians printed):

- the scorecard of all KPIs (`Workspace.scorecard()`, the default period) of a workspace opened just before, which
  connects to the warehouse, checks the sources, compiles and computes; opening the workspace (reading its 87 KPIs)
  is timed apart;
- the reference, the physical limit of that work: one aggregate query per source over the same history, straight
  on DuckDB (a connection of the `duckdb` module, read-only). The queries are the ones kpilot's engine writes for
  the scorecard's history (each source grouped by month, with every measure the scorecard needs from it, its
  filters and the workspace's time zone), each run alone, so that the reference is the scans and nothing else;
- the same scorecard again in the same workspace object, which compiles nothing again (the count of queries
  compiled is printed) and computes nothing either: the data has not changed, so the answers the workspace kept
  serve it (docs/performance.md, "Answers kept in memory").

Goals of issue 8 (docs/performance.md): the fresh scorecard within 3x the reference; a repeated one under 50 ms.
The fresh and repeated scorecards must be equal, else the section says so and fails.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb

import kpilot
from api import DEMO
from kpilot.goals.scorecard import HISTORY

KPILOT = Path(sys.executable).with_name("kpilot")
ORDER_SEED = 13  # of the random running order
GOAL_RATIO, GOAL_REPEATED = 3.0, 0.050
REFERENCE = "reference: one DuckDB query per source"
FRESH = "scorecard, fresh workspace"
OPEN = "opening the workspace"
REPEATED = "scorecard, same workspace again"


def run(rounds: int = 5) -> bool:
    """Print the section; False when the fresh and repeated scorecards differ."""
    print(f"\ndemo scorecard: all KPIs, median of {rounds} rounds")
    _prepare()
    queries, period = _reference_queries()
    print(f"  {len(queries)} sources, history of the scorecard of {period}")
    times: dict[str, list[float]] = {REFERENCE: [], FRESH: [], OPEN: [], REPEATED: []}
    compiled: list[tuple[int, int]] = []
    same = True

    def reference() -> None:
        times[REFERENCE].append(_seconds(lambda: _run_reference(queries)))

    def scorecard() -> None:
        nonlocal same
        began = time.perf_counter()
        workspace = kpilot.Workspace(DEMO)
        times[OPEN].append(time.perf_counter() - began)
        try:
            first: Any = None

            def fresh() -> None:
                nonlocal first
                first = workspace.scorecard()

            times[FRESH].append(_seconds(fresh))
            kept = len(workspace._compiled)  # the compiled queries the workspace keeps (engine.cache)
            again: Any = None

            def repeated() -> None:
                nonlocal again
                again = workspace.scorecard()

            times[REPEATED].append(_seconds(repeated))
            compiled.append((kept, len(workspace._compiled) - kept))
            same = same and first.to_data() == again.to_data()
        finally:
            workspace.close()

    reference()  # warm-up, untimed: imports, the operating system's file cache
    scorecard()
    for values in times.values():
        values.clear()
    compiled.clear()
    order = random.Random(ORDER_SEED)
    for _ in range(rounds):
        steps = [reference, scorecard]
        order.shuffle(steps)
        for step in steps:
            step()
    medians = {label: statistics.median(values) for label, values in times.items()}
    for label, seconds in medians.items():
        print(f"  {label:40} {seconds * 1000:9.1f} ms")
    ratio = medians[FRESH] / medians[REFERENCE]
    with_open = (medians[FRESH] + medians[OPEN]) / medians[REFERENCE]
    first_count, again_count = compiled[-1]
    print(f"  fresh scorecard / reference: {ratio:.2f} (with opening the workspace: {with_open:.2f})")
    print(f"  queries compiled: {first_count} by the fresh scorecard, {again_count} more by the repeated one")
    print(f"  goal: fresh scorecard within {GOAL_RATIO:g}x the reference: {'ok' if ratio <= GOAL_RATIO else 'missed'}")
    met = medians[REPEATED] <= GOAL_REPEATED
    print(f"  goal: repeated scorecard under {GOAL_REPEATED * 1000:g} ms: {'ok' if met else 'missed'}")
    if not same:
        print("  NUMBERS DISAGREE: the repeated scorecard differs from the fresh one")
    return same


def _prepare() -> None:
    """The demo workspace, made once and shared with the other sections."""
    if not (DEMO / "kpilot.yaml").is_file():
        shutil.rmtree(DEMO, ignore_errors=True)
        subprocess.run([str(KPILOT), "demo", str(DEMO)], check=True, stdout=subprocess.DEVNULL)


def _reference_queries() -> tuple[list[str], str]:
    """The SQL of each source's aggregate for the history the default scorecard computes, and its period."""
    with kpilot.Workspace(DEMO) as workspace:
        result = workspace.scorecard()
        calendar, grain = workspace.calendar, result.grain
        start = calendar.shift(result.period, -HISTORY[grain], grain)
        end = min(calendar.end(result.period, grain) - timedelta(days=1), calendar.today())
        names = [line.kpi.name for line in result.lines]
        compiled = workspace.compile(workspace.request(names, grain=grain, start=start, end=end))
        return [source.sql for source in compiled.pieces.sources], result.name


def _run_reference(queries: list[str]) -> None:
    con = duckdb.connect(str(DEMO / "warehouse.duckdb"), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")  # as Ibis sets kpilot's connection
        for query in queries:
            con.sql(query).to_arrow_table()
    finally:
        con.close()


def _seconds(step: Callable[[], None]) -> float:
    began = time.perf_counter()
    step()
    return time.perf_counter() - began
