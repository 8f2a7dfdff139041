"""Which leading KPIs lead a lagging one, tested on the reader's data (docs/analysis.md#leading-and-lagging): the
candidates are the KPIs named, else those tagged `indicator: leading` in the goals that name the lagging KPI, else
every KPI tagged leading; each is tested by analysis.leads over the complete periods both have (a running period is
partial: never a point of a series)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from kpilot.analysis.leads import MIN_PERIODS, LeadTest, lead_tests
from kpilot.auth.actor import Actor
from kpilot.definitions.model import Kpi
from kpilot.engine.periods import Grain, periods_count
from kpilot.errors import QueryError
from kpilot.i18n import Message
from kpilot.semantic.lookup import require_kpi
from kpilot.services.kpis import workspace_for
from kpilot.store.session import Store
from kpilot.workspace import Workspace

MAX_LAG = 3


class ChosenBy(StrEnum):
    NAMED = "named"
    GOALS = "goals"  # the leading KPIs of the goals that name the lagging one
    ALL_LEADING = "all_leading"


@dataclass(frozen=True)
class Leads:
    kpi: Kpi
    grain: Grain
    chosen_by: ChosenBy
    tests: tuple[LeadTest, ...]


def leads(
    store: Store | None,
    actor: Actor,
    workspace: Workspace,
    kpi: str,
    *,
    candidates: Sequence[str] = (),
    grain: Grain = Grain.MONTH,
    max_lag: int = MAX_LAG,
    today: date | None = None,
) -> Leads:
    view = workspace_for(actor, workspace, store=store)
    lagging = require_kpi(view.definitions, kpi)
    for name in candidates:
        require_kpi(view.definitions, name)
    chosen, how = _candidates(view, kpi, candidates)
    if not chosen:
        raise QueryError(
            Message("analysis.leads.no_candidates", kpi=kpi), hint=Message("analysis.leads.no_candidates_hint"),
            field="candidates",
        )  # fmt: skip
    table = view.compute([kpi, *chosen], grain=grain, today=today)
    rows = [row for row in table.to_pylist() if not row.get("partial")]

    def series(name: str) -> dict[date, float]:
        return {row["period"]: float(row[name]) for row in rows if row.get(name) is not None}

    found = lead_tests(series(kpi), {name: series(name) for name in chosen}, max_lag)
    return Leads(lagging, grain, how, found)


def _candidates(view: Workspace, kpi: str, named: Sequence[str]) -> tuple[list[str], ChosenBy]:
    if named:
        return list(dict.fromkeys(name for name in named if name != kpi)), ChosenBy.NAMED
    leading = {k.name for k in view.definitions.kpis if k.indicator == "leading" and k.name != kpi}
    in_goals = [
        link.kpi
        for goal in view.definitions.goals
        if any(link.kpi == kpi for link in goal.kpis)
        for link in goal.kpis
        if link.kpi in leading
    ]
    if in_goals:
        return list(dict.fromkeys(in_goals)), ChosenBy.GOALS
    return sorted(leading), ChosenBy.ALL_LEADING


def lead_message(test: LeadTest, grain: Grain, max_lag: int = MAX_LAG) -> Message:
    """The verdict in words, with the numbers it rests on."""
    unit = periods_count(test.periods, grain)
    best = test.best
    if best is None:
        needed = periods_count(MIN_PERIODS + 2 * max_lag, grain)
        return Message("analysis.leads.not_enough_data", periods=unit, needed=needed)
    lag = periods_count(best.lag, grain)
    if test.verdict.value == "leads":
        return Message("analysis.leads.leads", lag=lag, p=round(best.adjusted, 4), periods=unit)
    return Message("analysis.leads.no_evidence", p=round(best.adjusted, 4), periods=unit)


def leads_data(found: Leads) -> dict[str, Any]:
    return {
        "kpi": found.kpi.name,
        "grain": found.grain.value,
        "chosen_by": found.chosen_by.value,
        "candidates": [
            {
                "kpi": test.candidate,
                "verdict": test.verdict.value,
                "periods": test.periods,
                "lag": None if test.best is None else test.best.lag,
                "lags": [
                    {"lag": r.lag, "correlation": r.correlation, "p_value": r.p_value, "adjusted": r.adjusted}
                    for r in test.lags
                ],
            }
            for test in found.tests
        ],
    }
