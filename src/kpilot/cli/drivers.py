"""`kpilot drivers`: how much each of a goal's KPIs explains its outcome KPI, against the KPI matrix's weights."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, app, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.engine.periods import Grain
from kpilot.i18n import Share, text, value_text
from kpilot.services.drivers import drivers, drivers_data
from kpilot.workspace import Workspace


@app.command("drivers")
def drivers_command(
    goal: Annotated[str, typer.Argument(help="The goal's name.")],
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="Its outcome KPI (default: its KPI tagged lagging, else its first).")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", "-b", help="Also across the members of a dimension (team).")] = None,
    grain: Annotated[Grain, typer.Option("--grain", "-g", help="Period length.")] = Grain.MONTH,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Show how much each of a goal's KPIs explains its outcome, next to the matrix's weights."""
    speak = language()
    with Workspace(workspace) as ws:
        result = drivers(None, Actor.operator(), ws, goal, outcome=outcome, by=by, grain=grain)
    found = result.found
    if output is Format.JSON:
        out.file.write(json_text(drivers_data(result)) + "\n")
        return
    if found.r_squared is None:
        out.print(text("cli.drivers.not_enough", speak, outcome=found.outcome, points=found.points), highlight=False)
        return
    title = text("cli.drivers.title", speak, goal=result.goal.title, outcome=found.outcome)
    table = Table(title=title, title_justify="left")
    for code in ("kpi", "share", "weight", "direction"):
        table.add_column(text(f"cli.drivers.column.{code}", speak), justify="left" if code == "kpi" else "right")
    for driver in found.drivers:
        weight = "–" if driver.weight is None else value_text(Share(driver.weight), speak)
        direction = text(f"cli.drivers.direction.{'up' if driver.direction >= 0 else 'down'}", speak)
        table.add_row(driver.kpi, value_text(Share(driver.share), speak), weight, direction)
    out.print(table)
    explained = value_text(Share(found.r_squared), speak)
    out.print(text("cli.drivers.explained", speak, share=explained, points=found.points), highlight=False)
    if not found.checkable:
        out.print(text("cli.drivers.too_little", speak), highlight=False)
    for driver in found.disagreeing:
        weight = value_text(Share(driver.weight or 0), speak)
        share = value_text(Share(driver.share), speak)
        out.print(text("cli.drivers.suggestion", speak, kpi=driver.kpi, share=share, weight=weight), highlight=False)
