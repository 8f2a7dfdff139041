"""SMART checks under S, Specific: does every KPI say who owns it and what it measures?

A KPI with no owner (warning), no description (warning) or no label (info); two targets for the same KPI, period and
scope (error).
"""

from __future__ import annotations

from kpilot.definitions.model import Definitions
from kpilot.engine.target_checks import target_conflicts
from kpilot.errors import Severity
from kpilot.goals.smart.finding import Finding, Letter, make_finding
from kpilot.i18n import Message

# The fields a specific KPI states: (field, how much its absence matters, why, how to fix it).
EXPECTED_FIELDS = (
    ("owner", Severity.WARNING, Message("goals.smart.no_owner"), Message("goals.smart.no_owner_fix")),
    (
        "description",
        Severity.WARNING,
        Message("goals.smart.no_description"),
        Message("goals.smart.no_description_fix"),
    ),
    ("label", Severity.INFO, Message("goals.smart.no_label"), Message("goals.smart.no_label_fix")),
)


def specific(definitions: Definitions) -> list[Finding]:
    found = [
        make_finding(Letter.S, level, kpi.name, reason, fix, location=kpi.origin)
        for kpi in definitions.kpis
        for field, level, reason, fix in EXPECTED_FIELDS
        if not getattr(kpi, field)
    ]
    for issue in target_conflicts(definitions):
        named = issue.message.values.get("kpi")  # engine.two_targets names the KPI
        kpi = named if isinstance(named, str) else None
        fix = issue.hint or Message("goals.targets.ambiguous_hint")
        found.append(Finding(Letter.S, Severity.ERROR, kpi, None, issue.message, fix, issue.location))
    return found
