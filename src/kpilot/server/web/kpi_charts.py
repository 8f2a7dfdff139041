"""The KPI page's charts as Vega-Lite specs (as server.web.charts writes the cards' sparklines): the history with
its target band, the forecast band and the running period's pace; and a bar per value of a dimension, each bar a
link (Vega-Lite's `href` channel) to the page filtered by that value, so that clicking it drills down with no
script of ours. A spec holds values and codes only; the words it shows come from the catalogue in the reader's
language (`labels`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kpilot.server.web.charts import VEGA_LITE_SCHEMA
from kpilot.server.web.kpi_numbers import Point, Step

TARGET, FORECAST, VALUE, ACTIVE, BAR = "#1b7f3b", "#5b6475", "#1d4ed8", "#9a3412", "#4c6fc4"


@dataclass(frozen=True)
class Pace:
    """The running period: where it should be by now (the target times the share of the period gone) and where it
    is heading (the projection and its interval)."""

    expected: float | None
    projection: float | None
    low: float | None
    high: float | None


def history_chart(
    points: Sequence[Point],
    steps: Sequence[Step],
    pace: Pace | None,
    labels: Mapping[str, str],
    periods: Mapping[str, str],
    *,
    follows: bool = True,
    between: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """`periods`: each period's name (2025-02) in the reader's words (February 2025, febbraio 2025), which the axis
    shows (a temporal axis would speak the browser's language). `follows`: the forecast's first period is the one
    after the last point (its line then starts at the last value); else `between` are the periods in between
    (their start and words), on the axis with no value."""
    rows: list[dict[str, Any]] = [
        {
            "period": point.start.isoformat(),
            "label": periods.get(point.name, point.name),
            "value": _finite(point.value),
            "commit": _finite(point.commit),
            "target": _finite(point.target),
            "stretch": _finite(point.stretch),
        }
        for point in points
    ]
    if pace is not None and rows:
        rows[-1].update(
            expected=_finite(pace.expected),
            projection=_finite(pace.projection),
            projection_low=_finite(pace.low),
            projection_high=_finite(pace.high),
        )
    if steps and points and rows[-1]["value"] is not None and follows:
        rows[-1]["forecast"] = rows[-1]["value"]  # the forecast's line starts where the values end
    rows.extend({"period": start, "label": words} for start, words in between)
    for step in steps:
        rows.append(
            {
                "period": step.start.isoformat(),
                "label": periods.get(step.name, step.name),
                "forecast": _finite(step.value),
                "low": _finite(step.low),
                "high": _finite(step.high),
            }
        )
    x = {
        "field": "label",
        "type": "ordinal",
        "title": labels["period"],
        "scale": {"domain": [row["label"] for row in rows]},  # in time's order, whichever layer has which periods
        "axis": {"labelAngle": -40, "labelOverlap": True},
    }
    axis = labels["value"]
    layers = [
        _band("commit", "stretch", TARGET, x, labels, (labels["commit"], labels["stretch"])),
        _line("target", TARGET, x, labels["target"], axis, dash=True),
        _band("low", "high", FORECAST, x, labels, (labels["low"], labels["high"])),
        _line("forecast", FORECAST, x, labels["forecast"], axis, dash=True),
        _line("value", VALUE, x, labels["value"], axis),
        _marks("expected", "tick", ACTIVE, x, labels["expected"], axis),
        _marks("projection", "point", ACTIVE, x, labels["projection"], axis),
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": "container",
        "height": 220,
        "background": None,
        "data": {"values": rows},
        "layer": layers,
    }


def breakdown_chart(bars: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> dict[str, Any]:
    """One bar per value (`member`, `value`, `href`, `active`), in the order given."""
    values = [{**bar, "value": _finite(bar["value"])} for bar in bars]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": "container",
        "height": {"step": 24},
        "background": None,
        "data": {"values": values},
        "mark": {"type": "bar", "cursor": "pointer"},
        "encoding": {
            "y": {"field": "member", "type": "nominal", "sort": None, "title": labels["member"]},
            "x": {"field": "value", "type": "quantitative", "title": labels["value"]},
            "href": {"field": "href"},
            "color": {"condition": {"test": "datum.active", "value": ACTIVE}, "value": BAR},
            "tooltip": [
                {"field": "member", "type": "nominal", "title": labels["member"]},
                {"field": "value", "type": "quantitative", "title": labels["value"], "format": ",.4~g"},
            ],
        },
    }


def _y(field: str, title: str) -> dict[str, Any]:
    """Every layer's y has the same title (the value's), so that the shared axis says it once."""
    return {"field": field, "type": "quantitative", "title": title, "scale": {"zero": False}}


def _present(*fields: str) -> dict[str, str]:
    return {"filter": " && ".join(f"isValid(datum.{name})" for name in fields)}


def _band(
    low: str, high: str, colour: str, x: dict[str, Any], labels: Mapping[str, str], titles: tuple[str, str]
) -> dict[str, Any]:
    return {
        "transform": [_present(low, high)],
        "mark": {"type": "area", "opacity": 0.18, "color": colour},
        "encoding": {
            "x": x,
            "y": _y(low, labels["value"]),
            "y2": {"field": high},
            "tooltip": [
                {"field": "label", "type": "nominal", "title": labels["period"]},
                {"field": low, "type": "quantitative", "title": titles[0], "format": ",.4~g"},
                {"field": high, "type": "quantitative", "title": titles[1], "format": ",.4~g"},
            ],
        },
    }


def _line(field: str, colour: str, x: dict[str, Any], title: str, axis: str, *, dash: bool = False) -> dict[str, Any]:
    mark: dict[str, Any] = {"type": "line", "point": True, "color": colour, "strokeWidth": 2}
    if dash:
        mark["strokeDash"] = [5, 4]
    return {
        "transform": [_present(field)],
        "mark": mark,
        "encoding": {"x": x, "y": _y(field, axis), "tooltip": _tooltip(field, title, x["title"])},
    }


def _marks(field: str, kind: str, colour: str, x: dict[str, Any], title: str, axis: str) -> dict[str, Any]:
    return {
        "transform": [_present(field)],
        "mark": {"type": kind, "color": colour, "size": 90 if kind == "point" else 18, "filled": True},
        "encoding": {"x": x, "y": _y(field, axis), "tooltip": _tooltip(field, title, x["title"])},
    }


def _tooltip(field: str, title: str, period: str) -> list[dict[str, Any]]:
    return [
        {"field": "label", "type": "nominal", "title": period},
        {"field": field, "type": "quantitative", "title": title, "format": ",.4~g"},
    ]


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
