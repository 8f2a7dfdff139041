"""`/`: My KPIs, the page a person lands on after signing in: the KPIs they may see, over the rows they may see
(the service layer's view of the workspace for them, as every API route reads it), for the last complete period,
as cards; `?period=current` shows the running period instead, so far (any other value is the default). Signed out,
it sends the browser to `/sign-in` and back here after."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.api import Workspace
from kpilot.engine.arguments import make_request
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.goals.scorecard import ScorecardLine
from kpilot.i18n import Period, text
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.cards import Card, card
from kpilot.server.web.charts import Projected, sparkline
from kpilot.server.web.export_links import scorecard_links
from kpilot.server.web.freshness import kpis_loaded_at
from kpilot.server.web.kpi_moved import moved_url
from kpilot.server.web.live import stream_url
from kpilot.server.web.reader import Reader, signed_in, signed_page

router = APIRouter(include_in_schema=False)


RUNNING = "current"  # `?period=current`: the running period (so far); without it, the last complete one


@router.get("/")
async def my_kpis(request: Request, period: Annotated[str | None, Query(max_length=32)] = None) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    actor, language = reader.actor, reader.language
    running = period == RUNNING
    runtime: Runtime = request.app.state.runtime

    def cards() -> tuple[Period, list[Card]]:
        with seen_by(runtime, actor) as workspace:
            result = workspace.scorecard(period=RUNNING if running else None)
            currency = workspace.settings.currency
            shown = Period(result.period, result.grain.value, result.name)
            trends = history(workspace, [line.kpi.name for line in result.lines], result.period, result.grain)
            labels = {"period": text("web.chart.period", language), "value": text("web.chart.value", language)}
            loaded = kpis_loaded_at(workspace, [line.kpi.name for line in result.lines])
            return shown, [
                card(
                    line,
                    currency,
                    language,
                    spark=_spark(trends.get(line.kpi.name), line, labels),
                    loaded=loaded.get(line.kpi.name),
                    # A sum so far against a whole period would be "fell" every month: only rates are compared
                    # while the period runs.
                    moved=None if line.partial and line.additive else moved_url(line.kpi.name, result.name),
                )
                for line in result.lines
            ]

    shown, found = await run_in_threadpool(cards)
    live = stream_url([each.kpi for each in found])
    return signed_page(
        request,
        "my_kpis.html",
        reader,
        period=shown,
        cards=found,
        live=live,
        running=running,
        exports=scorecard_links(),
    )


HISTORY = 12  # periods a card's sparkline shows, the period shown last


def history(
    workspace: Workspace, kpis: list[str], period: date, grain: Grain
) -> dict[str, list[tuple[date, float | None]]]:
    """Each KPI's values over the HISTORY periods that end with `period`, computed together (one statement per
    group of sources); a KPI that cannot be computed over them has none."""
    if grain is Grain.ALL or not kpis:
        return {}
    calendar = workspace.calendar
    first = calendar.shift(period, 1 - HISTORY, grain)
    last = calendar.shift(period, 1, grain) - timedelta(days=1)
    requests = [make_request([kpi], grain=grain, start=first, end=last) for kpi in kpis]
    found: dict[str, list[tuple[date, float | None]]] = {}
    for kpi, outcome in zip(kpis, workspace.compute_each(requests), strict=True):
        if isinstance(outcome, UserError):
            continue
        found[kpi] = [(row["period"], _number(row[kpi])) for row in outcome.to_pylist()]
    return found


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else None


def _spark(
    points: list[tuple[date, float | None]] | None, line: ScorecardLine, labels: dict[str, str]
) -> dict[str, Any] | None:
    if not points or all(value is None for _, value in points):
        return None
    target = line.target
    band = None
    if target is not None and target.commit is not None and target.stretch is not None:
        band = (target.commit, target.stretch)
    projection = line.projection if line.partial else None
    projected = None
    if projection is not None and projection.value is not None:
        projected = Projected(projection.value, projection.low, projection.high)
    return sparkline(points, target.target if target is not None else None, labels, band=band, projected=projected)
