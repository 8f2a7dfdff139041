"""`kpilot leads`: whether the leading KPIs of a lagging one really lead it, tested on the data."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, app, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.cli.reader import words
from kpilot.engine.periods import Grain
from kpilot.i18n import text
from kpilot.i18n.numbers import localize
from kpilot.services.leads import MAX_LAG, lead_message, leads, leads_data
from kpilot.workspace import Workspace

GRAINS = (Grain.WEEK, Grain.MONTH, Grain.QUARTER)


@app.command("leads")
def leads_command(
    kpi: Annotated[str, typer.Argument(help="The lagging KPI.")],
    candidates: Annotated[
        list[str] | None,
        typer.Option("--with", help="Candidate leading KPIs (default: those tagged leading in its goals)."),
    ] = None,
    grain: Annotated[Grain, typer.Option("--grain", "-g", help="Period length: week, month or quarter.")] = Grain.MONTH,
    lags: Annotated[int, typer.Option("--lags", help="Lags tested, 1 to N periods.", min=1, max=12)] = MAX_LAG,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Test which leading KPIs lead a lagging one: Granger tests for each lag, corrected for the many tests."""
    speak = language()
    named = [part.strip() for value in candidates or [] for part in value.split(",") if part.strip()]
    chosen = grain if grain in GRAINS else Grain.MONTH
    with Workspace(workspace) as ws:
        found = leads(None, Actor.operator(), ws, kpi, candidates=named, grain=chosen, max_lag=lags)
    if output is Format.JSON:
        data = leads_data(found)
        for item, test in zip(data["candidates"], found.tests, strict=True):
            item["sentence"] = words(lead_message(test, chosen, lags), speak)
        out.file.write(json_text(data) + "\n")
        return
    table = Table(title=text("cli.leads.title", speak, kpi=found.kpi.title), title_justify="left")
    for code in ("candidate", "verdict", "correlation"):
        table.add_column(text(f"cli.leads.column.{code}", speak), justify="right" if code == "correlation" else "left")
    for test in found.tests:
        best = test.best
        correlation = "–" if best is None or best.correlation is None else localize(f"{best.correlation:+.2f}", speak)
        table.add_row(test.candidate, words(lead_message(test, chosen, lags), speak) or "", correlation)
    out.print(table)
    out.print(text(f"cli.leads.chosen_by.{found.chosen_by.value}", speak), highlight=False, markup=False)
