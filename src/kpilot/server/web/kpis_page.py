"""`/kpis`: every KPI the reader may see, grouped by category, each with its value and status for the period
`kpilot scorecard` shows by default (the last complete month with data) and a link to its own page. The numbers
are the scorecard's over the reader's view of the workspace, as on My KPIs."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.i18n import Period
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.cards import Card, card
from kpilot.server.web.reader import Reader, signed_in, signed_page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Group:
    category: str | None  # as the definitions write it; None: KPIs without one, listed last
    cards: tuple[Card, ...]


@router.get("/kpis")
async def kpi_list(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def groups() -> tuple[Period, list[Group]]:
        with seen_by(runtime, reader.actor) as workspace:
            result = workspace.scorecard()
            currency = workspace.settings.currency
            shown = Period(result.period, result.grain.value, result.name)
            found: dict[str | None, list[Card]] = {}
            for line in result.lines:
                found.setdefault(line.kpi.category, []).append(card(line, currency, reader.language))
        order = sorted(found, key=lambda category: (category is None, category or ""))
        return shown, [Group(category, tuple(found[category])) for category in order]

    period, found = await run_in_threadpool(groups)
    return signed_page(request, "kpis.html", reader, period=period, groups=found)
