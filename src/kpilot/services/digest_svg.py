"""A digest card's sparkline as inline SVG, drawn on the server: an e-mail cannot run the pages' Vega scripts, and
an inline image needs nothing fetched. The line joins the periods that have a value (a gap where one has none), the
last one marked; the target band (commit to stretch) is shaded behind it when the target has both, else the target
is a dashed line, as on My KPIs' cards (server.web.charts)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kpilot.services.digest_cards import Point

WIDTH, HEIGHT, PAD = 120.0, 32.0, 3.0
LINE, BAND, TARGET = "#2563eb", "#dcfce7", "#16a34a"


def sparkline_svg(
    points: Sequence[Point],
    *,
    target: Decimal | None = None,
    commit: Decimal | None = None,
    stretch: Decimal | None = None,
    label: str = "",
) -> str:
    """The SVG markup (`label` is its accessible name, escaped here); "" when no period has a value."""
    known = [float(point.value) for point in points if point.value is not None]
    if not known:
        return ""
    band = (float(commit), float(stretch)) if commit is not None and stretch is not None else None
    line = float(target) if target is not None and band is None else None
    levels = known + list(band or ()) + ([line] if line is not None else [])
    low, high = min(levels), max(levels)
    span = (high - low) or 1.0  # a flat line is drawn in the middle
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        if high == low:
            return HEIGHT / 2
        return HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)

    parts = [
        _open(
            "svg",
            xmlns="http://www.w3.org/2000/svg",
            width=f"{WIDTH:g}",
            height=f"{HEIGHT:g}",
            viewBox=f"0 0 {WIDTH:g} {HEIGHT:g}",
            role="img",
            aria_label=label,
        )
    ]
    if band is not None:
        top, bottom = y(max(band)), y(min(band))
        height = max(bottom - top, 1.0)
        parts.append(
            _empty("rect", class_="band", x="0", y=f"{top:.1f}", width=f"{WIDTH:g}", height=f"{height:.1f}", fill=BAND)
        )
    if line is not None:
        at = f"{y(line):.1f}"
        parts.append(
            _empty(
                "line", class_="target", x1="0", y1=at, x2=f"{WIDTH:g}", y2=at, stroke=TARGET, stroke_dasharray="3 2"
            )
        )
    for run in _runs(points):
        drawn = " ".join(f"{PAD + index * step:.1f},{y(value):.1f}" for index, value in run)
        parts.append(_empty("polyline", points=drawn, fill="none", stroke=LINE, stroke_width="1.5"))
    last = max(index for index, point in enumerate(points) if point.value is not None)
    value = points[last].value
    assert value is not None
    parts.append(_empty("circle", cx=f"{PAD + last * step:.1f}", cy=f"{y(float(value)):.1f}", r="2", fill=LINE))
    parts.append("</svg>")
    return "".join(parts)


def _attributes(attributes: dict[str, str]) -> str:
    """`name="value"` pairs, escaped; a Python name's `_` is the attribute's `-` (`class_` is `class`)."""
    return "".join(f' {name.strip("_").replace("_", "-")}="{_escaped(value)}"' for name, value in attributes.items())


def _open(tag: str, **attributes: str) -> str:
    return f"<{tag}{_attributes(attributes)}>"


def _empty(tag: str, **attributes: str) -> str:
    return f"<{tag}{_attributes(attributes)}/>"


def _runs(points: Sequence[Point]) -> list[list[tuple[int, float]]]:
    """The stretches of consecutive periods with a value (a missing value breaks the line)."""
    runs: list[list[tuple[int, float]]] = [[]]
    for index, point in enumerate(points):
        if point.value is None:
            runs.append([])
        else:
            runs[-1].append((index, float(point.value)))
    return [run for run in runs if run]


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
