"""Anomalies (analysis.anomalies, `kpilot anomalies`): a planted spike is outside its band; a series behaving as
before is flagged about as often as the 99% level says; too short a history says nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from kpilot.analysis.anomalies import Side, anomaly
from tests.support import make_workspace, run_cli


def months(values: list[float]) -> dict[date, float | None]:
    return {date(2020 + index // 12, index % 12 + 1, 1): value for index, value in enumerate(values)}


def test_a_spike_is_outside_its_band() -> None:
    """A level of 100 with a small wobble; month 30 jumps to 160. Seasonal naive (12 months) forecasts month 18's
    value for it: ~100, with a band of 2.58 x a back-test error of a few units."""
    rng = np.random.default_rng(1)
    values = list(100 + rng.normal(0, 2, size=30))
    values[29] = 160.0
    series = months(values)
    last = max(series)
    found = anomaly(series, last, 12)
    assert found is not None
    assert found.side is Side.ABOVE
    assert found.low < 100 < found.high < 110  # about 100 +- 2.58 x 2
    assert found.method == "seasonal_naive"
    assert anomaly(months(values[:29]), max(months(values[:29])), 12) is None  # the month before: inside


def test_a_series_behaving_as_before_is_flagged_about_once_in_a_hundred() -> None:
    """400 series of 36 months of independent noise, each judged on its last month: the 99% band flags about 2% (its
    width is estimated from 12 errors, a t rather than a normal spread); allow up to 3.5%."""
    flagged = 0
    for seed in range(400):
        values = list(50 + np.random.default_rng(seed).normal(0, 5, size=36))
        series = months(values)
        flagged += anomaly(series, max(series), 12) is not None
    assert flagged / 400 <= 0.035, flagged


def test_too_short_a_history_says_nothing() -> None:
    series = months([10.0, 11.0, 10.0, 12.0, 90.0])  # four months before the one judged: fewer than five
    assert anomaly(series, max(series), 1) is None
    assert anomaly(months([10.0] * 8 + [None]), date(2020, 9, 1), 1) is None  # nothing to judge


def test_the_command_lists_them_per_member(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two channels, 30 months; web's last month jumps from ~100 to 200, mail's stays: only web is listed (the
    total moves from ~200 to ~300: outside its band too)."""
    rng = np.random.default_rng(3)
    days, channels, amounts = [], [], []
    for index in range(30):
        day = date(2023 + index // 12, index % 12 + 1, 15)
        for channel in ("web", "mail"):
            days.append(day)
            channels.append(channel)
            amount = 100 + rng.normal(0, 2)
            amounts.append(200.0 if channel == "web" and index == 29 else float(amount))
    workspace = make_workspace(
        tmp_path / "ws", DEFINITIONS, {"sales": {"day": days, "channel": channels, "amount": amounts}}
    )
    workspace.close()
    code, out, err = run_cli(
        capsys, "anomalies", "revenue", "--period", "2025-06", "--by", "channel", "--format", "json",
        "-w", str(tmp_path / "ws"),
    )  # fmt: skip
    assert code == 0, err
    found = json.loads(out)["anomalies"]
    assert {(item["dimension"], item["member"], item["side"]) for item in found} == {
        (None, None, "above"),
        ("channel", "web", "above"),
    }


DEFINITIONS = """\
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [channel]
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: revenue}
"""
