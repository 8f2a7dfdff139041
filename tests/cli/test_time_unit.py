"""`time_unit` on duration KPIs: checked when the definitions load, carried by the catalogue into a workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import run_cli as kpilot

DEFINITIONS = """\
sources:
  - {name: s, table: t, time: day, measures: [{name: h, agg: avg, expr: h}]}
kpis:
  - {name: wait, formula: h, unit: percent, time_unit: days}
  - {name: wait2, formula: h, unit: duration, time_unit: fortnights}
  - {name: wait3, formula: h, unit: duration, time_unit: hours}
"""


def test_a_time_unit_needs_a_duration_and_a_known_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    assert kpilot(capsys, "init", str(root))[0] == 0
    (root / "definitions" / "a.yaml").write_text(DEFINITIONS)
    code, _, err = kpilot(capsys, "validate", "--no-data", "-w", str(root))
    assert code == 1
    assert err.splitlines() == [
        "definitions/a.yaml:4:5: error: 'time_unit' applies only to unit: duration (this KPI's unit is percent)",
        "definitions/a.yaml:5:58: error: 'time_unit': invalid value 'fortnights'; expected 'seconds', 'minutes', "
        "'hours', 'days' or 'weeks'",
        "2 problem(s) found",
    ]


def test_the_catalogue_gives_its_durations_a_time_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    assert kpilot(capsys, "init", str(root))[0] == 0
    code, _, err = kpilot(
        capsys, "catalogue", "add", "first_response_time", "average_sales_cycle", "--no-check", "-w", str(root)
    )
    assert code == 0, err
    written = (root / "definitions" / "catalogue.yaml").read_text()
    # Support tickets count hours, the sales cycle days (docs/catalogue.md).
    response = written[written.index("name: first_response_time") :]
    cycle = written[written.index("name: average_sales_cycle") :]
    assert response.index("time_unit: hours") < response.index("direction:")
    assert cycle.index("time_unit: days") < cycle.index("direction:")
