"""SMART checks under M, Measurable: do the definitions validate, the KPIs compute and the data cover the periods?

Definitions that do not validate (error: data checks are skipped until they do); a KPI that does not compute for its
last complete period (error; a warning under T when it computes over all time); a KPI whose data stops before that
period (warning), with no value for it (warning), or with 0 where the period before or the same period last year was
not (warning: the data may be missing); a target with no value for its type (error) or with levels in the wrong order
(error). A target whose scope cannot be computed is found with the A checks, which compute it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kpilot.definitions.goals_model import Target, TargetType
from kpilot.definitions.model import Kpi
from kpilot.engine.period_names import last_complete, period_name
from kpilot.engine.periods import Calendar, Grain, grain_word
from kpilot.engine.target_checks import missing_values, target_issues, target_type
from kpilot.errors import Severity, UserError
from kpilot.forecast.history import Point, load_histories
from kpilot.goals.smart.finding import Finding, Letter, make_finding
from kpilot.i18n import Message
from kpilot.semantic.validate import static_issues
from kpilot.workspace import Workspace


def measurable(workspace: Workspace, today: date) -> tuple[list[Finding], set[str]]:
    """Findings, and the KPIs that cannot be computed (not judged further)."""
    definitions = workspace.definitions
    found: list[Finding] = []
    for target in definitions.targets:
        kpi = definitions.kpi(target.kpi)
        if kpi is None:
            continue
        kind = target_type(target, kpi)
        missing, misordered = missing_values(target, kind), _misordered(target, kind)
        if missing or misordered:
            fix = Message("goals.smart.give_values_fix" if missing else "goals.smart.reorder_fix")
            reason = Message("goals.smart.unmeasurable_target", problem=missing or misordered)
            found.append(
                make_finding(Letter.M, Severity.ERROR, kpi.name, reason, fix, target=target, location=target.origin)
            )
    reported = {issue.message for issue in target_issues(definitions)}  # under S, M, R and T above and below
    for issue in workspace.validate(with_data=True):
        if issue.message in reported:
            continue
        level = Severity.ERROR if issue.severity is Severity.ERROR else Severity.WARNING
        fix = issue.hint or Message("goals.smart.validate_fix")
        found.append(Finding(Letter.M, level, None, None, issue.message, fix, issue.location))
    blocking = [*workspace.load_issues, *static_issues(definitions)]  # what stops any computation
    if any(i.severity is Severity.ERROR for i in blocking):
        found.append(
            make_finding(
                Letter.M,
                Severity.INFO,
                None,
                Message("goals.smart.data_checks_skipped"),
                Message("goals.smart.data_checks_skipped_fix"),
            )
        )
        return found, {k.name for k in definitions.kpis}
    broken: set[str] = set()
    by_grain: dict[Grain, list[Kpi]] = {}
    for kpi in definitions.kpis:
        by_grain.setdefault(Grain(kpi.grain or "month"), []).append(kpi)
    for grain, kpis in by_grain.items():
        period = last_complete(today, grain, workspace.calendar)
        histories = load_histories(workspace, [kpi.name for kpi in kpis], period, grain, today=today)
        for kpi in kpis:
            history = histories[kpi.name]
            if isinstance(history, UserError):
                broken.add(kpi.name)
                found.append(_not_per_period(workspace, kpi, grain, history.message, today))
                continue
            found += _data_findings(kpi, history, period, grain, workspace.calendar)
    return found, broken


def _not_per_period(workspace: Workspace, kpi: Kpi, grain: Grain, problem: Message, today: date) -> Finding:
    """An error when the KPI does not compute at all; a T warning when it computes, but only over all time."""
    try:
        workspace.compute([kpi.name], grain=Grain.ALL, today=today)
    except UserError:
        reason = Message("goals.smart.does_not_compute", grain=grain_word(grain), problem=problem)
        fix = Message("goals.smart.does_not_compute_fix", kpi=kpi.name)
        return make_finding(Letter.M, Severity.ERROR, kpi.name, reason, fix, location=kpi.origin)
    reason = Message("goals.smart.all_time_only", grain=grain_word(grain), problem=problem)
    fix = Message("goals.smart.all_time_only_fix")
    return make_finding(Letter.T, Severity.WARNING, kpi.name, reason, fix, location=kpi.origin)


def _data_findings(kpi: Kpi, history: Sequence[Point], period: date, grain: Grain, calendar: Calendar) -> list[Finding]:
    """Missing data: none at all, data that stops early, no value for the period, or a suspicious 0."""
    name = period_name(period, grain, calendar)
    where = Message("goals.smart.last_complete", period=name, grain=grain_word(grain))
    load = Message("goals.smart.load_fix")
    if not history:
        return [make_finding(Letter.M, Severity.WARNING, kpi.name, Message("goals.smart.no_data", where=where), load)]
    if history[-1].start < period:
        reason = Message("goals.smart.data_ends", end=history[-1].name, grain=grain_word(grain), period=name)
        return [make_finding(Letter.M, Severity.WARNING, kpi.name, reason, load)]
    values = {p.start: p.value for p in history}
    value = values.get(period)
    if value is None:
        return [make_finding(Letter.M, Severity.WARNING, kpi.name, Message("goals.smart.no_value", where=where), load)]
    earlier = [calendar.shift(period, -1, grain), calendar.shift(period, -grain.periods_per_year, grain)]
    if value == 0 and any(values.get(start) for start in earlier):
        reason = Message("goals.smart.suspicious_zero", where=where)
        return [make_finding(Letter.M, Severity.WARNING, kpi.name, reason, Message("goals.smart.check_loaded_fix"))]
    return []


def _misordered(target: Target, kind: TargetType) -> Message | None:
    better = kind.higher_is_better
    levels = [v for v in (target.commit, target.target, target.stretch) if v is not None]
    if better is None or levels == sorted(levels, reverse=not better):
        return None
    order = "commit <= target <= stretch" if better else "commit >= target >= stretch"  # a rule, not words
    return Message("goals.smart.levels_misordered", order=order)
