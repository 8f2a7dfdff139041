"""OKRs as every surface changes and reads them (docs/okrs.md): cycles, objectives with their key results and
alignment links, check-ins, initiatives, closing a cycle. The one layer that decides who may (services.okr_owners)
and checks the rules before anything is written: each change is one transaction, refused whole.

The rules: at most five key results per objective; a key result's measure must be scorable (okr.scoring.Measure);
weights are zero or more; alignment links never make a cycle; a new cycle may not be over already; a draft cycle
takes no check-ins, a closed one takes them as corrections only (and keeps them apart); a check-in asks for a note
when its confidence is under 4 or the key result is more than 15 points behind its pace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from kpilot.auth.actor import Actor
from kpilot.engine.period_names import parse_period
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.i18n import Message
from kpilot.okr.alignment import Link, cycle_through
from kpilot.okr.errors import OkrNotFound, OkrRefused
from kpilot.okr.kinds import CycleState, Direction, KeyResultKind, Level, OwnerKind, Rollup
from kpilot.okr.numbers import exact
from kpilot.okr.pace import CONFIDENCE_RANGE, note_reasons
from kpilot.okr.scoring import Grading, Measure
from kpilot.services.audit import Action as Audited
from kpilot.services.audit import record
from kpilot.services.kpis import permissions_for
from kpilot.services.okr_owners import ensure_may_change
from kpilot.services.okr_scores import CycleScores, score_cycle
from kpilot.services.permissions import Action, KpiResource, Permissions
from kpilot.store.okrs import Alignment, CheckIn, Cycle, CycleContent, KeyResult, Objective, Okrs
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import email_key
from kpilot.store.session import Store
from kpilot.workspace import Workspace

MAX_KEY_RESULTS = 5
CYCLE_GRAINS = (Grain.QUARTER, Grain.YEAR)


@dataclass(frozen=True)
class NewKeyResult:
    title: str
    kind: KeyResultKind
    kpi: str | None = None
    scope: Mapping[str, str] | None = None  # None: the objective owner's own slice of the data
    direction: Direction | None = None
    baseline: Decimal | None = None
    target: Decimal | None = None
    stretch: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None
    weight: Decimal = Decimal(1)
    milestones: tuple[str, ...] = ()  # a milestone key result has one, named after it when none is given


@dataclass(frozen=True)
class AlignTo:
    objective: int | None = None  # exactly one of the two
    key_result: int | None = None
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class NewObjective:
    title: str
    level: Level
    owner_kind: OwnerKind
    owner: str  # a person's e-mail address or a team's name
    description: str = ""
    aligned_to: tuple[AlignTo, ...] = ()
    key_results: tuple[NewKeyResult, ...] = field(default=())


# --- reading --------------------------------------------------------------------------------------------------
def cycles(store: Store, actor: Actor, workspace: Workspace) -> tuple[Cycle, ...]:
    permissions_for(actor, workspace, store=store).ensure(Action.READ_OKRS)
    with store.reading() as session:
        return Okrs(session).cycles()


def read_cycle(
    store: Store, actor: Actor, workspace: Workspace, name: str, *, today: date | None = None
) -> CycleScores:
    """The cycle's OKRs scored for `actor` (services.okr_scores)."""
    permissions_for(actor, workspace, store=store).ensure(Action.READ_OKRS)
    with store.reading() as session:
        content = Okrs(session).content(_cycle_named(Okrs(session), name).id)
    return score_cycle(store, actor, workspace, content, today=today)


def current_cycle(store: Store, actor: Actor, workspace: Workspace, *, today: date | None = None) -> Cycle | None:
    """The open cycle running today (the latest to start, when several are), else the latest open one."""
    day = today or workspace.calendar.today()
    found = [cycle for cycle in cycles(store, actor, workspace) if cycle.state == CycleState.OPEN.value]
    running = [cycle for cycle in found if cycle.starts_on <= day < cycle.ends_on]
    chosen = running or found
    return max(chosen, key=lambda cycle: (cycle.starts_on, cycle.id)) if chosen else None


# --- cycles ---------------------------------------------------------------------------------------------------
def create_cycle(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    *,
    name: str,
    period: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,  # the last day of the cycle (inclusive, as people write it)
    rollup: Rollup = Rollup.WEIGHTED_MEAN,
    grading: Grading | None = None,
    state: CycleState = CycleState.OPEN,
    now: datetime,
) -> Cycle:
    permissions_for(actor, workspace, store=store).ensure(Action.MANAGE_CYCLES)
    spec = CycleSpec(name, period, starts_on, ends_on, rollup, grading or Grading(), state)
    with store.writing() as session:
        return _create_cycle(session, actor, workspace, spec, now)


@dataclass(frozen=True)
class CycleSpec:
    name: str
    period: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None  # the last day (inclusive)
    rollup: Rollup = Rollup.WEIGHTED_MEAN
    grading: Grading = field(default_factory=Grading)
    state: CycleState = CycleState.OPEN


def _create_cycle(session: Session, actor: Actor, workspace: Workspace, spec: CycleSpec, now: datetime) -> Cycle:
    shown = spec.name.strip()
    if not shown:
        raise OkrRefused(Message("okr.name_missing"), field="name")
    first, after = _cycle_dates(workspace, spec.period, spec.starts_on, spec.ends_on)
    today = workspace.calendar.today(now)
    if after <= today:
        raise OkrRefused(
            Message("okr.cycle_in_past", name=shown, last=after - timedelta(days=1), today=today),
            hint=Message("okr.cycle_in_past_hint"),
            field="period" if spec.period is not None else "ends_on",
        )
    for where, problem in spec.grading.problems():
        raise OkrRefused(problem, field=where)
    if spec.state is CycleState.CLOSED:
        raise OkrRefused(Message("okr.cycle_created_closed"), field="state")
    okrs = Okrs(session)
    if okrs.cycle_named(shown) is not None:
        raise OkrRefused(Message("okr.cycle_exists", name=shown), field="name")
    cycle = okrs.add_cycle(
        name=shown, period=spec.period.strip().upper() if spec.period else None, starts_on=first, ends_on=after,
        state=spec.state.value, rollup=spec.rollup.value, green=_decimal(spec.grading.green),
        yellow=_decimal(spec.grading.yellow), at=now,
    )  # fmt: skip
    record(session, actor, Audited.OKR_CYCLE_CREATED, now=now, target=cycle.name, details=_cycle_details(cycle))
    return cycle


def open_cycle(store: Store, actor: Actor, workspace: Workspace, name: str, *, now: datetime) -> Cycle:
    """A draft cycle opened for check-ins."""
    permissions_for(actor, workspace, store=store).ensure(Action.MANAGE_CYCLES)
    with store.writing() as session:
        okrs = Okrs(session)
        cycle = _cycle_named(okrs, name)
        if cycle.state != CycleState.DRAFT.value:
            raise OkrRefused(Message("okr.cycle_not_draft", name=cycle.name, state=cycle.state), field="state")
        opened = okrs.set_state(cycle.id, CycleState.OPEN.value, None)
        record(session, actor, Audited.OKR_CYCLE_OPENED, now=now, target=cycle.name)
    return opened


def close_cycle(store: Store, actor: Actor, workspace: Workspace, name: str, *, now: datetime) -> CycleScores:
    """The cycle closed: every key result's value and raw progress as of the cycle's end (or today, closing it
    early) kept as final, and never measured again."""
    permissions_for(actor, workspace, store=store).ensure(Action.MANAGE_CYCLES)
    with store.reading() as session:
        okrs = Okrs(session)
        cycle = _cycle_named(okrs, name)
        if cycle.state == CycleState.CLOSED.value:
            raise OkrRefused(Message("okr.cycle_closed_already", name=cycle.name), field="state")
        content = okrs.content(cycle.id)
    scores = score_cycle(store, actor, workspace, content, today=workspace.calendar.today(now))
    with store.writing() as session:
        okrs = Okrs(session)
        if _cycle_named(okrs, name).state == CycleState.CLOSED.value:
            raise OkrRefused(Message("okr.cycle_closed_already", name=cycle.name), field="state")
        for objective in scores.objectives:
            for kr in objective.key_results:
                okrs.set_final(kr.key_result.id, kr.value, None if kr.raw is None else _decimal(kr.raw))
        okrs.set_state(cycle.id, CycleState.CLOSED.value, now)
        record(session, actor, Audited.OKR_CYCLE_CLOSED, now=now, target=cycle.name)
        closed = okrs.content(cycle.id)
    return score_cycle(store, actor, workspace, closed, today=workspace.calendar.today(now))


# --- objectives and key results -------------------------------------------------------------------------------
def add_objective(
    store: Store, actor: Actor, workspace: Workspace, cycle_name: str, new: NewObjective, *, now: datetime
) -> Objective:
    """An objective with its key results and alignment links, all checked first and written together."""
    permissions = permissions_for(actor, workspace, store=store)
    permissions.ensure(Action.EDIT_OKRS)
    with store.writing() as session:
        okrs = Okrs(session)
        cycle = _cycle_named(okrs, cycle_name)
        objective = _write_objective(session, actor, workspace, permissions, cycle, new, now)
        for link in new.aligned_to:
            _write_alignment(okrs, objective.id, link)
    return objective


@dataclass(frozen=True)
class ImportedObjective:
    """An objective of a cycle file: `key` names it within the file; `aligned_to` there names parents of the
    file by key (`grow`, or `grow/2` for its second key result), with their weights."""

    key: str
    objective: NewObjective
    aligned_to: tuple[tuple[str, int | None, Decimal], ...] = ()


@dataclass(frozen=True)
class CycleImport:
    cycle: Cycle
    created: bool  # the cycle was made by this import (else its objectives were added to it)
    objectives: tuple[Objective, ...]


def import_cycle(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    spec: CycleSpec,
    objectives: Sequence[ImportedObjective],
    *,
    now: datetime,
) -> CycleImport:
    """A cycle file's OKRs in one transaction: the cycle made when there is none of that name (else its objectives
    are added to it), every objective, key result and link checked as one by one they would be; a single refusal
    writes nothing."""
    permissions = permissions_for(actor, workspace, store=store)
    permissions.ensure(Action.EDIT_OKRS)
    keys = [item.key for item in objectives]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise OkrRefused(Message("okr.duplicate_key", key=duplicated[0]), field="objectives")
    with store.writing() as session:
        okrs = Okrs(session)
        cycle = okrs.cycle_named(spec.name.strip())
        created = cycle is None
        if cycle is None:
            permissions.ensure(Action.MANAGE_CYCLES)
            cycle = _create_cycle(session, actor, workspace, spec, now)
        written: dict[str, Objective] = {}
        for index, item in enumerate(objectives):
            try:
                written[item.key] = _write_objective(session, actor, workspace, permissions, cycle, item.objective, now)
            except OkrRefused as refused:
                # Said of the file's objective, so that a surface can point at its line.
                where = f"objectives[{index}]" + (f".{refused.field}" if refused.field else "")
                raise type(refused)(
                    refused.message, hint=refused.hint, field=where, suggestions=refused.suggestions
                ) from None
        positions = okrs.key_result_positions()
        for item in objectives:
            for link in item.objective.aligned_to:
                _write_alignment(okrs, written[item.key].id, link)
            for parent, position, weight in item.aligned_to:
                if parent not in written:
                    raise OkrRefused(Message("okr.unknown_key", key=parent), field="aligned_to")
                to = AlignTo(objective=written[parent].id, weight=weight)
                if position is not None:
                    found = positions.get((written[parent].id, position))
                    if found is None:
                        raise OkrRefused(Message("okr.unknown_key", key=f"{parent}/{position}"), field="aligned_to")
                    to = AlignTo(key_result=found, weight=weight)
                _write_alignment(okrs, written[item.key].id, to)
        details = {"cycle": cycle.name, "created": created, "objectives": len(written)}
        record(session, actor, Audited.OKR_IMPORTED, now=now, target=cycle.name, details=details)
    return CycleImport(cycle, created, tuple(written.values()))


def _write_objective(
    session: Session,
    actor: Actor,
    workspace: Workspace,
    permissions: Permissions,
    cycle: Cycle,
    new: NewObjective,
    now: datetime,
) -> Objective:
    """The objective and its key results, checked and written (its links are the caller's)."""
    okrs = Okrs(session)
    _ensure_not_closed(cycle)
    organisation = read_organisation(session)
    person, team = _owner(organisation, new.owner_kind, new.owner)
    title = new.title.strip()
    if not title:
        raise OkrRefused(Message("okr.title_missing"), field="title")
    draft = Objective(0, cycle.id, title, new.description, new.level.value, person, team, now)
    ensure_may_change(permissions, Action.EDIT_OKRS, draft)
    if len(new.key_results) > MAX_KEY_RESULTS:
        raise _too_many(title, len(new.key_results))
    owner_scope = _owner_scope(organisation, person, team)
    checked = [
        _checked_key_result(workspace, permissions, kr, owner_scope, index) for index, kr in enumerate(new.key_results)
    ]
    objective = okrs.add_objective(
        cycle_id=cycle.id, title=title, description=new.description.strip(), level=new.level.value,
        owner_person_id=person, owner_team_id=team, at=now,
    )  # fmt: skip
    for kr in checked:
        _write_key_result(okrs, objective.id, kr)
    details = {"cycle": cycle.name, "key_results": len(checked), "aligned_to": len(new.aligned_to)}
    record(session, actor, Audited.OKR_OBJECTIVE_ADDED, now=now, target=title, details=details)
    return objective


def add_key_result(
    store: Store, actor: Actor, workspace: Workspace, objective_id: int, new: NewKeyResult, *, now: datetime
) -> KeyResult:
    permissions = permissions_for(actor, workspace, store=store)
    permissions.ensure(Action.EDIT_OKRS)
    with store.writing() as session:
        okrs = Okrs(session)
        objective = _objective(okrs, objective_id)
        cycle = okrs.cycle_of_objective(objective_id)
        assert cycle is not None
        _ensure_not_closed(cycle)
        ensure_may_change(permissions, Action.EDIT_OKRS, objective)
        count = okrs.key_result_count(objective_id)
        if count >= MAX_KEY_RESULTS:
            raise _too_many(objective.title, count + 1)
        organisation = read_organisation(session)
        scope = _owner_scope(organisation, objective.owner_person_id, objective.owner_team_id)
        added = _write_key_result(okrs, objective_id, _checked_key_result(workspace, permissions, new, scope, count))
        details = {"objective": objective.id, "kind": added.kind, "kpi": added.kpi}
        record(session, actor, Audited.OKR_KEY_RESULT_ADDED, now=now, target=added.title, details=details)
    return added


def align(store: Store, actor: Actor, workspace: Workspace, child_id: int, to: AlignTo, *, now: datetime) -> Alignment:
    permissions = permissions_for(actor, workspace, store=store)
    permissions.ensure(Action.EDIT_OKRS)
    with store.writing() as session:
        okrs = Okrs(session)
        child = _objective(okrs, child_id)
        ensure_may_change(permissions, Action.EDIT_OKRS, child)
        link = _write_alignment(okrs, child_id, to)
        record(session, actor, Audited.OKR_ALIGNED, now=now, target=child.title, details=_link_details(link))
    return link


# --- check-ins ------------------------------------------------------------------------------------------------
def check_in(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    key_result_id: int,
    *,
    confidence: int,
    value: Decimal | None = None,
    done: Sequence[int] = (),
    note: str = "",
    now: datetime,
) -> CheckIn:
    """A check-in: the confidence (0 to 10), the value of a typed key result, milestones done, a note. Needs the
    note when the confidence is under 4 or the key result is more than 15 points behind its pace, counting this
    check-in's value. On a closed cycle it is a correction: kept as one, and the key result's final value follows."""
    permissions = permissions_for(actor, workspace, store=store)
    permissions.ensure(Action.CHECK_IN)
    if isinstance(confidence, bool) or not isinstance(confidence, int) or confidence not in CONFIDENCE_RANGE:
        raise OkrRefused(Message("okr.confidence_range", confidence=str(confidence)), field="confidence")
    with store.reading() as session:
        okrs = Okrs(session)
        kr = _key_result(okrs, key_result_id)
        objective = _objective(okrs, kr.objective_id)
        cycle = okrs.cycle_of_objective(objective.id)
        assert cycle is not None
        ensure_may_change(permissions, Action.CHECK_IN, objective)
        content = okrs.content(cycle.id)
    if cycle.state == CycleState.DRAFT.value:
        raise OkrRefused(
            Message("okr.cycle_is_draft", name=cycle.name), hint=Message("okr.cycle_is_draft_hint"), field="cycle"
        )
    _check_value(kr, value, done, content)
    correction = cycle.state == CycleState.CLOSED.value
    draft = CheckIn(0, kr.id, now, actor.account_id, actor.email, value, tuple(done), confidence, note, correction)
    after = _with_check_in(content, objective, kr, draft, workspace.calendar.today(now))
    scored = score_cycle(store, actor, workspace, after, today=workspace.calendar.today(now))
    (score,) = (found for o in scored.objectives for found in o.key_results if found.key_result.id == kr.id)
    reasons = note_reasons(confidence, score.pace)
    if reasons and not note.strip():
        raise OkrRefused(
            Message("okr.note_needed", reasons=tuple(Message(f"okr.note_reason.{reason.value}") for reason in reasons)),
            hint=Message("okr.note_needed_hint"),
            field="note",
        )
    with store.writing() as session:
        okrs = Okrs(session)
        if done:
            okrs.mark_done(kr.id, done, workspace.calendar.today(now))
        written = okrs.add_check_in(
            key_result_id=kr.id, at=now, author_account_id=actor.account_id, author_email=actor.email,
            value=value, done=list(done) or None, confidence=confidence, note=note.strip(), correction=correction,
        )  # fmt: skip
        if correction and KeyResultKind(kr.kind) is not KeyResultKind.KPI:
            okrs.set_final(kr.id, score.value, None if score.raw is None else _decimal(score.raw))
        details = {
            "key_result": kr.id,
            "confidence": confidence,
            "value": None if value is None else str(value),
            "done": list(done),
            "correction": correction,
        }
        record(session, actor, Audited.OKR_CHECKED_IN, now=now, target=kr.title, details=details)
    return written


def add_initiative(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    key_result_id: int,
    *,
    title: str,
    state: str = "planned",
    link: str | None = None,
    now: datetime,
) -> None:
    """A project meant to move a key result (it never counts in progress)."""
    permissions = permissions_for(actor, workspace, store=store)
    permissions.ensure(Action.EDIT_OKRS)
    if state not in ("planned", "active", "done", "dropped"):
        raise OkrRefused(Message("okr.initiative_state", state=state), field="state")
    if not title.strip():
        raise OkrRefused(Message("okr.title_missing"), field="title")
    with store.writing() as session:
        okrs = Okrs(session)
        kr = _key_result(okrs, key_result_id)
        ensure_may_change(permissions, Action.EDIT_OKRS, _objective(okrs, kr.objective_id))
        okrs.add_initiative(key_result_id=kr.id, title=title.strip(), state=state, link=link)
        record(
            session, actor, Audited.OKR_INITIATIVE_ADDED, now=now, target=title.strip(), details={"key_result": kr.id}
        )


# --- the rules ------------------------------------------------------------------------------------------------
def _cycle_dates(
    workspace: Workspace, period: str | None, starts_on: date | None, ends_on: date | None
) -> tuple[date, date]:
    """[first day, day after the last) of a cycle named by its period or given by its dates."""
    if period is not None:
        if starts_on is not None or ends_on is not None:
            raise OkrRefused(Message("okr.period_or_dates"), field="period")
        first, grain = parse_period(period, workspace.calendar)
        if grain not in CYCLE_GRAINS:
            raise OkrRefused(
                Message("okr.cycle_grain", period=period), hint=Message("okr.cycle_grain_hint"), field="period"
            )
        return first, workspace.calendar.end(first, grain)
    if starts_on is None or ends_on is None:
        raise OkrRefused(Message("okr.period_or_dates"), field="period")
    if ends_on < starts_on:
        raise OkrRefused(Message("okr.cycle_dates", starts_on=starts_on, ends_on=ends_on), field="ends_on")
    return starts_on, ends_on + timedelta(days=1)


def _checked_key_result(
    workspace: Workspace, permissions: Permissions, new: NewKeyResult, owner_scope: Mapping[str, str], index: int
) -> NewKeyResult:
    """The key result as it will be written (the owner's scope filled in), or the first rule it breaks. A KPI's
    scope is compiled with the KPI, so that a dimension its sources do not have is refused now, not when it is
    measured."""
    where = f"key_results[{index}]"
    if not new.title.strip():
        raise OkrRefused(Message("okr.title_missing"), field=f"{where}.title")
    if new.weight < 0:
        raise OkrRefused(Message("okr.weight_negative", weight=str(new.weight)), field=f"{where}.weight")
    numeric = new.kind in (KeyResultKind.KPI, KeyResultKind.NUMBER)
    if numeric:
        if new.direction is None or new.baseline is None or new.target is None:
            raise OkrRefused(Message("okr.measure_missing", kind=new.kind.value), field=f"{where}.target")
        for name, problem in Measure.of(new.direction, new.baseline, new.target, new.stretch, new.upper).problems():
            raise OkrRefused(problem, field=f"{where}.{name}")
    elif any(v is not None for v in (new.direction, new.baseline, new.target, new.stretch, new.upper)):
        raise OkrRefused(Message("okr.milestone_has_measure"), field=f"{where}.kind")
    if new.kind is KeyResultKind.KPI:
        if new.kpi is None:
            raise OkrRefused(Message("okr.kpi_missing"), field=f"{where}.kpi")
        permissions.ensure(Action.READ_KPIS, KpiResource(new.kpi, permissions.definitions))
    elif new.kpi is not None:
        raise OkrRefused(Message("okr.kpi_on_other_kind", kind=new.kind.value), field=f"{where}.kpi")
    milestones = tuple(title.strip() for title in new.milestones if title.strip())
    if new.kind is KeyResultKind.MILESTONE:
        milestones = milestones[:1] or (new.title.strip(),)
    if new.kind is KeyResultKind.MILESTONES and not milestones:
        raise OkrRefused(Message("okr.milestones_missing"), field=f"{where}.milestones")
    if new.kind not in (KeyResultKind.MILESTONE, KeyResultKind.MILESTONES) and new.milestones:
        raise OkrRefused(Message("okr.milestones_on_other_kind", kind=new.kind.value), field=f"{where}.milestones")
    scope = dict(owner_scope if new.scope is None else new.scope) if new.kind is KeyResultKind.KPI else {}
    if new.kind is KeyResultKind.KPI and new.kpi is not None:
        try:
            workspace.compile(workspace.request([new.kpi], grain=Grain.MONTH, scope=scope))
        except UserError as error:
            # The hint lists the source's columns: definitions only administrators and editors may read.
            hint = error.hint if permissions.can(Action.READ_DEFINITIONS) else None
            raise OkrRefused(error.message, hint=hint, field=f"{where}.scope") from None
    return replace(new, title=new.title.strip(), scope=scope, milestones=milestones)


def _write_key_result(okrs: Okrs, objective_id: int, kr: NewKeyResult) -> KeyResult:
    values = {
        "title": kr.title,
        "kind": kr.kind.value,
        "kpi": kr.kpi,
        "scope": dict(kr.scope or {}),
        "direction": None if kr.direction is None else kr.direction.value,
        "baseline": kr.baseline,
        "target": kr.target,
        "stretch": kr.stretch,
        "upper": kr.upper,
        "unit": kr.unit,
        "weight": kr.weight,
    }
    written = okrs.add_key_result(objective_id=objective_id, values=values)
    for title in kr.milestones:
        okrs.add_milestone(key_result_id=written.id, title=title)
    return written


def _write_alignment(okrs: Okrs, child_id: int, to: AlignTo) -> Alignment:
    if (to.objective is None) == (to.key_result is None):
        raise OkrRefused(Message("okr.align_one_parent"), field="aligned_to")
    if to.weight < 0:
        raise OkrRefused(Message("okr.weight_negative", weight=str(to.weight)), field="aligned_to.weight")
    if to.objective is not None:
        _objective(okrs, to.objective)
    else:
        assert to.key_result is not None
        _key_result(okrs, to.key_result)
    owners = okrs.key_result_objectives()
    links = [
        Link(a.child_id, a.parent_objective_id, a.parent_key_result_id, exact(a.weight)) for a in okrs.alignments()
    ]
    adding = Link(child_id, to.objective, to.key_result, exact(to.weight))
    same = (child_id, to.objective, to.key_result)
    if any((known.child, known.parent_objective, known.parent_key_result) == same for known in links):
        raise OkrRefused(Message("okr.aligned_already"), field="aligned_to")
    loop = cycle_through(links, owners, adding)
    if loop is not None:
        titles = [_title(okrs, objective_id) for objective_id in loop]
        raise OkrRefused(
            Message("okr.alignment_cycle", path=" → ".join(titles)), hint=Message("okr.alignment_cycle_hint"),
            field="aligned_to",
        )  # fmt: skip
    return okrs.add_alignment(
        child_id=child_id, parent_objective_id=to.objective, parent_key_result_id=to.key_result, weight=to.weight
    )


def _check_value(kr: KeyResult, value: Decimal | None, done: Sequence[int], content: CycleContent) -> None:
    kind = KeyResultKind(kr.kind)
    if value is not None and kind is not KeyResultKind.NUMBER:
        code = "okr.value_is_measured" if kind is KeyResultKind.KPI else "okr.value_on_milestones"
        raise OkrRefused(Message(code, kpi=kr.kpi or ""), field="value")
    positions = {m.position for m in content.milestones if m.key_result_id == kr.id}
    if done and kind not in (KeyResultKind.MILESTONE, KeyResultKind.MILESTONES):
        raise OkrRefused(Message("okr.done_on_numbers"), field="done")
    unknown = sorted(set(done) - positions)
    if unknown:
        raise OkrRefused(
            Message("okr.unknown_milestone", positions=", ".join(map(str, unknown)), count=len(positions)), field="done"
        )


def _with_check_in(
    content: CycleContent, objective: Objective, kr: KeyResult, draft: CheckIn, today: date
) -> CycleContent:
    """The cycle reduced to the one key result, as it would be with the check-in (to score it before writing)."""
    milestones = tuple(
        replace(m, done_on=today) if m.position in draft.done and m.done_on is None else m
        for m in content.milestones
        if m.key_result_id == kr.id
    )
    check_ins = (*tuple(c for c in content.check_ins if c.key_result_id == kr.id), draft)
    return CycleContent(content.cycle, (objective,), (kr,), (), milestones, check_ins, ())


def _owner(organisation: Organisation, kind: OwnerKind, owner: str) -> tuple[int | None, int | None]:
    if kind is OwnerKind.PERSON:
        key = email_key(owner)
        person = next((p for p in organisation.people if p.email_key == key), None)
        if person is None:
            raise OkrRefused(Message("okr.unknown_person", email=owner), field="owner")
        return person.id, None
    team = next((t for t in organisation.teams if t.name == owner), None)
    if team is None:
        names = tuple(sorted(t.name for t in organisation.teams))
        raise OkrRefused(Message("okr.unknown_team", team=owner), field="owner", suggestions=names[:10])
    return None, team.id


def _owner_scope(organisation: Organisation, person: int | None, team: int | None) -> dict[str, str]:
    """The owner's slice of the data: a person's or a team's scope (empty for a team without one)."""
    for found in organisation.people:
        if found.id == person:
            return found.scope.as_dict()
    for unit in organisation.teams:
        if unit.id == team:
            return unit.scope.as_dict()
    return {}


def _too_many(title: str, count: int) -> OkrRefused:
    return OkrRefused(
        Message("okr.too_many_key_results", title=title, count=count, most=MAX_KEY_RESULTS),
        hint=Message("okr.too_many_key_results_hint"),
        field="key_results",
    )


def _ensure_not_closed(cycle: Cycle) -> None:
    if cycle.state == CycleState.CLOSED.value:
        raise OkrRefused(Message("okr.cycle_closed", name=cycle.name), field="cycle")


def _cycle_named(okrs: Okrs, name: str) -> Cycle:
    cycle = okrs.cycle_named(name.strip())
    if cycle is None:
        known = tuple(c.name for c in okrs.cycles())
        raise OkrNotFound(Message("okr.unknown_cycle", name=name), field="cycle", suggestions=known[-10:])
    return cycle


def _objective(okrs: Okrs, objective_id: int) -> Objective:
    found = okrs.objective(objective_id)
    if found is None:
        raise OkrNotFound(Message("okr.unknown_objective", id=str(objective_id)), field="objective")
    return found


def _key_result(okrs: Okrs, key_result_id: int) -> KeyResult:
    found = okrs.key_result(key_result_id)
    if found is None:
        raise OkrNotFound(Message("okr.unknown_key_result", id=str(key_result_id)), field="key_result")
    return found


def _title(okrs: Okrs, objective_id: int) -> str:
    found = okrs.objective(objective_id)
    return found.title if found is not None else f"#{objective_id}"


def _decimal(value: Fraction) -> Decimal:
    """An exact fraction as a decimal of 28 significant digits (what the store keeps)."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def _cycle_details(cycle: Cycle) -> dict[str, object]:
    return {
        "period": cycle.period,
        "starts_on": cycle.starts_on.isoformat(),
        "ends_on": (cycle.ends_on - timedelta(days=1)).isoformat(),
        "state": cycle.state,
        "rollup": cycle.rollup,
    }


def _link_details(link: Alignment) -> dict[str, object]:
    return {
        "parent_objective": link.parent_objective_id,
        "parent_key_result": link.parent_key_result_id,
        "weight": str(link.weight),
    }
