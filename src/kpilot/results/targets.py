"""Target suggestions as a result: `kpilot targets suggest` and `kpilot.Workspace.suggest_targets` build them here
(and write the chosen one when asked), and their `to_data` is the command's `--format json`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.goals.suggest.levels import Spread
from kpilot.goals.suggest.methods import Method
from kpilot.goals.suggest.propose import Level, Proposal, Suggestion, suggest
from kpilot.goals.writer import WriteReport, merge_targets
from kpilot.i18n import DEFAULT, Language
from kpilot.results import arguments
from kpilot.results.data import code, plain, words
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class SuggestionResult:
    """Commit, target and stretch for one KPI, period and scope by several methods, the one recommended, and what
    was written into definitions/targets.yaml (None when nothing was asked to be written)."""

    suggestion: Suggestion
    written: WriteReport | None = None

    @property
    def recommended(self) -> Method | None:
        return self.suggestion.recommended

    @property
    def proposals(self) -> tuple[Proposal, ...]:
        return self.suggestion.proposals

    @property
    def chosen(self) -> Proposal | None:
        """The recommended method's proposal."""
        return self.suggestion.chosen

    def to_data(self, language: Language | str = DEFAULT) -> dict[str, Any]:
        """The history, every method's levels, the recommendation and what was written, as `kpilot targets
        suggest --format json` prints them."""
        chosen = arguments.language(language)
        result, report = self.suggestion, self.written
        data = {
            "kpi": result.kpi.name,
            "period": result.period_name,
            "grain": result.grain.value,
            "scope": dict(result.scope),
            "direction": result.kpi.direction.value,
            "unit": result.kpi.unit.value,
            "additive": result.additive,
            "kind": result.kind.value,
            "horizon": result.horizon,
            "window": result.window,
            "bounds": {"low": result.bounds.low, "high": result.bounds.high, "whole": result.bounds.whole},
            "growth_of": result.growth_of,
            "history": [{"period": p.name, "start": p.start, "value": p.value} for p in result.history],
            "methods": [_proposal(p, p.method is result.recommended, chosen) for p in result.proposals],
            "recommended": result.recommended.value if result.recommended else None,
            "why": words(result.why, chosen),
            "why_code": code(result.why),
            "reason": result.reason.value if result.reason else None,
            "notes": [words(note, chosen) for note in result.notes],
            "note_codes": [code(note) for note in result.notes],
            "written": None if report is None else _report(report),
        }
        plain_data: dict[str, Any] = plain(data)
        return plain_data


def suggestion_result(
    workspace: Workspace,
    kpi: str,
    *,
    period: str,
    scope: Mapping[str, str] | None = None,
    history: int | None = None,
    write: Level | str | None = None,
    method: Method | str | None = None,
    today: date | None = None,
) -> SuggestionResult:
    """Suggestions for `kpi` in `period` (2025-07, 2025-Q3 or 2025) and `scope`, from the last `history` complete
    periods (default 24 months, 8 quarters, 3 years). With `write` (commit, target, stretch or all), the levels of
    `method` (default: the recommended one) are merged into definitions/targets.yaml."""
    level = arguments.optional_choice(write, Level, "write")
    chosen_method = arguments.optional_choice(method, Method, "method")
    if level is not None:
        workspace.ensure("edit_targets")  # a view's reader may read suggestions without the right to write them
    result = suggest(
        workspace,
        arguments.kpi_name(kpi),
        arguments.text(period, "period", "'2025-07'"),
        scope=arguments.scope(scope),
        count=arguments.optional_whole_number(history, "history"),
        today=arguments.today(today),
    )
    report = None if level is None else merge_targets(workspace.root, [result.entry(level, chosen_method)])
    return SuggestionResult(result, report)


def _proposal(proposal: Proposal, recommended: bool, language: Language) -> dict[str, Any]:
    return {
        "method": proposal.method.value,
        "available": proposal.available,
        "recommended": recommended,
        "base": proposal.base,
        "commit": proposal.commit,
        "target": proposal.target,
        "stretch": proposal.stretch,
        "min": proposal.minimum,
        "max": proposal.maximum,
        "ceiling": proposal.ceiling,
        "basis": words(proposal.basis, language) or None,
        "basis_code": code(proposal.basis),
        "spread": None if proposal.spread is None else _spread(proposal.spread),
        "unavailable": words(proposal.unavailable, language),
        "unavailable_code": code(proposal.unavailable),
    }


def _spread(spread: Spread) -> dict[str, Any]:
    return {
        "relative": spread.relative,
        "replays": len(spread.errors),
        "centre": spread.centre,
        "scale": spread.scale,
        "default": spread.default,
    }


def _report(report: WriteReport) -> dict[str, Any]:
    return {
        "path": str(report.path),
        "added": list(report.added),
        "replaced": [{"target": r.key, "before": r.before, "after": r.after} for r in report.replaced],
        "unchanged": list(report.unchanged),
    }
