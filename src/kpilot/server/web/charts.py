"""The charts of the pages as Vega-Lite specs, drawn in the browser by vega-embed (static/app.js): the same spec a
PNG or PDF export will render on the server. A spec holds values and codes only; the words it shows (a tooltip's
labels) come from the catalogue in the reader's language."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def sparkline(points: list[tuple[date, float | None]], target: float | None, labels: dict[str, str]) -> dict[str, Any]:
    """A KPI's last periods as a small line, with its target as a rule when it has one; an empty value is a gap."""
    values = [
        {"period": start.isoformat(), "value": value if value is not None and math.isfinite(value) else None}
        for start, value in points
    ]
    line: dict[str, Any] = {
        "mark": {"type": "line", "point": True, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "period", "type": "temporal", "axis": None},
            "y": {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}},
            "tooltip": [
                {"field": "period", "type": "temporal", "title": labels["period"]},
                {"field": "value", "type": "quantitative", "title": labels["value"], "format": ",.4~g"},
            ],
        },
    }
    layers: list[dict[str, Any]] = [line]
    if target is not None and math.isfinite(target):
        layers.append(
            {
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#5b6475"},
                "encoding": {"y": {"datum": target, "type": "quantitative"}},
            }
        )
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": "container",
        "height": 48,
        "background": None,
        "config": {"view": {"stroke": None}},
        "data": {"values": values},
        "layer": layers,
    }
