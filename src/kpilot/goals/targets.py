"""Which target applies to a KPI, a period and a scope.

Precedence, for one KPI and one scope (a target applies only when its scope equals the requested one):

1. a target for exactly this period (`period: 2025-05` for May 2025);
2. a longer period's target spread down to it: the shortest period (quarter, then year) containing it; for KPIs that
   add up over time, shared evenly, or for a year with `spread: seasonal` in proportion to last year's months;
   for other KPIs (rates, averages) applied as is;
3. an `every:` target of this grain (`every: month` for any month).

So a target changed mid-year is written as `every: month` plus `period: 2025-07` for July, or as one target per
month; the specific one wins for its month only. Two targets for the same KPI, period and scope are ambiguous.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from kpilot.definitions.goals_model import Spread, Target, TargetType
from kpilot.definitions.model import Definitions, Kpi
from kpilot.engine.period_names import parse_period, period_name
from kpilot.engine.periods import MONTHS_PER, Calendar, Grain
from kpilot.engine.target_checks import missing_values, scope_text, target_type
from kpilot.errors import QueryError
from kpilot.goals.resolved import ResolvedTarget
from kpilot.goals.status import format_amount, format_share
from kpilot.semantic.additive import is_additive, scales_with_time
from kpilot.semantic.resolve import SemanticModel

GRAIN_ORDER = (Grain.DAY, Grain.WEEK, Grain.MONTH, Grain.QUARTER, Grain.YEAR)
ADJECTIVE = {
    Grain.DAY: "daily",
    Grain.WEEK: "weekly",
    Grain.MONTH: "monthly",
    Grain.QUARTER: "quarterly",
    Grain.YEAR: "yearly",
}
SPREADABLE = (Grain.MONTH, Grain.QUARTER)  # what a longer period's target can be spread down to


def period_label(start: date, grain: Grain, calendar: Calendar) -> str:
    """A period for sentences: 'May 2025', '2025-Q2', '2025', '12 May 2025', 'the week of 12 May 2025'."""
    if grain is Grain.MONTH:
        return f"{start:%B %Y}"
    if grain is Grain.DAY:
        return f"{start.day} {start:%B %Y}"
    if grain is Grain.WEEK:
        return f"the week of {start.day} {start:%B %Y}"
    return period_name(start, grain, calendar)


# --------------------------------------------------------------------------------------------------------------
# Resolving


def resolve_target(
    definitions: Definitions,
    kpi: Kpi,
    period_start: date,
    grain: Grain,
    scope: Mapping[str, str],
    calendar: Calendar,
    *,
    last_year: Mapping[date, float | None] | None = None,
    additive: bool | None = None,
) -> ResolvedTarget | None:
    """The target for `kpi` in the period of `grain` that starts at (or contains) `period_start`, for `scope`.

    `last_year` holds the KPI's values for last year's months (keyed by the month's first day, e.g. 2024-05-01
    for May 2025), used to spread a year target with `spread: seasonal`. `additive` says whether the KPI adds up
    over time; when not given it is worked out from the formula. Raises QueryError when two targets tie or when
    the chosen target lacks the values its type needs.
    """
    if grain is Grain.ALL:
        return None
    start = calendar.start(period_start, grain)
    mine = [t for t in definitions.targets_of(kpi.name) if t.scope == dict(scope)]
    request = _Request(kpi, start, grain, dict(scope), calendar)
    exact = [t for t in mine if t.period is not None and _period_of(t, calendar) == (start, grain)]
    if exact:
        return request.exact(request.single(exact, request.label), mine)
    longer = request.containing(mine)
    if longer:
        chosen = request.single(longer, f"{period_name(*_period_of(longer[0], calendar), calendar)}")
        model = SemanticModel(definitions)
        if additive is None:
            additive = is_additive(model, kpi.name)
        scales = not additive and scales_with_time(model, kpi.name)
        return request.spread(chosen, additive, last_year or {}, scales=scales)
    every = [t for t in mine if t.every == grain.value]
    if every:
        return request.every(request.single(every, f"every {grain.value}"))
    return None


def _period_of(target: Target, calendar: Calendar) -> tuple[date, Grain]:
    assert target.period is not None
    try:
        return parse_period(target.period, calendar)
    except QueryError as error:
        where = target.locations.get("period", target.origin)
        raise QueryError(f"target for KPI '{target.kpi}': {error.message}", location=where, hint=error.hint) from None


@dataclass(frozen=True)
class _Request:
    kpi: Kpi
    start: date
    grain: Grain
    scope: dict[str, str]
    calendar: Calendar

    @property
    def label(self) -> str:
        return period_label(self.start, self.grain, self.calendar)

    def single(self, targets: list[Target], what: str) -> Target:
        if len(targets) == 1:
            return targets[0]
        places = " and ".join(str(t.origin) for t in targets)
        raise QueryError(
            f"KPI '{self.kpi.name}' has {len(targets)} targets for {what} ({scope_text(self.scope)}): {places}",
            location=targets[-1].origin,
            hint="keep one of them, or give them different scopes",
        )

    def containing(self, targets: list[Target]) -> list[Target]:
        """The targets of the shortest longer period (quarter, then year) that contains the requested period."""
        if self.grain not in SPREADABLE:
            return []
        found: dict[Grain, list[Target]] = {}
        for target in targets:
            if target.period is None:
                continue
            start, grain = _period_of(target, self.calendar)
            longer = grain in (Grain.QUARTER, Grain.YEAR) and GRAIN_ORDER.index(grain) > GRAIN_ORDER.index(self.grain)
            if longer and start <= self.start < self.calendar.end(start, grain):
                found.setdefault(grain, []).append(target)
        return found[min(found, key=GRAIN_ORDER.index)] if found else []

    def build(self, target: Target, share: float, basis: str) -> ResolvedTarget:
        kind = target_type(target, self.kpi)
        problem = missing_values(target, kind)
        if problem:
            raise QueryError(f"target for KPI '{self.kpi.name}': {problem}", location=target.origin)

        def part(level: float | None) -> float | None:
            return None if level is None else level * share

        return ResolvedTarget(
            kpi=self.kpi.name,
            period_start=self.start,
            grain=self.grain,
            scope=dict(self.scope),
            type=kind,
            commit=part(target.commit),
            target=part(target.target),
            stretch=part(target.stretch),
            min=part(target.min),
            max=part(target.max),
            origin=target,
            basis=basis,
            share=share,
        )

    def exact(self, target: Target, mine: list[Target]) -> ResolvedTarget:
        basis = f"the target set for {self.label}"
        if any(t.every == self.grain.value for t in mine):
            basis += f" (in place of the {ADJECTIVE[self.grain]} target set for every {self.grain.value})"
        return self.build(target, 1.0, basis)

    def every(self, target: Target) -> ResolvedTarget:
        return self.build(target, 1.0, f"the {ADJECTIVE[self.grain]} target set for every {self.grain.value}")

    def spread(
        self, target: Target, additive: bool, last_year: Mapping[date, float | None], *, scales: bool = False
    ) -> ResolvedTarget:
        start, grain = _period_of(target, self.calendar)
        what = f"the {period_name(start, grain, self.calendar)} target of {self.levels(target)}"
        count = MONTHS_PER[grain] // MONTHS_PER[self.grain]
        even = f"{what} spread evenly over {count} {self.grain.value}s"
        if not additive:
            if scales:
                why = f"{self.kpi.name} is a flow over a stock: a {self.grain.value}'s is about 1/{count} of the whole"
                return self.build(target, 1 / count, f"{even} ({why})")
            reason = f"{self.kpi.name} does not add up over time, so the target is not shared out"
            return self.build(target, 1.0, f"{what}, applied to {self.label} as is ({reason})")
        if target.spread is not Spread.SEASONAL:
            return self.build(target, 1 / count, even)
        seasonal = self.seasonal(start, last_year)
        if isinstance(seasonal, str):
            return self.build(target, 1 / count, f"{even} ({seasonal})")
        earlier = self.calendar.shift(self.start, -1, Grain.YEAR)
        before = period_name(self.calendar.shift(start, -1, Grain.YEAR), Grain.YEAR, self.calendar)
        shown = f"{period_label(earlier, self.grain, self.calendar)} was {format_share(seasonal)} of {before}"
        return self.build(target, seasonal, f"{what} spread like last year's months ({shown})")

    def levels(self, target: Target) -> str:
        def shown(value: float | None) -> str:
            return format_amount(value, self.kpi.unit) if value is not None else "?"

        if target_type(target, self.kpi) is TargetType.RANGE:
            return f"{shown(target.min)} to {shown(target.max)}"
        return shown(target.target)

    def seasonal(self, year_start: date, last_year: Mapping[date, float | None]) -> float | str:
        """This period's share of last year's total, or why it cannot be worked out."""
        months = [self.calendar.shift(year_start, index, Grain.MONTH) for index in range(12)]
        values = [last_year.get(self.calendar.shift(month, -12, Grain.MONTH)) for month in months]
        missing = [self.calendar.shift(m, -12, Grain.MONTH) for m, v in zip(months, values, strict=True) if not _ok(v)]
        if missing:
            names = ", ".join(f"{m:%Y-%m}" for m in missing[:3]) + (" ..." if len(missing) > 3 else "")
            return f"seasonal spread asked, but last year has no value for {names}"
        numbers = [float(v) for v in values if v is not None]
        if any(v < 0 for v in numbers) or sum(numbers) <= 0:
            return "seasonal spread asked, but last year's months are negative or add up to zero"
        end = self.calendar.end(self.start, self.grain)
        inside = sum(v for month, v in zip(months, numbers, strict=True) if self.start <= month < end)
        return inside / sum(numbers)


def _ok(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
