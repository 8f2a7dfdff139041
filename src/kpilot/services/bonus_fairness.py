"""The fairness part of a bonus simulation (services.bonus_simulate): how readings spread over the curve, and the
targets that nobody, or everybody, reaches, or that history says are out of reach.

- A component that fewer than 20 % or more than 80 % of people reach target on is flagged, once it has at least 5
  readings (people and periods): a target almost nobody reaches demotivates, one almost everybody reaches pays for
  nothing.
- A target better by 10 % or more than each of the four periods before in its scope (where there were values) is
  flagged as out of reach; a team's target, shared by its members, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kpilot.definitions.bonus_model import BonusPlan
from kpilot.engine.target_checks import scope_text
from kpilot.i18n import Message
from kpilot.i18n.message import Share
from kpilot.incentives.payout import PlanResult
from kpilot.services.bonus_compute import PersonPeriod
from kpilot.services.bonus_plans import PlanPeriod
from kpilot.services.bonus_readings import Reading
from kpilot.workspace import Workspace

LOW_REACH = Decimal("0.2")
HIGH_REACH = Decimal("0.8")
OUT_OF_REACH = 1.1  # a target 10 % better than the best of the periods before
HISTORY_PERIODS = 4
MIN_READINGS = 5  # fewer readings of a component say nothing about how many reach its target


@dataclass(frozen=True)
class ComponentShares:
    component: str
    readings: int
    at_cap: Decimal
    below_threshold: Decimal
    reached_target: Decimal


@dataclass(frozen=True)
class Finding:
    """A fairness flag: a code with values (incentives.simulate.fair.*)."""

    message: Message
    component: str
    person: str | None = None  # the first person whose target it is


def shares_of(plan: BonusPlan, readings: Sequence[tuple[PersonPeriod, PlanResult]]) -> tuple[ComponentShares, ...]:
    found = []
    for section in plan.all_sections:
        for component in section.components:
            read = [result.component(component.name) for _, result in readings]
            known = [part for part in read if part.reading is not None]
            count = Decimal(len(known)) or Decimal(1)
            found.append(
                ComponentShares(
                    component.name,
                    len(known),
                    sum(1 for p in known if p.reading and p.reading.capped) / count,
                    sum(1 for p in known if p.reading and p.reading.below_threshold) / count,
                    sum(1 for p in known if p.attainment is not None and p.attainment >= 1) / count,
                )
            )
    return tuple(found)


def reach_findings(shares: Sequence[ComponentShares]) -> list[Finding]:
    findings = []
    for share in shares:
        if share.readings < MIN_READINGS:
            continue
        if share.reached_target < LOW_REACH:
            code = "incentives.simulate.fair.too_few_reach"
        elif share.reached_target > HIGH_REACH:
            code = "incentives.simulate.fair.too_many_reach"
        else:
            continue
        message = Message(
            code, component=share.component, share=Share(float(share.reached_target)), readings=share.readings
        )
        findings.append(Finding(message, share.component))
    return findings


def out_of_reach(workspace: Workspace, period: PlanPeriod, people: Sequence[PersonPeriod], day: date) -> list[Finding]:
    """Targets better by 10 % or more than each of the four periods before in their scope (where there were values),
    one finding per target (a team's, shared by its members, once)."""
    findings = []
    start = workspace.calendar.shift(period.start, -HISTORY_PERIODS, period.grain)
    seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    for found in people:
        for name, blend in found.components.items():
            for _, reading in blend.parts:
                key = (name, reading.kpi, tuple(sorted(reading.scope.items())))
                if reading.target is None or reading.target.target is None or not reading.scope or key in seen:
                    continue
                seen.add(key)
                past = _history(workspace, reading, start, period, day)
                if len(past) < 2 or not _beyond(reading, past):
                    continue
                message = Message(
                    "incentives.simulate.fair.out_of_reach",
                    component=name,
                    scope=scope_text(reading.scope),
                    period=period.name,
                    target=reading.target.target,
                    best=_best(reading, past),
                )
                findings.append(Finding(message, name, found.person.email))
    return findings


def _history(workspace: Workspace, reading: Reading, start: date, period: PlanPeriod, day: date) -> list[float]:
    """The KPI's values in the reading's scope over the periods from `start` up to the one before `period`."""
    table = workspace.compute(
        [reading.kpi],
        grain=period.grain,
        start=start,
        end=period.start - timedelta(days=1),
        scope=dict(reading.scope),
        today=day,
    )
    return [float(row[reading.kpi]) for row in table.to_pylist() if row.get(reading.kpi) is not None]


def _best(reading: Reading, past: Sequence[float]) -> float:
    lower = reading.target is not None and reading.target.type.higher_is_better is False
    return min(past) if lower else max(past)


def _beyond(reading: Reading, past: Sequence[float]) -> bool:
    target = reading.target
    if target is None or target.target is None or target.type.higher_is_better is None:
        return False
    best = _best(reading, past)
    if best <= 0:
        return False
    if target.type.higher_is_better:
        return target.target >= best * OUT_OF_REACH
    return target.target * OUT_OF_REACH <= best
