"""`/okrs/objectives/{id}`: one objective (docs/dashboard.md#okr-pages): its key results with their measures (baseline,
target, stretch), value, raw progress and grade, pace and projected grade; the KPI and scope a key result is measured
by, linked to the KPI's page; each key result's check-ins (in the workspace's time zone) with a chart of the values
they typed, its milestones and initiatives; what the objective aligns to and what aligns to it.

The objective is read through the service layer (services.okr_my.objective_view: READ_OKRS, the cycle's scores): an
objective that does not exist is a 404 page in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.errors import UserError
from kpilot.i18n import Language, text, value_text
from kpilot.okr.errors import OkrNotFound
from kpilot.server.runtime import Runtime
from kpilot.server.web.charts import VEGA_LITE_SCHEMA
from kpilot.server.web.edit_forms import refusal_page
from kpilot.server.web.okr_tree import cycle_dates
from kpilot.server.web.okr_view import (
    KeyResultRow,
    ObjectiveRow,
    confidence_words,
    key_result_row,
    number,
    objective_row,
)
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.okr_my import Link, ObjectiveView, objective_view
from kpilot.services.okr_scores import KeyResultScore
from kpilot.services.permissions import PermissionDenied
from kpilot.store.okrs import CheckIn

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class CheckInRow:
    at: str  # in the workspace's time zone
    author: str
    value: str
    confidence: str  # the number and its rubric band's words
    note: str
    correction: bool


@dataclass(frozen=True)
class MilestoneRow:
    title: str
    done_on: str  # "" while not done


@dataclass(frozen=True)
class InitiativeRow:
    title: str
    state: str
    link: str | None


@dataclass(frozen=True)
class KeyResultPart:
    row: KeyResultRow
    check_ins: tuple[CheckInRow, ...]
    milestones: tuple[MilestoneRow, ...]
    initiatives: tuple[InitiativeRow, ...]
    chart: dict[str, Any] | None  # the typed values' history (Vega-Lite), None when there is none


@dataclass(frozen=True)
class LinkRow:
    objective: int
    title: str
    key_result: str  # the key result the link goes through, or ""
    weight: str


@router.get("/okrs/objectives/{objective}")
async def objective_page(request: Request, objective: int) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def made() -> dict[str, Any]:
        with runtime.workspace() as workspace, runtime.store() as store:
            view = objective_view(store, reader.actor, workspace, objective)
            return _context(view, workspace.settings.timezone, reader.language)

    try:
        context = await run_in_threadpool(made)
    except OkrNotFound as error:
        return refusal_page(request, reader, "web.okr.not_found", error=error, status_code=404)
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.okr.not_allowed", error=error, status_code=403)
    except UserError as error:
        return refusal_page(request, reader, "web.okr.not_shown", error=error, status_code=422)
    return signed_page(request, "okr_objective.html", reader, **context)


def _context(view: ObjectiveView, timezone: str, language: Language) -> dict[str, Any]:
    scores = view.scores
    initiatives = scores.content.initiatives
    parts = tuple(
        KeyResultPart(
            key_result_row(kr, scores, language),
            tuple(_check_in(c, kr, timezone, language) for c in reversed(kr.check_ins)),  # the newest first
            tuple(
                MilestoneRow(m.title, "" if m.done_on is None else value_text(m.done_on, language))
                for m in kr.milestones
            ),
            tuple(
                InitiativeRow(i.title, text(f"web.okr.initiative.{i.state}", language), i.link)
                for i in initiatives
                if i.key_result_id == kr.key_result.id
            ),
            _chart(kr, language),
        )
        for kr in view.objective.key_results
    )
    objective: ObjectiveRow = objective_row(view.objective, scores, language)
    return {
        "objective": objective,
        "cycle": scores.cycle,
        "cycle_link": f"/okrs?{urlencode({'cycle': scores.cycle.name})}",
        **cycle_dates(scores.cycle, scores.today, language),
        "parts": parts,
        "aligned_to": tuple(_link(link, language) for link in view.aligned_to),
        "aligned_here": tuple(_link(link, language) for link in view.aligned_here),
        "rollup": text(f"web.okr.rule.rollup.{scores.cycle.rollup}", language),
    }


def _check_in(check_in: CheckIn, kr: KeyResultScore, timezone: str, language: Language) -> CheckInRow:
    at = check_in.at.astimezone(ZoneInfo(timezone))
    return CheckInRow(
        at=value_text(at, language),
        author=check_in.author_email or text("web.okr.operator", language),
        value=number(check_in.value, language, kr.key_result.unit) if check_in.value is not None else "",
        confidence=confidence_words(check_in.confidence, language),
        note=check_in.note,
        correction=check_in.correction,
    )


def _link(link: Link, language: Language) -> LinkRow:
    return LinkRow(
        link.objective.id,
        link.objective.title,
        "" if link.key_result is None else link.key_result.title,
        value_text(link.weight, language),
    )


def _chart(kr: KeyResultScore, language: Language) -> dict[str, Any] | None:
    """The values typed in check-ins as a line over time, the target as a dashed rule (the check-ins' table under
    it has the same numbers, for readers without JavaScript and for screen readers)."""
    values = [{"at": c.at.isoformat(), "value": float(c.value)} for c in kr.check_ins if c.value is not None]
    if not values:
        return None
    label = {"at": text("web.okr.chart.at", language), "value": text("web.chart.value", language)}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": True, "strokeWidth": 2},
            "encoding": {
                # Days in digits: Vega's own month and weekday names would be English on every page.
                "x": {"field": "at", "type": "temporal", "title": label["at"], "axis": {"format": "%Y-%m-%d"}},
                "y": {"field": "value", "type": "quantitative", "title": kr.key_result.title, "scale": {"zero": False}},
                "tooltip": [
                    {"field": "at", "type": "temporal", "title": label["at"], "format": "%Y-%m-%d %H:%M"},
                    {"field": "value", "type": "quantitative", "title": label["value"], "format": ",.4~g"},
                ],
            },
        }
    ]
    target = kr.key_result.target
    if target is not None:
        layers.append(
            {
                "mark": {"type": "rule", "strokeDash": [6, 3], "color": "#5b6475"},
                "encoding": {"y": {"datum": float(target), "type": "quantitative"}},
            }
        )
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": "container",
        "height": 160,
        "background": None,
        "data": {"values": values},
        "layer": layers,
    }
