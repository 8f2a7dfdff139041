"""Forecasts with a disclosed method, for whatever judges a KPI ahead of time (scorecards, OKRs, alerts, bonuses).

- `next_periods.forecast_next`: the next periods after a history (seasonal naive, exponential smoothing, or `auto`);
- `running.project_running_period`: where the running period will end (run-rate, seasonal run-rate);
- `kpi.forecast_kpi`: a KPI's next periods from its own complete periods (`history`), held within its `bounds`.

Nothing here imports `kpilot.goals`: goals use forecasts, not the other way round (docs/architecture.md).
"""

from kpilot.forecast.kpi import KpiForecast, forecast_kpi
from kpilot.forecast.next_periods import Forecast, ForecastMethod, ForecastStep, forecast_next, mape
from kpilot.forecast.running import Projection, ProjectionMethod, project_running_period

__all__ = [
    "Forecast",
    "ForecastMethod",
    "ForecastStep",
    "KpiForecast",
    "Projection",
    "ProjectionMethod",
    "forecast_kpi",
    "forecast_next",
    "mape",
    "project_running_period",
]
