"""What one reader's OKR pages read (docs/dashboard.md#okr-pages): the key results they may check in on in a cycle,
and one objective with what it aligns to and what aligns to it.

Who may check in on what is decided here and in services.okr_owners, never by a page: a key result is the reader's
to check in on when the reader may check in at all (Action.CHECK_IN) and may change its objective's OKRs (their own;
a manager's team's and reports' too; an editor's or admin's anyone's). The cycle is read through
services.okrs.read_cycle, so the same READ_OKRS check and the same scores as every other surface apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kpilot.auth.actor import Actor
from kpilot.i18n import Message
from kpilot.okr.errors import OkrNotFound
from kpilot.services.kpis import permissions_for
from kpilot.services.okr_owners import may_change
from kpilot.services.okr_scores import CycleScores, KeyResultScore, ObjectiveScore
from kpilot.services.okrs import current_cycle, read_cycle
from kpilot.services.permissions import Action
from kpilot.store.okrs import KeyResult, Objective, Okrs
from kpilot.store.session import Store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class Mine:
    """A key result the reader may check in on, with its objective's score."""

    objective: ObjectiveScore
    key_result: KeyResultScore


@dataclass(frozen=True)
class MyKeyResults:
    scores: CycleScores
    key_results: tuple[Mine, ...]  # in the cycle's order: objectives by id, their key results by position


def my_key_results(
    store: Store, actor: Actor, workspace: Workspace, today: date | None = None, *, cycle: str | None = None
) -> MyKeyResults | None:
    """The scored key results of `cycle` (default: the current one) that `actor` may check in on; None when there is
    no open cycle to check in on."""
    name = cycle
    if name is None:
        found = current_cycle(store, actor, workspace, today=today)
        if found is None:
            return None
        name = found.name
    scores = read_cycle(store, actor, workspace, name, today=today)
    permissions = permissions_for(actor, workspace, store=store)
    if not permissions.can(Action.CHECK_IN):
        return MyKeyResults(scores, ())
    mine = tuple(
        Mine(objective, kr)
        for objective in scores.objectives
        if may_change(permissions, objective.objective)
        for kr in objective.key_results
    )
    return MyKeyResults(scores, mine)


@dataclass(frozen=True)
class Link:
    """One alignment link seen from an objective: the other end, and the key result it goes through (if any)."""

    objective: Objective
    key_result: KeyResult | None  # the parent key result (a link to a key result), else None
    weight: Decimal


@dataclass(frozen=True)
class ObjectiveView:
    scores: CycleScores  # the objective's cycle, scored
    objective: ObjectiveScore
    aligned_to: tuple[Link, ...]  # its parents (an objective, or a key result and its objective)
    aligned_here: tuple[Link, ...]  # the objectives aligned to it or to one of its key results (any cycle)


def objective_view(
    store: Store, actor: Actor, workspace: Workspace, objective_id: int, today: date | None = None
) -> ObjectiveView:
    """One objective, scored in its cycle, with its alignment links both ways; OkrNotFound when there is none."""
    permissions_for(actor, workspace, store=store).ensure(Action.READ_OKRS)
    with store.reading() as session:
        okrs = Okrs(session)
        cycle = okrs.cycle_of_objective(objective_id)
        if cycle is None:
            raise OkrNotFound(Message("okr.unknown_objective", id=str(objective_id)), field="objective")
        links = okrs.alignments()
        owners = okrs.key_result_objectives()
        own = {kr for kr, objective in owners.items() if objective == objective_id}
        parents, children = [], []
        for link in links:
            if link.child_id == objective_id:
                kr = okrs.key_result(link.parent_key_result_id) if link.parent_key_result_id is not None else None
                parent_id = link.parent_objective_id if kr is None else kr.objective_id
                parent = okrs.objective(parent_id) if parent_id is not None else None
                if parent is not None:
                    parents.append(Link(parent, kr, link.weight))
            elif link.parent_objective_id == objective_id or link.parent_key_result_id in own:
                child = okrs.objective(link.child_id)
                kr = okrs.key_result(link.parent_key_result_id) if link.parent_key_result_id is not None else None
                if child is not None:
                    children.append(Link(child, kr, link.weight))
    scores = read_cycle(store, actor, workspace, cycle.name, today=today)
    (found,) = (score for score in scores.objectives if score.objective.id == objective_id)
    return ObjectiveView(scores, found, tuple(parents), tuple(children))
