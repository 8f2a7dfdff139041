"""Replaying target suggestions on history: each past period judged against what kpilot would have suggested then."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import numpy as np
import pytest

from kpilot import QueryError, Workspace
from kpilot.engine.periods import Calendar, Grain
from kpilot.goals.suggest.backtest import BANDS, LevelName, backtest
from kpilot.goals.suggest.methods import Method
from tests.support import run_cli

CALENDAR = Calendar()
DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: revenue, unit: currency}
  - {name: costs, formula: revenue, unit: currency, direction: down}
"""
TODAY = date(2025, 2, 15)  # January 2025 is the last complete month


def month_days(first: date, count: int) -> list[date]:
    return [CALENDAR.shift(first, i, Grain.MONTH).replace(day=5) for i in range(count)]


def flat_then_dip() -> dict[str, dict[str, list[object]]]:
    """100 a month in 2024, 98.5 in January 2025."""
    days = month_days(date(2024, 1, 1), 13)
    return {"sales": {"day": days, "team": ["a"] * 13, "amount": [100.0] * 12 + [98.5]}}


def test_each_level_is_judged_in_the_kpi_s_direction(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, flat_then_dip())
    result = backtest(ws, ["revenue", "costs"], min_history=6, today=TODAY)
    revenue, costs = result.kpis
    # Replayed: 2024-07 .. 2025-01, each from the months before it (6 or more).
    assert [r.name for r in revenue.replays] == ["2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12",
                                                 "2025-01"]  # fmt: skip
    # 2024-07 .. 2024-09: growth with fewer than 6 replays, the default spread: 80 / 100 / 120.
    first = revenue.replays[0]
    assert (first.method, first.commit, first.target, first.stretch) == (Method.GROWTH, 80.0, 100.0, 120.0)
    # 2024-10 .. 2024-12: growth replayed 6 times or more, always right: 99 / 100 / 101.
    assert (revenue.replays[3].commit, revenue.replays[3].target, revenue.replays[3].stretch) == (99.0, 100.0, 101.0)
    # 2025-01: January 2024 is known, seasonal (no trend yet, and no replay: the default spread): 80 / 100 / 120.
    last = revenue.replays[-1]
    assert (last.method, last.actual, last.commit, last.target, last.stretch) == (Method.SEASONAL, 98.5, 80.0, 100.0,
                                                                                  120.0)  # fmt: skip
    assert dict(last.reached) == {LevelName.COMMIT: True, LevelName.TARGET: False, LevelName.STRETCH: False}
    # 100 meets a target of 100 six times; 98.5 does not.
    assert (revenue.rates.rate(LevelName.COMMIT), revenue.rates.rate(LevelName.TARGET)) == (1.0, 6 / 7)
    assert revenue.rates.rate(LevelName.STRETCH) == 0.0
    # Lower is better: commit 120 (or 101), target 100, stretch 80 (or 99); 98.5 is at or below the target.
    assert (costs.replays[-1].commit, costs.replays[-1].stretch) == (120.0, 80.0)
    assert dict(costs.replays[-1].reached) == {LevelName.COMMIT: True, LevelName.TARGET: True, LevelName.STRETCH: False}
    assert costs.rates.rate(LevelName.TARGET) == 1.0
    overall = result.overall
    assert (overall.judged[LevelName.TARGET], overall.reached[LevelName.TARGET]) == (14, 13)
    assert overall.inside(BANDS[0]) is False  # commit always reached: above its 75-90 % band


def test_periods_min_history_and_errors(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, flat_then_dip())
    result = backtest(ws, ["revenue"], periods=2, min_history=3, today=TODAY)
    assert [r.name for r in result.kpis[0].replays] == ["2024-12", "2025-01"]
    short = backtest(ws, ["revenue"], min_history=13, today=TODAY)
    assert short.kpis[0].replays == ()
    skipped = short.kpis[0].skipped
    assert skipped is not None
    assert (skipped.code, skipped.values["count"]) == ("goals.suggest.too_few_periods", 14)
    assert str(skipped) == "fewer than 14 complete months with a value"
    fixed = backtest(ws, ["revenue"], method=Method.LAST, today=TODAY)
    assert {r.method for r in fixed.kpis[0].replays} == {Method.LAST}
    with pytest.raises(QueryError, match="unknown KPI"):
        backtest(ws, ["revenu"])
    with pytest.raises(QueryError, match="month, quarter or year") as weekly:
        backtest(ws, grain=Grain.WEEK)
    assert (weekly.value.code, weekly.value.field) == ("goals.suggest.grain_not_suggested", "grain")
    with pytest.raises(QueryError, match=r"the periods to replay \(periods\) must be at least 1") as none:
        backtest(ws, periods=0)
    assert (none.value.code, none.value.field) == ("goals.suggest.periods_too_small", "periods")
    with pytest.raises(QueryError, match=r"\(min_history\) must be at least 1") as no_history:
        backtest(ws, min_history=0)
    assert no_history.value.field == "min_history"


def test_a_kpi_that_was_always_zero_has_no_replay(duckdb_factory: Callable[..., Workspace]) -> None:
    days = month_days(date(2024, 1, 1), 13)
    ws = duckdb_factory(DEFINITIONS, {"sales": {"day": days, "team": ["a"] * 13, "amount": [0.0] * 13}})
    (revenue,) = backtest(ws, ["revenue"], today=TODAY).kpis
    assert (revenue.replays, revenue.unsuggested) == ((), 7)


def test_levels_are_reached_as_often_as_designed_on_noisy_seasonal_data(
    duckdb_factory: Callable[..., Workspace],
) -> None:
    """Five years of months: a season, 1 % growth a month and 8 % noise, for three teams; the replayed levels land in
    their bands (commit 75-90 %, target 40-60 %, stretch 10-25 %)."""
    rng = np.random.default_rng(11)
    days, teams, amounts = [], [], []
    season = [0.8, 0.85, 0.95, 1.0, 1.0, 0.95, 0.9, 0.85, 1.0, 1.1, 1.3, 1.5]
    for team in ("a", "b", "c"):
        for index, day in enumerate(month_days(date(2020, 1, 1), 60)):
            days.append(day)
            teams.append(team)
            amounts.append(float(1000 * 1.01**index * season[day.month - 1] * rng.lognormal(0, 0.08)))
    ws = duckdb_factory(DEFINITIONS, {"sales": {"day": days, "team": teams, "amount": amounts}})
    judged = [backtest(ws, ["revenue", "costs"], scope={"team": t}, today=date(2025, 1, 15)) for t in "abc"]
    reached = {level: sum(r.overall.reached[level] for r in judged) for level in LevelName}
    periods = {level: sum(r.overall.judged[level] for r in judged) for level in LevelName}
    assert periods[LevelName.TARGET] == 3 * 2 * 24
    for band in BANDS:
        rate = reached[band.level] / periods[band.level]
        assert band.low <= rate <= band.high, (band.level, rate)


def test_backtest_command(duckdb_factory: Callable[..., Workspace], capsys: pytest.CaptureFixture[str]) -> None:
    ws = duckdb_factory(DEFINITIONS, flat_then_dip())
    code, out, err = run_cli(capsys, "targets", "backtest", "revenue", "--min-history", "6", "-f", "json", "-w",
                             str(ws.root))  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"grain", "periods", "min_history", "scope", "method", "bands", "overall", "kpis"}
    assert data["bands"][1] == {"level": "target", "low": 0.4, "high": 0.6}
    assert data["overall"]["commit"] == {"judged": 7, "reached": 7, "rate": 1.0, "inside": False}
    (revenue,) = data["kpis"]
    assert revenue["replays"][-1]["reached"] == {"commit": True, "target": False, "stretch": False}
    code, out, _ = run_cli(capsys, "targets", "backtest", "-w", str(ws.root), "--details")
    assert code == 0
    assert "Share of periods each level was reached in" in out
    assert "commit: reached in" in out
