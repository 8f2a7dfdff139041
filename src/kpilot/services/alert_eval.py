"""One evaluation of an alert rule: its scopes, the numbers each is judged on, and the verdict for each
(alerts.conditions), as of a moment. Nothing is written here: the evaluator steps each scope's state on these
verdicts and enqueues what must be told.

- Scopes: the rule's `scope`, or one per member of its `by` dimensions that has data in the period judged.
- The period judged: the running one for `status` and `projected_miss` (judged on pace and projection), the last
  complete one for `change`, `threshold` and `anomaly` (a running period is partial: it is never compared as if it
  were whole). `stale` has none.
- The numbers come from the scorecard, computed over every row (an evaluator is the system, not a reader; who is
  told what is decided when a notification is addressed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kpilot.alerts import conditions
from kpilot.alerts.conditions import Verdict
from kpilot.alerts.states import Outcome
from kpilot.analysis.anomalies import LEVEL
from kpilot.definitions.alert_model import AlertRule, RuleKind
from kpilot.definitions.model import Unit
from kpilot.engine.period_names import last_complete, period_name
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.forecast.next_periods import forecast_next
from kpilot.goals.scorecard import ScorecardLine, scorecard
from kpilot.goals.status import Status
from kpilot.i18n import Message
from kpilot.warehouse.freshness import loaded_at
from kpilot.workspace import Workspace

STATUS_WORDS = {
    Status.ACHIEVED: "on_track",
    Status.ON_TRACK: "on_track",
    Status.AT_RISK: "at_risk",
    Status.OFF_TRACK: "off_track",
}
HISTORY = 36  # periods of history an anomaly band is drawn from, at most


@dataclass(frozen=True)
class ScopeVerdict:
    rule: str
    scope: Mapping[str, str]
    period: str  # the period judged, as named ("" for a stale rule)
    verdict: Verdict
    value: float | None = None


def evaluate(workspace: Workspace, rule: AlertRule, now: datetime) -> tuple[ScopeVerdict, ...]:
    """The verdict of every scope of `rule` as of `now`; an evaluation that fails is a `failed` verdict per scope
    (the state machine counts them: 3 in a row is an error), never an exception."""
    today = workspace.calendar.today(now)
    if rule.when is RuleKind.STALE:
        return (_stale(workspace, rule, now),)
    grain = Grain(rule.grain)
    running = rule.when in (RuleKind.STATUS, RuleKind.PROJECTED_MISS)
    start = workspace.calendar.start(today, grain) if running else last_complete(today, grain, workspace.calendar)
    name = period_name(start, grain, workspace.calendar)
    try:
        scopes = _scopes(workspace, rule, start, grain, today)
        found = []
        for scope in scopes:
            wanted = [rule.kpi or "", *([rule.volume.kpi] if rule.volume else [])]
            lines = {line.kpi.name: line for line in scorecard(workspace, start, grain, wanted, scope, today)}
            line = lines[rule.kpi or ""]
            volume = lines[rule.volume.kpi].value if rule.volume else None
            verdict = _judge(workspace, rule, line, volume, start, grain, scope, today)
            found.append(ScopeVerdict(rule.name, scope, name, verdict, line.value))
        return tuple(found)
    except UserError as error:
        failed = Verdict(Outcome.FAILED, error.message)
        return (ScopeVerdict(rule.name, dict(rule.scope), name, failed),)


def _scopes(workspace: Workspace, rule: AlertRule, start: date, grain: Grain, today: date) -> list[dict[str, str]]:
    base = dict(rule.scope)
    if not rule.by:
        return [base]
    last = workspace.calendar.shift(start, 1, grain) - timedelta(days=1)
    table = workspace.compute([rule.kpi or ""], grain=grain, by=rule.by, start=start, end=last, scope=base, today=today)
    members = set()
    for row in table.to_pylist():
        if all(row.get(dim) is not None for dim in rule.by):
            members.add(tuple((dim, str(row[dim])) for dim in rule.by))
    return [base | dict(member) for member in sorted(members)]


def _judge(
    workspace: Workspace,
    rule: AlertRule,
    line: ScorecardLine,
    volume: float | None,
    start: date,
    grain: Grain,
    scope: Mapping[str, str],
    today: date,
) -> Verdict:
    kpi = line.kpi
    target = line.target
    higher = target.type.higher_is_better if target is not None else None
    if higher is None:
        higher = kpi.direction.value != "down"
    if rule.when is RuleKind.STATUS:
        status = STATUS_WORDS.get(line.evaluation.status) if line.evaluation is not None else None
        return conditions.status(status, at_least=rule.at_least or "off_track")
    if rule.when is RuleKind.PROJECTED_MISS:
        level = rule.level or "commit"
        limit = None if target is None else (target.commit if level == "commit" else target.target)
        projection = line.projection.value if line.projection is not None else None
        return conditions.projected_miss(projection, limit, higher_is_better=higher, level_name=level)
    if rule.when is RuleKind.CHANGE:
        base = line.previous if (rule.against or "previous") == "previous" else line.last_year
        return conditions.change(
            line.value, base, higher_is_better=higher, rate=kpi.unit is Unit.PERCENT, min_change=rule.min_change or 0,
            min_absolute=rule.min_absolute or 0, volume=volume, min_volume=rule.volume.at_least if rule.volume else 0,
        )  # fmt: skip
    if rule.when is RuleKind.THRESHOLD:
        limit_of = rule.below if rule.below is not None else rule.above
        limit = (target.target if target is not None else None) if limit_of == "target" else limit_of
        number = None if isinstance(limit, str) else limit
        return conditions.threshold(line.value, number, alert_below=rule.below is not None)
    return _anomaly(workspace, rule, line, start, grain, scope, today)


def _anomaly(
    workspace: Workspace, rule: AlertRule, line: ScorecardLine, start: date, grain: Grain, scope: Mapping[str, str],
    today: date,
) -> Verdict:  # fmt: skip
    first = workspace.calendar.shift(start, -HISTORY, grain)
    table = workspace.compute(
        [rule.kpi or ""], grain=grain, start=first, end=start - timedelta(days=1), scope=dict(scope), today=today
    )
    before = [None if row.get(rule.kpi or "") is None else float(row[rule.kpi or ""]) for row in table.to_pylist()]
    points = sum(value is not None for value in before)
    if points < conditions.MIN_ANOMALY_POINTS:
        return conditions.anomaly(line.value, None, None, points)
    forecast = forecast_next(
        before, 1, grain.periods_per_year, method="seasonal_naive", level=LEVEL
    )  # the disclosed band of analysis.anomalies
    step = forecast.steps[0] if forecast.steps else None
    return conditions.anomaly(line.value, step.low if step else None, step.high if step else None, points)


def _stale(workspace: Workspace, rule: AlertRule, now: datetime) -> ScopeVerdict:
    source = workspace.definitions.source(rule.source or "")
    if source is None:
        why = Message("alerts.rule.unknown_source", rule=rule.name, source=rule.source or "")
        return ScopeVerdict(rule.name, {}, "", Verdict(Outcome.FAILED, why))
    last = loaded_at(workspace.warehouse, [source]).get(source.name)
    return ScopeVerdict(rule.name, {}, "", conditions.stale(last, now, hours=rule.hours or 0))
