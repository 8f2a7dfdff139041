"""The charts of the pages as Vega-Lite specs, drawn in the browser by vega-embed (static/app.js): the same spec a
PNG or PDF export will render on the server. A spec holds values and codes only; the words it shows (a tooltip's
labels) come from the catalogue in the reader's language."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


@dataclass(frozen=True)
class Projected:
    """Where a running period is heading (forecast.running.Projection): the value at its end and the interval."""

    value: float
    low: float | None = None
    high: float | None = None


def sparkline(
    points: list[tuple[date, float | None]],
    target: float | None,
    labels: dict[str, str],
    *,
    band: tuple[float, float] | None = None,
    projected: Projected | None = None,
) -> dict[str, Any]:
    """A KPI's last periods as a small line; an empty value is a gap. With them when known: its target as a dashed
    rule, the band from commit to stretch shaded behind, and for a running period (the last point) the pace: a
    dashed line from the last complete period to where the period is heading, with the forecast's interval as a
    bar."""
    values = [{"period": start.isoformat(), "value": _finite(value)} for start, value in points]
    tooltip = [
        {"field": "period", "type": "temporal", "title": labels["period"]},
        {"field": "value", "type": "quantitative", "title": labels["value"], "format": ",.4~g"},
    ]
    x = {"field": "period", "type": "temporal", "axis": None}
    y = {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}}
    layers: list[dict[str, Any]] = []
    if band is not None and all(math.isfinite(edge) for edge in band):
        low, high = sorted(band)
        layers.append(
            {
                "mark": {"type": "rect", "color": "#1b7f3b", "opacity": 0.12},
                "encoding": {"y": {"datum": low}, "y2": {"datum": high}},
            }
        )
    layers.append(
        {"mark": {"type": "line", "point": True, "strokeWidth": 2}, "encoding": {"x": x, "y": y, "tooltip": tooltip}}
    )
    if target is not None and math.isfinite(target):
        layers.append(
            {
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#5b6475"},
                "encoding": {"y": {"datum": target, "type": "quantitative"}},
            }
        )
    if projected is not None and len(points) >= 2 and math.isfinite(projected.value):
        layers.extend(_pace(points, projected, x, tooltip))
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": "container",
        "height": 48,
        "background": None,
        "config": {"view": {"stroke": None}},
        "data": {"values": values},
        "layer": layers,
    }


def _pace(
    points: list[tuple[date, float | None]], projected: Projected, x: dict[str, Any], tooltip: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The running period's pace: from the last complete period's value to the projected end value, and the bar of
    the projection's interval at the running period."""
    (before, previous), (running, _) = points[-2], points[-1]
    ahead: list[dict[str, Any]] = [{"period": running.isoformat(), "value": projected.value}]
    if _finite(previous) is not None:
        ahead.insert(0, {"period": before.isoformat(), "value": previous})
    y = {"field": "value", "type": "quantitative"}
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": ahead},
            "mark": {"type": "line", "strokeDash": [2, 2], "point": {"filled": False}, "color": "#9a6700"},
            "encoding": {"x": x, "y": y, "tooltip": tooltip},
        }
    ]
    if projected.low is not None and projected.high is not None:
        interval = [{"period": running.isoformat(), "low": projected.low, "high": projected.high}]
        layers.append(
            {
                "data": {"values": interval},
                "mark": {"type": "rule", "color": "#9a6700", "strokeWidth": 3, "opacity": 0.5},
                "encoding": {"x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}},
            }
        )
    return layers


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
