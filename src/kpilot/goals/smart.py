"""SMART checks: is every KPI and target Specific, Measurable, Achievable, Relevant and Time-bound?

Each finding names its letter, a severity (error, warning, info), the KPI (and target), the reason and a fix:

- S, Specific: a KPI with no owner (warning), no description (warning) or no label (info); two targets for the same
  KPI, period and scope (error).
- M, Measurable: definitions that do not validate (error: data checks are skipped until they do); a KPI that does not
  compute for its last complete period (error; a warning under T when it computes over all time); a KPI whose data
  stops before that period (warning), with no value for it (warning), or with 0 where the period before or the same
  period last year was not (warning: the data may be missing); a target with no value for its type (error), with
  levels in the wrong order (error), or whose scope cannot be computed (error).
- A, Achievable: a target beyond the best value history has reached by more than 20 % of it (warning), or needing
  more growth per period than the best period-over-period growth seen (warning; for lower-is-better KPIs, the best
  fall); a target the last period already meets (info); too little history to judge (info).
- R, Relevant: no goals at all (warning); a KPI that serves no goal (warning; info when another KPI's formula uses
  it); a target or goal link naming an unknown KPI (error).
- T, Time-bound: a target whose period cannot be read (error), a recurring `every:` target, which has no end (info),
  a target for periods shorter than the KPI's grain (warning), a KPI with no grain and no target (warning), a KPI
  that computes only over all time, its sources having no time column (warning).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise

from kpilot.definitions.goals_model import Target, TargetType
from kpilot.definitions.model import Definitions, Kpi
from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import FormulaError, Location, QueryError, Severity, UserError
from kpilot.formula.check import names_in
from kpilot.formula.parser import parse
from kpilot.goals.additive import is_additive
from kpilot.goals.periods import last_complete, parse_period, period_name
from kpilot.goals.scope import scope_filter
from kpilot.goals.suggest import Point, amount, history_end, load_history, signed
from kpilot.goals.targets import GRAIN_ORDER, missing_values, target_conflicts, target_issues, target_type
from kpilot.semantic.validate import static_issues
from kpilot.workspace import Workspace

PERIODS_PER_YEAR = {Grain.DAY: 365, Grain.WEEK: 52, Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}
ACHIEVABLE_MARGIN = 0.2  # a target more than 20 % beyond the best value ever reached is doubtful


class Letter(StrEnum):
    S = "S"
    M = "M"
    A = "A"
    R = "R"
    T = "T"

    @property
    def word(self) -> str:
        return {"S": "Specific", "M": "Measurable", "A": "Achievable", "R": "Relevant", "T": "Time-bound"}[self.value]


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    letter: Letter
    severity: Level
    kpi: str | None
    target: str | None  # the target's period and scope: "2025-Q3 team=EMEA"
    reason: str
    fix: str
    location: Location | None = None


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Level.ERROR for f in findings)


def check_workspace(workspace: Workspace, *, today: date | None = None) -> list[Finding]:
    """Every SMART finding of the workspace's KPIs and targets, by letter, errors first."""
    definitions = workspace.definitions
    now = today or workspace.calendar.today()
    findings = specific(definitions)
    measured, broken = measurable(workspace, now)
    findings += measured
    if not any(f.kpi is None and f.letter is Letter.M and f.severity is Level.ERROR for f in measured):
        findings += achievable(workspace, now, broken)
    findings += relevant(definitions)
    findings += time_bound(definitions, workspace.calendar)
    order = list(Letter), list(Level)
    return sorted(findings, key=lambda f: (order[0].index(f.letter), order[1].index(f.severity)))


def target_label(target: Target) -> str:
    when = target.period if target.period is not None else f"every {target.every}"
    return " ".join([when, *(f"{k}={v}" for k, v in sorted(target.scope.items()))])


def _finding(
    letter: Letter,
    severity: Level,
    kpi: str | None,
    reason: str,
    fix: str,
    *,
    target: Target | None = None,
    location: Location | None = None,
) -> Finding:
    return Finding(letter, severity, kpi, target_label(target) if target else None, reason, fix, location)


# ---------------------------------------------------------------------------------------------------- S


def specific(definitions: Definitions) -> list[Finding]:
    found = []
    for kpi in definitions.kpis:
        if not kpi.owner:
            found.append(
                _finding(
                    Letter.S,
                    Level.WARNING,
                    kpi.name,
                    "no owner: nobody answers for it",
                    "add `owner: <person or team>`",
                    location=kpi.origin,
                )
            )
        if not kpi.description:
            found.append(
                _finding(
                    Letter.S,
                    Level.WARNING,
                    kpi.name,
                    "no description: what it measures, and what counts, is left to the reader",
                    "add `description: ...` saying what is counted and what is left out",
                    location=kpi.origin,
                )
            )
        if not kpi.label:
            found.append(
                _finding(
                    Letter.S,
                    Level.INFO,
                    kpi.name,
                    "no label: reports show the technical name",
                    "add `label: <name people use>`",
                    location=kpi.origin,
                )
            )
    for issue in target_conflicts(definitions):
        found.append(
            Finding(
                Letter.S, Level.ERROR, _kpi_in(issue.message), None, issue.message, issue.hint or "", issue.location
            )
        )
    return found


def _kpi_in(message: str) -> str | None:
    start = message.find("KPI '")
    if start < 0:
        return None
    rest = message[start + 5 :]
    return rest[: rest.find("'")] or None


# ---------------------------------------------------------------------------------------------------- M


def measurable(workspace: Workspace, today: date) -> tuple[list[Finding], set[str]]:
    """Findings, and the KPIs that cannot be computed (not judged further)."""
    definitions = workspace.definitions
    found: list[Finding] = []
    for target in definitions.targets:
        kpi = definitions.kpi(target.kpi)
        if kpi is None:
            continue
        kind = target_type(target, kpi)
        missing, misordered = missing_values(target, kind), _misordered(target, kind)
        if missing or misordered:
            fix = (
                "give the target its values (target, and commit and stretch if wanted; min and max for a range)"
                if missing
                else "reorder the levels, or set `type:` if the KPI's direction does not fit this target"
            )
            reason = f"the target cannot be measured against: {missing or misordered}"
            found.append(_finding(Letter.M, Level.ERROR, kpi.name, reason, fix, target=target, location=target.origin))
    reported = {issue.message for issue in target_issues(definitions)}  # under S, M, R and T above and below
    for issue in workspace.validate(with_data=True):
        if issue.message in reported:
            continue
        level = Level.ERROR if issue.severity is Severity.ERROR else Level.WARNING
        fix = issue.hint or "fix the definition (`kpilot validate` shows every problem)"
        found.append(Finding(Letter.M, level, None, None, issue.message, fix, issue.location))
    blocking = [*workspace.load_issues, *static_issues(definitions)]  # what stops any computation
    if any(i.severity is Severity.ERROR for i in blocking):
        found.append(
            _finding(
                Letter.M,
                Level.INFO,
                None,
                "the data checks (values, history) were skipped: the definitions have errors",
                "fix the errors above, then check again",
            )
        )
        return found, {k.name for k in definitions.kpis}
    broken: set[str] = set()
    for kpi in definitions.kpis:
        grain = Grain(kpi.grain or "month")
        period = last_complete(today, grain, workspace.calendar)
        try:
            history = load_history(workspace, kpi.name, period, grain, count=None, today=today)
        except UserError as error:
            broken.add(kpi.name)
            found.append(_not_per_period(workspace, kpi, grain, error.message, today))
            continue
        found += _data_findings(kpi, history, period, grain, workspace.calendar)
    return found, broken


def _not_per_period(workspace: Workspace, kpi: Kpi, grain: Grain, message: str, today: date) -> Finding:
    """An error when the KPI does not compute at all; a T warning when it computes, but only over all time."""
    try:
        workspace.compute([kpi.name], grain=Grain.ALL, today=today)
    except UserError:
        reason = f"does not compute per {grain.value}: {message}"
        fix = f"check its formula and sources (`kpilot compute {kpi.name}` shows the error)"
        return _finding(Letter.M, Level.ERROR, kpi.name, reason, fix, location=kpi.origin)
    reason = f"computes only over all time, not per {grain.value}: {message}"
    fix = "give its sources a time column (a snapshot date, say) to follow it over time"
    return _finding(Letter.T, Level.WARNING, kpi.name, reason, fix, location=kpi.origin)


def _data_findings(kpi: Kpi, history: Sequence[Point], period: date, grain: Grain, calendar: Calendar) -> list[Finding]:
    """Missing data: none at all, data that stops early, no value for the period, or a suspicious 0."""
    name = period_name(period, grain, calendar)
    where = f"{name}, the last complete {grain.value}"
    load = "load the missing periods (`kpilot ingest`), or check the sources' time columns"
    if not history:
        return [_finding(Letter.M, Level.WARNING, kpi.name, f"no data at all up to {where}", load)]
    if history[-1].start < period:
        reason = f"the data ends with {history[-1].name}; the last complete {grain.value} is {name}"
        return [_finding(Letter.M, Level.WARNING, kpi.name, reason, load)]
    values = {p.start: p.value for p in history}
    value = values.get(period)
    if value is None:
        return [_finding(Letter.M, Level.WARNING, kpi.name, f"no value for {where}", load)]
    earlier = [calendar.shift(period, -1, grain), calendar.shift(period, -PERIODS_PER_YEAR[grain], grain)]
    if value == 0 and any(values.get(start) for start in earlier):
        reason = f"0 for {where}, where the period before or last year was not: the data for the period may be missing"
        return [_finding(Letter.M, Level.WARNING, kpi.name, reason, "check that the period's data is loaded")]
    return []


def _misordered(target: Target, kind: TargetType) -> str | None:
    better = kind.higher_is_better
    levels = [v for v in (target.commit, target.target, target.stretch) if v is not None]
    if better is None or levels == sorted(levels, reverse=not better):
        return None
    return "levels must be ordered " + ("commit <= target <= stretch" if better else "commit >= target >= stretch")


# ---------------------------------------------------------------------------------------------------- A


def achievable(workspace: Workspace, today: date, broken: set[str]) -> list[Finding]:
    definitions = workspace.definitions
    calendar = workspace.calendar
    found: list[Finding] = []
    for target in definitions.targets:
        kpi = definitions.kpi(target.kpi)
        if kpi is None or kpi.name in broken:
            continue
        kind = target_type(target, kpi)
        level = target.target
        if kind.higher_is_better is None or level is None:
            continue
        when = _period(target, calendar, today)
        if when is None:
            continue
        start, grain = when
        last = history_end(start, grain, calendar, today)
        where = scope_filter(target.scope)
        try:
            history = load_history(workspace, kpi.name, last, grain, count=None, where=where, today=today)
        except UserError as error:
            found.append(
                _finding(
                    Letter.M,
                    Level.ERROR,
                    kpi.name,
                    f"the target's scope cannot be computed: {error.message}",
                    "scope a target by dimensions of every source of the KPI, e.g. scope: {team: EMEA}",
                    target=target,
                    location=target.origin,
                )
            )
            continue
        judge = _Judge(kpi, target, level, kind.higher_is_better, is_additive(workspace.model, kpi.name))
        found += judge.findings(history, start, grain, calendar)
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
        return _finding(Letter.A, severity, self.kpi.name, reason, fix, target=self.target, location=self.target.origin)

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


# ---------------------------------------------------------------------------------------------------- R


def relevant(definitions: Definitions) -> list[Finding]:
    found: list[Finding] = []
    known = {k.name for k in definitions.kpis}
    for target in definitions.targets:
        if target.kpi not in known:
            found.append(
                _finding(
                    Letter.R,
                    Level.ERROR,
                    target.kpi,
                    f"a target for unknown KPI '{target.kpi}'",
                    "correct the name, or remove the target",
                    target=target,
                    location=target.locations.get("kpi", target.origin),
                )
            )
    for goal in definitions.goals:
        for link in goal.kpis:
            if link.kpi not in known:
                found.append(
                    _finding(
                        Letter.R,
                        Level.ERROR,
                        link.kpi,
                        f"goal '{goal.name}' links to unknown KPI '{link.kpi}'",
                        "correct the name, or remove the link",
                        location=goal.origin,
                    )
                )
    if not definitions.goals:
        if definitions.kpis:
            found.append(
                _finding(
                    Letter.R,
                    Level.WARNING,
                    None,
                    "no goals are defined: nothing says which objective each KPI serves",
                    "add `goals:` with the KPIs that serve each one (see docs/goals.md)",
                )
            )
        return found
    linked = {link.kpi for goal in definitions.goals for link in goal.kpis}
    used = _used_by_other_kpis(definitions)
    for kpi in definitions.kpis:
        if kpi.name in linked:
            continue
        users = used.get(kpi.name, [])
        reason = "serves no goal" + (f" (it is used by {', '.join(users)})" if users else "")
        found.append(
            _finding(
                Letter.R,
                Level.INFO if users else Level.WARNING,
                kpi.name,
                reason,
                "link it to the goal it serves (`goals: ... kpis: [{kpi: NAME, weight: ...}]`), or drop it",
                location=kpi.origin,
            )
        )
    return found


def _used_by_other_kpis(definitions: Definitions) -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for kpi in definitions.kpis:
        try:
            names = {n.dotted for n in names_in(parse(kpi.formula)) if len(n.parts) == 1}
        except FormulaError:
            continue
        for name in sorted(names - {kpi.name}):
            used.setdefault(name, []).append(kpi.name)
    return used


# ---------------------------------------------------------------------------------------------------- T


def time_bound(definitions: Definitions, calendar: Calendar) -> list[Finding]:
    found: list[Finding] = []
    with_targets = {t.kpi for t in definitions.targets}
    for kpi in definitions.kpis:
        if kpi.grain is None and kpi.name not in with_targets:
            found.append(
                _finding(
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
                _finding(
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
                _finding(
                    Letter.T,
                    Level.ERROR,
                    target.kpi,
                    error.message,
                    error.hint or "write the period as 2025-05, 2025-Q3 or 2025",
                    target=target,
                    location=target.locations.get("period", target.origin),
                )
            )
            continue
        if measured is None or measured.grain is None:
            continue
        if GRAIN_ORDER.index(grain) < GRAIN_ORDER.index(Grain(measured.grain)):
            found.append(
                _finding(
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
