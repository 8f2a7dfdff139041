"""SMART checks under R, Relevant: does every KPI serve a goal?

No goals at all (warning); a KPI that serves no goal (warning; info when another KPI's formula uses it); a target or
goal link naming an unknown KPI (error).
"""

from __future__ import annotations

from kpilot.definitions.model import Definitions
from kpilot.errors import FormulaError, Severity
from kpilot.formula.check import names_in
from kpilot.formula.parser import parse
from kpilot.goals.smart.finding import Finding, Letter, make_finding
from kpilot.i18n import Message


def relevant(definitions: Definitions) -> list[Finding]:
    found: list[Finding] = []
    known = {k.name for k in definitions.kpis}
    for target in definitions.targets:
        if target.kpi not in known:
            found.append(
                make_finding(
                    Letter.R,
                    Severity.ERROR,
                    target.kpi,
                    Message("goals.smart.target_for_unknown_kpi", kpi=target.kpi),
                    Message("goals.smart.target_for_unknown_kpi_fix"),
                    target=target,
                    location=target.locations.get("kpi", target.origin),
                )
            )
    for goal in definitions.goals:
        for link in goal.kpis:
            if link.kpi not in known:
                found.append(
                    make_finding(
                        Letter.R,
                        Severity.ERROR,
                        link.kpi,
                        Message("goals.matrix.unknown_kpi", goal=goal.name, kpi=link.kpi),
                        Message("goals.smart.link_to_unknown_kpi_fix"),
                        location=goal.origin,
                    )
                )
    if not definitions.goals:
        if definitions.kpis:
            found.append(
                make_finding(
                    Letter.R,
                    Severity.WARNING,
                    None,
                    Message("goals.smart.no_goals"),
                    Message("goals.smart.no_goals_fix"),
                )
            )
        return found
    linked = {link.kpi for goal in definitions.goals for link in goal.kpis}
    used = _used_by_other_kpis(definitions)
    for kpi in definitions.kpis:
        if kpi.name in linked:
            continue
        users = used.get(kpi.name, [])
        if users:
            reason = Message("goals.smart.serves_no_goal_but_used", users=tuple(users), count=len(users))
        else:
            reason = Message("goals.smart.serves_no_goal")
        found.append(
            make_finding(
                Letter.R,
                Severity.INFO if users else Severity.WARNING,
                kpi.name,
                reason,
                Message("goals.smart.serves_no_goal_fix"),
                location=kpi.origin,
            )
        )
    return found


def _used_by_other_kpis(definitions: Definitions) -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for kpi in definitions.kpis:
        try:
            names = {n.dotted for n in names_in(parse(kpi.formula)) if len(n.parts) == 1}
        except FormulaError:
            continue
        for name in sorted(names - {kpi.name}):
            used.setdefault(name, []).append(kpi.name)
    return used
