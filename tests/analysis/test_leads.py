"""Leading and lagging KPIs tested (analysis.leads): a planted lead is found at its lag; independent series are
flagged about as often as the nominal level says; too little data is said; Benjamini-Hochberg by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from kpilot.analysis.leads import ALPHA, Verdict, benjamini_hochberg, lead_tests
from tests.support import make_workspace, run_cli


def months(values: np.ndarray) -> dict[date, float]:
    return {date(2020 + index // 12, index % 12 + 1, 1): float(value) for index, value in enumerate(values)}


def planted(seed: int, periods: int = 48, lag: int = 2) -> tuple[dict[date, float], dict[date, float]]:
    """A leading KPI (a random walk) and a lagging one that follows its changes `lag` periods later, with noise."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(size=periods + lag)
    leading = np.cumsum(steps)
    follows = 0.9 * steps[:-lag] + 0.4 * rng.normal(size=periods)  # the lagging KPI's change: the lead's, 2 earlier
    return months(leading[lag:]), months(np.cumsum(follows))


def test_a_planted_lead_is_found_at_its_lag() -> None:
    leading, lagging = planted(seed=7)
    noise = months(np.cumsum(np.random.default_rng(99).normal(size=48)))
    found = {test.candidate: test for test in lead_tests(lagging, {"calls": leading, "noise": noise}, max_lag=4)}
    calls = found["calls"]
    assert calls.verdict is Verdict.LEADS
    assert calls.best is not None
    assert calls.best.lag == 2
    assert calls.best.adjusted < 0.001
    assert calls.best.correlation is not None
    assert calls.best.correlation > 0.7
    assert calls.periods == 48
    assert found["noise"].verdict is Verdict.NO_EVIDENCE


def test_independent_series_are_flagged_near_the_nominal_rate() -> None:
    """300 pairs of independent random walks, lags 1 to 3 corrected together per pair: a pair is flagged when any
    lag passes. Under no lead at all the rate should stay near (at most about) 5%; 300 pairs give it a standard error
    of about 1.3 points."""
    flagged = 0
    pairs = 300
    for seed in range(pairs):
        rng = np.random.default_rng(1000 + seed)
        first, second = months(np.cumsum(rng.normal(size=40))), months(np.cumsum(rng.normal(size=40)))
        (test,) = lead_tests(first, {"other": second}, max_lag=3)
        flagged += test.verdict is Verdict.LEADS
    rate = flagged / pairs
    assert 0.005 <= rate <= ALPHA + 0.035, rate


def test_too_little_data_is_said() -> None:
    leading, lagging = planted(seed=3, periods=15)
    (test,) = lead_tests(lagging, {"calls": leading}, max_lag=3)  # 15 periods < 12 + 2 x 3
    assert (test.verdict, test.periods, test.lags) == (Verdict.NOT_ENOUGH_DATA, 15, ())
    flat = months(np.ones(40))
    (constant,) = lead_tests(lagging | months(np.arange(40.0)), {"flat": flat}, max_lag=2)
    assert constant.verdict is Verdict.NOT_ENOUGH_DATA  # a KPI that never moves cannot lead anything


def test_benjamini_hochberg_by_hand() -> None:
    """p = 0.01, 0.04, 0.03, 0.20 (m = 4): sorted 0.01, 0.03, 0.04, 0.20 times 4/1, 4/2, 4/3, 4/4 = 0.04, 0.06, 0.0533,
    0.20; made monotone from the top: 0.04, 0.0533, 0.0533, 0.20; back in the order given."""
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.20]) == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])
    assert benjamini_hochberg([]) == []
    assert benjamini_hochberg([0.9, 0.8]) == [0.9, 0.9]


def test_the_command_tests_the_goal_s_leading_kpis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Calls lead revenue by two months in the rows (the planted series, one row a month); `noise` is tagged leading
    too but moves on its own. The goal names revenue with both: they are the candidates."""
    leading, lagging = planted(seed=11)
    noise = months(np.cumsum(np.random.default_rng(5).normal(size=48)))
    days = sorted(leading)
    rows = {
        "day": days,
        "calls": [round(leading[d] * 100) for d in days],
        "noise": [round(noise[d] * 100) for d in days],
        "revenue": [round(lagging[d] * 100) for d in days],
    }
    workspace = make_workspace(tmp_path / "ws", DEFINITIONS, {"activity": rows})
    workspace.close()
    code, out, _ = run_cli(capsys, "leads", "revenue", "--format", "json", "-w", str(tmp_path / "ws"))
    assert code == 0
    found = {item["kpi"]: item for item in json.loads(out)["candidates"]}
    assert json.loads(out)["chosen_by"] == "goals"
    assert (found["calls"]["verdict"], found["calls"]["lag"]) == ("leads", 2)
    assert found["calls"]["sentence"].startswith("leads by 2 months, p = ")
    assert found["noise"]["verdict"] == "no_evidence"


DEFINITIONS = """\
sources:
  - name: activity
    table: activity
    time: day
    measures:
      - {name: calls, agg: sum, expr: calls}
      - {name: noise, agg: sum, expr: noise}
      - {name: revenue, agg: sum, expr: revenue}
kpis:
  - {name: calls, formula: calls, indicator: leading}
  - {name: noise, formula: noise, indicator: leading}
  - {name: revenue, formula: revenue, indicator: lagging}
goals:
  - name: grow
    kpis: [{kpi: revenue}, {kpi: calls}, {kpi: noise}]
"""


def test_the_matrix_marks_the_leading_links_the_data_supports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same planted lead, through `kpilot matrix --leads`: the goal's link calls -> revenue is supported (2
    months), noise -> revenue is not."""
    leading, lagging = planted(seed=11)
    noise = months(np.cumsum(np.random.default_rng(5).normal(size=48)))
    days = sorted(leading)
    rows = {
        "day": days,
        "calls": [round(leading[d] * 100) for d in days],
        "noise": [round(noise[d] * 100) for d in days],
        "revenue": [round(lagging[d] * 100) for d in days],
    }
    make_workspace(tmp_path / "ws", DEFINITIONS, {"activity": rows}).close()
    code, out, _ = run_cli(capsys, "matrix", "--leads", "--format", "json", "-w", str(tmp_path / "ws"))
    assert code == 0
    found = {(item["leading"], item["lagging"]): item for item in json.loads(out)["leads"]}
    assert set(found) == {("calls", "revenue"), ("noise", "revenue")}
    assert (found[("calls", "revenue")]["verdict"], found[("calls", "revenue")]["lag"]) == ("leads", 2)
    assert found[("noise", "revenue")]["verdict"] == "no_evidence"
    code, out, _ = run_cli(capsys, "matrix", "--leads", "-w", str(tmp_path / "ws"))
    assert code == 0
    assert "grow: calls -> revenue: leads by 2 months, p = " in out
