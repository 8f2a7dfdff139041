"""SMART checks under R, Relevant: does every KPI serve a goal?

No goals at all (warning); a KPI that serves no goal (warning; info when another KPI's formula uses it); a target or
goal link naming an unknown KPI (error).
"""

from __future__ import annotations

from kpilot.definitions.model import Definitions
from kpilot.errors import FormulaError
from kpilot.formula.check import names_in
from kpilot.formula.parser import parse
from kpilot.goals.smart.finding import Finding, Letter, Level, make_finding


def relevant(definitions: Definitions) -> list[Finding]:
    found: list[Finding] = []
    known = {k.name for k in definitions.kpis}
    for target in definitions.targets:
        if target.kpi not in known:
            found.append(
                make_finding(
                    Letter.R,
                    Level.ERROR,
                    target.kpi,
                    f"a target for unknown KPI '{target.kpi}'",
                    "correct the name, or remove the target",
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
                        Level.ERROR,
                        link.kpi,
                        f"goal '{goal.name}' links to unknown KPI '{link.kpi}'",
                        "correct the name, or remove the link",
                        location=goal.origin,
                    )
                )
    if not definitions.goals:
        if definitions.kpis:
            found.append(
                make_finding(
                    Letter.R,
                    Level.WARNING,
                    None,
                    "no goals are defined: nothing says which objective each KPI serves",
                    "add `goals:` with the KPIs that serve each one (see docs/goals.md)",
                )
            )
        return found
    linked = {link.kpi for goal in definitions.goals for link in goal.kpis}
    used = _used_by_other_kpis(definitions)
    for kpi in definitions.kpis:
        if kpi.name in linked:
            continue
        users = used.get(kpi.name, [])
        reason = "serves no goal" + (f" (it is used by {', '.join(users)})" if users else "")
        found.append(
            make_finding(
                Letter.R,
                Level.INFO if users else Level.WARNING,
                kpi.name,
                reason,
                "link it to the goal it serves (`goals: ... kpis: [{kpi: NAME, weight: ...}]`), or drop it",
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
