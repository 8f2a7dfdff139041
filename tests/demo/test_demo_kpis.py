"""The demo is believable: every KPI in its documented range, kpilot's own targets pass its own checks, reach their
levels as designed and give a mix of statuses; the survey-based and stock KPIs agree with plain SQL on the tables.

One demo, built on 22 November 2026 (October is its last complete month), serves every test here.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kpilot import Workspace
from kpilot.goals.scorecard import scorecard
from kpilot.goals.smart.check import check_workspace
from kpilot.goals.status import Status
from kpilot.goals.suggest.backtest import BANDS, LevelName, Rates, backtest
from tests.demo.conftest import NOVEMBER, NOVEMBER_GROUP
from tests.goals.suggest.test_real_datasets import DEFINITIONS as REAL
from tests.goals.suggest.test_real_datasets import RETAIL, real_workspace

TODAY = NOVEMBER
OCTOBER = date(2026, 10, 1)
DOC = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"
pytestmark = [pytest.mark.slow, NOVEMBER_GROUP]


@pytest.fixture(scope="module")
def demo(november_demo: Workspace) -> Workspace:
    """The demo of tests/demo/conftest.py (the KPIs are only read here)."""
    return november_demo


def documented_ranges() -> dict[str, tuple[float, float]]:
    """KPI -> (from, to) from the table in docs/data-model.md, section "What the demo's KPIs look like"."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### What the demo's KPIs look like", 1)[1]
    ranges = {}
    for name, low, high in re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|", section, flags=re.MULTILINE):
        ranges[name] = (_number(low), _number(high))
    return ranges


def _number(text: str) -> float:
    text = text.strip().replace(",", "")
    return float(text[:-1].strip()) / 100 if text.endswith("%") else float(text)


def test_every_kpi_lies_in_its_documented_range(demo: Workspace) -> None:
    ranges = documented_ranges()
    names = [k.name for k in demo.definitions.kpis]
    assert sorted(ranges) == sorted(names)
    row = demo.compute(names, grain="month", start="2026-10-01", end="2026-10-31", today=TODAY).to_pylist()[0]
    outside = {
        name: row[name] for name in names if row[name] is None or not ranges[name][0] <= row[name] <= ranges[name][1]
    }
    assert outside == {}


def test_kpilots_own_targets_pass_its_own_smart_check(demo: Workspace) -> None:
    """The demo's targets are kpilot's suggestions for every KPI (the last complete period and the running one)."""
    assert len(demo.definitions.targets) >= 2 * (len(demo.definitions.kpis) - 2)
    about_targets = [f for f in check_workspace(demo, today=TODAY) if f.target is not None]
    assert about_targets == []


def test_the_suggestions_reach_their_levels_as_designed(demo: Workspace, tmp_path: Path) -> None:
    """Replayed over the last 24 months of the demo, and on the real datasets when they are here."""
    overall = backtest(demo, today=TODAY).overall
    assert overall.judged[LevelName.TARGET] > 1500
    parts = [overall]
    if RETAIL.exists():
        for name in REAL:
            with real_workspace(tmp_path / name, name) as ws:
                parts.append(backtest(ws, min_history=3, today=TODAY).overall)
    for rates in (overall, Rates.total(parts)):
        for band in BANDS:
            assert rates.inside(band), (band.level, rates.rate(band.level))


def test_the_scorecard_has_a_believable_mix_of_statuses(demo: Workspace) -> None:
    lines = scorecard(demo, OCTOBER, today=TODAY)
    counts = Counter(line.evaluation.status for line in lines if line.evaluation is not None)
    assert counts[Status.OFF_TRACK] < counts[Status.AT_RISK]
    assert counts[Status.OFF_TRACK] < counts[Status.ACHIEVED]
    assert counts[Status.OFF_TRACK] <= 0.25 * sum(counts.values())


def test_engagement_and_pipeline_agree_with_plain_sql(demo: Workspace) -> None:
    demo.warehouse.close()  # DuckDB opens a file in one configuration per process: kpilot's own reopens on use
    con = duckdb.connect(str(demo.root / "warehouse.duckdb"), read_only=True)
    try:
        answers = "from surveys where kind = 'engagement' and answered_on between '2026-10-01' and '2026-10-31'"
        mean, promoters, detractors, count = con.sql(
            f"select avg(score), count(*) filter (where score >= 9), count(*) filter (where score <= 6), count(*) "
            f"{answers}"
        ).fetchone()  # type: ignore[misc]
        (stock,) = con.sql(
            """
            with days as (select created_on as day from deals union select closed_on from deals),
                 last as (select max(day) as day from days where day between '2026-10-01' and '2026-10-31')
            select sum(amount) from deals, last
            where created_on <= last.day and (closed_on is null or closed_on > last.day)
            """
        ).fetchone()  # type: ignore[misc]
    finally:
        con.close()
    row = demo.compute(["employee_satisfaction", "enps", "pipeline_value"], grain="month", start="2026-10-01",
                       end="2026-10-31", today=TODAY).to_pylist()[0]  # fmt: skip
    assert count > 50
    assert row["employee_satisfaction"] == pytest.approx(mean)
    assert row["enps"] == pytest.approx((promoters - detractors) / count * 100)
    assert row["pipeline_value"] == pytest.approx(float(stock))


def test_the_python_scorecard_is_the_commands_json(demo: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    """`kpilot.Workspace.scorecard(...).to_data()` is what `kpilot scorecard --format json` prints (tests/api has the
    other results, on a small workspace)."""
    import json

    from tests.support import run_cli

    code, out, err = run_cli(capsys, "scorecard", "--period", "2026-10", "--format", "json", "-w", str(demo.root))
    assert code == 0, err
    expected = json.loads(out)
    with Workspace(demo.root) as ws:
        result = ws.scorecard(period="2026-10")
    assert result.to_data() == expected
    assert [record["kpi"] for record in expected] == [k.name for k in demo.definitions.kpis]
    assert {record["period"] for record in expected} == {"2026-10-01"}
    assert sum(record["status_reason_code"] is not None for record in expected) == len(expected)
