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
from kpilot.engine.periods import MONTHS_PER, Calendar, Grain, grain_word, periods_count
from kpilot.engine.target_checks import every as every_period
from kpilot.engine.target_checks import missing_values, scope_text, target_type
from kpilot.errors import QueryError
from kpilot.goals.resolved import ResolvedTarget
from kpilot.i18n import Amount, Message, Period, Share
from kpilot.semantic.additive import is_additive, scales_with_time
from kpilot.semantic.resolve import SemanticModel

GRAIN_ORDER = (Grain.DAY, Grain.WEEK, Grain.MONTH, Grain.QUARTER, Grain.YEAR)
# An `every:` target as a basis says: "the monthly target set for every month".
EVERY_TARGET = {
    Grain.DAY: Message("goals.basis.every_day"),
    Grain.WEEK: Message("goals.basis.every_week"),
    Grain.MONTH: Message("goals.basis.every_month"),
    Grain.QUARTER: Message("goals.basis.every_quarter"),
    Grain.YEAR: Message("goals.basis.every_year"),
}
SPREADABLE = (Grain.MONTH, Grain.QUARTER)  # what a longer period's target can be spread down to


def period_value(start: date, grain: Grain, calendar: Calendar) -> Period:
    """A period for sentences, written in the reader's language: 'May 2025', '2025-Q2', '2025', '12 May 2025',
    'the week of 12 May 2025'."""
    return Period(start, grain.value, period_name(start, grain, calendar))


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
        chosen = request.single(longer, period_value(*_period_of(longer[0], calendar), calendar))
        model = SemanticModel(definitions)
        if additive is None:
            additive = is_additive(model, kpi.name)
        scales = not additive and scales_with_time(model, kpi.name)
        return request.spread(chosen, additive, last_year or {}, scales=scales)
    every = [t for t in mine if t.every == grain.value]
    if every:
        return request.every(request.single(every, every_period(grain.value)))
    return None


def _period_of(target: Target, calendar: Calendar) -> tuple[date, Grain]:
    assert target.period is not None
    try:
        return parse_period(target.period, calendar)
    except QueryError as error:
        where = target.locations.get("period", target.origin)
        problem = Message("engine.target_problem", kpi=target.kpi, problem=error.message)
        raise QueryError(problem, location=where, hint=error.hint, field=error.field) from None


@dataclass(frozen=True)
class _Request:
    kpi: Kpi
    start: date
    grain: Grain
    scope: dict[str, str]
    calendar: Calendar

    @property
    def label(self) -> Period:
        return period_value(self.start, self.grain, self.calendar)

    def single(self, targets: list[Target], what: Period | Message) -> Target:
        if len(targets) == 1:
            return targets[0]
        places: str | Message = str(targets[0].origin)
        for target in targets[1:]:  # "a and b and c", each joined in the reader's language
            places = Message("goals.targets.and", first=places, second=str(target.origin))
        raise QueryError(
            Message(
                "goals.targets.ambiguous",
                kpi=self.kpi.name,
                count=len(targets),
                what=what,
                scope=scope_text(self.scope),
                places=places,
            ),
            location=targets[-1].origin,
            hint=Message("goals.targets.ambiguous_hint"),
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

    def build(self, target: Target, share: float, basis: Message) -> ResolvedTarget:
        kind = target_type(target, self.kpi)
        problem = missing_values(target, kind)
        if problem:
            raise QueryError(
                Message("engine.target_problem", kpi=self.kpi.name, problem=problem), location=target.origin
            )

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
        if any(t.every == self.grain.value for t in mine):
            basis = Message("goals.basis.exact_over_every", period=self.label, every=EVERY_TARGET[self.grain])
            return self.build(target, 1.0, basis)
        return self.build(target, 1.0, Message("goals.basis.exact", period=self.label))

    def every(self, target: Target) -> ResolvedTarget:
        return self.build(target, 1.0, EVERY_TARGET[self.grain])

    def spread(
        self, target: Target, additive: bool, last_year: Mapping[date, float | None], *, scales: bool = False
    ) -> ResolvedTarget:
        start, grain = _period_of(target, self.calendar)
        what = Message(
            "goals.basis.longer_target", period=period_value(start, grain, self.calendar), levels=self.levels(target)
        )
        count = MONTHS_PER[grain] // MONTHS_PER[self.grain]
        even = {"target": what, "periods": periods_count(count, self.grain)}
        if not additive:
            if scales:
                why = Message(
                    "goals.basis.flow_over_stock", kpi=self.kpi.name, grain=grain_word(self.grain), count=count
                )
                return self.build(target, 1 / count, Message("goals.basis.spread_evenly_because", why=why, **even))
            return self.build(
                target, 1.0, Message("goals.basis.applied_as_is", target=what, period=self.label, kpi=self.kpi.name)
            )
        if target.spread is not Spread.SEASONAL:
            return self.build(target, 1 / count, Message("goals.basis.spread_evenly", **even))
        seasonal = self.seasonal(start, last_year)
        if isinstance(seasonal, Message):
            return self.build(target, 1 / count, Message("goals.basis.spread_evenly_because", why=seasonal, **even))
        earlier = self.calendar.shift(self.start, -1, Grain.YEAR)
        before = self.calendar.shift(start, -1, Grain.YEAR)
        return self.build(
            target,
            seasonal,
            Message(
                "goals.basis.spread_seasonally",
                target=what,
                earlier=period_value(earlier, self.grain, self.calendar),
                share=Share(seasonal),
                year=period_value(before, Grain.YEAR, self.calendar),
            ),
        )

    def levels(self, target: Target) -> Amount | Message | None:
        """The target's levels as written (a range's bounds), in the KPI's unit; None for a level not given."""

        def shown(value: float | None) -> Amount | None:
            return Amount(value, unit=self.kpi.unit.value) if value is not None else None

        if target_type(target, self.kpi) is TargetType.RANGE:
            return Message("goals.basis.range_levels", low=shown(target.min), high=shown(target.max))
        return shown(target.target)

    def seasonal(self, year_start: date, last_year: Mapping[date, float | None]) -> float | Message:
        """This period's share of last year's total, or why it cannot be worked out."""
        months = [self.calendar.shift(year_start, index, Grain.MONTH) for index in range(12)]
        values = [last_year.get(self.calendar.shift(month, -12, Grain.MONTH)) for month in months]
        missing = [self.calendar.shift(m, -12, Grain.MONTH) for m, v in zip(months, values, strict=True) if not _ok(v)]
        if missing:
            names = tuple(f"{m:%Y-%m}" for m in missing[:3])
            code = "goals.basis.seasonal_missing_more" if len(missing) > 3 else "goals.basis.seasonal_missing"
            return Message(code, months=names, count=len(missing))
        numbers = [float(v) for v in values if v is not None]
        if any(v < 0 for v in numbers) or sum(numbers) <= 0:
            return Message("goals.basis.seasonal_not_positive")
        end = self.calendar.end(self.start, self.grain)
        inside = sum(v for month, v in zip(months, numbers, strict=True) if self.start <= month < end)
        return inside / sum(numbers)


def _ok(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
