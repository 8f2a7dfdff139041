"""`kpilot scorecard`: every KPI for one period, with the change against the previous period and last year."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any

import typer
from rich.console import JustifyMethod
from rich.table import Table

from kpilot.cli.app import WorkspaceOption, app, out
from kpilot.cli.compute import Format, WhereOption
from kpilot.cli.output import EMPTY, csv_cell, format_value
from kpilot.definitions.model import Direction
from kpilot.engine.periods import Grain
from kpilot.goals.periods import last_complete, parse_period, period_name
from kpilot.goals.scorecard import Change, ScorecardLine, scorecard
from kpilot.workspace import Workspace

PeriodOption = Annotated[
    str | None,
    typer.Option("--period", "-p", help="2025-05, 2025-Q2 or 2025 (default: the last complete month)."),
]


@app.command("scorecard")
def scorecard_command(
    period: PeriodOption = None,
    category: Annotated[str | None, typer.Option(help="Only KPIs of this category.")] = None,
    kpi: Annotated[list[str] | None, typer.Option("--kpi", "-k", help="Only these KPIs (repeatable).")] = None,
    where: WhereOption = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    workspace: WorkspaceOption = ".",
) -> None:
    """Each KPI's value for a period, with the change vs the previous period and vs the same period last year."""
    with Workspace(workspace) as ws:
        calendar = ws.calendar
        if period is None:
            start, grain = last_complete(calendar.today(), Grain.MONTH, calendar), Grain.MONTH
        else:
            start, grain = parse_period(period, calendar)
        names = [
            k.name
            for k in ws.definitions.kpis
            if (category is None or k.category == category) and (not kpi or k.name in kpi)
        ]
        lines = scorecard(ws, start, grain, names, where=where)
        currency = ws.settings.currency
        title = f"Scorecard {period_name(start, grain, calendar)}: {ws.settings.name}"
    if output is Format.JSON:
        out.file.write(json.dumps([_record(line, where) for line in lines], ensure_ascii=False, indent=2) + "\n")
    elif output is Format.CSV:
        out.file.write(_csv([_record(line, where) for line in lines]))
    else:
        out.print(_table(lines, currency, title))
        for line in lines:
            if line.error:
                out.print(f"  {line.kpi.name}: not computed: {line.error}", style="dim", highlight=False)


def _record(line: ScorecardLine, scope: str | None) -> dict[str, Any]:
    return {
        "kpi": line.kpi.name,
        "label": line.kpi.title,
        "category": line.kpi.category,
        "unit": line.kpi.unit.value,
        "direction": line.kpi.direction.value,
        "period": line.period.isoformat(),
        "scope": scope,
        "value": line.value,
        "previous": line.previous,
        "last_year": line.last_year,
        "change_vs_previous": line.vs_previous.amount,
        "change_vs_last_year": line.vs_last_year.amount,
        "change_unit": line.vs_previous.kind,
        "partial": line.partial,
        "error": line.error,
    }


def _csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({key: csv_cell(value) for key, value in record.items()})
    return buffer.getvalue()


def _table(lines: list[ScorecardLine], currency: str, title: str) -> Table:
    view = Table(title=title, title_justify="left", show_header=True, header_style="bold")
    if any(line.error for line in lines):
        view.caption = "† not computed at this grain: see the notes below"
        view.caption_justify = "left"
    if any(line.partial for line in lines):
        view.caption = (view.caption + "; " if view.caption else "") + "* the period is still running"
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("KPI", "left"),
        ("value", "right"),
        ("previous", "right"),
        ("Δ", "right"),
        ("last year", "right"),
        ("Δ year", "right"),
    )
    for column, justify in columns:
        view.add_column(column, justify=justify)
    for category in sorted({line.kpi.category or "" for line in lines}):
        group = [line for line in lines if (line.kpi.category or "") == category]
        if category:
            view.add_row(f"[bold]{category}[/]", "", "", "", "", "")
        for line in group:
            unit = line.kpi.unit
            if line.error:
                view.add_row(line.kpi.title + " †", EMPTY, EMPTY, EMPTY, EMPTY, EMPTY)
                continue
            view.add_row(
                line.kpi.title + (" *" if line.partial else ""),
                format_value(line.value, unit, currency),
                format_value(line.previous, unit, currency),
                _change(line.vs_previous, line.kpi.direction),
                format_value(line.last_year, unit, currency),
                _change(line.vs_last_year, line.kpi.direction),
            )
    return view


def _change(change: Change, direction: Direction) -> str:
    if change.amount is None:
        return EMPTY
    text = f"{change.amount:+,.2f} {change.kind}" if change.kind == "pp" else f"{change.amount:+,.1f} {change.kind}"
    if direction is Direction.RANGE or abs(change.amount) < 0.05:
        return text
    good = (change.amount > 0) == (direction is Direction.UP)
    return f"[green]{text}[/]" if good else f"[red]{text}[/]"
