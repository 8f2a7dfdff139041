"""A cycle's OKRs scored for one reader (docs/okrs.md#scoring): each key result's value (from the engine for a KPI,
from check-ins otherwise), progress, grade, colour, pace and projection; each objective rolled up from its key results
and the objectives aligned to it.

A KPI-measured key result's value is the KPI's over the cycle's period and the key result's scope, computed as
`kpilot compute` and the scorecard compute it, up to the cycle's last day: it stops at the cycle's end. It is
computed through the reader's view of the workspace (services.kpis.workspace_for), and shown only when the reader
may see every row of that scope: a value over fewer rows than the key result's would be a wrong number, so the key
result says it is not visible instead. A closed cycle shows the final values kept when it closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from kpilot.auth.actor import Actor
from kpilot.engine.access import Access
from kpilot.engine.period_names import parse_period
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.goals.scorecard import ScorecardLine, scorecard
from kpilot.i18n import Message
from kpilot.okr.alignment import Link, cascade
from kpilot.okr.kinds import Colour, CycleState, Direction, KeyResultKind, Rollup
from kpilot.okr.numbers import exact
from kpilot.okr.pace import Pace, elapsed, expected, pace
from kpilot.okr.rollup import Part, Rolled
from kpilot.okr.scoring import Grading, Measure, grade, milestones_progress, progress, stretch_progress
from kpilot.services.kpis import permissions_for, workspace_for
from kpilot.services.permissions import Action, Permissions
from kpilot.store.okrs import CheckIn, Cycle, CycleContent, KeyResult, Milestone, Objective
from kpilot.store.organisation import read_organisation
from kpilot.store.session import Store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class KeyResultScore:
    key_result: KeyResult
    value: Decimal | None  # the KPI's value, the last typed one, or the milestones done (as a count)
    raw: Fraction | None  # raw progress (may be below 0 or above 1)
    grade: Fraction | None  # clamped to 0..1
    colour: Colour | None
    stretch: Fraction | None  # progress towards the stretch
    pace: Pace
    projected_value: Decimal | None  # where a KPI is heading by the cycle's end (its running-period projection)
    projected_grade: Fraction | None
    partial: bool  # the value is to date: the cycle is running
    reason: Message | None  # why there is no value
    confidence: int | None  # the last check-in's
    check_ins: tuple[CheckIn, ...]
    milestones: tuple[Milestone, ...]
    final: bool  # the cycle is closed: the value it closed with (typed ones: with the corrections since)


@dataclass(frozen=True)
class ObjectiveScore:
    objective: Objective
    key_results: tuple[KeyResultScore, ...]
    rolled: Rolled  # progress from its key results and the objectives aligned to it
    colour: Colour | None
    expected: Fraction  # the share of the cycle gone by
    behind: bool  # more than 15 points behind the expected progress


@dataclass(frozen=True)
class CycleScores:
    cycle: Cycle
    content: CycleContent
    objectives: tuple[ObjectiveScore, ...]
    cascade_of_key_results: Mapping[int, Rolled]  # objectives aligned to a key result, rolled up beside it
    today: date  # the day the values are as of (the cycle's last day once it is over)
    grading: Grading
    owners: Mapping[int, str]  # each objective's owner, by the objective's id: a person's or a team's name


def cycle_period(cycle: Cycle, workspace: Workspace) -> tuple[date, Grain] | None:
    """The named period a cycle measures (a quarter or year, fiscal per the workspace), or None for custom dates."""
    return None if cycle.period is None else parse_period(cycle.period, workspace.calendar)


def score_cycle(
    store: Store, actor: Actor, workspace: Workspace, content: CycleContent, *, today: date | None = None
) -> CycleScores:
    """Every objective and key result of the cycle, as `actor` may see them (READ_OKRS is checked by the caller)."""
    cycle = content.cycle
    day = today or workspace.calendar.today()
    as_of = min(day, cycle.ends_on - timedelta(days=1))
    permissions = permissions_for(actor, workspace, on=as_of, store=store)
    grading = Grading(exact(cycle.green), exact(cycle.yellow))
    share_done = elapsed(cycle.starts_on, cycle.ends_on, as_of)
    closed = cycle.state == CycleState.CLOSED.value
    measured = {} if closed else _measure(actor, workspace, cycle, content.key_results, permissions, as_of, store)
    check_ins = _grouped(content.check_ins)
    milestones: dict[int, list[Milestone]] = {}
    for milestone in content.milestones:
        milestones.setdefault(milestone.key_result_id, []).append(milestone)
    scores = {
        kr.id: _score(
            kr, measured.get(kr.id), check_ins.get(kr.id, ()), tuple(milestones.get(kr.id, ())), share_done,
            grading, closed=closed, running=day < cycle.ends_on,
        )
        for kr in content.key_results
    }  # fmt: skip
    parts: dict[int, list[Part]] = {objective.id: [] for objective in content.objectives}
    objective_of: dict[int, int] = {}
    for kr in content.key_results:
        objective_of[kr.id] = kr.objective_id
        parts[kr.objective_id].append(Part(f"kr:{kr.id}", exact(kr.weight), scores[kr.id].grade))
    ids = set(parts)
    links = [
        Link(a.child_id, a.parent_objective_id, a.parent_key_result_id, exact(a.weight))
        for a in content.alignments
        if (a.parent_objective_id in ids) or (a.parent_key_result_id in objective_of)
    ]
    rolled = cascade(parts, links, objective_of, Rollup(cycle.rollup))
    objectives = []
    for objective in content.objectives:
        found = rolled.objectives[objective.id]
        expected_progress = share_done if not closed else Fraction(1)
        colour = None if found.progress is None else grading.colour(found.progress)
        behind = found.progress is not None and pace(expected_progress, found.progress).too_far_behind
        krs = tuple(scores[kr.id] for kr in content.key_results if kr.objective_id == objective.id)
        objectives.append(ObjectiveScore(objective, krs, found, colour, expected_progress, behind))
    return CycleScores(cycle, content, tuple(objectives), rolled.key_results, as_of, grading, _owners(store, content))


def _owners(store: Store, content: CycleContent) -> dict[int, str]:
    with store.reading() as session:
        organisation = read_organisation(session)
    people = {person.id: person.name for person in organisation.people}
    teams = {team.id: team.name for team in organisation.teams}
    return {
        o.id: people.get(o.owner_person_id or -1) or teams.get(o.owner_team_id or -1) or "?" for o in content.objectives
    }


@dataclass(frozen=True)
class _Measured:
    line: ScorecardLine | None
    reason: Message | None


def _measure(
    actor: Actor,
    workspace: Workspace,
    cycle: Cycle,
    key_results: Sequence[KeyResult],
    permissions: Permissions,
    as_of: date,
    store: Store,
) -> dict[int, _Measured]:
    """The KPI-measured key results' scorecard lines, one scorecard per distinct scope (its KPIs computed
    together)."""
    wanted = [kr for kr in key_results if kr.kind == KeyResultKind.KPI.value and kr.kpi is not None]
    if not wanted:
        return {}
    found: dict[int, _Measured] = {}
    if not permissions.can(Action.COMPUTE):
        return {kr.id: _Measured(None, Message("okr.value_not_visible")) for kr in wanted}
    view = workspace_for(actor, workspace, on=as_of, store=store)
    by_scope: dict[tuple[tuple[str, str], ...], list[KeyResult]] = {}
    for kr in wanted:
        assert kr.kpi is not None
        if not permissions.visible(kr.kpi) or not _covers(permissions.access(kr.kpi), kr.scope):
            found[kr.id] = _Measured(None, Message("okr.value_not_visible"))
            continue
        by_scope.setdefault(tuple(sorted(kr.scope.items())), []).append(kr)
    named = cycle_period(cycle, workspace)
    for scope, krs in by_scope.items():
        names = sorted({kr.kpi for kr in krs if kr.kpi is not None})
        try:
            lines = _lines(view, cycle, named, names, dict(scope), as_of)
        except UserError as error:
            for kr in krs:
                found[kr.id] = _Measured(None, error.message)
            continue
        for kr in krs:
            line = lines[kr.kpi or ""]
            missing = (line.error or Message("okr.no_data")) if line.value is None else None
            found[kr.id] = _Measured(line, missing)
    return found


def _lines(
    view: Workspace, cycle: Cycle, named: tuple[date, Grain] | None, names: list[str], scope: dict[str, str],
    as_of: date,
) -> dict[str, ScorecardLine]:  # fmt: skip
    if named is not None:
        period, grain = named
        return {line.kpi.name: line for line in scorecard(view, period, grain, names, scope, as_of)}
    # Custom dates: the cycle as one bucket (grain `all`), no projection (there is no period to project over).
    last = min(as_of, cycle.ends_on - timedelta(days=1))
    table = view.compute(names, grain=Grain.ALL, start=cycle.starts_on, end=last, scope=scope, today=as_of)
    row = table.to_pylist()[0] if table.num_rows else {}
    lines = {}
    for name in names:
        kpi = view.definitions.kpi(name)
        assert kpi is not None
        value = row.get(name)
        lines[name] = ScorecardLine(
            kpi=kpi, period=cycle.starts_on, grain=Grain.ALL, value=None if value is None else float(value),
            previous=None, last_year=None, partial=as_of < cycle.ends_on - timedelta(days=1), scope=scope,
            error=Message("okr.no_data") if value is None else None,
        )  # fmt: skip
    return lines


def _covers(access: Access, scope: Mapping[str, str]) -> bool:
    """Whether every row of `scope` is a row the reader may see (so that the value over it is the whole value)."""
    if access is None:
        return True
    pairs = set(scope.items())
    return any(set(allowed) <= pairs for allowed in access)


def _grouped(check_ins: Sequence[CheckIn]) -> dict[int, tuple[CheckIn, ...]]:
    grouped: dict[int, list[CheckIn]] = {}
    for check_in in check_ins:
        grouped.setdefault(check_in.key_result_id, []).append(check_in)
    return {kr: tuple(found) for kr, found in grouped.items()}


def measure_of(kr: KeyResult) -> Measure | None:
    """A numeric key result's measure (None for milestones, or a key result missing one of its numbers)."""
    if kr.direction is None or kr.baseline is None or kr.target is None:
        return None
    return Measure.of(Direction(kr.direction), kr.baseline, kr.target, kr.stretch, kr.upper)


def _score(
    kr: KeyResult,
    measured: _Measured | None,
    check_ins: tuple[CheckIn, ...],
    milestones: tuple[Milestone, ...],
    share_done: Fraction,
    grading: Grading,
    *,
    closed: bool,
    running: bool,
) -> KeyResultScore:
    kind = KeyResultKind(kr.kind)
    confidence = check_ins[-1].confidence if check_ins else None
    direction = None if kr.direction is None else Direction(kr.direction)
    measure = measure_of(kr)
    value: Decimal | None = None
    reason: Message | None = None
    raw: Fraction | None = None
    projected_value: Decimal | None = None
    expected_share = share_done
    # A closed cycle's KPI-measured key results keep the value they closed with (the data may change later); typed
    # ones and milestones are their check-ins, where a change after closing is a correction, kept as one.
    final = closed
    if closed and kind is KeyResultKind.KPI:
        value = kr.final_value
        raw = exact(kr.final_progress) if kr.final_progress is not None else None
    elif kind in (KeyResultKind.MILESTONE, KeyResultKind.MILESTONES):
        done = sum(1 for milestone in milestones if milestone.done_on is not None)
        raw = milestones_progress(done, len(milestones))
        value = Decimal(done)
        if raw is None:
            reason = Message("okr.no_milestones")
    elif kind is KeyResultKind.NUMBER:
        typed = [check_in.value for check_in in check_ins if check_in.value is not None]
        value = typed[-1] if typed else None
        reason = Message("okr.no_check_in_yet") if value is None else None
    elif measured is not None:
        line = measured.line
        reason = measured.reason
        if line is not None and line.value is not None:
            value = Decimal(repr(line.value))
            if line.projection is not None and line.projection.value is not None:
                projected_value = Decimal(repr(line.projection.value))
                if line.additive and line.projection.value:
                    # The share of the period's total reached by now, as the KPI's own projection sees it (its
                    # seasonal shape when it has one): where the key result should be by today.
                    expected_share = exact(line.value) / exact(line.projection.value)
    if raw is None and value is not None and measure is not None:
        raw = progress(measure, value)
    graded = None if raw is None else grade(raw)
    if projected_value is not None and measure is not None:
        projected_grade: Fraction | None = grade(progress(measure, projected_value))
    else:
        projected_grade = None if running else graded  # over: where it ends is where it is
    at = pace(
        Fraction(1) if closed else expected(direction, min(Fraction(1), max(Fraction(0), expected_share))), graded
    )
    return KeyResultScore(
        key_result=kr,
        value=value,
        raw=raw,
        grade=graded,
        colour=None if graded is None else grading.colour(graded),
        stretch=None if measure is None or value is None else stretch_progress(measure, value),
        pace=at,
        projected_value=projected_value,
        projected_grade=projected_grade,
        partial=running and not final,
        reason=reason,
        confidence=confidence,
        check_ins=check_ins,
        milestones=milestones,
        final=final,
    )
