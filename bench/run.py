"""`make bench`: kpilot's engine against a hand-written DuckDB query and pandas, on a 20-million-row table.

Steps: generate the table once (bench/data/bench.duckdb, reused while its metadata matches), set up a kpilot
workspace on it (bench/data/ws), check that kpilot, the hand-written SQL and pandas give the same numbers, then time
them interleaved (every round runs every contender once, in a shuffled order) and print medians and ratios.
Exit status: 0 when every result agrees (a missed speed goal is printed, not an error), 1 when numbers disagree.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import big
import duckdb
import generate
import ingest
import numpy as np
import pages
import pandas as pd
import pyarrow as pa
import references
import rollup
import scorecard
from ruamel.yaml import YAML

import api
import cli
import kpilot
import spark
from kpilot.errors import Severity

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
DEFAULT_ROWS, DEFAULT_SEED = 20_000_000, 42
QUICK_ROWS = 2_000_000  # the marketing table of --quick
INGEST_ROWS, INGEST_QUICK_ROWS = 2_000_000, 200_000  # rows of the ingest section's files
BIG_ROWS, BIG_QUICK_ROWS = 100_000_000, 10_000_000  # rows of the big-data section's table (bench/big.py)
WORKSPACE = DATA / "ws"
TOLERANCE = 1e-9  # relative
ORDER_SEED = 7  # of the random running order
FIRST = generate.FIRST_DAY
LAST = generate.FIRST_DAY + timedelta(days=generate.DAYS - 1)


@dataclass(frozen=True)
class Goal:
    label: str
    numerator: str
    denominator: str
    limit: float
    at_most: bool  # True: the ratio must be <= limit; False: >= limit


SCORECARD_GOALS = (
    Goal(
        "scorecard / the hand-written per-source query",
        "kpilot scorecard, 20 KPIs",
        "hand-written per-source query",
        1.3,
        True,
    ),
)

MONTHLY_GOALS = (
    Goal("kpilot / hand-written SQL", "kpilot", "hand-written SQL", 1.15, at_most=True),
    Goal("kpilot (--from/--to) / hand-written SQL", "kpilot --from/--to", "hand-written SQL", 1.15, at_most=True),
    Goal("pandas / kpilot", "pandas", "kpilot", 8.0, at_most=False),
)
PEERS_INFO = (("polars / kpilot", "polars", "kpilot"), ("polars / hand-written SQL", "polars", "hand-written SQL"))
DAILY_GOALS = (
    Goal("month-to-date / daily revenue (kpilot)", "kpilot revenue_mtd", "kpilot revenue", 2.0, at_most=True),
    Goal("7-day rolling / daily revenue (kpilot)", "kpilot revenue_7d", "kpilot revenue", 2.0, at_most=True),
)
DAILY_INFO = (
    ("kpilot / SQL: daily revenue", "kpilot revenue", "SQL daily revenue"),
    ("kpilot / SQL: month-to-date", "kpilot revenue_mtd", "SQL month-to-date (window)"),
    ("kpilot / SQL: 7-day rolling", "kpilot revenue_7d", "SQL 7-day rolling (window)"),
    ("kpilot's SQL alone / SQL: daily revenue", "kpilot revenue: its SQL run alone", "SQL daily revenue"),
    ("kpilot's SQL alone / SQL: month-to-date", "kpilot revenue_mtd: its SQL run alone", "SQL month-to-date (window)"),
    ("kpilot's SQL alone / SQL: 7-day rolling", "kpilot revenue_7d: its SQL run alone", "SQL 7-day rolling (window)"),
    ("month-to-date / daily revenue (SQL)", "SQL month-to-date (window)", "SQL daily revenue"),
    ("7-day rolling / daily revenue (SQL)", "SQL 7-day rolling (window)", "SQL daily revenue"),
)
MONTHLY_INFO = (
    ("kpilot's SQL run alone / hand-written SQL", "kpilot: its SQL run alone", "hand-written SQL"),
    ("pandas / hand-written SQL", "pandas", "hand-written SQL"),
)


def main(argv: Sequence[str] | None = None) -> int:
    options = _arguments(argv)
    started = time.perf_counter()
    if options.api_only:
        api.run(options.api_seconds)
        return 0
    if options.cli_only:
        cli.run(options.repeats)
        return 0
    if options.pages_only:
        return 0 if pages.run() else 1
    if options.scorecard_only:
        return 0 if scorecard.run() else 1
    if options.ingest_only:
        return 0 if ingest.run(INGEST_QUICK_ROWS if options.quick else INGEST_ROWS) else 1
    if options.spark_only:
        return 0 if _spark(options) else 1
    if options.big_only:
        return 0 if _big(options) else 1
    if options.rollup_only:
        return 0 if _rollup(options) else 1
    print(f"kpilot bench: {options.rows:,} rows, seed {options.seed}, {options.repeats} repetitions after warm-up")
    database = _database(options.rows, options.seed)
    _prepare_data(database, options.rows, options.seed)
    workspace = _open_workspace(WORKSPACE, database)
    try:
        con = workspace.warehouse.con.con  # the raw DuckDB connection under ibis: the references run on it too
        con.execute("SET enable_progress_bar = false")
        _print_machine(con)
        if options.show_sql:
            _show_sql(workspace, con)
        frame = _timed("load the table into pandas", lambda: references.load_frame(con))
        polars_frame = _timed("load the table into polars", lambda: references.load_polars(con))
        problems = _check_monthly(workspace, con, frame, polars_frame) + _check_daily(workspace, con)
        if problems:
            print("\nRESULTS DISAGREE:\n  " + "\n  ".join(problems))
            return 1
        print(f"\nall results agree (relative tolerance {TOLERANCE:g})")
        monthly = _measure(_monthly_contenders(workspace, con, frame, polars_frame), options.repeats, options.warmup)
        _report("10 ratio KPIs by month and channel", monthly, MONTHLY_GOALS, MONTHLY_INFO + PEERS_INFO)
        del frame, polars_frame
        daily = _measure(_daily_contenders(workspace, con), options.repeats, options.warmup)
        _report("revenue by day: plain, month-to-date, 7-day rolling (no --by)", daily, DAILY_GOALS, DAILY_INFO)
        contenders, problems = _scorecard_contenders(workspace, con)
        if problems:
            print("\nRESULTS DISAGREE:\n  " + "\n  ".join(problems))
            return 1
        scored = _measure(contenders, options.repeats, options.warmup)
        _report(f"a scorecard of {len(references.SCORECARD_KPIS)} KPIs", scored, SCORECARD_GOALS, ())
    finally:
        workspace.close()
    api.run(options.api_seconds)
    pages.run()
    cli.run(options.repeats)
    agree = scorecard.run()
    agree = ingest.run(INGEST_QUICK_ROWS if options.quick else INGEST_ROWS) and agree
    agree = _spark(options) and agree
    agree = _rollup(options) and agree
    agree = _big(options) and agree
    print(f"\ntotal run time {time.perf_counter() - started:.0f} s")
    return 0 if agree else 1


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=None, help=f"rows of the marketing table ({DEFAULT_ROWS:,})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="numpy seed of the generator")
    parser.add_argument("--repeats", type=int, default=None, help="timed repetitions of each contender (9)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed repetitions first")
    parser.add_argument("--show-sql", action="store_true", help="print kpilot's SQL and DuckDB's EXPLAIN ANALYZE")
    parser.add_argument("--api-seconds", type=float, default=None, help="seconds of load on each API endpoint (30)")
    parser.add_argument("--api-only", action="store_true", help="run the REST API section alone")
    parser.add_argument("--cli-only", action="store_true", help="run the command line's start section alone")
    parser.add_argument("--pages-only", action="store_true", help="run the dashboard pages section alone")
    parser.add_argument("--scorecard-only", action="store_true", help="run the demo scorecard section alone")
    parser.add_argument("--ingest-only", action="store_true", help="run the ingest speed section alone")
    parser.add_argument("--spark-only", action="store_true", help="run the Spark local mode vs DuckDB section alone")
    parser.add_argument("--rollup-only", action="store_true", help="run the rollups section alone")
    parser.add_argument(
        "--big-only", "--big", action="store_true", help="run the big-data section alone (100 M rows, bounded memory)"
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"smaller tables, shorter runs: {QUICK_ROWS:,} rows, 3 repetitions, 10 s"
    )
    options = parser.parse_args(argv)
    # What is not given: the standard run's, or the quick one's.
    if options.rows is None:
        options.rows = QUICK_ROWS if options.quick else DEFAULT_ROWS
    if options.repeats is None:
        options.repeats = 3 if options.quick else 9
    if options.api_seconds is None:
        options.api_seconds = 10.0 if options.quick else 30.0
    return options


def _spark(options: argparse.Namespace) -> bool:
    """The Spark section (bench/spark.py), on the marketing table of this run's size."""
    database = _database(options.rows, options.seed)
    _prepare_data(database, options.rows, options.seed)
    folder = spark.prepare(database)
    workspace = _open_workspace(WORKSPACE, database)
    try:
        return spark.run(folder, workspace, options.repeats)
    finally:
        workspace.close()


def _rollup(options: argparse.Namespace) -> bool:
    """The rollups section (bench/rollup.py), on a copy of the marketing table of this run's size."""
    database = _database(options.rows, options.seed)
    _prepare_data(database, options.rows, options.seed)
    return rollup.run(database, options.repeats)


def _big(options: argparse.Namespace) -> bool:
    """The big-data section (bench/big.py): 100 M rows, or 10 M with --quick."""
    return big.run(BIG_QUICK_ROWS if options.quick else BIG_ROWS, options.repeats, _compare)


def _database(rows: int, seed: int) -> Path:
    """bench.duckdb for the standard table; other sizes (quick trials) get their own file rather than replace it."""
    standard = (rows, seed) == (DEFAULT_ROWS, DEFAULT_SEED)
    return DATA / ("bench.duckdb" if standard else f"bench_{rows}_{seed}.duckdb")


def _prepare_data(database: Path, rows: int, seed: int) -> None:
    began = time.perf_counter()
    made = generate.ensure_data(database, rows, seed)
    action = "generated" if made else "reused"
    print(f"data: {action} {database.relative_to(HERE.parent)} in {time.perf_counter() - began:.1f} s")


def _open_workspace(folder: Path, database: Path) -> kpilot.Workspace:
    """A workspace whose warehouse is the bench database, with the benchmark's definitions (rewritten every run)."""
    if not (folder / "kpilot.yaml").exists():
        kpilot.Workspace.init(folder, name="kpilot bench").close()
        (folder / "warehouse.duckdb").unlink(missing_ok=True)  # init's empty default warehouse is not used
    yaml = YAML()
    settings_path = folder / "kpilot.yaml"
    settings = yaml.load(settings_path.read_text(encoding="utf-8"))
    settings["warehouse"] = os.path.relpath(database, folder)
    with settings_path.open("w", encoding="utf-8") as handle:
        yaml.dump(settings, handle)
    (folder / "definitions" / "bench.yaml").write_text(references.DEFINITIONS, encoding="utf-8")
    workspace = kpilot.Workspace(folder)
    issues = [issue for issue in workspace.validate() if issue.severity is Severity.ERROR]
    if issues:
        raise SystemExit("the bench workspace does not validate:\n" + "\n".join(str(i) for i in issues))
    return workspace


def _print_machine(con: Any) -> None:
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(
        f"machine: {os.cpu_count()} cores, DuckDB {duckdb.__version__} with {threads} threads, "
        f"pandas {pd.__version__}, Python {platform.python_version()}, {datetime.now():%Y-%m-%d %H:%M}"
    )


def _timed(label: str, work: Callable[[], Any]) -> Any:
    began = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - began:.1f} s")
    return result


# --- what is run -------------------------------------------------------------------------------------------------


def _kpilot(
    workspace: kpilot.Workspace, kpis: Sequence[str], grain: str, by: Sequence[str], *, ranged: bool
) -> Callable[[], pa.Table]:
    """A kpilot compute call: over the data's own range, or (ranged) with --from/--to set to that range. Each call
    computes: the answer the workspace kept from the call before is forgotten first (docs/performance.md, "Answers
    kept in memory"), so that the engine is what is timed."""
    compute = (
        partial(workspace.compute, kpis, grain=grain, by=by, start=FIRST, end=LAST)
        if ranged
        else partial(workspace.compute, kpis, grain=grain, by=by)
    )

    def computed() -> pa.Table:
        workspace.forget_answers()
        return compute()

    return computed


def _monthly_contenders(
    workspace: kpilot.Workspace, con: Any, frame: pd.DataFrame, polars_frame: Any
) -> dict[str, Callable[[], Any]]:
    kpis, by = references.RATIO_KPIS, ["channel"]
    generated = workspace.sql(kpis, grain="month", by=by, start=FIRST, end=LAST)
    return {
        "kpilot": _kpilot(workspace, kpis, "month", by, ranged=False),
        "kpilot --from/--to": _kpilot(workspace, kpis, "month", by, ranged=True),
        "kpilot: its SQL run alone": lambda: references.run_sql(con, generated),
        "kpilot: making the SQL alone": lambda: workspace.sql(kpis, grain="month", by=by, start=FIRST, end=LAST),
        "hand-written SQL": lambda: references.run_sql(con, references.MONTHLY_SQL),
        "pandas": lambda: references.pandas_monthly(frame),
        "polars": lambda: references.polars_monthly(polars_frame),
    }


def _scorecard_contenders(workspace: kpilot.Workspace, con: Any) -> tuple[dict[str, Callable[[], Any]], list[str]]:
    """The scorecard of the data's last complete month for the 20 KPIs (value, previous, last year, target, status,
    pace and forecast from 24 months of history), computed each time (the kept answers forgotten first), against the
    per-source query written by hand that reads the same history; and the problems found comparing their numbers."""
    # The last complete month of the data: LAST's own when LAST ends it, else the one before.
    complete = (LAST + timedelta(days=1)).day == 1
    period = LAST.replace(day=1) if complete else (LAST.replace(day=1) - timedelta(days=1)).replace(day=1)
    end = (period + timedelta(days=32)).replace(day=1)
    start = period.replace(year=period.year - 2)
    today = end  # the day after the month: the month is complete
    sql = references.SCORECARD_SQL.format(start=start.isoformat(), end=end.isoformat())
    kpis = list(references.SCORECARD_KPIS)

    def scorecard() -> Any:
        workspace.forget_answers()
        return workspace.scorecard(period=f"{period:%Y-%m}", kpis=kpis, today=today)

    lines = {line.kpi.name: line for line in scorecard().lines}
    months = {row["period"]: row for row in references.run_sql(con, sql).to_pylist()}
    month, before = months[period], months[(period - timedelta(days=1)).replace(day=1)]
    expected = {
        "revenue": month["revenue"],
        "clicks": month["clicks"],
        "ctr": month["clicks"] / month["impressions"],
        "roas": month["revenue"] / month["spend"],
        "revenue_growth": month["revenue"] / before["revenue"] - 1,
    }
    problems = [
        f"scorecard {name}: {lines[name].value} vs hand-written {value}"
        for name, value in expected.items()
        if lines[name].value is None or not math.isclose(lines[name].value, value, rel_tol=TOLERANCE)
    ]
    problems += [f"scorecard {name}: {line.error}" for name, line in lines.items() if line.value is None]
    contenders = {
        "kpilot scorecard, 20 KPIs": scorecard,
        "hand-written per-source query": lambda: references.run_sql(con, sql),
    }
    return contenders, problems


def _daily_contenders(workspace: kpilot.Workspace, con: Any) -> dict[str, Callable[[], Any]]:
    contenders: dict[str, Callable[[], Any]] = {}
    for kpi in references.DAILY_KPIS:
        contenders[f"kpilot {kpi}"] = _kpilot(workspace, [kpi], "day", [], ranged=False)
        contenders[f"kpilot {kpi} --from/--to"] = _kpilot(workspace, [kpi], "day", [], ranged=True)
    for kpi in references.DAILY_KPIS:
        generated = workspace.sql([kpi], grain="day", start=FIRST, end=LAST)
        contenders[f"kpilot {kpi}: its SQL run alone"] = partial(references.run_sql, con, generated)
    contenders["kpilot revenue_mtd: making the SQL alone"] = lambda: workspace.sql(
        ["revenue_mtd"], grain="day", start=FIRST, end=LAST
    )
    contenders["SQL daily revenue"] = partial(references.run_sql, con, references.DAILY_SQL)
    contenders["SQL month-to-date (window)"] = partial(references.run_sql, con, references.MTD_SQL)
    contenders["SQL 7-day rolling (window)"] = partial(references.run_sql, con, references.ROLLING_SQL)
    return contenders


# --- checking ------------------------------------------------------------------------------------------------------


def _check_monthly(workspace: kpilot.Workspace, con: Any, frame: pd.DataFrame, polars_frame: Any) -> list[str]:
    kpis, by, keys = list(references.RATIO_KPIS), ["channel"], ["period", "channel"]
    expected = references.run_sql(con, references.MONTHLY_SQL)
    results = {
        "kpilot": _kpilot(workspace, kpis, "month", by, ranged=False)(),
        "kpilot --from/--to": _kpilot(workspace, kpis, "month", by, ranged=True)(),
        "pandas": references.pandas_as_arrow(references.pandas_monthly(frame)),
        "polars": references.polars_as_arrow(references.polars_monthly(polars_frame)),
    }
    problems = [p for name, got in results.items() for p in _compare(f"{name} vs SQL", expected, got, keys, kpis)]
    print(f"checked: {expected.num_rows} month x channel rows, {len(kpis)} KPIs, four ways")
    return problems


def _check_daily(workspace: kpilot.Workspace, con: Any) -> list[str]:
    queries = (references.DAILY_SQL, references.MTD_SQL, references.ROLLING_SQL)
    problems = []
    for kpi, sql in zip(references.DAILY_KPIS, queries, strict=True):
        expected = references.run_sql(con, sql)
        for ranged in (False, True):
            got = _kpilot(workspace, [kpi], "day", [], ranged=ranged)()
            label = f"kpilot {kpi}{' --from/--to' if ranged else ''} vs SQL"
            problems += _compare(label, expected, got, ["period"], [kpi])
    print(f"checked: {len(queries)} daily KPIs (plain, month-to-date, rolling) against SQL with window functions")
    return problems


def _compare(label: str, expected: pa.Table, actual: pa.Table, keys: list[str], columns: list[str]) -> list[str]:
    """Same key values in the same order (after sorting), and every value equal to TOLERANCE or both missing."""
    order = [(key, "ascending") for key in keys]
    expected, actual = expected.sort_by(order), actual.sort_by(order)
    for key in keys:
        if expected.column(key).to_pylist() != actual.column(key).to_pylist():
            return [f"{label}: the {key} values differ ({expected.num_rows} rows against {actual.num_rows})"]
    problems = []
    for column in columns:
        want, got = _floats(expected.column(column)), _floats(actual.column(column))
        bad = ~_close(want, got)
        if bad.any():
            row = int(np.argmax(bad))
            where = ", ".join(f"{key}={expected.column(key)[row]}" for key in keys)
            problems.append(
                f"{label}: {column} differs in {int(bad.sum())} rows, e.g. {where}: {want[row]} vs {got[row]}"
            )
    return problems


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(column.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _close(want: np.ndarray, got: np.ndarray) -> np.ndarray:
    both_missing = np.isnan(want) & np.isnan(got)
    scale = np.maximum(np.abs(want), np.abs(got))
    with np.errstate(invalid="ignore"):
        near = np.abs(want - got) <= TOLERANCE * scale
    return np.asarray(both_missing | (near & ~np.isnan(want) & ~np.isnan(got)))


# --- timing and reporting ------------------------------------------------------------------------------------------


@dataclass
class Timings:
    """Seconds per timed run: wall-clock, and CPU time of the whole process (all of DuckDB's threads included)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def best(self) -> float:
        return min(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def _measure(contenders: dict[str, Callable[[], Any]], repeats: int, warmup: int) -> dict[str, Timings]:
    """Every round runs each contender once, in a new (seeded) random order, so that no contender always follows
    the same one (pandas leaves the caches cold) or always meets the same moment of the machine's load."""
    order = random.Random(ORDER_SEED)
    names = list(contenders)
    timings = {name: Timings() for name in names}
    for round_ in range(warmup + repeats):
        order.shuffle(names)
        for name in names:
            wall, cpu = time.perf_counter(), time.process_time()
            contenders[name]()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if round_ >= warmup:
                timings[name].wall.append(wall)
                timings[name].cpu.append(cpu)
    return {name: timings[name] for name in contenders}


def _report(
    title: str, timings: dict[str, Timings], goals: Sequence[Goal], info: Sequence[tuple[str, str, str]]
) -> None:
    width = max(len(name) for name in timings)
    print(f"\n{title}")
    print(f"  {'':{width}}  {'median':>11}  {'min':>11}  {'max':>11}  {'CPU median':>11}")
    for name, t in timings.items():
        print(f"  {name:{width}}  {_ms(t.median)}  {_ms(t.best)}  {_ms(max(t.wall))}  {_ms(t.cpu_median)}")
    print(f"  {'ratios of':48} {'medians':>8} {'minimums':>9} {'CPU medians':>12}")
    for goal in goals:
        ratio = timings[goal.numerator].median / timings[goal.denominator].median
        met = ratio <= goal.limit if goal.at_most else ratio >= goal.limit
        sign = "<=" if goal.at_most else ">="
        verdict = f"goal {sign} {goal.limit:g}: {'ok' if met else 'goal missed'}"
        print(f"  {goal.label:48} {_ratios(timings[goal.numerator], timings[goal.denominator])}   {verdict}")
    for label, numerator, denominator in info:
        print(f"  {label:48} {_ratios(timings[numerator], timings[denominator])}")


def _ratios(numerator: Timings, denominator: Timings) -> str:
    medians = numerator.median / denominator.median
    bests = numerator.best / denominator.best
    cpu = numerator.cpu_median / denominator.cpu_median if denominator.cpu_median > 0 else math.nan
    return f"{medians:8.2f} {bests:9.2f} {cpu:12.2f}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


# --- diagnosis -----------------------------------------------------------------------------------------------------


def _show_sql(workspace: kpilot.Workspace, con: Any) -> None:
    for label, kpis, grain, by in (
        ("10 ratio KPIs by month and channel", references.RATIO_KPIS, "month", ["channel"]),
        ("month-to-date revenue by day", ["revenue_mtd"], "day", []),
    ):
        sql = workspace.sql(kpis, grain=grain, by=by, start=FIRST, end=LAST)
        print(f"\n--- kpilot's SQL: {label} ---\n{sql}")
        plan = con.execute("EXPLAIN ANALYZE " + sql).fetchall()
        print(f"--- EXPLAIN ANALYZE ---\n{plan[0][1]}")


if __name__ == "__main__":
    sys.exit(main())
