"""From KPIs to OKRs (docs/okrs.md#from-kpis-to-okrs): `propose` looks at the KPIs that are off track or projected to
miss their target in a cycle's period, and drafts for each an objective whose key result brings the KPI back to its
target by the cycle's end, with the baseline and target taken from the data.

Which KPIs: those whose scorecard status for the cycle's period (the company's numbers, as the reader sees them) is
off track (the target will be missed: below the commit, or projected to be) or at risk (the commit is met or
projected, the target is not). The key result is measured by the KPI itself, over the company's rows:

- target and stretch: the KPI's target and stretch for the period (the targets file, spread down to the period);
- direction: the target's (increase, decrease; above, below and range become stay above, stay below, stay within);
- baseline: for a KPI that adds up over the period (a sum or a count) 0, since its value in the cycle counts from 0
  at the cycle's start; for any other, its value in the period before (where it stood when the cycle began), or
  the value so far when there is no period before. An additive KPI to bring down (a cost) is a line to stay below;
  a baseline already past the target (the KPI was fine before and slipped) makes the key result one that holds the
  line from there, a stay above or below, since "increase from 3 to 2.5" means nothing. A sum with a range as its
  target (a budget to land within) gets no key result: on the way its total is below any band.

The words of a proposal (its objective's and key result's titles) are codes: `write_proposals` renders them in the
language it is given when it writes the drafts, as a person would type them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kpilot.auth.actor import Actor
from kpilot.definitions.goals_model import TargetType
from kpilot.goals.scorecard import ScorecardLine, scorecard
from kpilot.goals.status import Status
from kpilot.i18n import Language, Message, render
from kpilot.okr.errors import OkrNotFound, OkrRefused
from kpilot.okr.kinds import Direction, KeyResultKind, Level, OwnerKind
from kpilot.okr.scoring import Measure
from kpilot.services.kpis import workspace_for
from kpilot.services.okr_scores import cycle_period
from kpilot.services.okrs import (
    CycleImport,
    CycleSpec,
    ImportedObjective,
    NewKeyResult,
    NewObjective,
    current_cycle,
    cycles,
    import_cycle,
)
from kpilot.store.okrs import Cycle
from kpilot.store.organisation import read_organisation
from kpilot.store.records import TeamKind, email_key
from kpilot.store.session import Store
from kpilot.workspace import Workspace

PROPOSED = (Status.OFF_TRACK, Status.AT_RISK)
DIRECTIONS = {
    TargetType.INCREASE: Direction.INCREASE,
    TargetType.DECREASE: Direction.DECREASE,
    TargetType.ABOVE: Direction.STAY_ABOVE,
    TargetType.BELOW: Direction.STAY_BELOW,
    TargetType.RANGE: Direction.STAY_WITHIN,
}


@dataclass(frozen=True)
class Proposal:
    kpi: str
    status: Status  # off track or at risk, as the scorecard says
    reason: Message  # the scorecard's reason in words (why the KPI is off track or at risk)
    title: Message  # the objective's title
    key_result: NewKeyResult  # its one key result (title rendered on writing: `key_result_title`)
    key_result_title: Message
    owner_kind: OwnerKind
    owner: str  # the KPI's owner when they are a person of the organisation, else the company
    value: Decimal | None  # the KPI's value so far in the period
    projected: Decimal | None  # where it is heading by the period's end

    @property
    def baseline(self) -> Decimal:
        assert self.key_result.baseline is not None
        return self.key_result.baseline

    @property
    def target(self) -> Decimal:
        assert self.key_result.target is not None
        return self.key_result.target


def propose(
    store: Store, actor: Actor, workspace: Workspace, *, cycle: str | None = None, today: date | None = None
) -> tuple[Proposal, ...]:
    """The drafts for the KPIs off track or at risk in the cycle's period (the current cycle unless named)."""
    day = today or workspace.calendar.today()
    chosen = _cycle(store, actor, workspace, cycle, day)
    named = cycle_period(chosen, workspace)
    if named is None:
        raise OkrRefused(Message("okr.propose_needs_period", name=chosen.name), field="cycle")
    period, grain = named
    view = workspace_for(actor, workspace, store=store)
    as_of = min(day, workspace.calendar.end(period, grain))
    lines = scorecard(view, period, grain, None, {}, as_of)
    with store.reading() as session:
        organisation = read_organisation(session)
    people = {person.email_key for person in organisation.people}
    company = next((team.name for team in organisation.teams if team.kind is TeamKind.COMPANY), None)
    found = []
    for line in lines:
        proposal = _proposal(line, people, company)
        if proposal is not None:
            found.append(proposal)
    return tuple(found)


def write_proposals(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    cycle_name: str,
    proposals: Sequence[Proposal],
    *,
    language: Language,
    now: datetime,
) -> CycleImport:
    """The proposals written into the (existing) cycle as objectives, their titles in `language`."""
    if cycle_name not in {found.name for found in cycles(store, actor, workspace)}:
        raise OkrNotFound(Message("okr.unknown_cycle", name=cycle_name), field="cycle")
    items = [
        ImportedObjective(
            key=proposal.kpi,
            objective=NewObjective(
                title=render(proposal.title, language),
                level=Level.COMPANY,
                owner_kind=proposal.owner_kind,
                owner=proposal.owner,
                key_results=(replace(proposal.key_result, title=render(proposal.key_result_title, language)),),
            ),
        )
        for proposal in proposals
    ]
    return import_cycle(store, actor, workspace, CycleSpec(cycle_name), items, now=now)


def proposal_data(proposal: Proposal) -> dict[str, Any]:
    kr = proposal.key_result
    return {
        "kpi": proposal.kpi,
        "status": proposal.status.value,
        "reason": proposal.reason.to_data(),
        "title": proposal.title.to_data(),
        "owner": {"kind": proposal.owner_kind.value, "name": proposal.owner},
        "value": _number(proposal.value),
        "projected": _number(proposal.projected),
        "key_result": {
            "title": proposal.key_result_title.to_data(),
            "kind": kr.kind.value,
            "kpi": kr.kpi,
            "scope": dict(kr.scope or {}),
            "direction": None if kr.direction is None else kr.direction.value,
            **{name: _number(getattr(kr, name)) for name in ("baseline", "target", "stretch", "upper")},
        },
    }


def _cycle(store: Store, actor: Actor, workspace: Workspace, name: str | None, day: date) -> Cycle:
    if name is None:
        found = current_cycle(store, actor, workspace, today=day)
        if found is None:
            raise OkrRefused(Message("okr.no_current_cycle"), hint=Message("okr.no_current_cycle_hint"), field="cycle")
        return found
    for cycle in cycles(store, actor, workspace):
        if cycle.name == name:
            return cycle
    raise OkrNotFound(Message("okr.unknown_cycle", name=name), field="cycle")


def _proposal(line: ScorecardLine, people: set[str], company: str | None) -> Proposal | None:
    evaluation = line.evaluation
    if evaluation is None or evaluation.status not in PROPOSED:
        return None
    key_result = kpi_key_result(line)
    kpi = line.kpi
    owner = kpi.owner if kpi.owner is not None and email_key(kpi.owner) in people else None
    if key_result is None or (owner is None and company is None):
        return None
    projection = line.projection.value if line.projection is not None else None
    assert key_result.direction is not None
    assert line.value is not None
    return Proposal(
        kpi=kpi.name,
        status=evaluation.status,
        reason=evaluation.reason,
        title=Message("okr.proposed_objective", kpi=kpi.title),
        key_result=key_result,
        key_result_title=Message(f"okr.proposed_key_result.{key_result.direction.value}", kpi=kpi.title),
        owner_kind=OwnerKind.PERSON if owner is not None else OwnerKind.TEAM,
        owner=owner if owner is not None else company or "",
        value=_decimal(line.value),
        projected=None if projection is None else _decimal(projection),
    )


def kpi_key_result(line: ScorecardLine, title: str = "") -> NewKeyResult | None:
    """A key result measured by the line's KPI over its scope, bringing it to its target for the period: the
    direction, baseline, target and stretch from the data (this module's docstring says how). None when the KPI has
    no value or no target there."""
    target = line.target
    if target is None or line.value is None:
        return None
    direction = DIRECTIONS[target.type]
    upper: Decimal | None = None
    if target.type is TargetType.RANGE:
        if target.min is None or target.max is None or line.additive:
            return None  # a sum's band (a budget) is about where the total lands, not where it is on the way
        goal, upper = _decimal(target.min), _decimal(target.max)
    elif target.target is None:
        return None
    else:
        goal = _decimal(target.target)
    if line.additive and direction is Direction.DECREASE:
        direction = Direction.STAY_BELOW  # a cost to keep under its target through the period
    start = line.previous if line.previous is not None else line.value
    baseline = Decimal(0) if line.additive and direction is Direction.INCREASE else _decimal(start)
    stretch = None if target.stretch is None or direction.stays else _decimal(target.stretch)
    if Measure.of(direction, baseline, goal, stretch, upper).problems():
        # The KPI stood past the target before and slipped: hold the line from there.
        direction = Direction.STAY_ABOVE if direction is Direction.INCREASE else Direction.STAY_BELOW
        stretch = None
        if Measure.of(direction, baseline, goal).problems():
            return None
    return NewKeyResult(
        title=title, kind=KeyResultKind.KPI, kpi=line.kpi.name, scope=dict(line.scope), direction=direction,
        baseline=baseline, target=goal, stretch=stretch, upper=upper,
    )  # fmt: skip


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
