"""`kpilot anomalies`: KPI values outside the band their own past forecasts, per KPI and dimension member."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, app, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.definitions.model import Kpi
from kpilot.engine.period_names import period_name
from kpilot.i18n import Period, text
from kpilot.results.formatting import format_kpi_value
from kpilot.services.anomalies import anomalies, anomalies_data
from kpilot.workspace import Workspace


@app.command("anomalies")
def anomalies_command(
    kpis: Annotated[list[str] | None, typer.Argument(help="KPI names (default: every KPI).")] = None,
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="2026-11, 2026-Q3, 2026 or last (default: last).")
    ] = None,
    by: Annotated[list[str] | None, typer.Option("--by", "-b", help="Also each member of these dimensions.")] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """List KPI values outside the 99% band their own past forecasts, for the KPI and a dimension's members."""
    speak = language()
    dimensions = [part.strip() for value in by or [] for part in value.split(",") if part.strip()]
    with Workspace(workspace) as ws:
        start, grain, found = anomalies(None, Actor.operator(), ws, kpis or (), period=period, by=dimensions)
        definitions = {kpi.name: kpi for kpi in ws.definitions.kpis}
        currency = ws.settings.currency
        name = period_name(start, grain, ws.calendar)
    if output is Format.JSON:
        out.file.write(json_text(anomalies_data(start, grain, found)) + "\n")
        return
    shown = Period(start, grain.value, name)
    if not found:
        out.print(text("cli.anomalies.none", speak, period=shown), highlight=False, markup=False)
        return
    table = Table(title=text("cli.anomalies.title", speak, period=shown), title_justify="left")
    for code in ("kpi", "member", "value", "band", "side"):
        table.add_column(
            text(f"cli.anomalies.column.{code}", speak), justify="right" if code in ("value", "band") else "left"
        )
    for item in found:
        kpi = definitions[item.kpi]

        def value(number: float, kpi: Kpi = kpi) -> str:
            return format_kpi_value(number, kpi, currency, language=speak)

        member = "" if item.dimension is None else f"{item.dimension} = {item.found.member}"
        band = f"{value(item.found.low)} – {value(item.found.high)}"
        side = text(f"cli.anomalies.side.{item.found.side.value}", speak)
        table.add_row(kpi.title, member, value(item.found.value), band, side)
    out.print(table)
    out.print(text("cli.anomalies.note", speak), highlight=False, markup=False)
