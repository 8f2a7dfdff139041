"""Which leading links of the KPI matrix the data supports (issue 13, docs/analysis.md#leading-and-lagging): for each
goal, each of its lagging KPIs tested against the goal's leading KPIs (services.leads: lagged cross-correlation and
a Granger-type test, corrected for the number of tests), so that `kpilot matrix --leads` can mark each link as
supported ("leads by 2 months"), not supported, or not judged for lack of data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kpilot.analysis.leads import LeadTest
from kpilot.auth.actor import Actor
from kpilot.engine.periods import Grain
from kpilot.services.leads import leads
from kpilot.store.session import Store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class LinkTest:
    goal: str
    lagging: str
    test: LeadTest  # its candidate is the leading KPI


def matrix_leads(
    store: Store | None, actor: Actor, workspace: Workspace, *, grain: Grain = Grain.MONTH, today: date | None = None
) -> tuple[LinkTest, ...]:
    """Every (goal, leading KPI, lagging KPI) of the matrix tested, in the goals' order."""
    found: list[LinkTest] = []
    definitions = workspace.definitions
    for goal in definitions.goals:
        linked = [definitions.kpi(link.kpi) for link in goal.kpis]
        kpis = [kpi for kpi in linked if kpi is not None]
        leading = [kpi.name for kpi in kpis if kpi.indicator == "leading"]
        lagging = [kpi.name for kpi in kpis if kpi.indicator == "lagging"]
        for name in lagging:
            if not leading:
                break
            tested = leads(store, actor, workspace, name, candidates=leading, grain=grain, today=today)
            found.extend(LinkTest(goal.name, name, test) for test in tested.tests)
    return tuple(found)
