"""Alert rules evaluated on a small workspace, each verdict worked out by hand: monthly sales of two teams from
2024-10 to 2026-11 (EMEA 1,000 a month, APAC 500, each 1st of the month), with November 2026 changed per test.
Evaluated on 2026-12-07: the last complete month is 2026-11, the running one 2026-12."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from kpilot import Workspace
from kpilot.alerts.states import Outcome
from kpilot.definitions.alert_model import AlertRule
from kpilot.i18n import Language, render
from kpilot.services.alert_eval import evaluate
from tests.support import make_workspace

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
MONTHS = [date(2024 + (9 + i) // 12, (9 + i) % 12 + 1, 1) for i in range(26)]  # 2024-10 ... 2026-11
DEFINITIONS = """\
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: amount, agg: sum, expr: amount}
      - {name: returns, agg: sum, expr: returns}
kpis:
  - {name: revenue, formula: amount}
  - {name: returns, formula: returns, direction: down}
targets:
  - {kpi: revenue, every: month, scope: {team: EMEA}, target: 900}
"""


def workspace(tmp_path: Path, november: dict[str, tuple[float, float]]) -> Workspace:
    rows: dict[str, list[object]] = {"day": [], "team": [], "amount": [], "returns": []}
    for month in MONTHS:
        for team, (amount, returns) in {"EMEA": (1000.0, 10.0), "APAC": (500.0, 5.0)}.items():
            if month == date(2026, 11, 1) and team in november:
                amount, returns = november[team]
            rows["day"].append(month)
            rows["team"].append(team)
            rows["amount"].append(amount)
            rows["returns"].append(returns)
    return make_workspace(tmp_path / "ws", DEFINITIONS, {"sales": rows})


def rule(**fields: object) -> AlertRule:
    return AlertRule.model_validate({"name": "r", **fields})


def by_team(tmp_path: Path, november: dict[str, tuple[float, float]], **fields: object) -> dict[str, Outcome]:
    ws = workspace(tmp_path, november)
    try:
        found = evaluate(ws, rule(by=["team"], **fields), NOW)
        assert {verdict.period for verdict in found} == {"2026-11"}
        return {verdict.scope["team"]: verdict.verdict.outcome for verdict in found}
    finally:
        ws.close()


def test_an_unfavourable_change_per_team(tmp_path: Path) -> None:
    # EMEA 1,000 -> 700 (-30 %): breach; APAC 500 -> 480 (-4 %): under the 10 % minimum
    found = by_team(tmp_path, {"EMEA": (700, 10), "APAC": (480, 5)}, when="change", kpi="revenue", min_change=10)
    assert found == {"APAC": Outcome.CLEAR, "EMEA": Outcome.BREACH}


def test_a_lower_is_better_kpi_alerts_when_it_rises(tmp_path: Path) -> None:
    # returns 10 -> 20 in EMEA: worse (direction down); 5 -> 2 in APAC: better
    found = by_team(tmp_path, {"EMEA": (1000, 20), "APAC": (500, 2)}, when="change", kpi="returns", min_change=10)
    assert found == {"APAC": Outcome.CLEAR, "EMEA": Outcome.BREACH}


def test_below_the_target(tmp_path: Path) -> None:
    # EMEA's target is 900 a month: 700 is below it; APAC has no target: nothing to judge
    found = by_team(tmp_path, {"EMEA": (700, 10)}, when="threshold", kpi="revenue", below="target")
    assert found == {"APAC": Outcome.EMPTY, "EMEA": Outcome.BREACH}


def test_an_anomaly_outside_the_band(tmp_path: Path) -> None:
    # 25 identical months, then 5,000: far outside any band drawn from them; APAC unchanged: inside
    found = by_team(tmp_path, {"EMEA": (5000, 10)}, when="anomaly", kpi="revenue")
    assert found == {"APAC": Outcome.CLEAR, "EMEA": Outcome.BREACH}


def test_a_source_that_never_loaded_through_kpilot_is_stale(tmp_path: Path) -> None:
    ws = workspace(tmp_path, {})
    try:
        (found,) = evaluate(ws, rule(when="stale", source="sales", hours=48), NOW)
        assert found.verdict.outcome is Outcome.BREACH
        assert render(found.verdict.reason, Language.EN).startswith("no load of the source is recorded")
    finally:
        ws.close()
