"""kpi_history when the KPIs cannot be computed together (forecast.history._alone): KPIs that read the same sources
are computed together, each failing group's KPIs alone, and every KPI gets the value or the error it would get
alone. Values are sums of the rows below, by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kpilot import Workspace
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.forecast.history import kpi_history
from tests.security.recording import record
from tests.support import make_workspace

ORDERS = {
    "day": [date(2025, 1, 5), date(2025, 1, 20), date(2025, 2, 3)],
    "team": ["north", "south", "north"],
    "amount": [10, 20, 40],
}
ADS = {"day": [date(2025, 1, 1), date(2025, 2, 1)], "cost": [4.0, 10.0]}
DEFINITIONS = """
sources:
  - name: orders
    table: orders
    time: day
    dimensions: [team]
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: orders, agg: count}
  - name: ads
    table: ads
    time: day
    measures:
      - {name: cost, agg: sum, expr: cost}
kpis:
  - {name: revenue, formula: revenue}
  - {name: orders, formula: orders}
  - {name: cost, formula: cost}
  - {name: roas, formula: revenue / cost}
"""
KPIS = ["revenue", "orders", "cost", "roas"]


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    workspace = make_workspace(tmp_path / "ws", DEFINITIONS, {"orders": ORDERS, "ads": ADS})
    yield workspace
    workspace.close()


def test_a_scope_some_sources_lack_computes_the_others_together(ws: Workspace) -> None:
    scope = (("team", "north"),)
    ws.compute(["revenue"], today=date(2025, 6, 1))  # the sources' checks, once per workspace
    ws.forget_answers()
    log = record(ws)
    history = kpi_history(ws, KPIS, Grain.MONTH, date(2025, 1, 1), date(2025, 2, 28), scope=scope)
    computations = [statement for statement in log if statement.lstrip().upper().startswith("WITH")]
    assert len(computations) == 1  # revenue and orders together; cost and roas refused before any query
    (together,) = history.computations
    assert together.names == ("revenue", "orders")
    assert [(row["period"], row["revenue"], row["orders"]) for row in together.rows] == [
        (date(2025, 1, 1), 10, 1),
        (date(2025, 2, 1), 40, 1),
    ]
    assert set(history.errors) == {"cost", "roas"}
    for name in ("cost", "roas"):  # the error each gets alone
        with pytest.raises(UserError) as alone:
            ws.compute([name], grain="month", start="2025-01-01", end="2025-02-28", scope=dict(scope))
        assert history.errors[name].message == alone.value.message
