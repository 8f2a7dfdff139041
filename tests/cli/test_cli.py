"""The command line end to end: exit codes, messages for people, exact CSV and JSON for machines."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.support import run_cli as kpilot

DEFINITIONS = """\
sources:
  - name: ads
    table: ads
    time: day
    dimensions: [channel]
    measures:
      - {name: impressions, agg: sum, expr: impressions}
      - {name: clicks, agg: sum, expr: clicks}
      - {name: spend, agg: sum, expr: cost}
kpis:
  - {name: ctr, label: Click-through rate, formula: clicks / impressions, unit: percent}
  - {name: cpc, formula: spend / clicks, unit: currency, direction: down}
  - {name: clicks_growth, formula: growth(clicks)}
"""
CSV = """\
day,channel,impressions,clicks,cost
2025-01-03,search,1000,50,"25,50"
2025-01-20,social,3000,30,"12,00"
2025-02-05,search,500,0,"0,00"
2025-03-09,search,400,20,"10,00"
"""


@pytest.fixture
def workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "ws"
    assert kpilot(capsys, "init", str(root), "--timezone", "Europe/Rome")[0] == 0
    (root / "definitions" / "ads.yaml").write_text(DEFINITIONS)
    data = tmp_path / "ads.csv"
    data.write_text(
        "\ufeff"
        + CSV.replace(",", ";")
        .replace('"', "")
        .replace("25;50", "25,50")
        .replace("12;00", "12,00")
        .replace("0;00", "0,00")
        .replace("10;00", "10,00")
    )
    code, out, err = kpilot(capsys, "ingest", str(data), "--table", "ads", "-w", str(root))
    assert code == 0, err
    assert "4 rows created table 'ads'" in out
    return root


def test_init_refuses_an_existing_workspace(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (workspace / "kpilot.yaml").read_text()
    code, _, err = kpilot(capsys, "init", str(workspace))
    assert code == 1
    assert "already holds a kpilot workspace" in err
    assert (workspace / "kpilot.yaml").read_text() == before


def test_validate_ok_and_broken(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kpilot(capsys, "validate", "-w", str(workspace))
    assert (code, out.strip()) == (0, "OK: 1 source(s), 3 KPI(s)")
    broken = DEFINITIONS.replace("expr: clicks}", "expr: clics}").replace("spend / clicks", "spend / clikcs")
    (workspace / "definitions" / "ads.yaml").write_text(broken)
    code, _, err = kpilot(capsys, "validate", "-w", str(workspace))
    assert code == 1
    lines = err.splitlines()
    assert any(line.startswith("definitions/ads.yaml:8:40: error: measure 'ads.clicks' expr") for line in lines)
    assert any("unknown column 'clics'" in line and "did you mean 'clicks'?" in line for line in lines)
    assert any(line.startswith("definitions/ads.yaml:12:34: error: KPI 'cpc'") for line in lines)
    assert "2 problem(s) found" in err


def test_compute_csv_is_exact(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpilot(capsys, "compute", "ctr", "cpc", "clicks_growth", "--format", "csv", "-w", str(workspace))
    assert code == 0, err
    # Jan: 80 clicks / 4000 impressions = 0.02, 37.5 / 80 = 0.46875; Feb: 0 / 500 = 0, 0 / 0 empty, 0 / 80 - 1 = -1;
    # Mar: 20 / 400 = 0.05, 10 / 20 = 0.5, the base is 0 so growth is empty.
    assert out == textwrap.dedent("""\
        period,ctr,cpc,clicks_growth,partial
        2025-01-01,0.02,0.46875,,false
        2025-02-01,0.0,,-1.0,false
        2025-03-01,0.05,0.5,,false
        """)


def test_compute_json_by_channel_and_range(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kpilot(
        capsys,
        "compute",
        "ctr",
        "--by",
        "channel",
        "--from",
        "2025-01-10",
        "--to",
        "2025-01-31",
        "--format",
        "json",
        "-w",
        str(workspace),
    )
    assert code == 0
    # Only 20 January is inside the range: social 30 / 3000 (search has no rows in the range, so no line).
    assert json.loads(out) == [{"period": "2025-01-01", "channel": "social", "ctr": 0.01, "partial": True}]


def test_compute_table_for_people(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kpilot(capsys, "compute", "ctr", "cpc", "--grain", "all", "-w", str(workspace))
    assert code == 0
    # 100 clicks / 4900 impressions = 2.04 %; 47.5 / 100 = 0.475 EUR.
    assert "2.04 %" in out
    assert "0.47 EUR" in out or "0.48 EUR" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compute", "ctrr"], "unknown KPI 'ctrr'"),
        (["compute", "ctr", "--by", "chanel"], "source 'ads' (used by ctr) has no dimension 'chanel'"),
        (["compute", "clicks_growth", "--grain", "all"], "uses growth(), which compares periods"),
        (["compute", "ctr", "--from", "2025-13-01"], "start '2025-13-01' is not a date"),
        (["compute", "ctr", "--from", "2025-03-01", "--to", "2025-01-01"], "start 2025-03-01 is after end 2025-01-01"),
        (["compute", "ctr", "--where", "chanel = 'x'"], "unknown column 'chanel'"),
        (["compute", "ctr", "--where", "channel = "], "expected"),
    ],
)
def test_compute_errors_are_clear(
    workspace: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = kpilot(capsys, *args, "-w", str(workspace))
    assert code == 1
    assert message in err


def test_ingest_rejects_a_file_that_does_not_fit(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("day,channel,impressions,clicks,cost\n2025-04-01,search,10,1,1.0\n2025-04-02,search,x,1,1.0\n")
    code, _, err = kpilot(capsys, "ingest", str(bad), "--table", "ads", "-w", str(workspace))
    assert code == 1
    assert "bad.csv" in err
    code, out, _ = kpilot(capsys, "compute", "ctr", "--grain", "all", "--format", "csv", "-w", str(workspace))
    # Nothing of the bad file was written: still 100 / 4900.
    assert out.splitlines()[1].startswith(repr(100 / 4900))


def test_sql_prints_the_query(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kpilot(capsys, "sql", "ctr", "--by", "channel", "-w", str(workspace))
    assert code == 0
    assert out.lstrip().startswith(("SELECT", "WITH"))
    assert "NULLIF" in out
    assert out.count('FROM "ads"') == 1  # one scan of the source


def test_not_a_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kpilot(capsys, "compute", "ctr", "-w", str(tmp_path))
    assert code == 1
    assert "is not a kpilot workspace" in err
