"""SMART checks under T, Time-bound: does every KPI and target say over which period it is judged?

A target whose period cannot be read (error), a recurring `every:` target, which has no end (info), a target for
periods shorter than the KPI's grain (warning), a KPI with no grain and no target (warning).
"""

from __future__ import annotations

from kpilot.definitions.model import Definitions
from kpilot.engine.period_names import parse_period
from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import QueryError
from kpilot.goals.smart.finding import Finding, Letter, Level, make_finding
from kpilot.goals.targets import GRAIN_ORDER


def time_bound(definitions: Definitions, calendar: Calendar) -> list[Finding]:
    found: list[Finding] = []
    with_targets = {t.kpi for t in definitions.targets}
    for kpi in definitions.kpis:
        if kpi.grain is None and kpi.name not in with_targets:
            found.append(
                make_finding(
                    Letter.T,
                    Level.WARNING,
                    kpi.name,
                    "no grain and no target: nothing says over which period it is measured or judged",
                    "add `grain: month` (or week, quarter...), or a target with a period",
                    location=kpi.origin,
                )
            )
    for target in definitions.targets:
        measured = definitions.kpi(target.kpi)
        if target.every is not None:
            found.append(
                make_finding(
                    Letter.T,
                    Level.INFO,
                    target.kpi,
                    f"recurs every {target.every} with no end",
                    "review it each year, or set targets for named periods (period: 2025-Q3)",
                    target=target,
                    location=target.origin,
                )
            )
            continue
        assert target.period is not None
        try:
            _, grain = parse_period(target.period, calendar)
        except QueryError as error:
            found.append(
                make_finding(
                    Letter.T,
                    Level.ERROR,
                    target.kpi,
                    str(error.message),
                    str(error.hint) if error.hint else "write the period as 2025-05, 2025-Q3 or 2025",
                    target=target,
                    location=target.locations.get("period", target.origin),
                )
            )
            continue
        if measured is None or measured.grain is None:
            continue
        if GRAIN_ORDER.index(grain) < GRAIN_ORDER.index(Grain(measured.grain)):
            found.append(
                make_finding(
                    Letter.T,
                    Level.WARNING,
                    measured.name,
                    f"a target for a {grain.value} while the KPI is measured per {measured.grain}",
                    f"set the target for a {measured.grain} (or longer)",
                    target=target,
                    location=target.origin,
                )
            )
    return found
