"""Plans that read the same rows from a source read it alike, so that one statement computing them scans it once.

Two requests that differ only in their KPIs (the groups of KPIs of a SMART check, say) read the same rows of a source
they share, but each the measures of its own KPIs: their source queries differ, and each would scan the source. A
widened plan reads from each source every measure that any of the plans reading the same rows needs; the measures
its own KPIs do not use change none of its values (the rows, their periods and dimension values are the same), and
its source queries are now equal to the others' (engine.statement writes them once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from kpilot.engine.plan import Plan, SourcePlan


def measures_read(plan: Plan) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What a plan reads from each source, by name: with its request, what a widened plan compiles to."""
    return tuple((sp.source.name, tuple(m.name for m in sp.measures)) for sp in plan.sources)


def widened(plans: Sequence[Plan]) -> list[Plan]:
    """The plans, each reading from every source the measures that all the plans reading the same rows (the same
    request apart from its KPIs, the same look-back) need from it, so that their source queries are equal."""
    wanted: dict[tuple[Any, ...], dict[str, SourcePlan]] = {}
    for plan in plans:
        group = wanted.setdefault(rows_read(plan), {})
        for sp in plan.sources:
            known = group.get(sp.source.name)
            if known is None:
                group[sp.source.name] = sp
            else:
                extra = tuple(m for m in sp.measures if m not in known.measures)
                group[sp.source.name] = replace(known, measures=known.measures + extra) if extra else known
    found = []
    for plan in plans:
        group = wanted[rows_read(plan)]
        sources = tuple(group[sp.source.name] for sp in plan.sources)
        found.append(plan if sources == plan.sources else replace(plan, sources=sources))
    return found


def rows_read(plan: Plan) -> tuple[Any, ...]:
    """What decides the rows a plan reads from its sources: its request but for its KPIs, and how far back."""
    request = plan.request
    return (replace(request, kpis=()), plan.scan_start, plan.first_period)
