"""Anomalies worth a look, per KPI and dimension member, on the reader's data (docs/analysis.md#anomalies): each
KPI's value in a complete period (default: the last complete month) against the band analysis.anomalies forecasts
from the periods before it, for the KPI as a whole and for each member of each dimension asked for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.analysis.anomalies import Anomaly, anomaly
from kpilot.analysis.dimensions import dimensions_of
from kpilot.auth.actor import Actor
from kpilot.engine.period_names import explicit_period, last_complete, parse_period
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.semantic.lookup import require_kpi
from kpilot.services.kpis import workspace_for
from kpilot.store.session import Store
from kpilot.workspace import Workspace

SEASONS = {Grain.DAY: 7, Grain.WEEK: 52, Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}


@dataclass(frozen=True)
class KpiAnomaly:
    kpi: str
    dimension: str | None  # None: the KPI as a whole
    found: Anomaly


def anomalies(
    store: Store | None,
    actor: Actor,
    workspace: Workspace,
    kpis: Sequence[str] = (),
    *,
    period: str | None = None,
    by: Sequence[str] = (),
    today: date | None = None,
) -> tuple[date, Grain, tuple[KpiAnomaly, ...]]:
    """The period judged, its grain, and what is outside its band (every KPI the reader sees unless named)."""
    view = workspace_for(actor, workspace, store=store)
    calendar = view.calendar
    day = today or calendar.today()
    named = explicit_period(period, calendar)
    start, grain = parse_period(named, calendar) if named else (last_complete(day, Grain.MONTH, calendar), Grain.MONTH)
    names = list(kpis) or [kpi.name for kpi in view.definitions.kpis]
    for name in names:
        require_kpi(view.definitions, name)
    end = calendar.end(start, grain)
    first = calendar.shift(start, -3 * SEASONS[grain] if grain is not Grain.YEAR else -8, grain)
    found: list[KpiAnomaly] = []
    for name in names:
        splits: list[str | None] = [None, *(d for d in by if d in dimensions_of(view, name))]
        for dimension in splits:
            try:
                table = view.compute(
                    [name], grain=grain, by=[dimension] if dimension else [], start=first, end=end, today=day
                )
            except UserError:  # a KPI that cannot be computed at this grain: nothing to judge
                continue
            rows = [row for row in table.to_pylist() if not row.get("partial") or row["period"] < start]
            members: dict[str | None, dict[date, float | None]] = {}
            for row in rows:
                member = row[dimension] if dimension else None
                members.setdefault(member, {})[row["period"]] = row[name]
            for member, series in members.items():
                if start in series and not any(r["period"] == start and r.get("partial") for r in rows):
                    flagged = anomaly(series, start, SEASONS[grain], member)
                    if flagged is not None:
                        found.append(KpiAnomaly(name, dimension, flagged))
    return start, grain, tuple(found)


def anomalies_data(start: date, grain: Grain, found: Sequence[KpiAnomaly]) -> dict[str, Any]:
    return {
        "period": start.isoformat(),
        "grain": grain.value,
        "anomalies": [
            {
                "kpi": item.kpi,
                "dimension": item.dimension,
                "member": item.found.member,
                "value": item.found.value,
                "expected": item.found.expected,
                "low": item.found.low,
                "high": item.found.high,
                "side": item.found.side.value,
                "method": item.found.method,
            }
            for item in found
        ],
    }
