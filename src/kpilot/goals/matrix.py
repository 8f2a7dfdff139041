"""The KPI matrix: goals (rows) by the KPIs that serve them (columns), with weights, and how each goal stands.

For one period (default: the last complete month) each KPI linked to a goal gets its value for the whole company,
the target that applies (`resolve_target`), and its status and attainment (`evaluate`), exactly as the scorecard
works them out (`goals.scorecard`): a complete period counts as fully elapsed, a running one is judged on its pace
or projection.

A goal's attainment is the weighted mean of its KPIs' attainments, each held within [0, 1.5] so that one KPI far
over its target cannot hide the others: sum(weight x attainment) / sum(weight), over the goal's KPIs that have an
attainment (a target and a value). Weights are relative, so they may be written as fractions that add up to 1 or
as percentages that add up to 100; the workspace should use one convention, the one most of its goals use.

Flags: goals with no KPI, KPIs that serve no goal, weights that add up to neither 1 nor 100 (or follow the other
convention), links to unknown KPIs, the same KPI linked twice to a goal, goals defined twice, parents that do not
exist, and cycles of parents.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kpilot.definitions.goals_model import Goal
from kpilot.definitions.model import Definitions, Kpi
from kpilot.engine.period_names import last_complete, parse_period, period_name
from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import Severity, UserError
from kpilot.goals.resolved import ResolvedTarget
from kpilot.goals.scorecard import ScorecardLine, scorecard
from kpilot.goals.status import Evaluation, Status
from kpilot.i18n import Message, Number
from kpilot.workspace import Workspace

ATTAINMENT_CAP = 1.5
CONVENTIONS = (1.0, 100.0)
TOLERANCE = 0.005  # relative: weights adding up to 0.995 .. 1.005 (or 99.5 .. 100.5) are fine


class Kind(StrEnum):
    NO_GOALS = "no_goals"
    GOAL_WITHOUT_KPIS = "goal_without_kpis"
    KPI_WITHOUT_GOAL = "kpi_without_goal"
    WEIGHTS = "weights"
    UNKNOWN_KPI = "unknown_kpi"
    DUPLICATE_LINK = "duplicate_link"
    DUPLICATE_GOAL = "duplicate_goal"
    UNKNOWN_PARENT = "unknown_parent"
    PARENT_CYCLE = "parent_cycle"


ERRORS = frozenset({Kind.UNKNOWN_KPI, Kind.DUPLICATE_GOAL, Kind.UNKNOWN_PARENT, Kind.PARENT_CYCLE})


@dataclass(frozen=True)
class Flag:
    kind: Kind
    message: Message  # its code is `goals.matrix.<kind>` (weights: two codes, not_a_convention and mixed_conventions)
    goal: str | None = None
    kpi: str | None = None

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.kind in ERRORS else Severity.WARNING


@dataclass(frozen=True)
class Column:
    """One KPI of the matrix, judged for the period."""

    kpi: Kpi
    value: float | None
    partial: bool
    target: ResolvedTarget | None
    evaluation: Evaluation
    error: Message | None = None


@dataclass(frozen=True)
class Row:
    """One goal: its weights per KPI (as written), its depth in the goal tree, and its attainment."""

    goal: Goal
    depth: int
    weights: Mapping[str, float]
    attainment: float | None
    counted: int  # KPIs with an attainment


@dataclass(frozen=True)
class Matrix:
    period: date
    grain: Grain
    name: str  # 2025-05
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    flags: tuple[Flag, ...]
    convention: float | None = None  # 1 or 100: what most goals' weights add up to
    elapsed: float = field(default=1.0)

    def column(self, kpi: str) -> Column | None:
        return next((c for c in self.columns if c.kpi.name == kpi), None)

    def row(self, goal: str) -> Row | None:
        return next((r for r in self.rows if r.goal.name == goal), None)


def goal_attainment(weights: Mapping[str, float], attainments: Mapping[str, float | None]) -> tuple[float | None, int]:
    """Weighted mean of the attainments (each held within [0, cap]) over the KPIs that have one; and their count."""
    counted = [(w, attainments[k]) for k, w in weights.items() if attainments.get(k) is not None]
    total = sum(w for w, _ in counted)
    if not counted or total <= 0:
        return None, 0
    score = sum(w * min(max(a, 0.0), ATTAINMENT_CAP) for w, a in counted if a is not None)
    return score / total, len(counted)


def build_matrix(workspace: Workspace, period: str | None = None, *, today: date | None = None) -> Matrix:
    definitions = workspace.definitions
    calendar = workspace.calendar
    now = today or calendar.today()
    if period is None:
        start, grain = last_complete(now, Grain.MONTH, calendar), Grain.MONTH
    else:
        start, grain = parse_period(period, calendar)
    known = {k.name: k for k in definitions.kpis}
    linked = list(dict.fromkeys(link.kpi for goal in definitions.goals for link in goal.kpis if link.kpi in known))
    elapsed = _elapsed(start, grain, calendar, now)
    columns = _columns(workspace, linked, start, grain, now)
    attainments = {c.kpi.name: c.evaluation.attainment for c in columns}
    rows = []
    for goal, depth in goal_tree(definitions.goals):
        weights: dict[str, float] = {}
        for link in goal.kpis:
            weights[link.kpi] = weights.get(link.kpi, 0.0) + link.weight
        attainment, counted = goal_attainment({k: w for k, w in weights.items() if k in known}, attainments)
        rows.append(Row(goal, depth, weights, attainment, counted))
    flags, convention = structure_flags(definitions)
    return Matrix(
        start, grain, period_name(start, grain, calendar), columns, tuple(rows), tuple(flags), convention, elapsed
    )


def _elapsed(start: date, grain: Grain, calendar: Calendar, today: date) -> float:
    end = calendar.end(start, grain)
    if end <= today:
        return 1.0
    if start >= today:
        return 0.0
    return (today - start).days / (end - start).days


def _columns(workspace: Workspace, names: list[str], start: date, grain: Grain, today: date) -> tuple[Column, ...]:
    """Each KPI judged as the scorecard judges it; a KPI that fails alone gets a column with the reason."""
    if not names:
        return ()
    try:
        return tuple(_column(line) for line in scorecard(workspace, start, grain, names, today=today))
    except UserError:
        columns = []
        for name in names:
            try:
                columns += [_column(line) for line in scorecard(workspace, start, grain, [name], today=today)]
            except UserError as error:
                kpi = workspace.definitions.kpi(name)
                assert kpi is not None
                evaluation = Evaluation(Status.NO_DATA, None, None, None, None, None, error.message)
                columns.append(Column(kpi, None, False, None, evaluation, error.message))
        return tuple(columns)


def _column(line: ScorecardLine) -> Column:
    value = _number(line.value)
    evaluation = line.evaluation
    if evaluation is None:  # the KPI does not compute, or its target cannot be resolved
        status = Status.NO_DATA if value is None else Status.NO_TARGET
        evaluation = Evaluation(
            status, None, None, None, None, None, line.error or Message("goals.status.not_evaluated")
        )
    return Column(line.kpi, value, line.partial, line.target, evaluation, line.error)


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


# ---------------------------------------------------------------------------------------------------- structure


def goal_tree(goals: Sequence[Goal]) -> list[tuple[Goal, int]]:
    """Goals parents first, each followed by its children (depth 1, 2...); goals caught in cycles come last."""
    names = {g.name for g in goals}
    children: dict[str, list[Goal]] = {}
    roots = []
    for goal in goals:
        if goal.parent is None or goal.parent not in names or goal.parent == goal.name:
            roots.append(goal)
        else:
            children.setdefault(goal.parent, []).append(goal)
    ordered: list[tuple[Goal, int]] = []
    seen: set[int] = set()

    def visit(goal: Goal, depth: int) -> None:
        if id(goal) in seen:
            return
        seen.add(id(goal))
        ordered.append((goal, depth))
        for child in children.get(goal.name, []):
            visit(child, depth + 1)

    for root in roots:
        visit(root, 0)
    ordered += [(g, 0) for g in goals if id(g) not in seen]
    return ordered


def structure_flags(definitions: Definitions) -> tuple[list[Flag], float | None]:
    """Everything wrong with how goals and KPIs are tied together; and the weight convention (1 or 100)."""
    goals = definitions.goals
    known = {k.name for k in definitions.kpis}
    flags: list[Flag] = []
    if not goals:
        if known:
            flags.append(Flag(Kind.NO_GOALS, Message("goals.matrix.no_goals")))
        return flags, None
    counts = Counter(g.name for g in goals)
    flags += [
        Flag(Kind.DUPLICATE_GOAL, Message("goals.matrix.duplicate_goal", goal=name, count=count), goal=name)
        for name, count in counts.items()
        if count > 1
    ]
    names = set(counts)
    for goal in goals:
        if not goal.kpis:
            flags.append(
                Flag(Kind.GOAL_WITHOUT_KPIS, Message("goals.matrix.goal_without_kpis", goal=goal.name), goal=goal.name)
            )
        links = Counter(link.kpi for link in goal.kpis)
        for kpi, count in links.items():
            if kpi not in known:
                message = Message("goals.matrix.unknown_kpi", goal=goal.name, kpi=kpi)
                flags.append(Flag(Kind.UNKNOWN_KPI, message, goal=goal.name, kpi=kpi))
            if count > 1:
                message = Message("goals.matrix.duplicate_link", goal=goal.name, kpi=kpi, count=count)
                flags.append(Flag(Kind.DUPLICATE_LINK, message, goal=goal.name, kpi=kpi))
        if goal.parent is not None and goal.parent not in names:
            message = Message("goals.matrix.unknown_parent", goal=goal.name, parent=goal.parent)
            flags.append(Flag(Kind.UNKNOWN_PARENT, message, goal=goal.name))
    flags += _cycles(goals)
    linked = {link.kpi for goal in goals for link in goal.kpis}
    flags += [
        Flag(Kind.KPI_WITHOUT_GOAL, Message("goals.matrix.kpi_without_goal", kpi=kpi.name), kpi=kpi.name)
        for kpi in definitions.kpis
        if kpi.name not in linked
    ]
    weight_flags, convention = _weights(goals)
    return flags + weight_flags, convention


def _cycles(goals: Sequence[Goal]) -> list[Flag]:
    parent = {g.name: g.parent for g in goals}
    flags = []
    reported: set[str] = set()
    for goal in goals:
        path = [goal.name]
        current = parent.get(goal.name)
        while current is not None and current in parent and current not in path:
            path.append(current)
            current = parent[current]
        if current is None or current not in path:
            continue
        cycle = path[path.index(current) :]
        if reported & set(cycle):
            continue
        reported |= set(cycle)
        shown = " -> ".join([*cycle, current])  # goal names and arrows: no words to translate
        flags.append(Flag(Kind.PARENT_CYCLE, Message("goals.matrix.parent_cycle", cycle=shown), goal=current))
    return flags


def _weights(goals: Sequence[Goal]) -> tuple[list[Flag], float | None]:
    sums = {g.name: sum(link.weight for link in g.kpis) for g in goals if g.kpis}
    fits = {name: _convention(total) for name, total in sums.items()}
    used = Counter(c for c in fits.values() if c is not None)
    convention = None
    if used:
        convention = max(CONVENTIONS, key=lambda c: (used[c], c == CONVENTIONS[0]))
    flags = []
    for name, total in sums.items():
        fit = fits[name]
        if fit is None:
            expected = _shown(convention) if convention is not None else Message("goals.matrix.either_convention")
            message = Message("goals.matrix.not_a_convention", goal=name, total=_shown(total), expected=expected)
            flags.append(Flag(Kind.WEIGHTS, message, goal=name))
        elif convention is not None and fit != convention:
            message = Message("goals.matrix.mixed_conventions", goal=name, total=_shown(fit), most=_shown(convention))
            flags.append(Flag(Kind.WEIGHTS, message, goal=name))
    return flags, convention


def _convention(total: float) -> float | None:
    return next((c for c in CONVENTIONS if math.isclose(total, c, rel_tol=TOLERANCE)), None)


def _shown(value: float) -> Number:
    """A sum of weights as written: 1, 100, 0.75 (six significant digits, as Python's `g` writes them)."""
    return Number(value, "g")
