"""A KPI's forecast as a result: `kpilot forecast` and `kpilot.Workspace.forecast` build it here, and its `to_data`
is the command's `--format json`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.engine.arguments import grain_of
from kpilot.engine.period_names import period_name
from kpilot.engine.periods import Grain
from kpilot.forecast.kpi import KpiForecast, forecast_kpi
from kpilot.forecast.next_periods import Forecast
from kpilot.i18n import DEFAULT, Language
from kpilot.results import arguments
from kpilot.results.data import code, plain, words
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class ForecastResult:
    """A KPI's next periods from its complete periods, with intervals, the method used and its back-test error."""

    result: KpiForecast
    names: tuple[str, ...]  # the forecast periods as people write them: 2025-07, 2025-Q3

    @property
    def forecast(self) -> Forecast:
        """The values, intervals, method and back-test."""
        return self.result.forecast

    @property
    def periods(self) -> tuple[date, ...]:
        """The first day of each forecast period."""
        return self.result.periods

    @property
    def history(self) -> tuple[tuple[date, float | None], ...]:
        """The complete periods the forecast rests on: (first day, value)."""
        return self.result.history

    def to_data(self, language: Language | str = DEFAULT) -> dict[str, Any]:
        """The method, its back-test, the history and the forecast, as `kpilot forecast --format json` prints them."""
        chosen = arguments.language(language)
        result, forecast = self.result, self.result.forecast
        data = {
            "kpi": result.kpi.name,
            "grain": result.grain.value,
            "scope": dict(result.scope) or None,
            "method": forecast.method,
            "variant": forecast.variant,
            "description": words(forecast.description, chosen),
            "description_code": code(forecast.description),
            "level": forecast.level,
            "mape": forecast.mape,
            "candidates": [{"method": name, "mape": error} for name, error in forecast.candidates],
            "reason": words(forecast.reason, chosen),
            "reason_code": code(forecast.reason),
            "note": words(result.note, chosen),
            "note_code": code(result.note),
            "history": [{"period": start, "value": value} for start, value in result.history],
            "forecast": [
                {"period": name, "start": start, "value": step.value, "low": step.low, "high": step.high}
                for name, start, step in zip(self.names, result.periods, forecast.steps, strict=False)
            ],
        }
        plain_data: dict[str, Any] = plain(data)
        return plain_data


def forecast_result(
    workspace: Workspace,
    kpi: str,
    *,
    grain: Grain | str = Grain.MONTH,
    periods: int = 3,
    method: str = "auto",
    history: int | None = None,
    scope: Mapping[str, str] | None = None,
    today: date | None = None,
) -> ForecastResult:
    """The next `periods` periods of `kpi` at `grain`, by `method` (auto, seasonal_naive, exponential_smoothing),
    from the last `history` complete periods (default: three years' worth), in `scope`."""
    chosen = grain_of(grain)
    result = forecast_kpi(
        workspace,
        arguments.kpi_name(kpi),
        grain=chosen,
        horizon=arguments.whole_number(periods, "periods"),
        method=arguments.text(method, "method", "'auto'"),
        scope=arguments.scope(scope),
        history=arguments.optional_whole_number(history, "history"),
        today=arguments.today(today),
    )
    calendar = workspace.calendar
    return ForecastResult(result, tuple(period_name(start, chosen, calendar) for start in result.periods))
