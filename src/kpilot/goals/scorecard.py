"""The scorecard: each KPI's value for a period, against the previous period and the same period a year before.

Changes are in percentage points for rate KPIs (a percent going from 2.0 % to 2.5 % moved +0.5 pp) and in percent
for everything else (revenue from 100 to 110 moved +10 %).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.definitions.model import Kpi, Unit
from kpilot.engine.periods import Grain
from kpilot.errors import QueryError, UserError
from kpilot.workspace import Workspace

PERIODS_PER_YEAR = {Grain.DAY: 365, Grain.WEEK: 52, Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}


@dataclass(frozen=True)
class Change:
    amount: float | None
    kind: str  # "pp" (percentage points) or "%" (relative)


@dataclass(frozen=True)
class ScorecardLine:
    kpi: Kpi
    period: date
    value: float | None
    previous: float | None
    last_year: float | None
    partial: bool
    error: str | None = None

    @property
    def vs_previous(self) -> Change:
        return change(self.value, self.previous, self.kpi.unit)

    @property
    def vs_last_year(self) -> Change:
        return change(self.value, self.last_year, self.kpi.unit)


def change(value: float | None, base: float | None, unit: Unit) -> Change:
    if unit is Unit.PERCENT:
        amount = None if value is None or base is None else (value - base) * 100
        return Change(amount, "pp")
    if value is None or base is None or base == 0:
        return Change(None, "%")
    return Change((value / base - 1) * 100, "%")


def scorecard(
    workspace: Workspace,
    period: date,
    grain: Grain = Grain.MONTH,
    kpis: Sequence[str] | None = None,
    where: str | None = None,
    today: date | None = None,
) -> list[ScorecardLine]:
    """One line per KPI. KPIs that cannot be computed at this grain get a line with the reason, not a failure."""
    names = list(kpis) if kpis is not None else [k.name for k in workspace.definitions.kpis]
    calendar = workspace.calendar
    start = calendar.shift(period, -PERIODS_PER_YEAR[grain], grain)
    end = date.fromordinal(calendar.end(period, grain).toordinal() - 1)
    options: dict[str, Any] = {"grain": grain, "start": start, "end": end, "where": where, "today": today}
    values: dict[str, dict[date, Any]] = {}
    partial: dict[date, bool] = {}
    errors: dict[str, str] = {}
    try:
        table = workspace.compute(names, **options)
        _collect(table.to_pylist(), names, values, partial)
    except QueryError:
        for name in names:  # find which KPIs cannot be computed, and compute the others
            try:
                _collect(workspace.compute([name], **options).to_pylist(), [name], values, partial)
            except UserError as error:
                errors[name] = error.message
    previous = calendar.shift(period, -1, grain)
    lines = []
    for name in names:
        kpi = workspace.definitions.kpi(name)
        if kpi is None:
            raise QueryError(f"unknown KPI '{name}'")
        series = values.get(name, {})
        lines.append(
            ScorecardLine(
                kpi=kpi,
                period=period,
                value=series.get(period),
                previous=series.get(previous),
                last_year=series.get(start),
                partial=partial.get(period, False),
                error=errors.get(name),
            )
        )
    return lines


def _collect(
    rows: list[dict[str, Any]], names: list[str], values: dict[str, dict[date, Any]], partial: dict[date, bool]
) -> None:
    for row in rows:
        partial[row["period"]] = bool(row["partial"])
        for name in names:
            values.setdefault(name, {})[row["period"]] = row[name]
