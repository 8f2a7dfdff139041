"""The sparkline's Vega-Lite spec (kpilot.server.web.charts): what each layer holds, worked out from the inputs."""

from __future__ import annotations

from datetime import date
from typing import Any

from kpilot.server.web.charts import Projected, sparkline

LABELS = {"period": "Period", "value": "Value"}
POINTS = [(date(2025, 1, 1), 30.0), (date(2025, 2, 1), 45.0), (date(2025, 3, 1), 12.0)]


def marks(spec: dict[str, Any]) -> list[str]:
    return [layer["mark"]["type"] for layer in spec["layer"]]


def test_a_plain_line_with_a_gap_for_an_empty_value() -> None:
    spec = sparkline([(date(2025, 1, 1), 1.0), (date(2025, 2, 1), None)], None, LABELS)
    assert marks(spec) == ["line"]
    assert spec["data"]["values"] == [{"period": "2025-01-01", "value": 1.0}, {"period": "2025-02-01", "value": None}]


def test_the_target_rule_and_the_band_from_commit_to_stretch() -> None:
    spec = sparkline(POINTS, 50.0, LABELS, band=(60.0, 40.0))  # a band given high first is still low..high
    assert marks(spec) == ["rect", "line", "rule"]
    band, _, rule = spec["layer"]
    assert (band["encoding"]["y"]["datum"], band["encoding"]["y2"]["datum"]) == (40.0, 60.0)
    assert rule["encoding"]["y"]["datum"] == 50.0


def test_a_running_period_shows_its_pace_and_the_interval() -> None:
    """The running month (March, 12 so far) heads for 48 in [40, 55]: the dashed pace goes from February's 45 to
    48 at March, and the interval's bar spans 40..55 at March."""
    spec = sparkline(POINTS, None, LABELS, projected=Projected(48.0, 40.0, 55.0))
    assert marks(spec) == ["line", "line", "rule"]
    _, pace, interval = spec["layer"]
    assert pace["data"]["values"] == [{"period": "2025-02-01", "value": 45.0}, {"period": "2025-03-01", "value": 48.0}]
    assert interval["data"]["values"] == [{"period": "2025-03-01", "low": 40.0, "high": 55.0}]


def test_infinite_values_are_never_drawn() -> None:
    spec = sparkline([(date(2025, 1, 1), float("inf")), (date(2025, 2, 1), 2.0)], float("nan"), LABELS)
    assert marks(spec) == ["line"]
    assert spec["data"]["values"][0]["value"] is None
