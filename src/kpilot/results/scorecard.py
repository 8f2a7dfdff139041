"""The scorecard as a result: `kpilot scorecard` and `kpilot.Workspace.scorecard` build it here, and its
`to_data` is the command's `--format json` (and, flattened, its CSV)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from kpilot.engine.arguments import text_of
from kpilot.engine.period_names import parse_period, period_name
from kpilot.engine.periods import Grain
from kpilot.errors import Issue
from kpilot.goals.scorecard import DefaultPeriod, ScorecardLine, default_scorecard, scorecard
from kpilot.i18n import DEFAULT, Language
from kpilot.results import arguments
from kpilot.results.data import code, plain, words
from kpilot.semantic.lookup import select_kpis
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class ScorecardResult:
    """Each KPI for one period and scope: value, target, status, pace, projection and changes."""

    period: date  # the period's first day
    grain: Grain
    name: str  # the period as people write it: 2025-05, 2025-Q2, 2025
    scope: Mapping[str, str]
    lines: tuple[ScorecardLine, ...]
    chosen: DefaultPeriod | None = None  # how the period was chosen when none was named
    warnings: tuple[Issue, ...] = ()  # a scope that keeps no row of a source the KPIs read

    def to_data(self, language: Language | str = DEFAULT) -> list[dict[str, Any]]:
        """One record per KPI, as `kpilot scorecard --format json` prints them."""
        chosen = arguments.language(language)
        return [record(line, chosen) for line in self.lines]


def scorecard_result(
    workspace: Workspace,
    *,
    period: str | None = None,
    scope: Mapping[str, str] | None = None,
    category: str | None = None,
    kpis: Sequence[str] | str | None = None,
    today: date | None = None,
) -> ScorecardResult:
    """The scorecard of `period` (default: the last complete month that has data) for the KPIs named (default:
    all), of `category` when given, in `scope`."""
    chosen_scope = arguments.scope(scope)
    day = arguments.today(today)
    calendar = workspace.calendar
    names = select_kpis(workspace.definitions, arguments.kpi_names(kpis), text_of(category, "category", "'marketing'"))
    named = arguments.period(period, calendar, day)
    chosen = None
    if named is None:
        chosen, lines = default_scorecard(workspace, names, scope=chosen_scope, today=day)
        start, grain = chosen.start, chosen.grain
    else:
        start, grain = parse_period(named, calendar)
        lines = scorecard(workspace, start, grain, names, scope=chosen_scope, today=day)
    warnings = workspace.filter_warnings(None, names, scope=chosen_scope)
    name = period_name(start, grain, calendar)
    return ScorecardResult(start, grain, name, MappingProxyType(chosen_scope), tuple(lines), chosen, tuple(warnings))


def record(line: ScorecardLine, language: Language = DEFAULT) -> dict[str, Any]:
    """One scorecard line as JSON-ready data."""
    evaluation, target, projection = line.evaluation, line.target, line.projection
    reason = evaluation.reason if evaluation else line.error
    data = {
        "kpi": line.kpi.name,
        "label": line.kpi.title,
        "category": line.kpi.category,
        "unit": line.kpi.unit.value,
        "direction": line.kpi.direction.value,
        "period": line.period,
        "grain": line.grain.value,
        "scope": dict(line.scope) or None,
        "value": line.value,
        "target": target.target if target else None,
        "commit": target.commit if target else None,
        "stretch": target.stretch if target else None,
        "target_basis": words(target.basis, language) if target else None,
        "target_basis_code": code(target.basis) if target else None,
        "attainment": evaluation.attainment if evaluation else None,
        "status": evaluation.status.value if evaluation else None,
        "status_reason": words(reason, language),
        "status_reason_code": code(reason),
        "pace": evaluation.pace if evaluation else None,
        "expected_to_date": evaluation.expected_to_date if evaluation else None,
        "projection": projection.value if projection else None,
        "projection_method": projection.method if projection else None,
        "previous": line.previous,
        "last_year": line.last_year,
        "change_vs_previous": line.vs_previous.amount,
        "change_vs_last_year": line.vs_last_year.amount,
        "change_unit": line.vs_previous.kind,
        "partial": line.partial,
        "immature": line.immature,
        "error": words(line.error, language),
        "error_code": code(line.error),
    }
    result: dict[str, Any] = plain(data)
    return result
