"""SMART checks under A, Achievable: is each target within reach of what the KPI's history has shown?

A target beyond the best value history has reached by more than 20 % of it (warning), or needing more growth per
period than the best period-over-period growth seen (warning; for lower-is-better KPIs, the best fall); a target the
last period already meets (info); too little history to judge (info).

A target whose scope cannot be computed is reported here too, under M (error), as judging it computes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from kpilot.definitions.goals_model import Target
from kpilot.definitions.model import Kpi
from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import QueryError, UserError
from kpilot.goals.additive import is_additive
from kpilot.goals.periods import last_complete, parse_period, period_name
from kpilot.goals.scope import scope_filter
from kpilot.goals.smart_finding import Finding, Letter, Level, make_finding
from kpilot.goals.suggest_history import Point, history_end, load_histories
from kpilot.goals.suggest_methods import amount, signed
from kpilot.goals.targets import target_type
from kpilot.workspace import Workspace

ACHIEVABLE_MARGIN = 0.2  # a target more than 20 % beyond the best value ever reached is doubtful


def achievable(workspace: Workspace, today: date, broken: set[str]) -> list[Finding]:
    definitions = workspace.definitions
    calendar = workspace.calendar
    found: list[Finding] = []
    judged = []
    for target in definitions.targets:
        kpi = definitions.kpi(target.kpi)
        if kpi is None or kpi.name in broken:
            continue
        kind = target_type(target, kpi)
        level = target.target
        if kind.higher_is_better is None or level is None:
            continue
        when = _period(target, calendar, today)
        if when is not None:
            judged.append((target, kpi, kind.higher_is_better, level, *when))
    histories = _histories(workspace, [(kpi.name, grain, scope_filter(t.scope)) for t, kpi, *_, grain in judged], today)
    for target, kpi, higher_is_better, level, start, grain in judged:
        history = histories[(kpi.name, grain, scope_filter(target.scope))]
        if isinstance(history, UserError):
            found.append(
                make_finding(
                    Letter.M,
                    Level.ERROR,
                    kpi.name,
                    f"the target's scope cannot be computed: {history.message}",
                    "scope a target by dimensions of every source of the KPI, e.g. scope: {team: EMEA}",
                    target=target,
                    location=target.origin,
                )
            )
            continue
        last = history_end(start, grain, calendar, today)
        points = tuple(point for point in history if point.start <= last)
        judge = _Judge(kpi, target, level, higher_is_better, is_additive(workspace.model, kpi.name))
        found += judge.findings(points, start, grain, calendar)
    return found


HistoryKey = tuple[str, Grain, str | None]


def _histories(
    workspace: Workspace, keys: list[HistoryKey], today: date
) -> dict[HistoryKey, tuple[Point, ...] | UserError]:
    """Each KPI's history per grain and scope, computed together for KPIs of the same grain and scope (one scan per
    source), up to the last complete period; targets of several periods then share it."""
    groups: dict[tuple[Grain, str | None], list[str]] = {}
    for name, grain, where in dict.fromkeys(keys):
        groups.setdefault((grain, where), []).append(name)
    found: dict[HistoryKey, tuple[Point, ...] | UserError] = {}
    for (grain, where), names in groups.items():
        newest = last_complete(today, grain, workspace.calendar)
        for name, history in load_histories(workspace, names, newest, grain, where=where, today=today).items():
            found[(name, grain, where)] = history
    return found


def _period(target: Target, calendar: Calendar, today: date) -> tuple[date, Grain] | None:
    if target.every is not None:
        grain = Grain(target.every)
        return calendar.start(today, grain), grain
    assert target.period is not None
    try:
        return parse_period(target.period, calendar)
    except QueryError:
        return None  # reported under T


@dataclass(frozen=True)
class _Judge:
    kpi: Kpi
    target: Target
    level: float
    higher: bool
    additive: bool

    def show(self, value: float) -> str:
        return amount(value, self.kpi.unit)

    def finding(self, severity: Level, reason: str, fix: str) -> Finding:
        return make_finding(
            Letter.A, severity, self.kpi.name, reason, fix, target=self.target, location=self.target.origin
        )

    def findings(self, history: Sequence[Point], start: date, grain: Grain, calendar: Calendar) -> list[Finding]:
        points = [p for p in history if p.value is not None]
        if len(points) < 2:
            return [
                self.finding(
                    Level.INFO,
                    f"too little history to judge the target ({len(points)} complete {grain.value}(s) with a value)",
                    "check it again when more periods are in",
                )
            ]
        last = points[-1]
        assert last.value is not None
        found = []
        if self.higher == (last.value >= self.level):
            found.append(
                self.finding(
                    Level.INFO,
                    f"the target ({self.show(self.level)}) is already met by {last.name} ({self.show(last.value)})",
                    "raise it if it is meant to stretch the team",
                )
            )
            return found
        found += self._beyond_best(points)
        horizon = max(_months(last.start, start) // _months_per(grain), 1)
        found += self._growth(points, last, horizon, grain, start, calendar)
        return found

    def _beyond_best(self, points: list[Point]) -> list[Finding]:
        values = [p.value for p in points if p.value is not None]
        best = max(values) if self.higher else min(values)
        when = next(p.name for p in points if p.value == best)
        margin = ACHIEVABLE_MARGIN * abs(best)
        beyond = self.level > best + margin if self.higher else self.level < best - margin
        if not beyond:
            return []
        word = "above the highest" if self.higher else "below the lowest"
        return [
            self.finding(
                Level.WARNING,
                f"the target ({self.show(self.level)}) is more than {ACHIEVABLE_MARGIN:.0%} {word} value history "
                f"reached ({self.show(best)} in {when})",
                "lower the ambition, or note what will change to get there (`note:`)",
            )
        ]

    def _growth(
        self, points: list[Point], last: Point, horizon: int, grain: Grain, start: date, calendar: Calendar
    ) -> list[Finding]:
        assert last.value is not None
        pairs = [(a.value, b.value) for a, b in pairwise(points)]
        name = period_name(start, grain, calendar)
        relative = self.additive and last.value > 0 and self.level > 0
        if relative:
            moves = [b / a - 1 for a, b in pairs if a is not None and b is not None and a > 0]
            needed = (self.level / last.value) ** (1 / horizon) - 1
            show = f"{needed:+.1%}"
        else:
            moves = [b - a for a, b in pairs if a is not None and b is not None]
            needed = (self.level - last.value) / horizon
            show = signed(needed, self.kpi.unit)
        if not moves:
            return []
        best = max(moves) if self.higher else min(moves)
        if (needed <= best) if self.higher else (needed >= best):
            return []
        seen = f"{best:+.1%}" if relative else signed(best, self.kpi.unit)
        word = "growth" if self.higher else "fall"
        return [
            self.finding(
                Level.WARNING,
                f"reaching {self.show(self.level)} in {name} from {self.show(last.value)} in {last.name} needs "
                f"{show} per {grain.value}; the best {grain.value}-over-{grain.value} {word} seen was {seen}",
                "lower the ambition, give it more time, or note what will change to get there (`note:`)",
            )
        ]


def _months(first: date, second: date) -> int:
    return (second.year - first.year) * 12 + second.month - first.month


def _months_per(grain: Grain) -> int:
    return {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}.get(grain, 1)
