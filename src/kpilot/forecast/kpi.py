"""Forecasting a KPI's next periods from its own complete periods, with the method disclosed.

The history is that of target suggestions (`forecast.history`): complete periods only, so neither the running
period nor one the data stops inside (a month with 9 days of data) is fitted as complete, nor a cohort KPI's
periods that are not mature yet. The forecast and its interval are held within the KPI's bounds (`forecast.bounds`):
a rate that stayed within 0-100 % stays there, a series never negative does not go below 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from kpilot.definitions.model import Kpi
from kpilot.engine.period_names import last_complete, period_name
from kpilot.engine.periods import Grain, grain_word
from kpilot.engine.scope import scope_of
from kpilot.errors import QueryError
from kpilot.forecast.bounds import Bounds, bounds_of
from kpilot.forecast.history import load_history
from kpilot.forecast.next_periods import Forecast, ForecastMethod, forecast_next
from kpilot.forecast.phrases import sentences
from kpilot.i18n import Message
from kpilot.semantic.lookup import require_kpi
from kpilot.semantic.series_kind import series_kind
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
    note: Message | None = None  # e.g. the data stops before the last complete period


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
        raise QueryError(Message("forecast.needs_periods"), field="grain")
    if not 1 <= horizon <= 60:
        raise QueryError(Message("forecast.horizon_out_of_range", horizon=horizon), field="horizon")
    calendar = workspace.calendar
    last = last_complete(today or calendar.today(), grain, calendar)
    scope = dict(scope or {})
    if method not in METHODS:
        raise QueryError(
            Message("forecast.unknown_method", method=method),
            hint=Message("forecast.methods_hint", methods=tuple(METHODS)),
            field="method",
            suggestions=tuple(METHODS),
        )
    # Complete periods only, in the data's own range (periods before it starts or after it stops would read as zeros
    # for sums and counts): not the running period, nor one the data stops inside, nor an immature cohort's.
    cut: list[date] = []
    points = load_history(
        workspace, kpi, last, grain, count=None, scope=scope_of(scope), today=today, final=True, left_out=cut
    )
    series = [(point.start, point.value) for point in points][-(history or DEFAULT_HISTORY[grain]) :]
    model = workspace.model
    kind = series_kind(model, kpi)
    bounds = bounds_of(definition.unit, kind, [v for _, v in series if v is not None])
    result = bounded(forecast_next([v for _, v in series], horizon, SEASON[grain], method=METHODS[method]), bounds)
    end = series[-1][0] if series else last
    periods = tuple(calendar.shift(end, step, grain) for step in range(1, horizon + 1))
    notes = []
    if cut:
        shown = tuple(period_name(start, grain, calendar) for start in cut)
        notes.append(Message("forecast.left_out", periods=shown, count=len(shown), grain=grain_word(grain)))
    if end < last:
        notes.append(Message("forecast.data_ends", period=period_name(end, grain, calendar)))
    note = None
    for part in notes:  # "a; b": notes about the history, one after the other
        note = part if note is None else Message("forecast.and_note", first=note, second=part)
    return KpiForecast(definition, grain, scope, tuple(series), periods, result, note)


def bounded(forecast: Forecast, bounds: Bounds) -> Forecast:
    """The forecast and its interval held within the KPI's bounds (rates within 0-100 %, counts at least 0)."""
    if bounds.low is None and bounds.high is None:
        return forecast

    def held(value: float | None) -> float | None:
        return None if value is None else bounds.clamp(value)

    steps = tuple(
        replace(step, value=bounds.clamp(step.value), low=held(step.low), high=held(step.high))
        for step in forecast.steps
    )
    if steps == forecast.steps:
        return forecast
    text = sentences(forecast.description, Message("forecast.held_within_bounds", bounds=bounds.describe()))
    return replace(forecast, steps=steps, description=text)
