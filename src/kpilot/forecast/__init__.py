"""Forecasts with a disclosed method, for whatever judges a KPI ahead of time (scorecards, OKRs, alerts, bonuses).

- `next_periods.forecast_next`: the next periods after a history (seasonal naive, exponential smoothing, or `auto`);
- `running.project_running_period`: where the running period will end (run-rate, seasonal run-rate);
- `kpi.forecast_kpi`: a KPI's next periods from its own complete periods (`history`), held within its `bounds`.

Nothing here imports `kpilot.goals`: goals use forecasts, not the other way round (docs/architecture.md).
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kpilot.forecast.kpi import KpiForecast, forecast_kpi
    from kpilot.forecast.next_periods import Forecast, ForecastMethod, ForecastStep, forecast_next, mape
    from kpilot.forecast.running import Projection, ProjectionMethod, project_running_period

# Loaded on first use: the forecasting methods import statsmodels (seconds), which a scorecard of complete periods,
# reading only `history` and `running`, never needs.
_MODULES = {
    "KpiForecast": "kpi",
    "forecast_kpi": "kpi",
    "Forecast": "next_periods",
    "ForecastMethod": "next_periods",
    "ForecastStep": "next_periods",
    "forecast_next": "next_periods",
    "mape": "next_periods",
    "Projection": "running",
    "ProjectionMethod": "running",
    "project_running_period": "running",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(importlib.import_module(f"kpilot.forecast.{_MODULES[name]}"), name)
    raise AttributeError(name, name=name)


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
