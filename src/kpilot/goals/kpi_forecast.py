"""Forecasting a KPI's next periods from its own complete periods, with the method disclosed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from kpilot.definitions.model import Kpi
from kpilot.engine.periods import Grain
from kpilot.errors import QueryError
from kpilot.goals.forecast import Forecast, ForecastMethod, forecast_next
from kpilot.goals.history import kpi_history
from kpilot.goals.periods import last_complete, period_name
from kpilot.goals.scope import scope_filter
from kpilot.semantic.lookup import require_kpi
from kpilot.workspace import Workspace

SEASON = {Grain.DAY: 7, Grain.WEEK: 52, Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}
METHODS: dict[str, ForecastMethod] = {m: m for m in ("auto", "seasonal_naive", "exponential_smoothing")}
DEFAULT_HISTORY = {Grain.DAY: 120, Grain.WEEK: 156, Grain.MONTH: 36, Grain.QUARTER: 12, Grain.YEAR: 6}


@dataclass(frozen=True)
class KpiForecast:
    kpi: Kpi
    grain: Grain
    scope: Mapping[str, str]
    history: tuple[tuple[date, float | None], ...]  # the complete periods the forecast rests on
    periods: tuple[date, ...]  # the starts of the forecast periods
    forecast: Forecast
    note: str | None = None  # e.g. the data stops before the last complete period


def forecast_kpi(
    workspace: Workspace,
    kpi: str,
    *,
    grain: Grain = Grain.MONTH,
    horizon: int = 3,
    method: str = "auto",
    scope: Mapping[str, str] | None = None,
    history: int | None = None,
    today: date | None = None,
) -> KpiForecast:
    definition = require_kpi(workspace.definitions, kpi)
    if grain is Grain.ALL:
        raise QueryError("a forecast needs periods: choose --grain day, week, month, quarter or year")
    if not 1 <= horizon <= 60:
        raise QueryError("--periods must be between 1 and 60")
    calendar = workspace.calendar
    last = last_complete(today or calendar.today(), grain, calendar)
    scope = dict(scope or {})
    if method not in METHODS:
        raise QueryError(f"unknown forecast method '{method}'", hint=f"use {', '.join(METHODS)}")
    # The data's own range: periods before it starts or after it stops would read as zeros for sums and counts.
    found = kpi_history(workspace, [kpi], grain, None, None, where=scope_filter(scope), today=today)
    if kpi in found.errors:
        raise QueryError(found.errors[kpi])
    series = sorted((start, value) for start, value in found.series(kpi).items() if start <= last)
    series = series[-(history or DEFAULT_HISTORY[grain]) :]
    result = forecast_next([value for _, value in series], horizon, SEASON[grain], method=METHODS[method])
    end = series[-1][0] if series else last
    periods = tuple(calendar.shift(end, step, grain) for step in range(1, horizon + 1))
    note = None
    if end < last:
        note = f"the data ends in {period_name(end, grain, calendar)}: the forecast starts after it"
    return KpiForecast(definition, grain, scope, tuple(series), periods, result, note)
