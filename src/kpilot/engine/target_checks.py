"""Targets checked against the model: unknown KPIs, periods that cannot be read, missing or misordered levels,
conflicts, and a `spread:` that does not apply to the KPI.

These are definition checks, so `Workspace.validate()` reports them with the others; they sit below the workspace
(here, with the calendar they read periods by) so that the workspace needs nothing from `kpilot.goals`, which
resolves and judges targets by the same rules (`target_type`, `missing_values`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from kpilot.definitions.goals_model import Spread, Target, TargetType
from kpilot.definitions.model import Definitions, Direction, Kpi
from kpilot.engine.period_names import parse_period
from kpilot.engine.periods import Calendar, Grain, grain_word
from kpilot.errors import Issue, QueryError, Severity
from kpilot.i18n import Message
from kpilot.semantic.additive import is_additive, scales_with_time
from kpilot.semantic.resolve import SemanticModel

DEFAULT_TYPE = {
    Direction.UP: TargetType.INCREASE,
    Direction.DOWN: TargetType.DECREASE,
    Direction.RANGE: TargetType.RANGE,
}


def target_type(target: Target, kpi: Kpi) -> TargetType:
    """The target's type, or the KPI's direction's default: up -> increase, down -> decrease, range -> range."""
    return target.type or DEFAULT_TYPE[kpi.direction]


# "an 'increase' target": the type's name stays as written in YAML; the article is the language's business.
A_TARGET = {
    TargetType.INCREASE: Message("engine.an_increase_target"),
    TargetType.DECREASE: Message("engine.a_decrease_target"),
    TargetType.ABOVE: Message("engine.an_above_target"),
    TargetType.BELOW: Message("engine.a_below_target"),
    TargetType.RANGE: Message("engine.a_range_target"),
}


def scope_text(scope: Mapping[str, str]) -> Message:
    """A scope for a sentence: `team=EMEA, country=IT`, or the whole company."""
    if not scope:
        return Message("engine.whole_company")
    return Message("engine.scope", pairs=tuple(f"{key}={value}" for key, value in sorted(scope.items())))


def missing_values(target: Target, kind: TargetType) -> Message | None:
    """What a target lacks for its (possibly defaulted) type; None when it is complete."""
    inferred = target.type is None  # then the message says that the type comes from the KPI's direction
    if kind is TargetType.RANGE and (target.min is None or target.max is None):
        return Message("engine.range_needs_min_max_inferred" if inferred else "engine.range_needs_min_max")
    if kind is not TargetType.RANGE and target.target is None:
        code = "engine.target_needs_value_inferred" if inferred else "engine.target_needs_value"
        return Message(code, target=A_TARGET[kind])
    return None


def target_conflicts(definitions: Definitions) -> list[Issue]:
    """Targets that say different things for the same KPI, period (or every grain) and scope."""
    groups: dict[tuple[str, str | Message, tuple[tuple[str, str], ...]], list[Target]] = {}
    for target in definitions.targets:
        when = target.period.upper() if target.period is not None else every(target.every)
        groups.setdefault((target.kpi, when, tuple(sorted(target.scope.items()))), []).append(target)
    issues = []
    for (kpi, when, scope), targets in groups.items():
        for other in targets[1:]:
            issues.append(
                Issue(
                    Message(
                        "engine.two_targets",
                        kpi=kpi,
                        when=when,
                        scope=scope_text(dict(scope)),
                        first=str(targets[0].origin),
                        second=str(other.origin),
                    ),
                    other.origin,
                    hint=Message("engine.two_targets_hint"),
                )
            )
    return issues


def target_issues(definitions: Definitions) -> list[Issue]:
    """Every problem with targets that needs the KPIs to see: unknown KPI, period, missing values, conflicts."""
    issues: list[Issue] = []
    model = SemanticModel(definitions)
    for target in definitions.targets:
        kpi = definitions.kpi(target.kpi)
        if kpi is None:
            close = difflib.get_close_matches(target.kpi, [k.name for k in definitions.kpis], n=1)
            where = target.locations.get("kpi", target.origin)
            hint = Message("engine.did_you_mean", name=close[0]) if close else None
            problem = Message("engine.target_for_unknown_kpi", kpi=target.kpi)
            issues.append(Issue(problem, where, hint=hint, field="kpi", suggestions=tuple(close)))
            continue
        issues += _target_problems(target, kpi, model)
    return issues + target_conflicts(definitions)


def _target_problems(target: Target, kpi: Kpi, model: SemanticModel) -> list[Issue]:
    issues = []
    if target.period is not None:
        try:
            parse_period(target.period, Calendar())
        except QueryError as error:
            where = target.locations.get("period", target.origin)
            issues.append(Issue(error.message, where, hint=error.hint, field=error.field))
    kind = target_type(target, kpi)
    problem = missing_values(target, kind) or _misordered(target, kind)
    if problem:
        issues.append(Issue(Message("engine.target_problem", kpi=kpi.name, problem=problem), target.origin))
    scales = scales_with_time(model, kpi.name)
    if target.spread is Spread.SEASONAL and scales:
        issues.append(
            Issue(
                Message("engine.seasonal_spread_ignored", kpi=kpi.name),
                target.locations.get("spread", target.origin),
                severity=Severity.WARNING,
            )
        )
    elif target.spread is not None and not scales and not is_additive(model, kpi.name):
        issues.append(
            Issue(
                Message("engine.spread_ignored", kpi=kpi.name),
                target.locations.get("spread", target.origin),
                severity=Severity.WARNING,
            )
        )
    return issues


def every(grain: str | None) -> Message:
    """A target that applies to every period of a grain: every month."""
    return Message("engine.every_period", grain=grain_word(Grain(str(grain))))


def _misordered(target: Target, kind: TargetType) -> Message | None:
    """The model checks the order of the levels when the type is written; here, for a type from the direction."""
    better = kind.higher_is_better
    levels = [v for v in (target.commit, target.target, target.stretch) if v is not None]
    if target.type is not None or better is None or levels == sorted(levels, reverse=not better):
        return None
    order = "commit <= target <= stretch" if better else "commit >= target >= stretch"
    return Message("engine.levels_misordered", target=A_TARGET[kind], order=order)
