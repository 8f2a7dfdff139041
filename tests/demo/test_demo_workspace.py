"""`kpilot demo`: the whole catalogue over the demo company validates and computes, with no empty KPI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kpilot.catalogue.catalogue import load_catalogue
from kpilot.cli.main import run
from kpilot.demo.build import build_demo
from kpilot.errors import QueryError

TODAY = date(2025, 3, 15)


@pytest.mark.slow
def test_demo_workspace_computes_every_catalogue_kpi(tmp_path: Path) -> None:
    with build_demo(tmp_path / "demo", today=TODAY) as ws:
        assert ws.validate() == []
        names = [k.name for k in ws.definitions.kpis]
        # every catalogue KPI, and the one the sales bonus plan pays on (won revenue per rep: docs/bonus.md)
        assert sorted(names) == sorted([*load_catalogue().names, "won_revenue"])
        monthly, snapshots = [], []
        for name in names:
            try:
                ws.compile(ws.request([name], grain="month"))
                monthly.append(name)
            except QueryError:
                snapshots.append(name)  # a source without a time column would compute over all rows only
        # The last complete month (February) and the one before.
        table = ws.compute(monthly, grain="month", start="2025-01-01", end="2025-02-28", today=TODAY)
        assert table.num_rows == 2
        empty = [name for name in monthly if all(value is None for value in table.column(name).to_pylist())]
        assert empty == []
        assert snapshots == []  # every source has a time column: the engagement survey has dates too


def test_demo_refuses_an_existing_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "kpilot.yaml").write_text("name: mine\n")
    with pytest.raises(SystemExit) as exited:
        run(["demo", str(tmp_path / "demo")])
    assert exited.value.code == 1
    assert "already holds a kpilot workspace" in capsys.readouterr().err
    assert (tmp_path / "demo" / "kpilot.yaml").read_text() == "name: mine\n"
