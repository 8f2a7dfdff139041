"""Target suggestions from a KPI's history: commit, target and stretch by several methods, and which one to use.

The history is the KPI's value in each complete period of the target's grain before the target period (a period the
data stops in is not complete: its last days are missing). Every method finds a *base*, what the period should bring
if things go on as they have (`goals.suggest.methods`):

- `last`: the last period of history;
- `last_year`: the same period one year before;
- `average`: the mean of the last `count` periods (default 24 months, 8 quarters, 3 years);
- `percentile`: the median of those periods, with the levels read off their percentiles;
- `growth`: the last value carried forward by the trend of the last `count` periods (compound growth for flows and
  stocks that stay positive; otherwise the linear trend, held within the history's range widened by half its width);
- `seasonal`: the same period last year moved by the trend: the last periods (up to a year) against the same periods
  a year before, sum over sum for flows and stocks that stay positive, the change of the mean for rates.

The levels sit at the quantiles of the method's own past errors (`goals.suggest.levels`): commit is meant to be
reached in about 82.5 % of periods, target in half of them, stretch in about 17.5 %. Then (`forecast.bounds`) they are
held within the KPI's bounds (0..100 % for percent KPIs that never left it, at least 0 for series that were never
negative), rounded to four significant digits and, for whole-number KPIs, to whole numbers in the KPI's direction;
the target is held within 20 % of the best value history reached, kpilot's own limit of what is achievable
(`goals.smart.achievable`).

A KPI whose formula is the growth of another KPI (`growth(revenue)`) gets the growth that the other KPI's suggestion
implies. A KPI that was always 0 gets no suggestion (reason `always_zero`), nor one without history (`no_history`).

Recommendation: `seasonal` when it is available for flows and rates (the same period last year and enough periods a
year apart to see the trend), `growth` for stocks (a stock carries its level over: pipeline, headcount, MRR) and when
`seasonal` is not available (at least three values), else `average`, else `last`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from kpilot.definitions.model import Direction, Kpi
from kpilot.engine.period_names import parse_period, period_name
from kpilot.engine.periods import MONTHS_PER, Calendar, Grain, grain_word
from kpilot.engine.scope import scope_of
from kpilot.errors import QueryError
from kpilot.forecast.bounds import Bounds, bounds_of, whole
from kpilot.forecast.history import Point, history_end, load_history
from kpilot.goals.suggest.levels import Levels, Spread, levels, percentile_levels, spread_of
from kpilot.goals.suggest.methods import SUGGESTED_GRAINS, Base, Inputs, Method, base_of
from kpilot.i18n import Message, Number, Share
from kpilot.semantic.lookup import require_kpi
from kpilot.semantic.series_kind import SeriesKind, growth_of, series_kind
from kpilot.workspace import Workspace

DEFAULT_HISTORY = {Grain.MONTH: 24, Grain.QUARTER: 8, Grain.YEAR: 3}
SIGNIFICANT_DIGITS = 4
# A target more than 20 % beyond the best value ever reached is doubtful (see goals.smart.achievable).
ACHIEVABLE_MARGIN = 0.2
ORDER = {
    SeriesKind.FLOW: (Method.SEASONAL, Method.GROWTH, Method.AVERAGE, Method.LAST),
    SeriesKind.RATE: (Method.SEASONAL, Method.GROWTH, Method.AVERAGE, Method.LAST),
    SeriesKind.STOCK: (Method.GROWTH, Method.LAST),
}


RECOMMENDED: Literal["recommended"] = "recommended"  # for `propose(only=...)`: whichever method is recommended


class Level(StrEnum):
    """What `--write` writes: one suggested level as the target, or all three as commit, target and stretch."""

    COMMIT = "commit"
    TARGET = "target"
    STRETCH = "stretch"
    ALL = "all"


class NoSuggestion(StrEnum):
    """Why a KPI gets no suggestion at all."""

    NO_HISTORY = "no_history"
    ALWAYS_ZERO = "always_zero"


@dataclass(frozen=True)
class Proposal:
    """What one method suggests; `unavailable` says why it suggests nothing."""

    method: Method
    base: float | None = None
    commit: float | None = None
    target: float | None = None
    stretch: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    ceiling: float | None = None  # the best the KPI ever did against this method, from this base
    basis: Message | None = None  # how the base was worked out: "2025-06 = 100"
    spread: Spread | None = None
    unavailable: Message | None = None

    @property
    def available(self) -> bool:
        return self.unavailable is None


@dataclass(frozen=True)
class Suggestion:
    kpi: Kpi
    period: date
    period_name: str
    grain: Grain
    scope: Mapping[str, str]
    history: tuple[Point, ...]
    kind: SeriesKind
    horizon: int  # periods from the last period of history to the target period
    proposals: tuple[Proposal, ...]
    recommended: Method | None
    why: Message | None  # why the recommended method (or why none); None only while the suggestion is being built
    bounds: Bounds = field(default=Bounds())
    reason: NoSuggestion | None = None
    growth_of: str | None = None  # the KPI whose suggestion this growth KPI's levels follow from
    notes: tuple[Message, ...] = field(default=())
    window: int = 24  # the most recent periods of `history` that average, percentile and growth look at

    @property
    def recent(self) -> tuple[Point, ...]:
        return self.history[-self.window :]

    @property
    def additive(self) -> bool:
        return self.kind is SeriesKind.FLOW

    def proposal(self, method: Method) -> Proposal:
        return next(p for p in self.proposals if p.method is method)

    @property
    def chosen(self) -> Proposal | None:
        return self.proposal(self.recommended) if self.recommended is not None else None

    def entry(self, level: Level, method: Method | None = None) -> dict[str, Any]:
        """The target to write (a dict for `goals.writer.write_targets`) from one method's levels."""
        chosen = method or self.recommended
        if chosen is None:
            raise QueryError(Message("goals.suggest.no_target_suggested", kpi=self.kpi.name, why=self.why))
        proposal = self.proposal(chosen)
        if not proposal.available:
            why = proposal.unavailable
            raise QueryError(Message("goals.suggest.method_unavailable", method=chosen.value, why=why), field="method")
        entry: dict[str, Any] = {"kpi": self.kpi.name, "period": self.period_name}
        if self.scope:
            entry["scope"] = dict(self.scope)
        if self.kpi.direction is Direction.RANGE:
            entry.update(type="range", min=proposal.minimum, max=proposal.maximum)
            return entry
        if level is Level.ALL:
            entry.update(commit=proposal.commit, target=proposal.target, stretch=proposal.stretch)
        else:
            entry["target"] = getattr(proposal, level.value)
        return entry


def suggest(
    workspace: Workspace,
    kpi: str,
    period: str,
    *,
    scope: Mapping[str, str] | None = None,
    count: int | None = None,
    today: date | None = None,
) -> Suggestion:
    """Suggestions for one KPI, one target period (2025-Q3) and scope, from its history."""
    definition = require_kpi(workspace.definitions, kpi)
    calendar = workspace.calendar
    start, grain = parse_period(period, calendar)
    if grain not in SUGGESTED_GRAINS:
        raise QueryError(
            Message("goals.suggest.grain_not_suggested"), hint=Message("goals.suggest.period_hint"), field="period"
        )
    if count is not None and count < 1:
        raise QueryError(Message("goals.suggest.count_too_small", count=count), field="count")
    now = today or calendar.today()
    last = history_end(start, grain, calendar, now)
    scope = dict(scope or {})
    chosen = scope_of(scope)
    points = load_history(workspace, kpi, last, grain, count=None, scope=chosen, today=now, final=True)
    model = workspace.model
    growth = growth_of(model, kpi)
    base = None
    if growth is not None:
        base_history = load_history(
            workspace, growth.base, last, grain, count=None, scope=chosen, today=now, final=True
        )
        base = Related(require_kpi(workspace.definitions, growth.base), base_history, series_kind(model, growth.base))
    result = propose(
        definition,
        points,
        start,
        grain,
        calendar,
        kind=series_kind(model, kpi),
        scope=scope,
        count=count,
        growth=(base, growth.lag) if base is not None and growth is not None else None,
    )
    if points and points[-1].start < last:
        end, complete = period_name(points[-1].start, grain, calendar), period_name(last, grain, calendar)
        note = Message("goals.suggest.data_ends", end=end, grain=grain_word(grain), last=complete)
        result = replace(result, notes=(*result.notes, note))
    return result


@dataclass(frozen=True)
class Related:
    """Another KPI's history, for a growth KPI: its definition, its points and its kind."""

    kpi: Kpi
    history: tuple[Point, ...]
    kind: SeriesKind


def propose(
    kpi: Kpi,
    history: Sequence[Point],
    period: date,
    grain: Grain,
    calendar: Calendar,
    *,
    kind: SeriesKind,
    scope: Mapping[str, str] | None = None,
    count: int | None = None,
    growth: tuple[Related, int] | None = None,
    only: Method | Literal["recommended"] | None = None,
) -> Suggestion:
    """Every method's proposal for `period` from `history` (complete periods before it, oldest first).

    `growth` is the KPI this one is the growth of, with its history, and the lag (1: period over period). `only`
    works out the levels of one method and leaves the others out (`RECOMMENDED`: the recommended one), for replays."""
    points = tuple(history)
    name = period_name(period, grain, calendar)
    last = points[-1].start if points else calendar.shift(period, -1, grain)
    horizon = _distance(last, period, grain)
    window = count or DEFAULT_HISTORY[grain]
    known = [p.value for p in points if p.value is not None]
    frame = Suggestion(
        kpi, period, name, grain, dict(scope or {}), points, kind, horizon, (), None, None, window=window
    )
    if growth is not None:
        implied = _implied_growth(frame, growth, calendar, window, only)
        if implied is not None:
            return implied
    if not known or all(v == 0 for v in known):
        reason = NoSuggestion.NO_HISTORY if not known else NoSuggestion.ALWAYS_ZERO
        code = "goals.suggest.no_history_before" if not known else "goals.suggest.always_zero"
        why = Message(code, grain=grain_word(grain), period=name)
        proposals = tuple(Proposal(method, unavailable=why) for method in Method)
        return replace(frame, proposals=proposals, why=why, reason=reason)
    bounds = bounds_of(kpi.unit, kind, known)
    inputs = Inputs(
        tuple(p.value for p in points),
        tuple(p.name for p in points),
        horizon,
        grain.periods_per_year,
        window,
        kind,
        kpi.unit,
    )
    best = max(known) if kpi.direction is not Direction.DOWN else min(known)
    bases = {method: base_of(method, inputs) for method in Method}
    available = {m for m, found in bases.items() if not isinstance(found, Message)}
    spreads: dict[Method, Spread] = {}
    if kind is SeriesKind.RATE:
        spreads = {m: spread_of(m, inputs) for m in ORDER[kind] if m in available}
    recommended, why = _recommend(available, kind, spreads)
    wanted = set(Method) if only is None else {recommended if only == RECOMMENDED else only}
    proposals = tuple(
        _proposal(method, found, inputs, kpi.direction, bounds, best, spreads.get(method))
        if method in wanted
        else Proposal(
            method, unavailable=found if isinstance(found, Message) else Message("goals.suggest.not_worked_out")
        )
        for method, found in bases.items()
    )
    return replace(frame, proposals=proposals, recommended=recommended, why=why, bounds=bounds)


def _proposal(
    method: Method,
    found: Base | Message,
    inputs: Inputs,
    direction: Direction,
    bounds: Bounds,
    best: float,
    spread: Spread | None = None,
) -> Proposal:
    if isinstance(found, Message):
        return Proposal(method, unavailable=found)
    if method is Method.PERCENTILE:
        values = [v for _, v in inputs.recent]
        return _finish(method, found, percentile_levels(values, direction), None, direction, bounds, best)
    spread = spread or spread_of(method, inputs)
    return _finish(method, found, levels(found, spread, direction), spread, direction, bounds, best)


def _finish(
    method: Method,
    base: Base,
    raw: Levels,
    spread: Spread | None,
    direction: Direction,
    bounds: Bounds,
    best: float,
) -> Proposal:
    """Bounds, kpilot's own limit of what is achievable, rounding and order."""

    def shaped(value: float | None, *, upper: bool = False) -> float | None:
        if value is None:
            return None
        rounded = _round(bounds.clamp(value))
        return whole(rounded, direction, upper=upper) if bounds.whole else rounded

    basis = base.basis
    commit, target, stretch = shaped(raw.commit), shaped(raw.target), shaped(raw.stretch)
    if target is not None and direction is not Direction.RANGE:
        limit = achievable_limit(best, direction)
        if target > limit if direction is Direction.UP else target < limit:
            capped = _inward(limit, direction, bounds)
            if commit is not None:  # the ladder moves down with the target, its steps kept
                commit = shaped(commit - (target - capped))
            target = capped
            basis = Message("goals.suggest.held_at_limit", basis=basis, margin=Share(ACHIEVABLE_MARGIN))
    minimum, maximum = shaped(raw.minimum), shaped(raw.maximum, upper=True)
    if direction is not Direction.RANGE and commit is not None and target is not None and stretch is not None:
        ordered = sorted((commit, target, stretch), reverse=direction is Direction.DOWN)
        commit, target, stretch = ordered
        if bounds.whole:  # rounding may merge levels a unit apart: keep commit easier and stretch harder than target
            step = 1.0 if direction is Direction.UP else -1.0
            commit = bounds.clamp(min(commit, target - step) if step > 0 else max(commit, target - step))
            stretch = max(stretch, target + step) if step > 0 else min(stretch, target + step)
    if minimum is not None and maximum is not None and minimum > maximum:
        minimum = maximum = shaped(raw.target)
    return Proposal(
        method,
        base.value,
        commit=commit,
        target=target,
        stretch=stretch,
        minimum=minimum,
        maximum=maximum,
        ceiling=None if raw.ceiling is None else bounds.clamp(raw.ceiling),
        basis=basis,
        spread=spread,
    )


def _implied_growth(
    frame: Suggestion,
    growth: tuple[Related, int],
    calendar: Calendar,
    window: int,
    only: Method | Literal["recommended"] | None,
) -> Suggestion | None:
    """A growth KPI's levels from its base KPI's: base level / base `lag` periods before - 1 (None when that period
    is not known or not positive, or the directions differ: the KPI's own history is used then)."""
    related, lag = growth
    kpi, period, grain = frame.kpi, frame.period, frame.grain
    if related.kpi.direction is not kpi.direction or kpi.direction is Direction.RANGE:
        return None
    before_start = calendar.shift(period, -lag, grain)
    before = next((p.value for p in related.history if p.start == before_start), None)
    if before is None or before <= 0:
        return None
    history = tuple(p for p in related.history if p.start < period)
    inner = propose(related.kpi, history, period, grain, calendar, kind=related.kind, count=window, only=only)
    if inner.recommended is None:
        return None
    shown = period_name(before_start, grain, calendar)

    def rate(level: float | None) -> float | None:
        return None if level is None else _round(level / before - 1)

    proposals = tuple(
        replace(
            p,
            base=None if p.base is None else p.base / before - 1,
            commit=rate(p.commit),
            target=rate(p.target),
            stretch=rate(p.stretch),
            ceiling=None if p.ceiling is None else p.ceiling / before - 1,
            basis=Message(
                "goals.suggest.implied_growth",
                kpi=related.kpi.name,
                method=p.method.value,
                target=Number(p.target, ",.6g"),
                period=shown,
                before=Number(before, ",.6g"),
            ),
        )
        if p.available and p.target is not None
        else p
        for p in inner.proposals
    )
    why = Message("goals.suggest.growth_implied_why", kpi=related.kpi.name, why=inner.why)
    return replace(frame, proposals=proposals, recommended=inner.recommended, why=why, growth_of=related.kpi.name)


def _error(mean: float, spread: Spread) -> Number:
    return Number(mean, ".1%" if spread.relative else ",.4g")


def achievable_limit(best: float, direction: Direction) -> float:
    """The most a target may ask for: 20 % beyond the best value history reached (above for up, below for down)."""
    return best + ACHIEVABLE_MARGIN * abs(best) * (1 if direction is Direction.UP else -1)


def _inward(limit: float, direction: Direction, bounds: Bounds) -> float:
    """The limit rounded towards history, so that rounding never puts the target beyond it."""
    if bounds.whole:
        return float(math.floor(limit) if direction is Direction.UP else math.ceil(limit))
    if limit == 0:
        return 0.0
    unit = 10 ** (math.floor(math.log10(abs(limit))) - SIGNIFICANT_DIGITS + 1)
    steps = limit / unit
    return _round((math.floor(steps) if direction is Direction.UP else math.ceil(steps)) * unit)


def _round(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else value


def _distance(first: date, second: date, grain: Grain) -> int:
    months = (second.year - first.year) * 12 + second.month - first.month
    return max(months // MONTHS_PER[grain], 1)


def _recommend(
    available: set[Method], kind: SeriesKind, spreads: Mapping[Method, Spread]
) -> tuple[Method | None, Message]:
    """The first available method of the kind's order; for rates, the one whose replays erred least, when two or
    more have enough of them (a rate's season is often weaker than its noise)."""
    scored = {m: statistics.fmean(abs(e) for e in s.errors) for m, s in spreads.items() if not s.default}
    if len(scored) >= 2:
        best = min(ORDER[kind], key=lambda m: (scored.get(m, math.inf), ORDER[kind].index(m)))
        others = tuple(
            Message("goals.suggest.method_error", method=m.value, error=_error(scored[m], spreads[m]))
            for m in ORDER[kind]
            if m in scored and m != best
        )
        return best, Message("goals.suggest.why_least_error", error=_error(scored[best], spreads[best]), others=others)
    reasons = {
        Method.SEASONAL: Message("goals.suggest.why_seasonal"),
        Method.GROWTH: Message(
            "goals.suggest.why_growth_stock" if kind is SeriesKind.STOCK else "goals.suggest.why_growth"
        ),
        Method.AVERAGE: Message("goals.suggest.why_average"),
        Method.LAST: Message("goals.suggest.why_last"),
    }
    for method in ORDER[kind]:
        if method in available:
            return method, reasons[method]
    for method in ORDER[SeriesKind.FLOW]:
        if method in available:
            return method, reasons[method]
    return None, Message("goals.suggest.why_none")
