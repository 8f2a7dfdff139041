"""What drives a goal (analysis.drivers): the Shapley split of R² worked out by hand.

Two drivers that never move together (x1 = +1, -1, +1, -1, ...; x2 = +1, +1, -1, -1, ...: orthogonal, both of mean 0
and variance 1) and an outcome y = 2 x1 + x2 exactly: R² = 1; alone, x1 explains 4 / (4 + 1) = 80% of y's variance
and x2 20%; with orthogonal drivers every order of joining gives each the same gain, so the Shapley shares are 80%
and 20%. A driver that is the other's copy gets half, by symmetry.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kpilot.analysis.drivers import goal_drivers
from tests.support import make_workspace, run_cli

X1 = [1.0, -1.0, 1.0, -1.0] * 4
X2 = [1.0, 1.0, -1.0, -1.0] * 4


def rows(**columns: list[float]) -> list[dict[str, float | None]]:
    names = list(columns)
    return [{name: columns[name][index] for name in names} for index in range(len(columns[names[0]]))]


def test_orthogonal_drivers_split_as_their_own_r_squared() -> None:
    y = [2 * a + b for a, b in zip(X1, X2, strict=True)]
    found = goal_drivers("y", rows(y=y, x1=X1, x2=X2), ["x1", "x2"], {"x1": 1, "x2": 1})
    assert found.r_squared == pytest.approx(1)
    shares = {d.kpi: d.share for d in found.drivers}
    assert shares == {"x1": pytest.approx(0.8), "x2": pytest.approx(0.2)}
    assert [d.kpi for d in found.drivers] == ["x1", "x2"]  # largest first
    assert {d.kpi: d.weight for d in found.drivers} == {"x1": 0.5, "x2": 0.5}
    # x1 weighs half but explains 80%: 0.3 apart, more than 0.2: named; x2 (20% against 50%) too.
    assert {d.kpi for d in found.disagreeing} == {"x1", "x2"}
    assert all(d.direction == 1 for d in found.drivers)


def test_a_copy_gets_half_and_the_sign_shows_the_way() -> None:
    y = [-a for a in X1]
    found = goal_drivers("y", rows(y=y, a=X1, b=list(X1)), ["a", "b"], {"a": 3, "b": 1})
    assert {d.kpi: d.share for d in found.drivers} == {"a": pytest.approx(0.5), "b": pytest.approx(0.5)}
    assert found.r_squared == pytest.approx(1)
    assert {d.kpi: d.weight for d in found.drivers} == {"a": 0.75, "b": 0.25}


def test_too_few_points_or_an_outcome_that_never_moves() -> None:
    short = goal_drivers("y", rows(y=X1[:10], x1=X1[:10], x2=X2[:10]), ["x1", "x2"], {})  # 10 < 5 x 2 + 2
    assert (short.r_squared, short.drivers, short.points) == (None, (), 10)
    flat = goal_drivers("y", rows(y=[3.0] * 16, x1=X1, x2=X2), ["x1", "x2"], {})
    assert flat.r_squared is None
    small = [0.05 * a for a in X1]  # small numbers, but x1 scaled: R² = 1, the split can check weights
    assert goal_drivers("y", rows(y=small, x1=X1, x2=X2), ["x1", "x2"], {}).checkable
    unrelated = [1.0, 1.0, -1.0, -1.0, -1.0, -1.0, 1.0, 1.0] * 2  # x1 x x2 with a twist: neither explains it
    assert not goal_drivers("y", rows(y=unrelated, x1=X1, x2=X2), ["x1", "x2"], {"x1": 1, "x2": 1}).disagreeing


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    days = [date(2025, month, 10) for month in range(1, 13)] + [date(2026, month, 10) for month in range(1, 5)]
    outcome = [10 + 2 * a + b for a, b in zip(X1, X2, strict=True)]
    data = {"day": days, "x1": [a + 5 for a in X1], "x2": [b + 5 for b in X2], "y": outcome}
    workspace = make_workspace(tmp_path / "ws", DEFINITIONS, {"activity": data})
    workspace.close()
    code, out, err = run_cli(capsys, "drivers", "grow", "-w", str(tmp_path / "ws"), "--format", "json")
    assert code == 0, err
    assert '"outcome": "result"' in out
    assert '"share": 0.8' in out.replace("0.8000000000000002", "0.8").replace("0.7999999999999999", "0.8")
    code, out, _ = run_cli(capsys, "drivers", "grow", "-w", str(tmp_path / "ws"))
    assert "suggestion: first explains 80% of it but weighs 25%: look at its weight again" in out


DEFINITIONS = """\
sources:
  - name: activity
    table: activity
    time: day
    measures:
      - {name: x1, agg: sum, expr: x1}
      - {name: x2, agg: sum, expr: x2}
      - {name: y, agg: sum, expr: y}
kpis:
  - {name: first, formula: x1}
  - {name: second, formula: x2}
  - {name: result, formula: y, indicator: lagging}
goals:
  - name: grow
    kpis: [{kpi: first, weight: 1}, {kpi: second, weight: 3}, {kpi: result, weight: 1}]
"""
