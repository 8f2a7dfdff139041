"""`kpilot rollups status` and `kpilot rollups build` (docs/cli.md#kpilot-rollups), as a person runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.ingest import ingest_local_file
from tests.support import postgres_available, postgres_database, run_cli, write_workspace

DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    rollup: true
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: buyers, agg: count_distinct, expr: customer}
  - name: visits
    table: visits
    time: day
    measures:
      - {name: visits, agg: count}
kpis:
  - {name: revenue, formula: revenue}
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_workspace(tmp_path / "ws", DEFINITIONS)
    path = tmp_path / "sales.csv"
    path.write_text("day,team,customer,amount\n2025-01-02,north,a,10\n2025-01-02,north,b,5\n2025-01-03,south,a,7\n")
    with Workspace(tmp_path / "ws") as ws:
        ingest_local_file(ws, Actor.operator(), path, "sales", now=datetime.now(UTC))
    return tmp_path / "ws"


def status(capsys: pytest.CaptureFixture[str], root: Path) -> dict[str, object]:
    code, out, _ = run_cli(capsys, "rollups", "status", "--format", "json", "-w", str(root))
    assert code == 0
    (found,) = json.loads(out)
    assert isinstance(found, dict)
    return found


def test_status_after_an_ingest(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    found = status(capsys, root)
    # Two days: 2025-01-02 north (10 + 5), 2025-01-03 south: two rollup rows.
    assert (found["source"], found["standing"], found["rows"]) == ("sales", "current", 2)
    assert (found["dimensions"], found["measures"], found["raw_measures"]) == (["team"], ["revenue"], ["buyers"])
    code, out, _ = run_cli(capsys, "rollups", "status", "-w", str(root))
    assert code == 0
    assert "current" in out
    assert "buyers" in out


def test_a_write_kpilot_did_not_make_leaves_it_stale_until_built(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    con.execute("INSERT INTO sales VALUES (DATE '2025-01-09', 'west', 'c', 3)")
    con.close()
    assert status(capsys, root)["standing"] == "stale"
    code, out, _ = run_cli(capsys, "rollups", "build", "-w", str(root))
    assert code == 0
    assert "built the rollup of source 'sales': 3 rows" in out
    assert status(capsys, root)["standing"] == "current"
    with Workspace(root) as ws:
        assert "_kpilot_rollup_sales" in ws.sql(["revenue"], grain="month")
        assert ws.compute(["revenue"], grain="all").column("revenue").to_pylist() == [25]  # 10 + 5 + 7 + 3


def test_building_a_source_without_a_rollup_is_refused(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    code, _, err = run_cli(capsys, "rollups", "build", "visits", "-w", str(root))
    assert code != 0
    assert "source 'visits' declares no rollup" in err
    assert "sales" in err


def test_no_rollup_declared(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write_workspace(tmp_path / "plain", DEFINITIONS.replace("    rollup: true\n", ""))
    code, out, _ = run_cli(capsys, "rollups", "status", "-w", str(tmp_path / "plain"))
    assert code == 0
    assert "no source declares a rollup" in out
    code, _, err = run_cli(capsys, "rollups", "build", "-w", str(tmp_path / "plain"))
    assert code != 0
    assert "no source declares a rollup" in err


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not running on 127.0.0.1:5432")
def test_on_postgresql_loads_go_on_and_requests_read_the_raw_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with postgres_database() as url:
        write_workspace(tmp_path / "pg", DEFINITIONS, warehouse=url)
        path = tmp_path / "sales.csv"
        path.write_text("day,team,customer,amount\n2025-01-02,north,a,10\n2025-01-03,south,a,7\n")
        with Workspace(tmp_path / "pg") as ws:
            ingest_local_file(ws, Actor.operator(), path, "sales", now=datetime.now(UTC))
            assert ws.compute(["revenue"], grain="all").column("revenue").to_pylist() == [17]
            assert "_kpilot_rollup_" not in ws.sql(["revenue"], grain="all")
        found = status(capsys, tmp_path / "pg")
        assert found["standing"] == "unsupported"
        code, _, err = run_cli(capsys, "rollups", "build", "-w", str(tmp_path / "pg"))
        assert code != 0
        assert "this warehouse cannot keep rollups" in err
