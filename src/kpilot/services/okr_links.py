"""Which objectives move which KPIs (docs/okrs.md#from-kpis-to-okrs): the key results of the current cycle measured
by each KPI, for the KPI matrix to show beside the goals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from kpilot.auth.actor import Actor
from kpilot.okr.kinds import Colour, KeyResultKind
from kpilot.services.okr_data import number
from kpilot.services.okrs import current_cycle, read_cycle
from kpilot.store.errors import StoreMissing
from kpilot.store.session import Store, open_store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class Moving:
    """A key result measured by a KPI: its objective, owner and grade."""

    cycle: str
    objective_id: int
    objective: str
    owner: str
    key_result: str
    grade: Fraction | None
    colour: Colour | None

    def to_data(self) -> dict[str, Any]:
        return {
            "cycle": self.cycle,
            "objective": {"id": self.objective_id, "title": self.objective, "owner": self.owner},
            "key_result": self.key_result,
            "grade": number(self.grade),
            "colour": None if self.colour is None else self.colour.value,
        }


def moving_kpis(
    workspace: Workspace, actor: Actor, *, store: Store | None = None, today: date | None = None
) -> Mapping[str, tuple[Moving, ...]]:
    """KPI -> the current cycle's key results it measures, in the cycle's order, as `actor` may see them (their
    values over their rows); empty when the workspace has no store yet or no open cycle. `store`: one already open
    (a server's), else the workspace's is opened for this."""
    if store is None:
        try:
            opened = open_store(workspace)
        except StoreMissing:
            return {}
        with opened:
            return moving_kpis(workspace, actor, store=opened, today=today)
    found: dict[str, list[Moving]] = {}
    cycle = current_cycle(store, actor, workspace, today=today)
    if cycle is None:
        return {}
    scores = read_cycle(store, actor, workspace, cycle.name, today=today)
    for objective in scores.objectives:
        for kr in objective.key_results:
            if kr.key_result.kind != KeyResultKind.KPI.value or kr.key_result.kpi is None:
                continue
            found.setdefault(kr.key_result.kpi, []).append(
                Moving(
                    cycle.name,
                    objective.objective.id,
                    objective.objective.title,
                    scores.owners.get(objective.objective.id, ""),
                    kr.key_result.title,
                    kr.grade,
                    kr.colour,
                )
            )
    return {kpi: tuple(items) for kpi, items in found.items()}
