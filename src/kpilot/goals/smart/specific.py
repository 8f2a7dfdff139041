"""SMART checks under S, Specific: does every KPI say who owns it and what it measures?

A KPI with no owner (warning), no description (warning) or no label (info); two targets for the same KPI, period and
scope (error).
"""

from __future__ import annotations

from kpilot.definitions.model import Definitions
from kpilot.engine.target_checks import target_conflicts
from kpilot.goals.smart.finding import Finding, Letter, Level, make_finding

# The fields a specific KPI states: (field, how much its absence matters, why, how to fix it).
EXPECTED_FIELDS = (
    ("owner", Level.WARNING, "no owner: nobody answers for it", "add `owner: <person or team>`"),
    (
        "description",
        Level.WARNING,
        "no description: what it measures, and what counts, is left to the reader",
        "add `description: ...` saying what is counted and what is left out",
    ),
    ("label", Level.INFO, "no label: reports show the technical name", "add `label: <name people use>`"),
)


def specific(definitions: Definitions) -> list[Finding]:
    found = [
        make_finding(Letter.S, level, kpi.name, reason, fix, location=kpi.origin)
        for kpi in definitions.kpis
        for field, level, reason, fix in EXPECTED_FIELDS
        if not getattr(kpi, field)
    ]
    for issue in target_conflicts(definitions):
        found.append(
            Finding(
                Letter.S,
                Level.ERROR,
                _kpi_in(str(issue.message)),
                None,
                str(issue.message),
                str(issue.hint) if issue.hint else "",
                issue.location,
            )
        )
    return found


def _kpi_in(message: str) -> str | None:
    start = message.find("KPI '")
    if start < 0:
        return None
    rest = message[start + 5 :]
    return rest[: rest.find("'")] or None
