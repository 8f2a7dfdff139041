"""`kpilot scorecard` without --period: the last complete month with data, and a line that says so; the first days
of a running month are "too early" rather than off track. Today is fixed by patching the calendar."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kpilot.engine.periods import Calendar
from tests.cli.output_support import DEFINITIONS, TABLES
from tests.support import make_workspace
from tests.support import run_cli as kpilot

TODAY = date(2026, 12, 1)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(Calendar, "today", lambda self, now=None: TODAY)
    return TODAY


def workspace_with(tmp_path: Path, days: list[date]) -> str:
    root = tmp_path / "ws"
    make_workspace(root, DEFINITIONS, {"ads": {**TABLES["ads"], "day": days}}).close()
    return str(root)


def test_historical_data_gets_its_last_complete_month(
    tmp_path: Path, today: date, capsys: pytest.CaptureFixture[str]
) -> None:
    # A dataset that ends on 9 December 2011, seen on 1 December 2026: not November 2026 (all zeros), but November
    # 2011, the last month the data covers to its end.
    ws = workspace_with(tmp_path, [date(2011, 10, 10), date(2011, 10, 20), date(2011, 11, 10), date(2011, 12, 9)])
    code, out, err = kpilot(capsys, "scorecard", "-w", ws)
    assert code == 0
    assert err.strip() == (
        "note: showing 2011-11, the last complete month with data (the data ends on 2011-12-09); "
        "name another with --period"
    )
    assert "Scorecard 2011-11: test" in out
    assert "300" in out  # November 2011: the one row of 300 clicks
    # Machines get the same period, and the note stays out of the JSON.
    code, out, err = kpilot(capsys, "scorecard", "--kpi", "clicks", "-f", "json", "-w", ws)
    assert code == 0
    (record,) = json.loads(out)
    assert (record["period"], record["value"]) == ("2011-11-01", 300)
    assert "2011-11" in err


def test_current_data_gets_the_last_complete_month(
    tmp_path: Path, today: date, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = workspace_with(tmp_path, [date(2026, 10, 10), date(2026, 11, 2), date(2026, 11, 20), date(2026, 11, 30)])
    code, out, err = kpilot(capsys, "scorecard", "--kpi", "clicks", "-w", ws)
    assert code == 0
    assert err.strip() == "note: showing 2026-11, the last complete month; name another with --period"
    assert "Scorecard 2026-11: test" in out
    code, _, err = kpilot(capsys, "scorecard", "--period", "2026-10", "--kpi", "clicks", "-w", ws)
    assert (code, err) == (0, "")  # a period named: nothing to explain


def test_the_first_day_of_a_month_is_too_early_to_judge(
    tmp_path: Path, today: date, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1 December 2026: 139 clicks against a month's target of 370.9 (far ahead of the 370.9 x 0.5 / 31 = 6 due by
    # now) and a CTR of 0.0139 % under its floor of 0.0200 %, with 0.5 of 31 days gone: too early for either.
    monkeypatch.setenv("COLUMNS", "120")
    ws = workspace_with(tmp_path, [date(2026, 12, 1), date(2026, 11, 20), date(2026, 11, 10), date(2026, 10, 20)])
    code, out, _ = kpilot(
        capsys, "scorecard", "--period", "current", "--kpi", "clicks", "--kpi", "ctr", "--explain", "-w", ws
    )
    assert code == 0
    assert "Scorecard 2026-12: test" in out
    assert out.count("│ too early ") == 2  # the status column of both lines
    assert "off track" not in out
    assert "Only 1.6% of December 2026 has passed, too early to judge: Ad clicks is 139 so far" in " ".join(out.split())
    code, out, _ = kpilot(capsys, "scorecard", "--period", "current", "--kpi", "clicks", "-f", "json", "-w", ws)
    (record,) = json.loads(out)
    assert (record["status"], record["value"], record["partial"]) == ("too_early", 139, True)
