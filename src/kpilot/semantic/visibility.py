"""Visibility as the formulas see it: which KPIs a KPI's formula uses, definitions cut down to the KPIs one reader
may see, and the checks of `visibility:` and `grants:` that need no store (docs/permissions.md).

A KPI built on another shows what that one shows: a company-wide margin over a restricted payroll KPI would tell
anyone the payroll. So a reader sees a KPI only if they may see every KPI its formula uses, over the rows all of
them allow; `visibility_issues` warns where a KPI is declared wider than a KPI it uses.
"""

from __future__ import annotations

from collections.abc import Callable

from kpilot.definitions.goals_model import Goal
from kpilot.definitions.model import Definitions, Kpi, Visibility
from kpilot.errors import FormulaError, Issue, Severity
from kpilot.formula.ast import Name
from kpilot.formula.check import walk
from kpilot.formula.parser import parse
from kpilot.i18n import Message

# How far a visibility reaches, widest first: a KPI ranked before one it uses shows less than it is declared to.
REACH = (Visibility.COMPANY, Visibility.TEAM, Visibility.PRIVATE, Visibility.RESTRICTED)


def kpis_used(definitions: Definitions, name: str) -> tuple[str, ...]:
    """The KPIs the formula of KPI `name` names directly, in formula order (name resolution's rule: a bare name is a
    KPI when one of that name exists, other than the KPI itself). Empty for a formula that does not parse."""
    kpi = definitions.kpi(name)
    if kpi is None:
        return ()
    try:
        tree = parse(kpi.formula)
    except FormulaError:  # reported by the formula checks; such a KPI computes nothing
        return ()
    used = [
        node.parts[0]
        for node in walk(tree)
        if isinstance(node, Name) and len(node.parts) == 1 and node.parts[0] != name
    ]
    return tuple(dict.fromkeys(part for part in used if definitions.kpi(part) is not None))


def showing_only(definitions: Definitions, visible: Callable[[str], bool]) -> Definitions:
    """The definitions a reader sees: the visible KPIs, their targets, and goals linked to visible KPIs only (a goal
    keeps its place in the matrix; its hidden links are left out). Sources are kept: formulas need them."""
    kpis = tuple(kpi for kpi in definitions.kpis if visible(kpi.name))
    shown = {kpi.name for kpi in kpis}
    if len(kpis) == len(definitions.kpis):
        return definitions
    return definitions.model_copy(
        update={
            "kpis": kpis,
            "targets": tuple(target for target in definitions.targets if target.kpi in shown),
            "goals": tuple(_links_to(goal, shown) for goal in definitions.goals),
        }
    )


def _links_to(goal: Goal, shown: set[str]) -> Goal:
    links = tuple(link for link in goal.kpis if link.kpi in shown)
    return goal if len(links) == len(goal.kpis) else goal.model_copy(update={"kpis": links})


def visibility_issues(definitions: Definitions) -> list[Issue]:
    """Warnings: a restricted KPI that grants nobody (only admins and editors see it), and a KPI declared wider
    than a KPI its formula uses (readers see it only where they see that one)."""
    issues = []
    for kpi in definitions.kpis:
        where = kpi.locations.get("visibility", kpi.origin)
        if kpi.visibility is Visibility.RESTRICTED and (kpi.grants is None or kpi.grants.empty):
            issues.append(
                Issue(
                    Message("semantic.restricted_grants_nobody", kpi=kpi.name),
                    where,
                    severity=Severity.WARNING,
                    hint=Message("semantic.restricted_grants_nobody_hint"),
                    field="grants",
                )
            )
        for used in kpis_used(definitions, kpi.name):
            other = definitions.kpi(used)
            if other is not None and _narrower(other, kpi):
                issues.append(
                    Issue(
                        Message(
                            "semantic.visibility_narrowed",
                            kpi=kpi.name,
                            visibility=kpi.visibility.value,
                            used=used,
                            narrower=other.visibility.value,
                        ),
                        where,
                        severity=Severity.WARNING,
                        hint=Message("semantic.visibility_narrowed_hint", used=used),
                        field="visibility",
                    )
                )
    return issues


def _narrower(used: Kpi, kpi: Kpi) -> bool:
    """Whether `used` shows less than `kpi` is declared to: a narrower visibility, or restricted to other grants."""
    if REACH.index(used.visibility) != REACH.index(kpi.visibility):
        return REACH.index(used.visibility) > REACH.index(kpi.visibility)
    return used.visibility is Visibility.RESTRICTED and _granted(used) != _granted(kpi)


def _granted(kpi: Kpi) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    grants = kpi.grants
    if grants is None:
        return frozenset(), frozenset(), frozenset()
    return frozenset(p.casefold() for p in grants.people), frozenset(grants.teams), frozenset(grants.roles)
