"""`kpilot bonus simulate`: what a plan costs and how it pays out, replayed over its year, with a what-if scenario,
the running period's accrual, and the fairness report (services.bonus_simulate). Nothing is written."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kpilot.cli.app import LanguageOption, WorkspaceOption, language, out
from kpilot.cli.bonus_app import OPERATOR, PlanArgument, app
from kpilot.cli.bonus_words import amount_words, percent_words
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.engine.arguments import date_of
from kpilot.i18n import Language, render, text
from kpilot.services.bonus_data import simulation_data
from kpilot.services.bonus_simulate import Simulation, simulate
from kpilot.store.session import open_store
from kpilot.workspace import Workspace


@app.command("simulate")
def simulate_command(
    plan: PlanArgument,
    year: Annotated[
        int | None, typer.Option("--year", help="Replay the plan over this year (default: its own).")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option("--what-if", help="A scenario: a KPI's change (revenue+10%, win_rate-5%) or threshold=85%."),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="The day to simulate as of, YYYY-MM-DD (default: today).")
    ] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Replay a plan over its year: cost per period and component, payout spread, the accrual, fairness flags."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        found = simulate(store, OPERATOR, ws, plan, year=year, scenario=scenario, today=date_of(today, "today"))
    if output is Format.JSON:
        out.file.write(json_text(simulation_data(found)) + "\n")
        return
    heading = "cli.bonus.simulate.heading" if found.scenario is None else "cli.bonus.simulate.heading_what_if"
    values = {"plan": found.plan, "year": str(found.year), "scenario": found.scenario.text if found.scenario else ""}
    out.print(text(heading, speak, **values), highlight=False, markup=False)
    out.print(_periods(found, speak))
    total = amount_words(found.total, found.currency, speak)
    out.print(text("cli.bonus.simulate.total", speak, total=total), highlight=False, markup=False)
    if found.accrual is not None:
        accrual = amount_words(found.accrual, found.currency, speak)
        out.print(text("cli.bonus.simulate.accrual", speak, accrual=accrual), highlight=False, markup=False)
    spread = [percent_words(found.percentile(p), speak) for p in (0.1, 0.5, 0.9)]
    out.print(
        text("cli.bonus.simulate.spread", speak, count=len(found.payouts), p10=spread[0], p50=spread[1], p90=spread[2]),
        highlight=False,
        markup=False,
    )
    out.print(_shares(found, speak))
    for finding in found.findings:
        out.print(f"- {render(finding.message, speak)}", highlight=False, markup=False)


def _periods(found: Simulation, speak: Language) -> Table:
    table = Table()
    for name in ("period", "people", "paid", "total"):
        table.add_column(
            text(f"cli.bonus.simulate.column.{name}", speak), justify="left" if name == "period" else "right"
        )
    for period in found.periods:
        label = period.period
        if period.accrual:
            label = text("cli.bonus.simulate.accrual_period", speak, period=period.period)
        table.add_row(label, str(period.people), str(period.paid), amount_words(period.total, found.currency, speak))
    return table


def _shares(found: Simulation, speak: Language) -> Table:
    table = Table()
    for name in ("component", "readings", "reached_target", "at_cap", "below_threshold"):
        table.add_column(
            text(f"cli.bonus.simulate.column.{name}", speak), justify="left" if name == "component" else "right"
        )
    for share in found.shares:
        table.add_row(
            share.component,
            str(share.readings),
            percent_words(share.reached_target, speak),
            percent_words(share.at_cap, speak),
            percent_words(share.below_threshold, speak),
        )
    return table
