"""`mature_after:` on cohort KPIs: periods whose youngest cohort has had fewer days than the window are listed in
the result's `immature` column, per KPI, on DuckDB and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kpilot import Workspace
from kpilot.errors import ValidationFailed

LEADS = {
    "created_on": [date(2025, 1, 5), date(2025, 1, 20), date(2025, 2, 3), date(2025, 2, 25), date(2025, 3, 2)],
    "converted_on": [date(2025, 1, 30), None, date(2025, 3, 1), None, None],
}

DEFINITIONS = """
sources:
  - name: leads
    table: leads
    time: created_on
    measures:
      - {name: leads, agg: count}
      - {name: converted, agg: count, filter: converted_on is not null}
kpis:
  - {name: lead_count, formula: leads}
  - {name: conversion, formula: converted / leads, unit: percent, mature_after: 30 days}
  - {name: conversion_points, formula: conversion * 100}
  - {name: slow_conversion, formula: converted / leads, mature_after: 8 weeks}
"""

TODAY = date(2025, 3, 10)


def test_young_periods_are_marked_per_kpi(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(DEFINITIONS, {"leads": LEADS})
    result = ws.compute(["lead_count", "conversion", "conversion_points", "slow_conversion"], today=TODAY)
    rows = result.to_pylist()
    # By hand, on 2025-03-10: January's last cohort day (Jan 31) is 38 days old, February's (Feb 28) 10 days,
    # March is running (today: 0 days). 30 days: January mature. 8 weeks = 56 days: nothing mature yet.
    assert [row["period"] for row in rows] == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    assert [row["immature"] for row in rows] == [
        ["slow_conversion"],
        ["conversion", "conversion_points", "slow_conversion"],
        ["conversion", "conversion_points", "slow_conversion"],
    ]
    # January: 1 of 2 converted; February 1 of 2 (so far), by hand.
    assert [row["conversion"] for row in rows][:2] == [pytest.approx(0.5), pytest.approx(0.5)]


def test_the_range_asked_for_decides_how_young_the_cohorts_are(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(DEFINITIONS, {"leads": LEADS})
    # All of the data: its youngest cohort is today's. Up to 2025-02-05: 33 days old, past 30 but not 56.
    assert ws.compute(["conversion"], grain="all", today=TODAY).column("immature").to_pylist() == [["conversion"]]
    cut = ws.compute(["conversion", "slow_conversion"], grain="all", end="2025-02-05", today=TODAY)
    assert cut.column("immature").to_pylist() == [["slow_conversion"]]


def test_no_window_no_column(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(DEFINITIONS, {"leads": LEADS})
    assert "immature" not in ws.compute(["lead_count"], today=TODAY).column_names


@pytest.mark.parametrize("window", ["'sixty days'", "0", "'2 months'"])
def test_a_bad_window_is_a_definition_error(duckdb_factory: Callable[..., Workspace], window: str) -> None:
    ws = duckdb_factory(DEFINITIONS.replace("30 days", window.strip("'")), {"leads": LEADS})
    with pytest.raises(ValidationFailed, match="mature_after"):
        ws.compute(["conversion"], today=TODAY)
