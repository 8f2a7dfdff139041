"""Alert rules checked against the model, each problem at its place in the file: an unknown KPI (with the name
probably meant), a volume KPI or a stale rule's source that does not exist, a `by:` dimension the KPI cannot be split
by, a `scope:` key that is not one of its dimensions, a rule that compares a KPI with its target when it has none
(a warning: targets may come later), and two rules with one name."""

from __future__ import annotations

import difflib

from kpilot.analysis.dimensions import dimensions_of
from kpilot.definitions.alert_model import AlertRule, RuleKind
from kpilot.errors import Issue, Location, Severity
from kpilot.i18n import Message
from kpilot.workspace import Workspace


def rules_issues(workspace: Workspace) -> list[Issue]:
    issues = [issue for rule in workspace.definitions.alert_rules for issue in rule_issues(workspace, rule)]
    seen: set[str] = set()
    for rule in workspace.definitions.alert_rules:
        if rule.name in seen:
            issues.append(Issue(Message("alerts.rule.duplicate", rule=rule.name), rule.origin, field="name"))
        seen.add(rule.name)
    return issues


def rule_issues(workspace: Workspace, rule: AlertRule) -> list[Issue]:
    definitions = workspace.definitions
    known = [kpi.name for kpi in definitions.kpis]
    issues = []
    for field, kpi in (("kpi", rule.kpi), ("volume.kpi", rule.volume.kpi if rule.volume else None)):
        if kpi is not None and definitions.kpi(kpi) is None:
            close = tuple(difflib.get_close_matches(kpi, known, n=3))
            issues.append(
                Issue(
                    Message("alerts.rule.unknown_kpi", rule=rule.name, kpi=kpi),
                    _where(rule, field),
                    hint=Message("definitions.did_you_mean", name=close[0]) if close else None,
                    field="kpi",
                    suggestions=close,
                )
            )
    if rule.when is RuleKind.STALE and rule.source is not None and definitions.source(rule.source) is None:
        sources = sorted(source.name for source in definitions.sources)
        issues.append(
            Issue(
                Message("alerts.rule.unknown_source", rule=rule.name, source=rule.source),
                _where(rule, "source"),
                field="source",
                suggestions=tuple(difflib.get_close_matches(rule.source, sources, n=3)),
            )
        )
    if rule.kpi is not None and definitions.kpi(rule.kpi) is not None:
        dimensions = sorted(dimensions_of(workspace, rule.kpi))
        for index, name in enumerate(rule.by):
            if name not in dimensions:
                issues.append(_dimension(rule, name, dimensions, f"by.{index}"))
        for name in rule.scope:
            if name not in dimensions:
                issues.append(_dimension(rule, name, dimensions, f"scope.{name}"))
        if "target" in (rule.below, rule.above) and not definitions.targets_of(rule.kpi):
            issues.append(
                Issue(
                    Message("alerts.rule.no_targets", rule=rule.name, kpi=rule.kpi),
                    _where(rule, "below" if rule.below == "target" else "above"),
                    severity=Severity.WARNING,
                    field="target",
                )
            )
    return issues


def _dimension(rule: AlertRule, name: str, dimensions: list[str], path: str) -> Issue:
    return Issue(
        Message("alerts.rule.unknown_dimension", rule=rule.name, kpi=rule.kpi or "", dimension=name),
        _where(rule, path),
        hint=Message("alerts.rule.dimensions_hint", dimensions=tuple(dimensions)) if dimensions else None,
        field="by",
        suggestions=tuple(difflib.get_close_matches(name, dimensions, n=3)),
    )


def _where(rule: AlertRule, path: str) -> Location:
    parts = path.split(".")
    while parts:
        found = rule.locations.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return rule.origin
