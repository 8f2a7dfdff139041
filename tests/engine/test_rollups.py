"""Rollups (engine.rollups): every KPI computed through a source's rollup equals the same KPI computed from the raw
rows, on random rows, grains, dimensions, filters, scopes, readers' slices and sequences of loads; a request the
rollup cannot answer exactly reads the raw rows; a rollup that is not current answers nothing.

The reference is the raw computation: the same workspace's definitions without `rollup:` read the same warehouse
file (the raw engine's numbers are worked out by hand in test_semantics and the catalogue's cases). The hand-worked
case at the end is computed from the rows by hand."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.ingest import ingest_local_file
from tests.support import rows, write_workspace

TODAY = date(2025, 6, 15)
MEASURES = """
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: orders, agg: count}
      - {name: big_orders, agg: count, filter: "amount > 20"}
      - {name: north_revenue, agg: sum, expr: amount, filter: "team = 'north'"}
      - {name: avg_price, agg: avg, expr: price}
      - {name: cheapest, agg: min, expr: price}
      - {name: largest, agg: max, expr: amount}
      - {name: teams, agg: count_distinct, expr: team}
      - {name: median_amount, agg: median, expr: amount}
"""
KPIS = """
kpis:
  - {name: revenue, formula: revenue}
  - {name: aov, formula: revenue / orders}
  - {name: big_share, formula: big_orders / orders}
  - {name: north_revenue, formula: north_revenue}
  - {name: avg_price, formula: avg_price}
  - {name: cheapest, formula: cheapest}
  - {name: largest, formula: largest}
  - {name: revenue_mtd, formula: "to_date(revenue, 'month')"}
  - {name: revenue_growth, formula: growth(revenue)}
  - {name: teams, formula: teams}
  - {name: median_amount, formula: median_amount}
"""
ADDITIVE = ["revenue", "aov", "big_share", "north_revenue", "avg_price", "cheapest", "largest"]
TEAMS = ["north", "south", "west", None]
CHANNELS = ["web", "shop"]


def definitions(rollup: str | None, key: bool, timezone: str | None) -> str:
    lines = ["sources:", "  - name: sales", "    table: sales", "    time: at"]
    if timezone:
        lines.append(f"    timezone: {timezone}")
    if key:
        lines.append("    key: id")
    lines.append("    dimensions: [team, channel, {name: heavy, expr: 'amount >= 40'}]")
    if rollup is not None:
        lines.append(f"    rollup: {rollup}")
    return "\n".join(lines) + MEASURES + KPIS


row = st.tuples(
    st.integers(0, 60),  # id (a key: repeats are replaced by an upsert)
    st.one_of(st.none(), st.integers(0, 24 * 120)),  # hours after 2024-12-20
    st.sampled_from(TEAMS),
    st.sampled_from(CHANNELS),
    st.one_of(st.none(), st.integers(-5, 90)),  # amount
    st.one_of(st.none(), st.floats(0.5, 99.5).map(lambda x: round(x, 2))),  # price
)
# Each load has one row without empty cells, so that every column's type is known from the first file.
full = st.tuples(
    st.integers(0, 60),
    st.integers(0, 24 * 120),
    st.sampled_from(TEAMS[:3]),
    st.sampled_from(CHANNELS),
    st.integers(-5, 90),
    st.floats(0.5, 99.5).map(lambda x: round(x, 2)),
)
load = st.tuples(
    st.sampled_from(["append", "append", "replace", "unlogged"]),
    st.tuples(full, st.lists(row, max_size=12)).map(lambda parts: [parts[0], *parts[1]]),
)


def csv_of(batch: list[tuple[Any, ...]]) -> str:
    start = datetime(2024, 12, 20)
    lines = ["id,at,team,channel,amount,price"]
    for ident, hours, team, channel, amount, price in batch:
        at = "" if hours is None else (start + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")
        cells = [ident, at, team or "", channel, "" if amount is None else amount, "" if price is None else price]
        lines.append(",".join(str(cell) for cell in cells))
    return "\n".join(lines) + "\n"


class Pair:
    """One warehouse read two ways: by definitions that keep a rollup, and by the same definitions without one."""

    def __init__(self, root: Path, rollup: str, key: bool, zone: str | None, **calendar: Any) -> None:
        self.root, self.files, self.key = root, 0, key
        write_workspace(root / "with", definitions(rollup, key, zone), **calendar)
        write_workspace(root / "raw", definitions(None, key, zone), warehouse="../with/warehouse.duckdb", **calendar)

    def load(self, mode: str, batch: list[tuple[Any, ...]]) -> None:
        if self.key:  # a file's rows have keys of their own
            batch = list({each[0]: each for each in reversed(batch)}.values())
        self.files += 1
        path = self.root / f"load-{self.files}.csv"
        path.write_text(csv_of(batch))
        if mode == "unlogged":  # a write kpilot does not make: the rollup is no longer current
            con = duckdb.connect(str(self.root / "with" / "warehouse.duckdb"))
            try:
                if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'sales'").fetchone() == (1,):
                    con.execute("DELETE FROM sales WHERE id % 3 = 0")
                    con.execute("CREATE OR REPLACE TABLE scratch AS SELECT 1 AS x")  # a write, whatever it deletes
                    return
            finally:
                con.close()
            mode = "append"
        with Workspace(self.root / "with") as ws:
            ingest_local_file(
                ws, Actor.operator(), path, "sales", now=datetime.now(UTC), replace=mode == "replace", again=True
            )

    def compute(self, which: str, kpis: list[str], **asked: Any) -> tuple[list[tuple[Any, ...]], bool]:
        with Workspace(self.root / which) as ws:
            table = ws.compute(kpis, today=TODAY, **asked)
            used = "_kpilot_rollup_" in ws.sql(kpis, **asked)
        return rows(table), used


def same(left: list[tuple[Any, ...]], right: list[tuple[Any, ...]]) -> bool:
    if len(left) != len(right):
        return False
    for a_row, b_row in zip(left, right, strict=True):
        for a, b in zip(a_row, b_row, strict=True):
            if isinstance(a, float) and isinstance(b, float):
                if not (math.isnan(a) and math.isnan(b)) and not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif a != b:
                return False
    return True


request = st.fixed_dictionaries(
    {
        "grain": st.sampled_from(["day", "week", "month", "quarter", "year", "all"]),
        "by": st.lists(st.sampled_from(["team", "channel", "heavy"]), unique=True, max_size=2),
        "where": st.sampled_from([None, "team = 'north'", "channel != 'web' and heavy", "amount > 30"]),
        "scope": st.sampled_from([None, {"team": "south"}, {"channel": "shop"}]),
        "access": st.sampled_from([None, [{"team": "north"}, {"channel": "web"}], [{"owner": "x"}]]),
        "start": st.sampled_from([None, "2025-01-01", "2025-01-15"]),
        "end": st.sampled_from([None, "2025-02-20", "2025-04-30"]),
    }
)


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure shows its example as drawn: shrinking is slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    loads=st.lists(load, min_size=1, max_size=4),
    asked=st.lists(request, min_size=1, max_size=3),
    rollup=st.sampled_from(["true", "{dimensions: [team, channel]}"]),
    key=st.booleans(),
    zone=st.sampled_from([None, "America/New_York"]),
    calendar=st.sampled_from(
        [{}, {"timezone": "Europe/Rome", "week_start": "sunday", "fiscal_year_start": 4}, {"timezone": "Asia/Tokyo"}]
    ),
)
def test_rollup_answers_equal_the_raw_rows(
    tmp_path_factory: pytest.TempPathFactory,
    loads: list[tuple[str, list[tuple[Any, ...]]]],
    asked: list[dict[str, Any]],
    rollup: str,
    key: bool,
    zone: str | None,
    calendar: dict[str, Any],
) -> None:
    pair = Pair(tmp_path_factory.mktemp("rollup"), rollup, key, zone, **calendar)
    for mode, batch in loads:
        pair.load(mode, batch)
    current = loads[-1][0] != "unlogged" or len(loads) == 1  # the first load is never unlogged (no table yet)
    for each in asked:
        wanted = dict(each)
        grain = wanted["grain"]
        kpis = [k for k in ADDITIVE if grain != "all"] + (
            ["revenue_mtd", "revenue_growth"] if grain in ("day", "month") else []
        )
        kpis = kpis or ["revenue", "aov", "largest"]
        if grain == "all":
            kpis = ["revenue", "aov", "largest", "avg_price"]
        expected, raw_used = pair.compute("raw", kpis, **wanted)
        found, used = pair.compute("with", kpis, **wanted)
        assert not raw_used
        assert same(found, expected), (wanted, found, expected)
        # The rollup answers when it is current and everything the request filters or splits by is kept in it.
        kept = {"team", "channel", "heavy"} if rollup == "true" else {"team", "channel"}
        readable = set(wanted["by"]) <= kept and wanted["where"] in (
            None,
            "team = 'north'",
            *(["channel != 'web' and heavy"] if "heavy" in kept else []),
        )
        assert used == (current and readable), (wanted, used)
        # Distinct counts and medians never come from the rollup, and equal the raw rows' too.
        exact, _ = pair.compute("raw", ["teams", "median_amount"], **wanted)
        found, used = pair.compute("with", ["teams", "median_amount"], **wanted)
        assert not used
        assert same(found, exact)


def test_a_rollup_by_hand(tmp_path: Path) -> None:
    """Four orders in two days, then one late order appended into the first day: the months' values by hand."""
    pair = Pair(tmp_path, "true", key=False, zone=None)
    pair.load("append", [(1, 24 * 12 + 9, "north", "web", 10, 2.5), (2, 24 * 12 + 15, "north", "shop", 30, 4.0)])
    pair.load("append", [(3, 24 * 50, "south", "web", 50, 1.0), (4, 24 * 50 + 3, None, "web", None, 7.0)])
    pair.load("append", [(5, 24 * 12 + 20, "north", "web", 15, None)])  # 2025-01-01 20:00, a late row
    found, used = pair.compute("with", ["revenue", "aov", "avg_price", "largest", "north_revenue"], grain="month")
    assert used
    # January (2025-01-01): amounts 10, 30, 15 -> 55 over 3 orders; prices 2.5 and 4.0 (one empty) -> 3.25; max 30.
    # February (2025-02-08): amounts 50 and empty -> 50 over 2 orders = 25; prices 1.0 and 7.0 -> 4.0; max 50.
    assert found == [
        (date(2025, 1, 1), 55, pytest.approx(55 / 3), 3.25, 30, 55),
        (date(2025, 2, 1), 50, 25.0, 4.0, 50, 0),
    ]
    with Workspace(tmp_path / "with") as ws:
        kept = ws.warehouse.con.con.execute(
            "SELECT count(*), count(DISTINCT (_kpilot_day, team, channel, heavy)) FROM _kpilot_rollup_sales"
        ).fetchone()
    # 2025-01-01: (north, web, light) twice -> merged into one, (north, shop, light); 2025-02-08: two rows.
    assert kept == (4, 4)  # the late row was merged into its day's row: one row per day and dimension values


def test_a_rollup_built_by_other_definitions_answers_nothing(tmp_path: Path) -> None:
    pair = Pair(tmp_path, "true", key=False, zone=None)
    pair.load("append", [(1, 24 * 12, "north", "web", 10, 2.5)])
    assert pair.compute("with", ["revenue"], grain="month")[1]
    text = (tmp_path / "with" / "definitions" / "main.yaml").read_text()
    (tmp_path / "with" / "definitions" / "main.yaml").write_text(text.replace("expr: amount}", "expr: amount * 2}", 1))
    found, used = pair.compute("with", ["revenue"], grain="month")
    assert not used
    assert found == [(date(2025, 1, 1), 20)]
    pair.load("append", [(2, 24 * 13, "north", "web", 1, 2.5)])  # the next load builds it again, by the new definitions
    found, used = pair.compute("with", ["revenue"], grain="month")
    assert used
    assert found == [(date(2025, 1, 1), 22)]
    assert type(found[0][1]) is int  # the type of a sum of integers from the raw rows, not a Decimal


def test_one_workspace_follows_every_change(tmp_path: Path) -> None:
    """A workspace kept open (as a server keeps it) reads the rollup while it is current and the raw rows when it is
    not, whatever it compiled or kept before: after a load through it, after a write kpilot did not make, and after
    the next load builds the rollup again."""
    pair = Pair(tmp_path, "true", key=False, zone=None)
    pair.load("append", [(1, 24 * 12, "north", "web", 10, 2.5)])
    with Workspace(tmp_path / "with") as ws:

        def monthly() -> tuple[list[tuple[Any, ...]], bool]:
            found = rows(ws.compute(["revenue", "largest"], grain="month", today=TODAY))
            return found, "_kpilot_rollup_" in ws.sql(["revenue", "largest"], grain="month")

        assert monthly() == ([(date(2025, 1, 1), 10, 10)], True)
        path = tmp_path / "more.csv"
        path.write_text(csv_of([(2, 24 * 13, "south", "shop", 25, 1.0)]))
        ingest_local_file(ws, Actor.operator(), path, "sales", now=datetime.now(UTC))
        assert monthly() == ([(date(2025, 1, 1), 35, 25)], True)
        ws.close()
        con = duckdb.connect(str(tmp_path / "with" / "warehouse.duckdb"))
        con.execute("UPDATE sales SET amount = 100 WHERE id = 1")  # neither logged nor in the rollup
        con.close()
        assert monthly() == ([(date(2025, 1, 1), 125, 100)], False)
        path = tmp_path / "again.csv"
        path.write_text(csv_of([(3, 24 * 50, "south", "web", 5, 1.0)]))  # 2025-02-08
        ingest_local_file(ws, Actor.operator(), path, "sales", now=datetime.now(UTC))
        assert monthly() == ([(date(2025, 1, 1), 125, 100), (date(2025, 2, 1), 5, 5)], True)


def test_a_rollup_the_rows_do_not_fit_leaves_the_load_alone(tmp_path: Path) -> None:
    """A source whose rollup cannot be computed from its table (here its time column holds text) still loads; the
    load says the rollup was not kept, and its KPIs read the raw rows (which say what is wrong)."""
    write_workspace(tmp_path / "ws", definitions("true", key=False, timezone=None))
    path = tmp_path / "text-times.csv"
    path.write_text("id,at,team,channel,amount,price\n1,soon,north,web,10,2.5\n")
    with Workspace(tmp_path / "ws") as ws:
        loaded = ingest_local_file(ws, Actor.operator(), path, "sales", now=datetime.now(UTC))
        (notice,) = [n for n in loaded.report.notices if n.code == "rollup_not_kept"]
        assert notice.source == "sales"
        assert notice.problem.code == "engine.rollup_time_not_time"
        assert ws.warehouse.con.con.execute("SELECT count(*) FROM sales").fetchone() == (1,)
        assert "_kpilot_rollup_sales" not in ws.warehouse.list_tables()
