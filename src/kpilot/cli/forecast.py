"""`kpilot forecast`: a KPI's next periods, with intervals, the method used and its back-test error."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from kpilot.cli.app import LanguageOption, WorkspaceOption, app, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import EMPTY, format_value, json_text
from kpilot.cli.reader import words
from kpilot.engine.periods import Grain
from kpilot.engine.scope import parse_scope
from kpilot.forecast.kpi import KpiForecast
from kpilot.i18n import Language, text, value_text
from kpilot.i18n.numbers import localize
from kpilot.results.forecast import forecast_result
from kpilot.results.formatting import format_percent
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
    lang: LanguageOption = None,
) -> None:
    """Forecast a KPI's next periods from its complete periods; the method, interval and back-test are shown."""
    speak = language()
    with Workspace(workspace) as ws:
        forecasted = forecast_result(
            ws,
            kpi,
            grain=grain,
            periods=periods,
            method=method.value,
            scope=parse_scope(scope),
            history=history,
        )
        currency = ws.settings.currency
    result, names = forecasted.result, list(forecasted.names)
    if output is Format.JSON:
        out.file.write(json_text(forecasted.to_data(speak)) + "\n")
        return
    out.print(_table(result, names, currency, speak))
    if result.note:
        out.print(text("cli.forecast.note", speak, note=words(result.note, speak)), style="yellow", highlight=False)
    out.print(words(result.forecast.description, speak), highlight=False)
    if result.forecast.mape is not None:
        mape = localize(f"{result.forecast.mape:.1f}", speak)
        out.print(text("cli.forecast.backtest_error", speak, mape=mape), highlight=False)


def _table(result: KpiForecast, names: list[str], currency: str, speak: Language) -> Table:
    unit, forecast = result.kpi.unit, result.forecast
    method = forecast.method + (f", {forecast.variant}" if forecast.variant else "")
    view = Table(
        title=text("cli.forecast.title", speak, kpi=result.kpi.title, method=method),
        title_justify="left",
        header_style="bold",
    )
    level = format_percent(forecast.level, 0, speak)
    view.add_column(text("cli.column.period", speak), justify="left")
    for code in ("cli.forecast.forecast", "cli.forecast.low", "cli.forecast.high"):
        view.add_column(text(code, speak, level=level), justify="right")
    for start, value in result.history[-3:]:
        actual = text("cli.forecast.actual", speak, day=value_text(start, speak))
        view.add_row(f"[dim]{actual}[/]", f"[dim]{format_value(value, unit, currency, language=speak)}[/]", "", "")
    for name, step in zip(names, forecast.steps, strict=False):
        low = EMPTY if step.low is None else format_value(step.low, unit, currency, language=speak)
        high = EMPTY if step.high is None else format_value(step.high, unit, currency, language=speak)
        view.add_row(name, format_value(step.value, unit, currency, language=speak), low, high)
    if not forecast.steps:
        view.caption = words(forecast.reason, speak)
    return view
