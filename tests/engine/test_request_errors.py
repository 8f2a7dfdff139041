"""Requests the engine cannot serve get a user error that says why and how to fix it, never an internal one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from kpilot import QueryError, Workspace
from tests.support import write_workspace

DEFINITIONS = """
sources:
  - name: deals
    table: deals
    time: closed_on
    dimensions: [channel]
    measures:
      - {name: first_close, agg: min, expr: closed_on}
      - {name: won, agg: count}
      - {name: avg_amount, agg: avg, expr: amount}
kpis:
  - {name: channel, formula: won}
  - {name: first_plus_one, formula: first_close + 1}
  - {name: won, formula: won}
"""
TABLES = {"deals": {"closed_on": [date(2025, 1, 3)], "channel": ["web"], "amount": [10.0]}}


def test_kpi_named_like_a_dimension(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, TABLES)
    with pytest.raises(
        QueryError, match=r"KPI 'channel' has the same name as a dimension of the split \(by\)"
    ) as raised:
        ws.compute(["channel"], by=["channel"])
    assert (raised.value.code, raised.value.field) == ("engine.kpi_named_like_dimension", "by")


def test_dates_are_not_numbers_in_kpis(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, TABLES)
    with pytest.raises(QueryError, match=r"measure 'deals\.first_close' gives date values") as raised:
        ws.compute(["first_plus_one"])
    assert raised.value.code == "engine.measure_not_numeric"
    assert "days_between" in str(raised.value.hint)


def test_validate_reports_rolling_over_an_average(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS + '  - {name: rolling_avg, formula: "rolling(avg_amount, 3)"}\n', TABLES)
    messages = [str(issue.message) for issue in ws.validate(with_data=False)]
    assert any("rolling() adds up per-period values" in m and "'avg'" in m for m in messages)


def test_unreachable_warehouse_is_one_problem(tmp_path: Path) -> None:
    write_workspace(tmp_path / "ws", DEFINITIONS, warehouse="postgresql://nobody@127.0.0.1:1/none")
    with Workspace(tmp_path / "ws") as ws:
        problems = [issue for issue in ws.validate() if "cannot open the warehouse" in str(issue.message)]
    assert len(problems) == 1
