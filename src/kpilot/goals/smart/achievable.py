"""SMART checks under A, Achievable: is each target within reach of what the KPI's history has shown?

Each target is judged against what kpilot itself would suggest for its period (`goals.suggest.propose`, the recommended
method, from the same history):

- a target beyond the best value history has reached by more than 20 % of it (warning);
- a target beyond reach (warning): past the suggestion's base moved by the largest error its replays ever showed,
  that is, the KPI would have to beat what its history projects by more than it ever did (not judged when there
  are too few replays); without a suggestion at all, a target needing more growth per period than the best
  period-over-period growth seen;
- a target that asks no more than the commit kpilot suggests, reached in about 4 periods out of 5 (info); without a
  suggestion, one the last period already meets;
- too little history to judge (info).

So kpilot's own suggested targets never fall foul of these checks: they sit between the commit and the reach, and
are held within the 20 % limit.

A target whose scope cannot be computed is reported here too, under M (error), as judging it computes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from kpilot.definitions.goals_model import Target
from kpilot.definitions.model import Direction, Kpi
from kpilot.engine.period_names import parse_period, period_name
from kpilot.engine.periods import Calendar, Grain, grain_word
from kpilot.engine.target_checks import target_type
from kpilot.errors import QueryError, Severity, UserError
from kpilot.forecast.history import Point, history_end
from kpilot.goals.smart.finding import Finding, Letter, make_finding
from kpilot.goals.suggest.batch import Suggester
from kpilot.goals.suggest.methods import signed
from kpilot.goals.suggest.propose import ACHIEVABLE_MARGIN, Proposal, achievable_limit
from kpilot.i18n import Amount, Message, Number, Share
from kpilot.semantic.additive import is_additive
from kpilot.workspace import Workspace

REACH_SLACK = 5e-4  # a target rounded to four significant digits may sit this far (relative) past a level


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
    suggester = Suggester(workspace, list(dict.fromkeys(kpi.name for _, kpi, *_ in judged)), today)
    for target, kpi, higher_is_better, level, start, grain in judged:
        history = suggester.history(kpi.name, grain, target.scope)
        if isinstance(history, UserError):
            found.append(
                make_finding(
                    Letter.M,
                    Severity.ERROR,
                    kpi.name,
                    Message("goals.smart.scope_not_computable", problem=history.message),
                    Message("goals.smart.scope_fix"),
                    target=target,
                    location=target.origin,
                )
            )
            continue
        last = history_end(start, grain, calendar, today)
        points = tuple(point for point in history if point.start <= last)
        suggestion = suggester.suggestion(kpi.name, start, grain, target.scope)
        chosen = None if isinstance(suggestion, UserError) else suggestion.chosen
        whole = not isinstance(suggestion, UserError) and suggestion.bounds.whole
        additive = is_additive(workspace.model, kpi.name)
        judge = _Judge(kpi, target, level, higher_is_better, additive, chosen, whole)
        found += judge.findings(points, start, grain, calendar)
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
    suggested: Proposal | None  # what kpilot suggests for the period, by the recommended method
    whole: bool = False  # the KPI takes whole numbers: its targets are rounded to them

    def show(self, value: float) -> Amount:
        return Amount(value, unit=self.kpi.unit.value)

    def finding(self, severity: Severity, reason: Message, fix: Message) -> Finding:
        return make_finding(
            Letter.A, severity, self.kpi.name, reason, fix, target=self.target, location=self.target.origin
        )

    def findings(self, history: Sequence[Point], start: date, grain: Grain, calendar: Calendar) -> list[Finding]:
        points = [p for p in history if p.value is not None]
        if len(points) < 2:
            return [
                self.finding(
                    Severity.INFO,
                    Message("goals.smart.too_little_history", count=len(points), grain=grain_word(grain)),
                    Message("goals.smart.too_little_history_fix"),
                )
            ]
        last = points[-1]
        assert last.value is not None
        name = period_name(start, grain, calendar)
        easy = self._easy(last, name)
        if easy:
            return easy
        found = self._beyond_best(points)
        if self.suggested is not None:  # with too few replays to know the reach, the 20 % limit is all there is
            return found + (self._beyond_reach(self.suggested, name) if self.suggested.ceiling is not None else [])
        horizon = max(_months(last.start, start) // _months_per(grain), 1)
        return found + self._growth(points, last, horizon, grain, name)

    def _past(self, value: float, level: float, slack: float = 0.0) -> bool:
        """Whether `value` is beyond `level` in the target's direction (by more than `slack`)."""
        return value > level + slack if self.higher else value < level - slack

    def _easy(self, last: Point, name: str) -> list[Finding]:
        """A target no better than the commit kpilot suggests (reached in about 4 periods out of 5); without a
        suggestion, one the last period already meets."""
        fix = Message("goals.smart.raise_fix")
        commit = self.suggested.commit if self.suggested is not None else None
        if commit is not None:
            if self._past(self.level, commit):
                return []
            method = self.suggested.method.value if self.suggested is not None else ""
            reason = Message(
                "goals.smart.no_more_than_commit",
                target=self.show(self.level),
                period=name,
                commit=self.show(commit),
                method=method,
            )
            return [self.finding(Severity.INFO, reason, fix)]
        assert last.value is not None
        if self.higher == (last.value >= self.level):
            reason = Message(
                "goals.smart.already_met", target=self.show(self.level), period=last.name, value=self.show(last.value)
            )
            return [self.finding(Severity.INFO, reason, fix)]
        return []

    def _beyond_best(self, points: list[Point]) -> list[Finding]:
        values = [p.value for p in points if p.value is not None]
        best = max(values) if self.higher else min(values)
        when = next(p.name for p in points if p.value == best)
        limit = achievable_limit(best, Direction.UP if self.higher else Direction.DOWN)
        if not self._past(self.level, limit):
            return []
        reason = Message(
            "goals.smart.beyond_highest" if self.higher else "goals.smart.beyond_lowest",
            target=self.show(self.level),
            margin=Share(ACHIEVABLE_MARGIN),
            best=self.show(best),
            period=when,
        )
        return [self.finding(Severity.WARNING, reason, Message("goals.smart.lower_fix"))]

    def _beyond_reach(self, suggested: Proposal, name: str) -> list[Finding]:
        """A target beyond the best the KPI ever did against what its history projected: the suggestion's base moved
        by the largest error of its replays."""
        ceiling = suggested.ceiling
        assert ceiling is not None
        assert suggested.base is not None
        assert suggested.spread is not None
        if not self._past(self.level, ceiling, REACH_SLACK * abs(ceiling) + (1 if self.whole else 0)):
            return []
        spread = suggested.spread
        best = spread.best if self.higher else spread.worst
        assert best is not None
        reason = Message(
            "goals.smart.beyond_reach",
            target=self.show(self.level),
            period=name,
            method=suggested.method.value,
            base=self.show(suggested.base),
            count=len(spread.errors),
            best=Number(best, "+.1%") if spread.relative else signed(best, self.kpi.unit),
            ceiling=self.show(ceiling),
        )
        return [self.finding(Severity.WARNING, reason, Message("goals.smart.more_time_fix"))]

    def _growth(self, points: list[Point], last: Point, horizon: int, grain: Grain, name: str) -> list[Finding]:
        """Without a suggestion to judge reach by: more growth per period than the best period-over-period one."""
        assert last.value is not None
        pairs = [(a.value, b.value) for a, b in pairwise(points)]
        relative = self.additive and last.value > 0 and self.level > 0
        if relative:
            moves = [b / a - 1 for a, b in pairs if a is not None and b is not None and a > 0]
            needed = (self.level / last.value) ** (1 / horizon) - 1
        else:
            moves = [b - a for a, b in pairs if a is not None and b is not None]
            needed = (self.level - last.value) / horizon
        if not moves:
            return []
        best = max(moves) if self.higher else min(moves)
        if (needed <= best) if self.higher else (needed >= best):
            return []

        def move(change: float) -> Number | Message:
            return Number(change, "+.1%") if relative else signed(change, self.kpi.unit)

        reason = Message(
            "goals.smart.growth_needed" if self.higher else "goals.smart.fall_needed",
            target=self.show(self.level),
            period=name,
            last=self.show(last.value),
            last_period=last.name,
            needed=move(needed),
            grain=grain_word(grain),
            seen=move(best),
        )
        return [self.finding(Severity.WARNING, reason, Message("goals.smart.more_time_fix"))]


def _months(first: date, second: date) -> int:
    return (second.year - first.year) * 12 + second.month - first.month


def _months_per(grain: Grain) -> int:
    return {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}.get(grain, 1)
