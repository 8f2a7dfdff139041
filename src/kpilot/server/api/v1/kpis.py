"""`/api/v1/kpis`: the KPIs the caller may see, with their definitions and, for catalogue KPIs, the catalogue's
explanation in the caller's language. A KPI the caller may not see is a 404 exactly like one that does not exist."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kpilot.catalogue.catalogue import CatalogueError, load_catalogue
from kpilot.definitions.model import Kpi
from kpilot.i18n import Language
from kpilot.semantic.lookup import require_kpi
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.language import request_language
from kpilot.server.reading import seen_by

router = APIRouter(tags=["kpis"])


@router.get("/kpis", summary="The KPIs the caller may see")
def list_kpis(request: Request, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    language = request_language(request)
    with seen_by(runtime, actor) as workspace:
        return {"kpis": [kpi_data(kpi, language, full=False) for kpi in workspace.definitions.kpis]}


@router.get("/kpis/{name}", summary="One KPI: its definition, formula and explanation")
def one_kpi(name: str, request: Request, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    language = request_language(request)
    with seen_by(runtime, actor) as workspace:
        return kpi_data(require_kpi(workspace.definitions, name), language, full=True)


def kpi_data(kpi: Kpi, language: Language, *, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": kpi.name,
        "label": kpi.label or kpi.name,
        "description": kpi.description,
        "unit": kpi.unit.value,
        "direction": kpi.direction.value,
        "category": kpi.category,
        "owner": kpi.owner,
        "level": kpi.level,
        "tier": kpi.tier,
        "indicator": kpi.indicator,
        "grain": kpi.grain,
        "visibility": kpi.visibility.value,
        "explanation": _explanation(kpi.name, language),
    }
    if full:
        data |= {"formula": kpi.formula, "tags": list(kpi.tags), "mature_after": kpi.mature_after,
                 "at_risk": kpi.at_risk}  # fmt: skip
    return data


def _explanation(name: str, language: Language) -> dict[str, str] | None:
    """The catalogue's texts for a KPI of the same name (what it is, why it matters, how it is computed)."""
    try:
        text = load_catalogue().kpi(name).text(language.value)
    except CatalogueError:
        return None
    return {"label": text.label, "what": text.what, "why": text.why, "how": text.how}
