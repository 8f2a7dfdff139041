"""SMART checks under S, Specific: does every KPI say who owns it and what it measures?

A KPI with no owner (warning), no description (warning) or no label (info); two targets for the same KPI, period and
scope (error).
"""

from __future__ import annotations

from kpilot.definitions.model import Definitions
from kpilot.goals.smart_finding import Finding, Letter, Level, make_finding
from kpilot.goals.targets import target_conflicts


def specific(definitions: Definitions) -> list[Finding]:
    found = []
    for kpi in definitions.kpis:
        if not kpi.owner:
            found.append(
                make_finding(
                    Letter.S,
                    Level.WARNING,
                    kpi.name,
                    "no owner: nobody answers for it",
                    "add `owner: <person or team>`",
                    location=kpi.origin,
                )
            )
        if not kpi.description:
            found.append(
                make_finding(
                    Letter.S,
                    Level.WARNING,
                    kpi.name,
                    "no description: what it measures, and what counts, is left to the reader",
                    "add `description: ...` saying what is counted and what is left out",
                    location=kpi.origin,
                )
            )
        if not kpi.label:
            found.append(
                make_finding(
                    Letter.S,
                    Level.INFO,
                    kpi.name,
                    "no label: reports show the technical name",
                    "add `label: <name people use>`",
                    location=kpi.origin,
                )
            )
    for issue in target_conflicts(definitions):
        found.append(
            Finding(
                Letter.S, Level.ERROR, _kpi_in(issue.message), None, issue.message, issue.hint or "", issue.location
            )
        )
    return found


def _kpi_in(message: str) -> str | None:
    start = message.find("KPI '")
    if start < 0:
        return None
    rest = message[start + 5 :]
    return rest[: rest.find("'")] or None
