"""Forecasting a KPI from its complete periods: the history used, the periods named, the method disclosed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest

from kpilot import QueryError, Workspace
from kpilot.cli.main import run
from kpilot.engine.periods import Grain
from kpilot.forecast.kpi import forecast_kpi

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
"""
# Three years of months with the same pattern each year: 100 in every month, 300 in December; team b adds 10 a month.
DAYS = [date(2022 + m // 12, m % 12 + 1, 10) for m in range(36)]
SALES = {
    "sales": {
        "day": DAYS + DAYS,
        "team": ["a"] * 36 + ["b"] * 36,
        "amount": [300.0 if d.month == 12 else 100.0 for d in DAYS] + [10.0] * 36,
    }
}


def test_seasonal_naive_repeats_last_year(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, SALES)
    # On 15 January 2025 the last complete month is December 2024; the running January is not history.
    result = forecast_kpi(ws, "revenue", horizon=3, method="seasonal_naive", today=date(2025, 1, 15))
    assert result.history[-1] == (date(2024, 12, 1), 310.0)
    assert len(result.history) == 36
    assert result.periods == (date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1))
    # January 2024, February 2024, March 2024: 110 each.
    assert result.forecast.values == pytest.approx((110.0, 110.0, 110.0))
    assert result.forecast.method == "seasonal_naive"
    # The pattern repeats exactly, so every one-step back-test forecast is right.
    assert result.forecast.mape == pytest.approx(0.0)


def test_scope_and_errors(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, SALES)
    result = forecast_kpi(ws, "revenue", grain=Grain.QUARTER, horizon=1, scope={"team": "b"}, today=date(2025, 1, 2))
    # Team b: 30 a quarter, every quarter.
    assert result.forecast.values == pytest.approx((30.0,))
    with pytest.raises(QueryError, match="unknown KPI"):
        forecast_kpi(ws, "revenu")
    with pytest.raises(QueryError, match="needs periods") as whole:
        forecast_kpi(ws, "revenue", grain=Grain.ALL)
    assert (whole.value.code, whole.value.field) == ("forecast.needs_periods", "grain")
    with pytest.raises(QueryError, match=r"\(horizon\) must be between 1 and 60") as far:
        forecast_kpi(ws, "revenue", horizon=61)
    assert far.value.field == "horizon"
    with pytest.raises(QueryError, match="unknown forecast method 'arima'") as unknown:
        forecast_kpi(ws, "revenue", method="arima")
    assert (unknown.value.field, unknown.value.suggestions) == (
        "method",
        ("auto", "seasonal_naive", "exponential_smoothing"),
    )


def test_forecast_command_json(duckdb_factory: Callable[..., Workspace], capsys: pytest.CaptureFixture[str]) -> None:
    ws = duckdb_factory(DEFINITIONS, SALES)
    with pytest.raises(SystemExit) as exited:
        run(["forecast", "revenue", "-n", "2", "-m", "seasonal_naive", "--format", "json", "-w", str(ws.root)])
    assert exited.value.code in (0, None)
    record = json.loads(capsys.readouterr().out)
    assert record["method"] == "seasonal_naive"
    assert len(record["forecast"]) == 2
    assert {"period", "start", "value", "low", "high"} <= set(record["forecast"][0])
    # Today is later than the data: the history ends with it and the forecast starts after December 2024.
    assert record["history"][-1]["period"] == "2024-12-01"
    assert record["forecast"][0]["start"] == "2025-01-01"
    assert record["note"] == "the data ends in 2024-12: the forecast starts after it"


RATES = """
sources:
  - name: visits
    table: visits
    time: day
    measures:
      - {name: visits, agg: sum, expr: visits}
      - {name: buyers, agg: sum, expr: buyers}
      - {name: returns, agg: sum, expr: returns}
kpis:
  - {name: conversion, formula: buyers / visits, unit: percent}
  - {name: returns, formula: returns}
"""


def test_intervals_stay_within_the_kpi_s_bounds(duckdb_factory: Callable[..., Workspace]) -> None:
    # A rate that swings between 90 % and 99 %, and a count that swings between 0 and 6: their intervals would
    # otherwise pass 100 % and fall below 0.
    months = [date(2023 + m // 12, m % 12 + 1, 10) for m in range(24)]
    buyers = [99.0 if m % 2 else 90.0 for m in range(24)]
    returns = [6.0 if m % 2 else 0.0 for m in range(24)]
    tables = {"visits": {"day": months, "visits": [100.0] * 24, "buyers": buyers, "returns": returns}}
    ws = duckdb_factory(RATES, tables)
    rate = forecast_kpi(ws, "conversion", horizon=3, method="exponential_smoothing", today=date(2025, 1, 15))
    assert all(0 <= s.low <= s.value <= s.high <= 1 for s in rate.forecast.steps if s.low is not None)
    assert max(s.high for s in rate.forecast.steps if s.high is not None) == 1.0  # held at 100 %
    assert "held within the KPI's bounds" in str(rate.forecast.description)
    count = forecast_kpi(ws, "returns", horizon=3, method="exponential_smoothing", today=date(2025, 1, 15))
    assert min(s.low for s in count.forecast.steps if s.low is not None) == 0.0


def test_a_month_the_data_stops_in_is_not_fitted(duckdb_factory: Callable[..., Workspace]) -> None:
    # Every day from January 2024 to 9 February 2025: February is over by the 15th of March, but it has 9 days.
    first = date(2024, 1, 1)
    days = [date.fromordinal(first.toordinal() + i) for i in range((date(2025, 2, 10) - first).days)]
    ws = duckdb_factory(DEFINITIONS, {"sales": {"day": days, "team": ["a"] * len(days), "amount": [1.0] * len(days)}})
    result = forecast_kpi(ws, "revenue", horizon=1, today=date(2025, 3, 15))
    assert result.history[-1] == (date(2025, 1, 1), 31.0)
    assert result.periods == (date(2025, 2, 1),)
    assert str(result.note) == (
        "2025-02 is left out: the data stops well before its end, so it is not a complete month; "
        "the data ends in 2025-01: the forecast starts after it"
    )
