"""Replaying target suggestions on history: how often would kpilot's own commit, target and stretch have been reached?

For each KPI and each of the last `periods` complete periods that have at least `min_history` periods of history
before them, the suggestion is made as it would have been then, from the periods before only
(`goals.suggest.propose.propose` on the history cut there), by the recommended method (or `method`), and compared with
what the KPI then did. A level is reached when the value is at or above it for higher-is-better KPIs, at or below it
for lower-is-better ones, and inside [min, max] for range KPIs (which have a target only).

The suggestions are designed so that commit is reached in about 82.5 % of periods, target in half and stretch in
about 17.5 % (`goals.suggest.levels`); the report says whether the rates land in the bands BANDS. Periods for which
kpilot suggests nothing (a KPI that was always 0) are counted apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kpilot.definitions.model import Direction, Kpi
from kpilot.engine.period_names import last_complete
from kpilot.engine.periods import Grain, grain_plural
from kpilot.engine.scope import scope_of
from kpilot.errors import QueryError, UserError
from kpilot.forecast.history import Point, load_histories
from kpilot.goals.suggest.methods import SUGGESTED_GRAINS, Method
from kpilot.goals.suggest.propose import DEFAULT_HISTORY, RECOMMENDED, Related, Suggestion, propose
from kpilot.i18n import Message
from kpilot.semantic.lookup import require_kpi
from kpilot.semantic.series_kind import SeriesKind, growth_of, series_kind
from kpilot.workspace import Workspace

DEFAULT_MIN_HISTORY = {Grain.MONTH: 6, Grain.QUARTER: 4, Grain.YEAR: 2}


class LevelName(StrEnum):
    COMMIT = "commit"
    TARGET = "target"
    STRETCH = "stretch"


@dataclass(frozen=True)
class Band:
    """The share of periods a level should be reached in, from `low` to `high`."""

    level: LevelName
    low: float
    high: float

    def holds(self, rate: float | None) -> bool | None:
        return None if rate is None else self.low <= rate <= self.high


BANDS = (
    Band(LevelName.COMMIT, 0.75, 0.90),
    Band(LevelName.TARGET, 0.40, 0.60),
    Band(LevelName.STRETCH, 0.10, 0.25),
)


@dataclass(frozen=True)
class Replay:
    """One past period: the suggestion made from the periods before it, and what the KPI then did."""

    start: date
    name: str
    actual: float
    method: Method
    commit: float | None
    target: float | None
    stretch: float | None
    minimum: float | None
    maximum: float | None
    reached: Mapping[LevelName, bool]  # the levels this suggestion has, each reached or not


@dataclass(frozen=True)
class Rates:
    """How many replays each level was judged in, and how many reached it."""

    judged: Mapping[LevelName, int] = field(default_factory=dict)
    reached: Mapping[LevelName, int] = field(default_factory=dict)

    def rate(self, level: LevelName) -> float | None:
        judged = self.judged.get(level, 0)
        return self.reached.get(level, 0) / judged if judged else None

    @property
    def periods(self) -> int:
        return max(self.judged.values(), default=0)

    def inside(self, band: Band) -> bool | None:
        return band.holds(self.rate(band.level))

    @staticmethod
    def of(replays: Sequence[Replay]) -> Rates:
        judged: dict[LevelName, int] = {}
        reached: dict[LevelName, int] = {}
        for replay in replays:
            for level, hit in replay.reached.items():
                judged[level] = judged.get(level, 0) + 1
                reached[level] = reached.get(level, 0) + int(hit)
        return Rates(judged, reached)

    @staticmethod
    def total(parts: Sequence[Rates]) -> Rates:
        judged: dict[LevelName, int] = {}
        reached: dict[LevelName, int] = {}
        for part in parts:
            for level in LevelName:
                judged[level] = judged.get(level, 0) + part.judged.get(level, 0)
                reached[level] = reached.get(level, 0) + part.reached.get(level, 0)
        return Rates({k: v for k, v in judged.items() if v}, {k: v for k, v in reached.items() if judged[k]})


@dataclass(frozen=True)
class KpiBacktest:
    kpi: Kpi
    replays: tuple[Replay, ...]
    rates: Rates
    unsuggested: int = 0  # replayed periods for which kpilot suggested nothing (e.g. always 0 until then)
    skipped: Message | None = None  # why the KPI has no replay at all


@dataclass(frozen=True)
class Backtest:
    grain: Grain
    periods: int
    min_history: int
    scope: Mapping[str, str]
    method: Method | None  # None: each suggestion's recommended method
    kpis: tuple[KpiBacktest, ...]
    bands: tuple[Band, ...] = BANDS

    @property
    def overall(self) -> Rates:
        return Rates.total([k.rates for k in self.kpis])


def backtest(
    workspace: Workspace,
    kpis: Sequence[str] = (),
    *,
    grain: Grain = Grain.MONTH,
    periods: int | None = None,
    min_history: int | None = None,
    scope: Mapping[str, str] | None = None,
    method: Method | None = None,
    today: date | None = None,
) -> Backtest:
    """Replay the suggestions of `kpis` (default: every KPI) over the last `periods` complete periods of `grain`."""
    if grain not in SUGGESTED_GRAINS:
        raise QueryError(
            Message("goals.suggest.grain_not_suggested"), hint=Message("goals.suggest.grain_hint"), field="grain"
        )
    periods = DEFAULT_HISTORY[grain] if periods is None else periods
    min_history = DEFAULT_MIN_HISTORY[grain] if min_history is None else min_history
    if periods < 1:
        raise QueryError(Message("goals.suggest.periods_too_small", periods=periods), field="periods")
    if min_history < 1:
        raise QueryError(Message("goals.suggest.min_history_too_small", min_history=min_history), field="min_history")
    definitions = [require_kpi(workspace.definitions, name) for name in kpis] or list(workspace.definitions.kpis)
    calendar, model = workspace.calendar, workspace.model
    now = today or calendar.today()
    scope = dict(scope or {})
    growths = {k.name: growth_of(model, k.name) for k in definitions}
    needed = list(dict.fromkeys([*(k.name for k in definitions), *(g.base for g in growths.values() if g)]))
    histories = load_histories(
        workspace, needed, last_complete(now, grain, calendar), grain, scope=scope_of(scope), today=now, final=True
    )
    results = []
    for kpi in definitions:
        history = histories[kpi.name]
        if isinstance(history, UserError):
            results.append(KpiBacktest(kpi, (), Rates(), skipped=history.message))
            continue
        growth = growths[kpi.name]
        related = None
        if growth is not None and not isinstance(base := histories[growth.base], UserError):
            base_kpi = require_kpi(workspace.definitions, growth.base)
            related = (Related(base_kpi, base, series_kind(model, growth.base)), growth.lag)
        replayer = _Replayer(kpi, grain, workspace, series_kind(model, kpi.name), related, method, scope)
        results.append(replayer.run(history, periods, min_history))
    return Backtest(grain, periods, min_history, scope, method, tuple(results))


@dataclass(frozen=True)
class _Replayer:
    kpi: Kpi
    grain: Grain
    workspace: Workspace
    kind: SeriesKind
    related: tuple[Related, int] | None
    method: Method | None
    scope: Mapping[str, str]

    def run(self, history: tuple[Point, ...], periods: int, min_history: int) -> KpiBacktest:
        replays: list[Replay] = []
        unsuggested = 0
        candidates = [i for i, p in enumerate(history) if p.value is not None and i >= min_history]
        for index in candidates[-periods:]:
            point = history[index]
            suggestion = self._suggest(history[:index], point.start)
            replay = _judge(self.kpi, point, suggestion, self.method)
            if replay is None:
                unsuggested += 1
            else:
                replays.append(replay)
        skipped = None
        if not candidates:
            skipped = Message("goals.suggest.too_few_periods", count=min_history + 1, grain=grain_plural(self.grain))
        return KpiBacktest(self.kpi, tuple(replays), Rates.of(replays), unsuggested, skipped)

    def _suggest(self, before: tuple[Point, ...], start: date) -> Suggestion:
        related = None
        if self.related is not None:
            base, lag = self.related
            related = (Related(base.kpi, tuple(p for p in base.history if p.start < start), base.kind), lag)
        return propose(
            self.kpi,
            before,
            start,
            self.grain,
            self.workspace.calendar,
            kind=self.kind,
            scope=self.scope,
            growth=related,
            only=self.method or RECOMMENDED,
        )


def _judge(kpi: Kpi, point: Point, suggestion: Suggestion, method: Method | None) -> Replay | None:
    chosen = method or suggestion.recommended
    if chosen is None:
        return None
    proposal = suggestion.proposal(chosen)
    if not proposal.available or point.value is None:
        return None
    actual = point.value
    reached: dict[LevelName, bool] = {}
    if kpi.direction is Direction.RANGE:
        if proposal.minimum is None or proposal.maximum is None:
            return None
        reached[LevelName.TARGET] = proposal.minimum <= actual <= proposal.maximum
    else:
        up = kpi.direction is Direction.UP
        for level, value in (
            (LevelName.COMMIT, proposal.commit),
            (LevelName.TARGET, proposal.target),
            (LevelName.STRETCH, proposal.stretch),
        ):
            if value is not None:
                reached[level] = actual >= value if up else actual <= value
    return Replay(
        point.start,
        point.name,
        actual,
        chosen,
        proposal.commit,
        proposal.target,
        proposal.stretch,
        proposal.minimum,
        proposal.maximum,
        reached,
    )
