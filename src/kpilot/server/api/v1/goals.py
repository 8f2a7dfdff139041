"""`/api/v1/goals`: the goals of the definitions with the KPIs that serve them and their weights, leaving out the
KPIs the caller may not see (a goal keeps its place; its hidden links are not told)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kpilot.definitions.goals_model import Goal
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.server.reading import seen_by

router = APIRouter(tags=["goals"])


@router.get("/goals", summary="The goals, with the KPIs the caller may see")
def goals(actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with seen_by(runtime, actor) as workspace:
        return {"goals": [_goal(goal) for goal in workspace.definitions.goals]}


def _goal(goal: Goal) -> dict[str, Any]:
    return {
        "name": goal.name,
        "label": goal.title,
        "description": goal.description,
        "owner": goal.owner,
        "parent": goal.parent,
        "kpis": [{"kpi": link.kpi, "weight": link.weight} for link in goal.kpis],
    }
