"""SMART checks under T, Time-bound: does every KPI and target say over which period it is judged?

A target whose period cannot be read (error), a recurring `every:` target, which has no end (info), a target for
periods shorter than the KPI's grain (warning), a KPI with no grain and no target (warning).
"""

from __future__ import annotations

from kpilot.definitions.model import Definitions
from kpilot.engine.period_names import parse_period
from kpilot.engine.periods import Calendar, Grain, grain_word
from kpilot.errors import QueryError, Severity
from kpilot.goals.smart.finding import Finding, Letter, make_finding
from kpilot.goals.targets import GRAIN_ORDER
from kpilot.i18n import Message


def time_bound(definitions: Definitions, calendar: Calendar) -> list[Finding]:
    found: list[Finding] = []
    with_targets = {t.kpi for t in definitions.targets}
    for kpi in definitions.kpis:
        if kpi.grain is None and kpi.name not in with_targets:
            found.append(
                make_finding(
                    Letter.T,
                    Severity.WARNING,
                    kpi.name,
                    Message("goals.smart.no_grain"),
                    Message("goals.smart.no_grain_fix"),
                    location=kpi.origin,
                )
            )
    for target in definitions.targets:
        measured = definitions.kpi(target.kpi)
        if target.every is not None:
            found.append(
                make_finding(
                    Letter.T,
                    Severity.INFO,
                    target.kpi,
                    Message("goals.smart.recurs", grain=grain_word(Grain(target.every))),
                    Message("goals.smart.recurs_fix"),
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
                    Severity.ERROR,
                    target.kpi,
                    error.message,
                    error.hint or Message("goals.smart.period_fix"),
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
                    Severity.WARNING,
                    measured.name,
                    Message(
                        "goals.smart.shorter_than_grain",
                        grain=grain_word(grain),
                        kpi_grain=grain_word(Grain(measured.grain)),
                    ),
                    Message("goals.smart.shorter_than_grain_fix", kpi_grain=grain_word(Grain(measured.grain))),
                    target=target,
                    location=target.origin,
                )
            )
    return found
