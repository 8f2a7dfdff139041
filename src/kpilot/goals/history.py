"""Per-period KPI values over a window of history, computed in one request (with a per-KPI fallback)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kpilot.engine.periods import Grain
from kpilot.errors import QueryError, UserError
from kpilot.workspace import Workspace


@dataclass
class History:
    """values[kpi][period start] -> value; `partial` per period; `errors` for KPIs that cannot be computed."""

    values: dict[str, dict[date, Any]] = field(default_factory=dict)
    partial: dict[date, bool] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    immature: dict[date, frozenset[str]] = field(default_factory=dict)  # KPIs not final yet, per period

    def is_immature(self, kpi: str, period: date) -> bool:
        return kpi in self.immature.get(period, frozenset())

    def series(self, kpi: str) -> dict[date, Any]:
        return self.values.get(kpi, {})


def kpi_history(
    workspace: Workspace,
    names: Sequence[str],
    grain: Grain,
    start: date | None,
    end: date | None,
    *,
    where: str | None = None,
    today: date | None = None,
) -> History:
    """All KPIs in one request (fused scans); if one cannot be served, each alone, keeping the others."""
    history = History()
    if not names:
        return history
    options: dict[str, Any] = {"grain": grain, "start": start, "end": end, "where": where, "today": today}
    try:
        _collect(history, workspace.compute(list(names), **options).to_pylist(), names)
    except QueryError:
        for name in names:
            try:
                _collect(history, workspace.compute([name], **options).to_pylist(), [name])
            except UserError as error:
                history.errors[name] = error.message
    return history


def _collect(history: History, rows: list[dict[str, Any]], names: Sequence[str]) -> None:
    for row in rows:
        history.partial[row["period"]] = bool(row["partial"])
        young = frozenset(row.get("immature") or ()) & frozenset(names)
        history.immature[row["period"]] = history.immature.get(row["period"], frozenset()) | young
        for name in names:
            history.values.setdefault(name, {})[row["period"]] = row[name]


def to_date_shares(daily: dict[date, Any], starts: Sequence[date], ends: Sequence[date], done_days: int) -> list[float]:
    """For each past period [start, end): the share of its final value reached after `done_days` days."""
    shares = []
    for start, end in zip(starts, ends, strict=True):
        days = [d for d in daily if start <= d < end]
        total = sum(daily[d] or 0 for d in days)
        so_far = sum(daily[d] or 0 for d in days if (d - start).days < done_days)
        if total > 0:
            shares.append(so_far / total)
    return shares
