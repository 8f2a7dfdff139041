"""A KPI as a card on a page: its value with unit, its status and the reason in words, and the three comparisons
(target, previous period, same period last year; in percentage points for rates), all as text in the reader's
language, made from a scorecard line (goals.scorecard). The numbers are the scorecard's, formatted as every table
formats them (kpilot.results.formatting)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kpilot.goals.scorecard import ScorecardLine
from kpilot.i18n import Elapsed, Language, text
from kpilot.results.data import words
from kpilot.results.formatting import EMPTY, format_change, format_kpi_value, format_share, is_count, status_words


@dataclass(frozen=True)
class Card:
    kpi: str
    label: str
    value: str
    status: str | None  # the status's code (its colour); None: no target to judge by
    status_words: str | None
    reason: str | None
    target: str
    attainment: str
    previous: str
    vs_previous: str
    last_year: str
    vs_last_year: str
    partial: bool
    description: str | None
    spark: Mapping[str, Any] | None = None  # the sparkline's Vega-Lite spec (server.web.charts)
    loaded: str | None = None  # how fresh its data is, in words ("data loaded 5 minutes ago"); None: unknown
    moved: str | None = None  # where its sentence on what moved it most loads from (server.web.kpi_moved)


def card(
    line: ScorecardLine,
    currency: str,
    language: Language,
    *,
    spark: Mapping[str, Any] | None = None,
    loaded: datetime | None = None,
    now: datetime | None = None,
    moved: str | None = None,
) -> Card:
    kpi, evaluation, target = line.kpi, line.evaluation, line.target
    whole = is_count(kpi, line.additive, line.value)

    def shown(value: float | None) -> str:
        return format_kpi_value(value, kpi, currency, whole=whole, language=language) if value is not None else EMPTY

    reason = evaluation.reason if evaluation is not None else line.error
    return Card(
        kpi=kpi.name,
        label=kpi.title,
        value=shown(line.value),
        status=evaluation.status.value if evaluation is not None else None,
        status_words=status_words(evaluation.status, language) if evaluation is not None else None,
        reason=words(reason, language),
        target=shown(target.target) if target is not None else EMPTY,
        attainment=format_share(evaluation.attainment if evaluation is not None else None, language),
        previous=shown(line.previous),
        vs_previous=format_change(line.vs_previous.amount, line.vs_previous.kind, language),
        last_year=shown(line.last_year),
        vs_last_year=format_change(line.vs_last_year.amount, line.vs_last_year.kind, language),
        partial=line.partial,
        description=kpi.description,
        spark=spark,
        loaded=_loaded(loaded, now, language),
        moved=moved,
    )


def _loaded(loaded: datetime | None, now: datetime | None, language: Language) -> str | None:
    if loaded is None:
        return None
    elapsed = ((now or datetime.now(UTC)) - loaded).total_seconds()
    return text("web.card.loaded", language, ago=Elapsed(elapsed))
