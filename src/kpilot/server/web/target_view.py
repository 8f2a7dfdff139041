"""What the target editing page shows of a KPI, period and scope, read from the reader's own view of the workspace:
the suggestions (kpilot.goals.suggest, as `kpilot targets suggest` makes them) with the history they rest on, the
target that applies now, and a preview, the status the typed values would give.

A preview judges the period's value, as the scorecard computed it, against the typed target in place of the one
defined for exactly this KPI, period and scope (goals.targets resolves it, goals.status judges it): the same rules
as once it is saved, nothing written. A typed target the definitions would refuse (stretch below target for a KPI
that should go up, say) is shown as the problems the save would be refused with."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pydantic import ValidationError

from kpilot.api import Workspace
from kpilot.definitions.goals_model import Target
from kpilot.definitions.model import Definitions, Kpi
from kpilot.definitions.problems import problem_of
from kpilot.engine.target_checks import target_issues
from kpilot.errors import Severity, UserError
from kpilot.goals.scorecard import ScorecardLine
from kpilot.goals.status import evaluate
from kpilot.goals.suggest.propose import Suggestion
from kpilot.goals.targets import period_value, resolve_target
from kpilot.goals.writer import target_key
from kpilot.i18n import Language, Message, text
from kpilot.results.data import words
from kpilot.results.formatting import EMPTY, format_kpi_value
from kpilot.server.web.cards import Card, card
from kpilot.server.web.charts import VEGA_LITE_SCHEMA
from kpilot.server.web.target_form import TargetForm, proposal_levels


@dataclass(frozen=True)
class SuggestionRow:
    method: str  # the method's code: last, average, growth...
    recommended: bool
    available: bool
    levels: dict[str, str]  # field name -> the level as shown (locale formatted)
    basis: str  # how it was worked out, or why the method suggests nothing


@dataclass(frozen=True)
class Suggestions:
    rows: tuple[SuggestionRow, ...]
    history: tuple[tuple[str, str], ...]  # (period name, value as shown)
    chart: dict[str, Any] | None  # the history and the recommended levels as a Vega-Lite spec
    why: str  # why the recommended method, or why there is no suggestion
    notes: tuple[str, ...]


def suggestions(workspace: Workspace, kpi: Kpi, form: TargetForm, language: Language) -> Suggestions | str:
    """The suggestions for the form's period and scope, or the words of why there are none here (a day's period,
    say)."""
    try:
        found = workspace.suggest_targets(kpi.name, period=form.period, scope=form.scope_values()).suggestion
    except UserError as error:
        return words(error.message, language) or ""
    currency = workspace.settings.currency

    def shown(value: float | None) -> str:
        return format_kpi_value(value, kpi, currency, language=language) if value is not None else EMPTY

    rows = tuple(
        SuggestionRow(
            method=proposal.method.value,
            recommended=proposal.method is found.recommended,
            available=proposal.available,
            levels={name: shown(value) for name, value in proposal_levels(proposal, kpi).items()},
            basis=words(proposal.basis if proposal.available else proposal.unavailable, language) or "",
        )
        for proposal in found.proposals
    )
    history = tuple((point.name, shown(point.value)) for point in found.history)
    return Suggestions(
        rows,
        history,
        _chart(found, kpi, language),
        words(found.why, language) or "",
        tuple(words(note, language) or "" for note in found.notes),
    )


def chosen_levels(workspace: Workspace, kpi: Kpi, form: TargetForm, method: str) -> dict[str, float | None] | None:
    """The levels of the suggestion `method` (a method's code), if there is one and it is available."""
    try:
        found = workspace.suggest_targets(kpi.name, period=form.period, scope=form.scope_values()).suggestion
    except UserError:
        return None
    proposal = next((p for p in found.proposals if p.method.value == method and p.available), None)
    return proposal_levels(proposal, kpi) if proposal is not None else None


def current_entry(definitions: Definitions, kpi: Kpi, form: TargetForm) -> Target | None:
    """The target defined for exactly this KPI, period and scope (what a save replaces), if there is one."""
    key = target_key({"kpi": kpi.name, "period": form.period, "scope": form.scope_values()})
    return next((t for t in definitions.targets_of(kpi.name) if target_key(_key_of(t)) == key), None)


@dataclass(frozen=True)
class Preview:
    card: Card | None  # the period as judged with the typed target
    problems: tuple[str, ...]  # why the definitions would refuse it, in words


def preview(workspace: Workspace, line: ScorecardLine, entry: dict[str, Any], language: Language) -> Preview:
    definitions = workspace.definitions
    try:
        typed = Target.model_validate(entry)
    except ValidationError as error:
        return Preview(None, tuple(_words(problem_of(item).message, language) for item in error.errors()))
    key = target_key(entry)
    others = tuple(t for t in definitions.targets if target_key(_key_of(t)) != key)
    changed = Definitions(
        sources=definitions.sources, kpis=definitions.kpis, targets=(*others, typed), goals=definitions.goals
    )
    before = {issue.describe() for issue in target_issues(definitions)}
    new = [i for i in target_issues(changed) if i.severity is Severity.ERROR and i.describe() not in before]
    if new:
        return Preview(None, tuple(_words(issue.message, language) for issue in new))
    calendar = workspace.calendar
    try:
        resolved = resolve_target(
            changed, line.kpi, line.period, line.grain, line.scope, calendar, additive=line.additive
        )
    except UserError as error:
        return Preview(None, (_words(error.message, language),))
    evaluation = evaluate(
        line.kpi,
        resolved,
        line.value,
        additive=line.additive,
        elapsed=elapsed(line, calendar.end(line.period, line.grain), calendar.today()),
        projection=line.projection.value if line.projection is not None else None,
        currency=workspace.settings.currency,
        period=period_value(line.period, line.grain, calendar),
        immature=line.immature,
    )
    judged = replace(line, target=resolved, evaluation=evaluation, error=None)
    return Preview(card(judged, workspace.settings.currency, language), ())


def elapsed(line: ScorecardLine, end: date, today: date) -> float:
    """The share of the period gone by, as the scorecard counts it (today as half a day): 1 once it is over."""
    if not (line.partial and line.period <= today < end):
        return 1.0
    return ((today - line.period).days + 0.5) / (end - line.period).days


def _key_of(target: Target) -> dict[str, Any]:
    return {"kpi": target.kpi, "period": target.period, "every": target.every, "scope": target.scope}


def _words(message: Message, language: Language) -> str:
    return words(message, language) or ""


def _chart(found: Suggestion, kpi: Kpi, language: Language) -> dict[str, Any] | None:
    """The history as a line, the recommended levels as rules across it (a table of the same numbers is next to
    it on the page, for readers without JavaScript and for screen readers)."""
    values = [
        {"period": p.name, "value": p.value}  # the period as people write it: one mark each, named as in the table
        for p in found.history
        if p.value is not None and math.isfinite(p.value)
    ]
    if not values:
        return None
    label = {"period": text("web.chart.period", language), "value": text("web.chart.value", language)}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": True, "strokeWidth": 2},
            "encoding": {
                "x": {"field": "period", "type": "ordinal", "title": label["period"], "axis": {"labelAngle": 0}},
                "y": {"field": "value", "type": "quantitative", "title": kpi.title, "scale": {"zero": False}},
                "tooltip": [
                    {"field": "period", "type": "ordinal", "title": label["period"]},
                    {"field": "value", "type": "quantitative", "title": label["value"], "format": ",.4~g"},
                ],
            },
        }
    ]
    chosen = found.chosen
    if chosen is not None:
        for level, dash in (("commit", [2, 2]), ("target", [6, 3]), ("stretch", [1, 3])):
            value = getattr(chosen, level)
            if value is not None and math.isfinite(value):
                layers.append(
                    {
                        "mark": {"type": "rule", "strokeDash": dash, "color": "#5b6475"},
                        "encoding": {"y": {"datum": value, "type": "quantitative"}},
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
