"""A small ad workspace whose numbers are the awkward ones of issue 15: CTRs of 0.0139 % and 0.0195 %, revenue of a
million, durations in hours, a count with a fractional target. Every value below is worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tests.support import make_workspace

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
      - {name: revenue, agg: sum, expr: revenue}
      - {name: response_hours, agg: avg, expr: response_hours}
kpis:
  - {name: ctr, label: Click-through rate, formula: clicks / impressions, unit: percent, category: ads}
  - {name: cpc, label: Cost per click, formula: spend / clicks, unit: currency, direction: down, category: ads}
  - {name: revenue, label: Net operating revenue after all discounts, formula: revenue, unit: currency, owner: Ann}
  - {name: clicks, label: Ad clicks, formula: clicks, owner: Bob}
  - {name: response, label: First response time, formula: response_hours, unit: duration, time_unit: hours,
     direction: down}
targets:
  - {kpi: revenue, every: month, commit: 1000000, target: 1200000, stretch: 1500000}
  - {kpi: clicks, every: month, target: 370.9}
  - {kpi: ctr, every: month, type: above, target: 0.0002}
  - {kpi: response, every: month, type: below, target: 6}
goals:
  - name: grow
    label: Grow revenue profitably and sustainably
    owner: Chief executive officer
    kpis: [{kpi: revenue, weight: 0.7}, {kpi: clicks, weight: 0.3}]
  - name: service
    label: Answer customers quickly
    parent: grow
    kpis: [{kpi: response}]
"""
# January 2025: search 1,000,000 impressions and 139 clicks (CTR 0.0139 %), social 1,000,000 and 195 (0.0195 %);
# both 334 / 2,000,000 = 0.0167 %. February: 2,000,000 and 300 (0.0150 %), 1,000,000 and 100 (0.0100 %).
TABLES: dict[str, dict[str, list[Any]]] = {
    "ads": {
        "day": [date(2025, 1, 10), date(2025, 1, 20), date(2025, 2, 10), date(2025, 2, 20)],
        "channel": ["search", "social", "search", "social"],
        "impressions": [1_000_000, 1_000_000, 2_000_000, 1_000_000],
        "clicks": [139, 195, 300, 100],
        "cost": [100.0, 50.0, 150.0, 25.0],
        "revenue": [772_044.4, 400_000.0, 500_000.0, 250_000.0],
        "response_hours": [6.0, 7.0, 4.0, 5.0],
    }
}


def ads_workspace(root: Path, warehouse: str = "warehouse.duckdb") -> Path:
    make_workspace(root, DEFINITIONS, TABLES, warehouse=warehouse).close()
    return root
