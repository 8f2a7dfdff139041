"""`kpilot scorecard`: every KPI for one period and scope: value, target, status, pace, projection and changes."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import JustifyMethod
from rich.table import Table

from kpilot.cli.app import WorkspaceOption, app, out
from kpilot.cli.compute import Format
from kpilot.cli.output import EMPTY, csv_text, format_value, json_text
from kpilot.definitions.model import Direction
from kpilot.engine.periods import Grain
from kpilot.goals.periods import explicit_period, last_complete, parse_period, period_name
from kpilot.goals.scope import parse_scope
from kpilot.goals.scorecard import Change, ScorecardLine, scorecard
from kpilot.goals.status import Status
from kpilot.semantic.lookup import select_kpis
from kpilot.workspace import Workspace

PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period", "-p", help="2025-05, 2025-Q2, 2025, or current / last (default: the last complete month)."
    ),
]
ScopeOption = Annotated[
    str | None, typer.Option("--scope", "-s", help="Dimension filter such as team=EMEA or team=EMEA,owner=anna.")
]
STATUS_STYLE = {
    Status.ACHIEVED: "bold green",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.OFF_TRACK: "red",
    Status.NO_TARGET: "dim",
    Status.NO_DATA: "dim",
}


@app.command("scorecard")
def scorecard_command(
    period: PeriodOption = None,
    scope: ScopeOption = None,
    category: Annotated[str | None, typer.Option(help="Only KPIs of this category.")] = None,
    kpi: Annotated[list[str] | None, typer.Option("--kpi", "-k", help="Only these KPIs (repeatable).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Print each status's reason under the table.")] = False,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    workspace: WorkspaceOption = ".",
) -> None:
    """Each KPI for a period: value, target, status, pace and projection, and the change vs the previous period
    and vs the same period last year."""
    chosen_scope = parse_scope(scope)
    with Workspace(workspace) as ws:
        calendar = ws.calendar
        if period is None:
            start, grain = last_complete(calendar.today(), Grain.MONTH, calendar), Grain.MONTH
        else:
            start, grain = parse_period(explicit_period(period, calendar) or period, calendar)
        names = select_kpis(ws.definitions, kpi or [], category)
        lines = scorecard(ws, start, grain, names, scope=chosen_scope)
        currency = ws.settings.currency
        title = f"Scorecard {period_name(start, grain, calendar)}: {ws.settings.name}"
        if chosen_scope:
            title += " (" + ", ".join(f"{k}={v}" for k, v in chosen_scope.items()) + ")"
    if output is Format.JSON:
        out.file.write(json_text([record(line) for line in lines]) + "\n")
    elif output is Format.CSV:
        out.file.write(_csv([record(line) for line in lines]))
    else:
        out.print(_table(lines, currency, title))
        for line in lines:
            if line.error:
                out.print(f"  {line.kpi.name}: not computed: {line.error}", style="dim", highlight=False)
            elif explain and line.evaluation is not None:
                out.print(f"  {line.kpi.title}: {line.evaluation.reason}", highlight=False)


def record(line: ScorecardLine) -> dict[str, Any]:
    """One scorecard line as plain JSON-ready data."""
    evaluation, target, projection = line.evaluation, line.target, line.projection
    return {
        "kpi": line.kpi.name,
        "label": line.kpi.title,
        "category": line.kpi.category,
        "unit": line.kpi.unit.value,
        "direction": line.kpi.direction.value,
        "period": line.period.isoformat(),
        "grain": line.grain.value,
        "scope": dict(line.scope) or None,
        "value": line.value,
        "target": target.target if target else None,
        "commit": target.commit if target else None,
        "stretch": target.stretch if target else None,
        "target_basis": target.basis if target else None,
        "attainment": evaluation.attainment if evaluation else None,
        "status": evaluation.status.value if evaluation else None,
        "status_reason": evaluation.reason if evaluation else line.error,
        "pace": evaluation.pace if evaluation else None,
        "expected_to_date": evaluation.expected_to_date if evaluation else None,
        "projection": projection.value if projection else None,
        "projection_method": projection.method if projection else None,
        "previous": line.previous,
        "last_year": line.last_year,
        "change_vs_previous": line.vs_previous.amount,
        "change_vs_last_year": line.vs_last_year.amount,
        "change_unit": line.vs_previous.kind,
        "partial": line.partial,
        "error": line.error,
    }


def _csv(records: list[dict[str, Any]]) -> str:
    if not records:
        return ""
    rows = ([v if not isinstance(v, dict) else json_text(v, indent=None) for v in item.values()] for item in records)
    return csv_text(list(records[0]), rows)


COLUMNS: tuple[tuple[str, JustifyMethod], ...] = (
    ("KPI", "left"),
    ("value", "right"),
    ("target", "right"),
    ("status", "left"),
    ("projection", "right"),
    ("Δ previous", "right"),
    ("Δ last year", "right"),
)


def _table(lines: list[ScorecardLine], currency: str, title: str) -> Table:
    view = Table(title=title, title_justify="left", show_header=True, header_style="bold", caption_justify="left")
    for column, justify in COLUMNS:
        view.add_column(column, justify=justify)
    notes = []
    if any(line.error for line in lines):
        notes.append("† not computed: see the notes below")
    if any(line.partial for line in lines):
        notes.append("* the period is still running: status compares with the pace, projection is for its end")
    view.caption = "; ".join(notes) or None
    for category in sorted({line.kpi.category or "" for line in lines}):
        if category:
            view.add_row(f"[bold]{category}[/]", *([""] * (len(COLUMNS) - 1)))
        for line in (item for item in lines if (item.kpi.category or "") == category):
            view.add_row(*_cells(line, currency))
    return view


def _cells(line: ScorecardLine, currency: str) -> list[str]:
    unit = line.kpi.unit
    if line.error:
        return [line.kpi.title + " †", *([EMPTY] * (len(COLUMNS) - 1))]
    evaluation = line.evaluation
    status = EMPTY
    if evaluation is not None:
        status = f"[{STATUS_STYLE[evaluation.status]}]{evaluation.status.value.replace('_', ' ')}[/]"
    target = line.target.target if line.target else None
    if line.target and target is None and line.target.min is not None:
        target_text = f"{format_value(line.target.min, unit, currency)}–{format_value(line.target.max, unit, currency)}"
    else:
        target_text = format_value(target, unit, currency)
    return [
        line.kpi.title + (" *" if line.partial else ""),
        format_value(line.value, unit, currency),
        target_text,
        status,
        format_value(line.projection.value if line.projection else None, unit, currency),
        _change(line.vs_previous, line.kpi.direction),
        _change(line.vs_last_year, line.kpi.direction),
    ]


def _change(change: Change, direction: Direction) -> str:
    if change.amount is None:
        return EMPTY
    text = f"{change.amount:+,.2f} pp" if change.kind == "pp" else f"{change.amount:+,.1f} %"
    if direction is Direction.RANGE or abs(change.amount) < 0.05:
        return text
    good = (change.amount > 0) == (direction is Direction.UP)
    return f"[green]{text}[/]" if good else f"[red]{text}[/]"
