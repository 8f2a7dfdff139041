"""`kpilot targets suggest`, `kpilot check` and `kpilot matrix` end to end: exit codes, messages and JSON shapes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kpilot.cli import check as check_cli
from kpilot.cli import matrix as matrix_cli
from kpilot.cli import targets as targets_cli
from kpilot.cli.app import app
from kpilot.engine.periods import Calendar, Grain
from tests.support import make_workspace
from tests.support import run_cli as kpilot

# The lead registers these in kpilot.cli.main; importing them here registers `check` and `matrix` on the app.
REGISTERED = (check_cli.check_command, matrix_cli.matrix_command)
if not any(group.typer_instance is targets_cli.app for group in app.registered_groups):
    app.add_typer(targets_cli.app, name="targets")

DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: revenue, label: Revenue, description: All sales, owner: Ann, grain: month, formula: revenue, unit: currency}
goals:
  - {name: grow, label: Grow the business, owner: CEO, kpis: [{kpi: revenue, weight: 1}]}
targets:
  - {kpi: revenue, period: '2025-06', target: 100}
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Two years of sales, 2023-07 .. 2025-06: team a sells 100 a month, team b 50."""
    calendar = Calendar()
    days, teams, amounts = [], [], []
    for index in range(24):
        month = calendar.shift(date(2023, 7, 1), index, Grain.MONTH)
        for team, amount in (("a", 100.0), ("b", 50.0)):
            days.append(month.replace(day=8))
            teams.append(team)
            amounts.append(amount)
    root = tmp_path / "ws"
    make_workspace(root, DEFINITIONS, {"sales": {"day": days, "team": teams, "amount": amounts}}).close()
    return root


def test_suggest_json(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpilot(
        capsys, "targets", "suggest", "revenue", "-p", "2025-07", "-s", "team=a", "-f", "json", "-w", str(workspace)
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {
        "kpi", "period", "grain", "scope", "direction", "unit", "additive", "kind", "horizon", "window", "bounds",
        "growth_of", "history", "methods", "recommended", "why", "why_code", "reason", "notes", "note_codes",
        "written",
    }  # fmt: skip
    assert (data["kpi"], data["period"], data["scope"], data["recommended"]) == (
        "revenue",
        "2025-07",
        {"team": "a"},
        "seasonal",
    )
    assert len(data["history"]) == 24
    assert data["history"][0] == {"period": "2023-07", "start": "2023-07-01", "value": 100.0}
    assert [m["method"] for m in data["methods"]] == [
        "last",
        "last_year",
        "average",
        "percentile",
        "growth",
        "seasonal",
    ]
    seasonal = data["methods"][-1]
    # 100 every month: each of the 12 replays of seasonal (from the second year on) was exactly right, so the levels
    # are the narrowest allowed, 1 % either side of the base.
    assert (seasonal["commit"], seasonal["target"], seasonal["stretch"], seasonal["recommended"]) == (
        99,
        100,
        101,
        True,
    )
    assert seasonal["spread"] == {"relative": True, "replays": 12, "centre": 0.0, "scale": seasonal["spread"]["scale"],
                                  "default": False}  # fmt: skip
    assert (data["kind"], data["bounds"], data["reason"]) == ("flow", {"low": 0.0, "high": None, "whole": False}, None)
    assert data["written"] is None


def test_suggest_table_and_write(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["targets", "suggest", "revenue", "--period", "2025-07", "-w", str(workspace)]
    code, out, _ = kpilot(capsys, *args, "--history", "12")
    assert code == 0
    assert "Target suggestions for Revenue (revenue), 2025-07" in out
    assert "History (12 months, and 12 earlier for the replays)" in out
    assert "Recommended: seasonal" in out  # last July is known
    path = workspace / "definitions" / "targets.yaml"
    code, out, _ = kpilot(capsys, *args, "--write", "all")
    assert code == 0
    assert "Wrote the target for revenue 2025-07 into" in out
    assert "- {kpi: revenue, period: '2025-07', commit: 148.5, target: 150, stretch: 151.5}" in path.read_text()
    code, out, _ = kpilot(capsys, *args, "--write", "all")
    assert "is already in" in out
    code, out, _ = kpilot(capsys, *args, "--write", "stretch", "--method", "last")
    assert code == 0
    assert "Replaced the existing target for revenue 2025-07" in out
    assert "commit 148.5, target 150, stretch 151.5 -> target 151.5" in out
    code, out, _ = kpilot(capsys, *args, "--write", "target", "-f", "json")
    written = json.loads(out)["written"]
    assert written["replaced"][0]["after"] == {"kpi": "revenue", "period": "2025-07", "target": 150}


def test_suggest_errors(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["targets", "suggest", "--period", "2025-07", "-w", str(workspace)]
    code, _, err = kpilot(capsys, *base, "revenu")
    assert code == 1
    assert "unknown KPI 'revenu'" in err
    code, _, err = kpilot(capsys, *base, "revenue", "--scope", "team=nobody", "--write", "all")
    assert code == 1
    assert "no complete month with a value before 2025-07" in err
    assert not (workspace / "definitions" / "targets.yaml").exists()
    code, _, err = kpilot(capsys, *base, "revenue", "--scope", "team")
    assert (code, "cannot read the scope 'team'" in err) == (1, True)


def test_check_exit_codes_and_json(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpilot(capsys, "check", "-f", "json", "-w", str(workspace))
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"findings", "summary"}
    assert data["summary"]["error"] == 0
    for finding in data["findings"]:
        assert set(finding) == {
            "letter", "criterion", "severity", "kpi", "target", "reason", "reason_code", "fix", "fix_code", "location"
        }  # fmt: skip
    code, out, _ = kpilot(capsys, "check", "-w", str(workspace))
    assert code == 0
    assert "0 error(s)" in out
    main = workspace / "definitions" / "main.yaml"
    main.write_text(main.read_text().replace("{kpi: revenue, weight: 1}", "{kpi: revenue, weight: 1}, {kpi: ghost}"))
    code, out, _ = kpilot(capsys, "check", "-w", str(workspace))
    assert code == 1
    assert "goal 'grow' links to unknown KPI 'ghost'" in out
    assert "Relevant" in out
    code, out, _ = kpilot(capsys, "check", "--format", "json", "-w", str(workspace))
    assert code == 1
    assert json.loads(out)["summary"]["error"] == 1


def test_matrix(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpilot(capsys, "matrix", "--period", "2025-06", "-f", "json", "-w", str(workspace))
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"period", "start", "grain", "elapsed", "weights_add_up_to", "kpis", "goals", "flags"}
    (kpi,) = data["kpis"]
    assert (kpi["kpi"], kpi["owner"], kpi["value"], kpi["status"], kpi["attainment"]) == (
        "revenue",
        "Ann",
        150.0,
        "achieved",
        1.5,
    )
    assert kpi["target"]["target"] == 100
    (goal,) = data["goals"]
    assert (goal["name"], goal["weights"], goal["attainment"], goal["kpis_counted"]) == (
        "grow",
        {"revenue": 1.0},
        1.5,
        1,
    )
    assert data["flags"] == []
    code, out, _ = kpilot(capsys, "matrix", "-p", "2025-06", "-w", str(workspace))
    assert code == 0
    assert "KPI matrix 2025-06" in out
    assert "Grow the business" in out
    assert "150%" in out
