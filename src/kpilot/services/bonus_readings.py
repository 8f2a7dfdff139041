"""The KPI values, targets and attainments a bonus run pays by: each component's KPI in the person's, their team's or
the company's scope, for one complete period, computed as the scorecard computes it (one scorecard per scope, its
KPIs together) and judged against the target that applies to that KPI, period and scope.

Attainment is `goals.attainment` (direction-aware: a lower-is-better KPI attains target / value), rounded to
0.01 % (`incentives.curves.attainment_decimal`) so that a statement shows the exact figure its curve read. A KPI
with no value, or no target for that scope, has no attainment, with the reason why.

A component in the team's scope for a person who changed team during the period reads each team's attainment and
blends them by the time spent in each (the proration's team shares): a blended target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from kpilot.definitions.bonus_model import ScopeOf
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.goals.attainment import attainment
from kpilot.goals.resolved import ResolvedTarget
from kpilot.goals.scorecard import scorecard
from kpilot.i18n import Message
from kpilot.incentives.curves import ATTAINMENT_QUANTUM, attainment_decimal
from kpilot.workspace import Workspace

ScopeKey = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Reading:
    """One KPI in one scope for the period: its value, target and attainment, or why there is none."""

    kpi: str
    scope: Mapping[str, str]
    value: float | None
    target: ResolvedTarget | None
    attainment: Decimal | None
    reason: Message | None = None


@dataclass(frozen=True)
class Blend:
    """What a component or gate read: one reading, or several (team changes) blended by shares."""

    parts: tuple[tuple[Decimal, Reading], ...]  # (share, reading)

    @property
    def attainment(self) -> Decimal | None:
        if not self.parts or any(reading.attainment is None for _, reading in self.parts):
            return None
        total = sum((share * (reading.attainment or Decimal(0)) for share, reading in self.parts), Decimal(0))
        return total.quantize(ATTAINMENT_QUANTUM, rounding=ROUND_HALF_EVEN)

    @property
    def reason(self) -> Message | None:
        if not self.parts:
            return Message("incentives.run.no_scope")
        return next((reading.reason for _, reading in self.parts if reading.reason is not None), None)


class Readings:
    """KPI readings for one period, computed once per scope however many people share it."""

    def __init__(
        self, workspace: Workspace, start: date, grain: Grain, today: date, *, projected: bool = False
    ) -> None:
        """`projected`: for a running period, read each KPI's end-of-period projection instead of its value so far
        (an accrual: where the period is heading)."""
        self._projected = projected
        self._workspace = workspace
        self._start = start
        self._grain = grain
        self._today = today
        self._wanted: dict[ScopeKey, set[str]] = {}
        self._found: dict[tuple[ScopeKey, str], Reading] = {}

    def want(self, kpi: str, scope: Mapping[str, str]) -> None:
        self._wanted.setdefault(_key(scope), set()).add(kpi)

    def compute(self) -> None:
        """Compute every KPI asked for with `want`, one scorecard per scope."""
        for key, names in self._wanted.items():
            missing = sorted(name for name in names if (key, name) not in self._found)
            if missing:
                self._found.update(self._scorecard(key, missing))

    def reading(self, kpi: str, scope: Mapping[str, str]) -> Reading:
        found = self._found.get((_key(scope), kpi))
        if found is None:
            raise KeyError(f"{kpi} in {dict(scope)} was not computed: call want() then compute()")
        return found

    def _scorecard(self, key: ScopeKey, names: Sequence[str]) -> dict[tuple[ScopeKey, str], Reading]:
        scope = dict(key)
        try:
            lines = scorecard(self._workspace, self._start, self._grain, names, scope, self._today)
        except UserError as error:
            return {(key, name): Reading(name, scope, None, None, None, error.message) for name in names}
        found = {}
        for line in lines:
            name = line.kpi.name
            reason = line.error
            value, target = line.value, line.target
            if self._projected and line.partial:
                value = line.projection.value if line.projection is not None else None
            reached: Decimal | None = None
            if value is None:
                reason = reason or Message("incentives.run.no_value", kpi=name)
            elif target is None:
                reason = reason or Message("incentives.run.no_target", kpi=name)
            else:
                raw = attainment(value, target)
                reached = None if raw is None else attainment_decimal(max(raw, 0.0))
                if raw is None:
                    reason = Message("incentives.run.no_target", kpi=name)
            found[(key, name)] = Reading(name, scope, value, target, reached, reason if reached is None else None)
        return found


def scopes_for(
    scope_of: ScopeOf,
    person_scope: Mapping[str, str],
    team_scopes: Sequence[tuple[Decimal, Mapping[str, str]]],
) -> tuple[tuple[Decimal, Mapping[str, str]], ...]:
    """The scopes a component reads, with their shares: the person's own (an empty scope would be the company's
    numbers, so a person without one reads nothing), their teams' by share, or the company's."""
    if scope_of is ScopeOf.COMPANY:
        return ((Decimal(1), {}),)
    if scope_of is ScopeOf.PERSON:
        return ((Decimal(1), person_scope),) if person_scope else ()
    return tuple((share, scope) for share, scope in team_scopes if scope)


def _key(scope: Mapping[str, str]) -> ScopeKey:
    return tuple(sorted(scope.items()))
