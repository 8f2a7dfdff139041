"""`kpilot.Workspace`'s scorecard, forecast, suggest_targets, check and matrix: each result's `to_data()` is exactly
what the command prints with `--format json` (parsed), and results are frozen.

The workspace: two years of monthly sales (2023-07 .. 2025-06) for two teams, a goal, a target, and a headcount
KPI whose source has no time column, so that it cannot be split into months (a scorecard line with an error).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import kpilot
from kpilot.engine.periods import Calendar, Grain
from tests.support import make_workspace
from tests.support import run_cli as kpilot_cli

DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: orders, agg: count}
  - name: staff
    table: staff
    measures:
      - {name: people, agg: count}
kpis:
  - {name: revenue, label: Revenue, owner: Ann, grain: month, formula: revenue, unit: currency, category: sales}
  - {name: orders, label: Orders, formula: orders, category: sales}
  - {name: people, label: Headcount, formula: people}
goals:
  - {name: grow, label: Grow the business, owner: CEO, kpis: [{kpi: revenue, weight: 0.7}, {kpi: orders, weight: 0.3}]}
targets:
  - {kpi: revenue, period: '2025-06', commit: 150, target: 170, stretch: 190}
  - {kpi: orders, every: month, target: 3}
"""


def sales() -> dict[str, list[Any]]:
    """Team a sells 100 + the month's index, team b 50, 60 or 70 in turn; team b sells twice in even months."""
    calendar = Calendar()
    days, teams, amounts = [], [], []
    for index in range(24):
        month = calendar.shift(date(2023, 7, 1), index, Grain.MONTH)
        rows = [("a", 100.0 + index), ("b", 50.0 + 10 * (index % 3))]
        if index % 2 == 0:
            rows.append(("b", 5.0))
        for team, amount in rows:
            days.append(month.replace(day=8))
            teams.append(team)
            amounts.append(amount)
    return {"day": days, "team": teams, "amount": amounts}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    tables = {"sales": sales(), "staff": {"person": ["ann", "bob", "cy"]}}
    make_workspace(folder, DEFINITIONS, tables).close()
    return folder


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = kpilot_cli(capsys, *args, "--format", "json")
    assert code in (0, 1), out + err
    return json.loads(out)


@pytest.mark.parametrize(
    ("options", "arguments"),
    [
        ({"period": "2025-06"}, ["--period", "2025-06"]),
        ({"period": "2025-Q2", "kpis": ["revenue"]}, ["--period", "2025-Q2", "--kpi", "revenue"]),
        (
            {"period": "2025-05", "scope": {"team": "a"}, "category": "sales"},
            ["-p", "2025-05", "-s", "team=a", "--category", "sales"],
        ),
        ({}, []),  # no period: the last complete month with data, May 2025 (see the test below)
    ],
    ids=["month", "quarter", "scope-and-category", "default-period"],
)
def test_scorecard_is_the_commands_json(
    root: Path, capsys: pytest.CaptureFixture[str], options: dict[str, Any], arguments: list[str]
) -> None:
    expected = cli_json(capsys, "scorecard", *arguments, "-w", str(root))
    with kpilot.Workspace(root) as ws:
        result = ws.scorecard(**options)
    assert result.to_data() == expected
    assert [record["kpi"] for record in expected] == [line.kpi.name for line in result.lines]
    assert len(expected) >= 1


def test_scorecard_facts_and_the_line_that_does_not_compute(root: Path) -> None:
    with kpilot.Workspace(root) as ws:
        result = ws.scorecard(period="2025-06")
    assert (result.name, result.period, result.grain, result.chosen) == ("2025-06", date(2025, 6, 1), "month", None)
    records = {record["kpi"]: record for record in result.to_data()}
    # June 2025 is month 23: team a 123, team b 50 + 10 x (23 % 3) = 70, no extra order in an odd month.
    assert (records["revenue"]["value"], records["revenue"]["target"]) == (193.0, 170)
    assert (records["orders"]["value"], records["orders"]["target"]) == (2, 3)
    people = records["people"]
    assert people["value"] is None
    assert people["error_code"] == "engine.source_has_no_time"
    assert people["status_reason_code"] == "engine.source_has_no_time"
    assert people["error"].startswith("source 'staff' (used by people) has no time column")
    italian = {record["kpi"]: record for record in result.to_data(kpilot.Language.IT)}["people"]
    assert italian["error"].startswith("la sorgente 'staff' (usata da people) non ha una colonna del tempo")
    assert result.to_data("it") == result.to_data(kpilot.Language.IT)


def test_the_default_period_says_why_it_was_chosen(root: Path) -> None:
    with kpilot.Workspace(root) as ws:
        result = ws.scorecard(kpis="revenue")
    assert result.chosen is not None
    assert (result.chosen.why.value, result.chosen.data_ends) == ("data_ends", date(2025, 6, 8))
    # The data ends on 8 June 2025, before the end of June: May is the last month the data covers to its end.
    assert result.name == "2025-05"


@pytest.mark.parametrize(
    ("options", "arguments"),
    [
        ({"periods": 2}, ["-n", "2"]),
        (
            {"grain": "quarter", "method": "seasonal_naive", "scope": {"team": "b"}, "history": 6},
            ["--grain", "quarter", "--method", "seasonal_naive", "--scope", "team=b", "--history", "6"],
        ),
    ],
    ids=["months", "quarters-of-a-team"],
)
def test_forecast_is_the_commands_json(
    root: Path, capsys: pytest.CaptureFixture[str], options: dict[str, Any], arguments: list[str]
) -> None:
    expected = cli_json(capsys, "forecast", "revenue", *arguments, "-w", str(root))
    with kpilot.Workspace(root) as ws:
        result = ws.forecast("revenue", **options)
    assert result.to_data() == expected
    assert len(expected["forecast"]) == options.get("periods", 3)
    assert [step["period"] for step in expected["forecast"]] == list(result.names)


def test_forecast_of_a_team_by_quarter(root: Path) -> None:
    with kpilot.Workspace(root) as ws:
        result = ws.forecast("revenue", grain=Grain.QUARTER, method="seasonal_naive", scope={"team": "b"}, periods=1)
    data = result.to_data()
    # Seasonal naive: next quarter is the same quarter a year before. 2024-Q3 (months 12-14) for team b: 50 + 5,
    # 60, 70 + 5 = 190.
    assert result.names == ("2025-Q3",)
    assert (data["method"], data["scope"], data["forecast"][0]["value"]) == ("seasonal_naive", {"team": "b"}, 190.0)


def test_suggest_targets_is_the_commands_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = cli_json(capsys, "targets", "suggest", "revenue", "-p", "2025-07", "-s", "team=a", "-w", str(root))
    with kpilot.Workspace(root) as ws:
        result = ws.suggest_targets("revenue", period="2025-07", scope={"team": "a"})
    assert result.to_data() == expected
    assert (expected["kpi"], expected["period"], expected["scope"], expected["written"]) == (
        "revenue",
        "2025-07",
        {"team": "a"},
        None,
    )
    assert result.recommended is not None
    assert expected["recommended"] == result.recommended.value


def test_suggest_targets_writes_as_the_command_does(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    targets = root / "definitions" / "targets.yaml"
    saved = root.parent / "saved"
    shutil.copytree(root / "definitions", saved)
    with kpilot.Workspace(root) as ws:
        result = ws.suggest_targets("orders", period="2025-Q3", write="all", method="average", history=4)
    written_by_api = targets.read_text()
    shutil.rmtree(root / "definitions")
    shutil.copytree(saved, root / "definitions")
    expected = cli_json(
        capsys, "targets", "suggest", "orders", "-p", "2025-Q3", "--write", "all", "-m", "average", "-n", "4",
        "-w", str(root),
    )  # fmt: skip
    assert result.to_data() == expected
    assert targets.read_text() == written_by_api
    assert expected["written"]["added"] == ["orders 2025-Q3"]


def test_check_is_the_commands_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = cli_json(capsys, "check", "-w", str(root))
    with kpilot.Workspace(root) as ws:
        result = ws.check()
    assert result.to_data() == expected
    assert expected["summary"] == result.summary()
    assert sum(expected["summary"].values()) == len(expected["findings"]) == len(result.findings) > 0
    # Orders and headcount have no owner (S), headcount serves no goal (R).
    about = {(f["letter"], f["kpi"]) for f in expected["findings"]}
    assert {("S", "orders"), ("S", "people"), ("R", "people")} <= about


def test_matrix_is_the_commands_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = cli_json(capsys, "matrix", "--period", "2025-06", "-w", str(root))
    with kpilot.Workspace(root) as ws:
        result = ws.matrix(period="2025-06")
    assert result.to_data() == expected
    # Revenue 193 against 170 attains 193 / 170; orders 2 against 3 attain 2 / 3; weighted 0.7 and 0.3.
    (goal,) = expected["goals"]
    assert goal["attainment"] == pytest.approx(0.7 * 193 / 170 + 0.3 * 2 / 3)
    assert [flag["kpi"] for flag in expected["flags"]] == ["people"]
    assert expected["flags"][0]["kind"] == "kpi_without_goal"


def test_results_are_frozen(root: Path) -> None:
    with kpilot.Workspace(root) as ws:
        card = ws.scorecard(period="2025-06", scope={"team": "a"})
        results: list[Any] = [
            card,
            ws.forecast("revenue"),
            ws.suggest_targets("revenue", period="2025-07"),
            ws.check(),
            ws.matrix(period="2025-06"),
        ]
    for result in results:
        field = dataclasses.fields(result)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(result, field, None)
    with pytest.raises(TypeError):
        card.scope["team"] = "b"  # type: ignore[index]


def test_the_commands_language_is_to_datas(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = cli_json(capsys, "scorecard", "--period", "2025-06", "--lang", "it", "-w", str(root))
    findings = cli_json(capsys, "check", "--lang", "pl", "-w", str(root))
    with kpilot.Workspace(root) as ws:
        assert ws.scorecard(period="2025-06").to_data(kpilot.Language.IT) == expected
        assert ws.check().to_data("pl") == findings
    people = next(record for record in expected if record["kpi"] == "people")
    assert people["error"].startswith("la sorgente 'staff' (usata da people)")
