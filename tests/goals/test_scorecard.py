"""The scorecard: value, previous period, same period last year, and changes in pp or percent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kpilot import QueryError, Workspace
from kpilot.engine.period_names import last_complete, parse_period, period_name
from kpilot.engine.periods import Calendar, Grain
from kpilot.goals.scorecard import PeriodChoice, change, default_period, scorecard
from kpilot.goals.status import Status

DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: deals, agg: count}
      - {name: won, agg: count, filter: won}
  - name: roster
    table: roster
    measures:
      - {name: people, agg: count}
kpis:
  - {name: revenue, formula: revenue, unit: currency}
  - {name: win_rate, formula: won / deals, unit: percent}
  - {name: revenue_per_person, formula: revenue / people}
"""
SALES = {
    "sales": {
        "day": [date(2024, 5, 3), date(2025, 4, 10), date(2025, 5, 2), date(2025, 5, 20), date(2025, 5, 21)],
        "team": ["a", "a", "a", "b", "b"],
        "amount": [80.0, 100.0, 50.0, 60.0, 10.0],
        "won": [True, True, True, False, False],
    },
    "roster": {"person": ["x", "y"]},
}


def test_scorecard_values_and_changes(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, SALES)
    lines = {line.kpi.name: line for line in scorecard(ws, date(2025, 5, 1), Grain.MONTH, today=date(2025, 7, 1))}
    revenue = lines["revenue"]
    # May 2025: 50 + 60 + 10 = 120; April: 100; May 2024: 80.
    assert (revenue.value, revenue.previous, revenue.last_year) == (120.0, 100.0, 80.0)
    assert revenue.vs_previous.amount == pytest.approx(20.0)  # +20 %
    assert revenue.vs_last_year.amount == pytest.approx(50.0)  # +50 %
    win_rate = lines["win_rate"]
    # May: 1 won of 3 deals; April: 1 of 1 -> -66.67 percentage points.
    assert win_rate.value == pytest.approx(1 / 3)
    assert win_rate.vs_previous.kind == "pp"
    assert win_rate.vs_previous.amount == pytest.approx((1 / 3 - 1) * 100)
    assert not win_rate.partial
    # The roster has no time column: the KPI is reported with its reason, the others still computed.
    assert lines["revenue_per_person"].value is None
    error = lines["revenue_per_person"].error
    assert error is not None
    assert (error.code, error.values["source"]) == ("engine.source_has_no_time", "roster")
    assert "has no time column" in str(error)


def test_scorecard_of_a_running_month_is_partial(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS, SALES)
    (line,) = scorecard(ws, date(2025, 5, 1), Grain.MONTH, kpis=["revenue"], today=date(2025, 5, 25))
    assert line.partial


def test_change_rules() -> None:
    from kpilot.definitions.model import Unit

    assert change(0.25, 0.20, Unit.PERCENT).amount == pytest.approx(5.0)
    assert change(110.0, 100.0, Unit.CURRENCY).amount == pytest.approx(10.0)
    assert change(10.0, 0.0, Unit.NUMBER).amount is None
    assert change(None, 1.0, Unit.NUMBER).amount is None


def test_period_names() -> None:
    fiscal = Calendar(fiscal_year_start=4)
    assert parse_period("2025-05", fiscal) == (date(2025, 5, 1), Grain.MONTH)
    assert parse_period("2025-Q1", fiscal) == (date(2025, 4, 1), Grain.QUARTER)
    assert parse_period("2025-q4", fiscal) == (date(2026, 1, 1), Grain.QUARTER)
    assert parse_period("2025", fiscal) == (date(2025, 4, 1), Grain.YEAR)
    assert period_name(date(2026, 1, 1), Grain.QUARTER, fiscal) == "2025-Q4"
    assert last_complete(date(2025, 3, 15), Grain.MONTH, fiscal) == date(2025, 2, 1)
    with pytest.raises(QueryError, match="is not a period"):
        parse_period("2025-13", fiscal)


TARGETS = """
targets:
  - {kpi: revenue, period: 2025-05, commit: 100, target: 150, stretch: 200}
  - {kpi: win_rate, every: month, type: above, target: 0.5}
  - {kpi: revenue, period: 2025-05, scope: {team: b}, target: 50}
"""


def test_scorecard_with_targets_status_and_scope(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS + TARGETS, SALES)
    lines = {
        line.kpi.name: line
        for line in scorecard(ws, date(2025, 5, 1), kpis=["revenue", "win_rate"], today=date(2025, 7, 1))
    }
    revenue = lines["revenue"]
    # May is over: 120 is above the commit (100) but below the target (150): at risk, attainment 120 / 150 = 0.8.
    assert revenue.target is not None
    assert revenue.target.target == 150
    assert revenue.evaluation is not None
    assert revenue.evaluation.status.value == "at_risk"
    assert revenue.evaluation.attainment == pytest.approx(0.8)
    # Win rate 1/3 is below the 0.5 floor: off track (0.667 of the target is under the 0.9 at-risk threshold).
    assert lines["win_rate"].evaluation is not None
    assert lines["win_rate"].evaluation.status.value == "off_track"
    # Team b alone: 60 + 10 = 70 against its own target of 50: achieved.
    (team_b,) = scorecard(ws, date(2025, 5, 1), kpis=["revenue"], scope={"team": "b"}, today=date(2025, 7, 1))
    assert team_b.value == 70.0
    assert team_b.evaluation is not None
    assert team_b.evaluation.status.value == "achieved"


def test_running_month_is_judged_on_pace_and_projection(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(DEFINITIONS + TARGETS, SALES)
    # On 10 May only the 2 May sale (50) counts (the 20 and 21 May rows are later): 9.5 of 31 days are over.
    (line,) = scorecard(ws, date(2025, 5, 1), kpis=["revenue"], today=date(2025, 5, 10))
    assert line.partial
    elapsed = 9.5 / 31
    assert line.evaluation is not None
    assert line.evaluation.expected_to_date == pytest.approx(150 * elapsed)
    # Shares of past periods reached after 9 full days: April 0 of 100 (its sale is on the 10th; a zero share is not
    # usable), March and February have no sales, May 2024 had all 80 by the 3rd: share 1. Seasonal run-rate: 50 / 1.
    assert line.projection is not None
    assert line.projection.method == "seasonal_run_rate"
    assert line.projection.value == pytest.approx(50.0)
    # Projected 50 is below the commit of 100: off track.
    assert line.evaluation.status.value == "off_track"


def test_scorecard_json_has_the_documented_fields(
    duckdb_factory: Callable[..., Workspace], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from kpilot.cli.main import run

    ws = duckdb_factory(DEFINITIONS + TARGETS, SALES)
    with pytest.raises(SystemExit) as exited:
        run(["scorecard", "--period", "2025-05", "--kpi", "revenue", "--format", "json", "-w", str(ws.root)])
    assert exited.value.code in (0, None)
    (record,) = json.loads(capsys.readouterr().out)
    required = {
        "kpi",
        "period",
        "scope",
        "value",
        "target",
        "attainment",
        "status",
        "status_reason",
        "projection",
        "previous",
        "last_year",
    }
    assert required <= set(record)
    # May 2025 is long over (the real today is later): 120 against 150, previous month 100, May 2024 80.
    assert (record["kpi"], record["period"], record["value"], record["target"]) == ("revenue", "2025-05-01", 120.0, 150)
    assert (record["previous"], record["last_year"], record["status"]) == (100.0, 80.0, "at_risk")
    assert record["attainment"] == pytest.approx(0.8)
    assert record["projection"] is None
    assert "150" in record["status_reason"]


# --------------------------------------------------------------------------------------------------------------
# The period shown when none is named

HISTORIC = """
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: revenue, agg: sum, expr: amount}
  - name: roster
    table: roster
    measures:
      - {name: people, agg: count}
kpis:
  - {name: revenue, formula: revenue, unit: currency}
  - {name: headcount, formula: people}
"""
TODAY = date(2026, 12, 1)


def historic(days: list[date], teams: list[str] | None = None) -> dict[str, dict[str, list[object]]]:
    return {
        "sales": {"day": days, "team": teams or ["a"] * len(days), "amount": [10.0] * len(days)},
        "roster": {"person": ["x"]},
    }


@pytest.mark.parametrize(
    ("days", "start", "why", "ends"),
    [
        # A dataset that ends on 9 December 2011: December is covered in part, so November, the last whole month.
        ([date(2011, 10, 3), date(2011, 11, 15), date(2011, 12, 9)], date(2011, 11, 1), "data_ends", date(2011, 12, 9)),
        # One that runs to 31 December: December itself.
        ([date(2011, 11, 15), date(2011, 12, 31)], date(2011, 12, 1), "data_ends", date(2011, 12, 31)),
        # Data only inside one month, in part: that month, as there is no other.
        ([date(2011, 12, 5), date(2011, 12, 9)], date(2011, 12, 1), "data_ends", date(2011, 12, 9)),
        # Data that reaches the last complete month (November 2026, today 1 December): that month.
        ([date(2026, 10, 2), date(2026, 11, 20)], date(2026, 11, 1), "last_complete", None),
        # Rows dated after today (planned) do not move the scorecard into the future.
        ([date(2026, 10, 2), date(2027, 3, 1)], date(2026, 11, 1), "last_complete", None),
    ],
)
def test_the_default_period_is_the_last_complete_month_with_data(
    workspace_factory: Callable[..., Workspace], days: list[date], start: date, why: str, ends: date | None
) -> None:
    ws = workspace_factory(HISTORIC, historic(days))
    chosen = default_period(ws, ["revenue"], today=TODAY)
    assert (chosen.start, chosen.grain, chosen.why.value, chosen.data_ends) == (start, Grain.MONTH, why, ends)


def test_the_default_period_follows_the_kpis_and_the_scope(workspace_factory: Callable[..., Workspace]) -> None:
    days = [date(2011, 10, 3), date(2011, 10, 31), date(2011, 12, 9), date(2011, 12, 31)]
    ws = workspace_factory(HISTORIC, historic(days, ["b", "b", "a", "a"]))
    assert default_period(ws, ["revenue"], today=TODAY).start == date(2011, 12, 1)
    # Team b's data ends on 31 October: its scorecard defaults to October.
    team_b = default_period(ws, ["revenue"], scope={"team": "b"}, today=TODAY)
    assert (team_b.start, team_b.why, team_b.data_ends) == (
        date(2011, 10, 1),
        PeriodChoice.DATA_ENDS,
        date(2011, 10, 31),
    )
    # A KPI whose source has no time column has no periods: the last complete month of the calendar.
    roster = default_period(ws, ["headcount"], today=TODAY)
    assert (roster.start, roster.why) == (date(2026, 11, 1), PeriodChoice.NO_DATA)
    # The KPI without periods does not hide the dated one.
    assert default_period(ws, ["headcount", "revenue"], today=TODAY).start == date(2011, 12, 1)


EARLY_TARGETS = """
targets:
  - {kpi: revenue, every: month, target: 310}
"""


def test_the_first_days_of_a_month_are_too_early_to_judge(duckdb_factory: Callable[..., Workspace]) -> None:
    # 10 a day from 1 to 5 December 2026 against a month's target of 310 (10 a day): on 1 December only 10 is in,
    # and 0.5 of 31 days have passed (1.6 %): too early, not off track. On 7 December (6.5 / 31 = 21 %) it is
    # judged: 50 (the 5 days of data) against 310 x 6.5 / 31 = 65 expected; with no past months to shape it, the
    # projection is the straight run-rate 50 / (6.5 / 31) = 238.5, 77 % of the target, under the 0.9 threshold.
    days = [date(2026, 12, d) for d in range(1, 6)]
    ws = duckdb_factory(HISTORIC + EARLY_TARGETS, historic(days))
    (first,) = scorecard(ws, date(2026, 12, 1), kpis=["revenue"], today=date(2026, 12, 1))
    assert first.evaluation is not None
    assert (first.value, first.evaluation.status) == (10.0, Status.TOO_EARLY)
    assert str(first.evaluation.reason).startswith("Only 1.6% of December 2026 has passed, too early to judge")
    (sixth,) = scorecard(ws, date(2026, 12, 1), kpis=["revenue"], today=date(2026, 12, 6))
    assert sixth.evaluation is not None
    assert sixth.evaluation.status is Status.TOO_EARLY  # 5.5 / 31 = 17.7 %
    (seventh,) = scorecard(ws, date(2026, 12, 1), kpis=["revenue"], today=date(2026, 12, 7))
    assert seventh.evaluation is not None
    assert seventh.evaluation.expected_to_date == pytest.approx(310 * 6.5 / 31)
    assert seventh.projection is not None
    assert seventh.projection.value == pytest.approx(50 / (6.5 / 31))
    assert seventh.evaluation.status is Status.OFF_TRACK
    assert seventh.additive
    assert first.error is None
