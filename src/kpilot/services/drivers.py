"""What drives a goal, on the reader's data (docs/analysis.md#what-drives-a-goal): the goal's outcome KPI (named, else
its first KPI tagged `indicator: lagging`, else its first KPI) against its other KPIs, over the complete periods and,
with `by`, the members of a dimension (teams, channels), split by analysis.drivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.analysis.dimensions import dimensions_of
from kpilot.analysis.drivers import GoalDrivers, goal_drivers
from kpilot.auth.actor import Actor
from kpilot.definitions.goals_model import Goal
from kpilot.engine.periods import Grain
from kpilot.errors import QueryError
from kpilot.i18n import Message
from kpilot.services.kpis import workspace_for
from kpilot.store.session import Store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class Drivers:
    goal: Goal
    grain: Grain
    by: str | None
    found: GoalDrivers


def drivers(
    store: Store | None,
    actor: Actor,
    workspace: Workspace,
    goal: str,
    *,
    outcome: str | None = None,
    by: str | None = None,
    grain: Grain = Grain.MONTH,
    today: date | None = None,
) -> Drivers:
    view = workspace_for(actor, workspace, store=store)
    found = view.definitions.goal(goal)
    if found is None:
        known = tuple(g.name for g in view.definitions.goals)
        raise QueryError(Message("analysis.drivers.unknown_goal", goal=goal), field="goal", suggestions=known)
    visible = [link for link in found.kpis if view.definitions.kpi(link.kpi) is not None]
    names = [link.kpi for link in visible]
    lagging = [link.kpi for link in visible if _indicator(view, link.kpi) == "lagging"]
    chosen = outcome or (lagging[0] if lagging else (names[0] if names else None))
    if chosen is None or chosen not in names:
        raise QueryError(
            Message("analysis.drivers.no_outcome", goal=goal, kpi=chosen or "-"),
            field="outcome",
            suggestions=tuple(names),
        )
    others = [name for name in names if name != chosen]
    if by is not None and any(by not in dimensions_of(view, name) for name in names):
        raise QueryError(Message("analysis.drivers.unknown_dimension", goal=goal, dimension=by), field="by")
    table = view.compute(names, grain=grain, by=[by] if by else [], today=today)
    points = [row for row in table.to_pylist() if not row.get("partial")]
    weights = {link.kpi: link.weight for link in visible if link.kpi != chosen}
    return Drivers(found, grain, by, goal_drivers(chosen, points, others, weights))


def _indicator(view: Workspace, kpi: str) -> str | None:
    found = view.definitions.kpi(kpi)
    return None if found is None else found.indicator


def drivers_data(result: Drivers) -> dict[str, Any]:
    found = result.found
    return {
        "goal": result.goal.name,
        "outcome": found.outcome,
        "grain": result.grain.value,
        "by": result.by,
        "points": found.points,
        "r_squared": found.r_squared,
        "checkable": found.checkable,
        "drivers": [
            {
                "kpi": d.kpi,
                "share": d.share,
                "weight": d.weight,
                "direction": d.direction,
                "disagrees": d in found.disagreeing,
            }
            for d in found.drivers
        ],
    }
