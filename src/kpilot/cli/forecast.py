"""`kpilot forecast`: a KPI's next periods, with intervals, the method used and its back-test error."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from kpilot.cli.app import WorkspaceOption, app, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import EMPTY, format_value, json_text
from kpilot.engine.period_names import period_name
from kpilot.engine.periods import Grain
from kpilot.engine.scope import parse_scope
from kpilot.forecast.kpi import KpiForecast, forecast_kpi
from kpilot.workspace import Workspace


class Method(StrEnum):
    AUTO = "auto"
    SEASONAL_NAIVE = "seasonal_naive"
    EXPONENTIAL_SMOOTHING = "exponential_smoothing"


@app.command("forecast")
def forecast_command(
    kpi: Annotated[str, typer.Argument(help="KPI name.")],
    grain: Annotated[Grain, typer.Option("--grain", "-g", help="Period length.")] = Grain.MONTH,
    periods: Annotated[int, typer.Option("--periods", "-n", help="How many periods ahead.")] = 3,
    method: Annotated[Method, typer.Option("--method", "-m", help="How to forecast.")] = Method.AUTO,
    history: Annotated[int | None, typer.Option("--history", help="Complete periods of history to use.")] = None,
    scope: Annotated[str | None, typer.Option("--scope", "-s", help="Dimension filter such as team=EMEA.")] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
) -> None:
    """Forecast a KPI's next periods from its complete periods; the method, interval and back-test are shown."""
    with Workspace(workspace) as ws:
        result = forecast_kpi(
            ws,
            kpi,
            grain=grain,
            horizon=periods,
            method=method.value,
            scope=parse_scope(scope),
            history=history,
        )
        calendar, currency = ws.calendar, ws.settings.currency
    names = [period_name(start, grain, calendar) for start in result.periods]
    if output is Format.JSON:
        out.file.write(json_text(_record(result, names)) + "\n")
        return
    out.print(_table(result, names, currency))
    if result.note:
        out.print(f"Note: {result.note}.", style="yellow", highlight=False)
    out.print(result.forecast.description, highlight=False)
    if result.forecast.mape is not None:
        out.print(f"Back-test error (MAPE): {result.forecast.mape:.1f} %", highlight=False)


def _record(result: KpiForecast, names: list[str]) -> dict[str, Any]:
    forecast = result.forecast
    return {
        "kpi": result.kpi.name,
        "grain": result.grain.value,
        "scope": dict(result.scope) or None,
        "method": forecast.method,
        "variant": forecast.variant,
        "description": forecast.description,
        "level": forecast.level,
        "mape": forecast.mape,
        "candidates": [{"method": name, "mape": error} for name, error in forecast.candidates],
        "reason": forecast.reason,
        "note": result.note,
        "history": [{"period": start.isoformat(), "value": value} for start, value in result.history],
        "forecast": [
            {"period": name, "start": start.isoformat(), "value": step.value, "low": step.low, "high": step.high}
            for name, start, step in zip(names, result.periods, forecast.steps, strict=False)
        ],
    }


def _table(result: KpiForecast, names: list[str], currency: str) -> Table:
    unit, forecast = result.kpi.unit, result.forecast
    method = forecast.method + (f", {forecast.variant}" if forecast.variant else "")
    view = Table(
        title=f"Forecast of {result.kpi.title} ({method})",
        title_justify="left",
        header_style="bold",
    )
    for column in ("period", "forecast", f"low ({forecast.level:.0%})", f"high ({forecast.level:.0%})"):
        view.add_column(column, justify="left" if column == "period" else "right")
    for start, value in result.history[-3:]:
        view.add_row(f"[dim]{start:%Y-%m-%d} (actual)[/]", f"[dim]{format_value(value, unit, currency)}[/]", "", "")
    for name, step in zip(names, forecast.steps, strict=False):
        low = EMPTY if step.low is None else format_value(step.low, unit, currency)
        high = EMPTY if step.high is None else format_value(step.high, unit, currency)
        view.add_row(name, format_value(step.value, unit, currency), low, high)
    if not forecast.steps:
        view.caption = forecast.reason
    return view
