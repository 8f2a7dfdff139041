"""`kpilot scorecard`: every KPI for one period and scope: value, target, status, pace, projection and changes."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from kpilot.cli.app import WorkspaceOption, app, err, out, warn
from kpilot.cli.formats import Format, TableCsvOrJson
from kpilot.cli.formatting import EMPTY, format_change, format_kpi_value, format_range, is_count, status_words
from kpilot.cli.layout import Fitted, Kind, Spec, fit_table, terminal_width
from kpilot.cli.output import csv_text, json_text
from kpilot.definitions.model import Direction
from kpilot.engine.period_names import explicit_period, parse_period, period_name
from kpilot.engine.scope import parse_scope, scope_filter
from kpilot.goals.scorecard import Change, DefaultPeriod, PeriodChoice, ScorecardLine, default_period, scorecard
from kpilot.goals.status import Status
from kpilot.semantic.lookup import select_kpis
from kpilot.workspace import Workspace

PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        help="2025-05, 2025-Q2, 2025, or current / last (default: the last complete month that has data).",
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
    Status.TOO_EARLY: "dim",
    Status.IMMATURE: "dim",
}


@app.command("scorecard")
def scorecard_command(
    period: PeriodOption = None,
    scope: ScopeOption = None,
    category: Annotated[str | None, typer.Option(help="Only KPIs of this category.")] = None,
    kpi: Annotated[list[str] | None, typer.Option("--kpi", "-k", help="Only these KPIs (repeatable).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Print each status's reason under the table.")] = False,
    output: TableCsvOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
) -> None:
    """Each KPI for a period: value, target, status, pace and projection, and the change vs the previous period
    and vs the same period last year."""
    chosen_scope = parse_scope(scope)
    with Workspace(workspace) as ws:
        calendar = ws.calendar
        names = select_kpis(ws.definitions, kpi or [], category)
        if period is None:
            chosen = default_period(ws, names, scope=chosen_scope)
            start, grain = chosen.start, chosen.grain
            err.print(notice(chosen, period_name(start, grain, calendar)), highlight=False, markup=False)
        else:
            start, grain = parse_period(explicit_period(period, calendar) or period, calendar)
        lines = scorecard(ws, start, grain, names, scope=chosen_scope)
        warn(ws.filter_warnings(scope_filter(chosen_scope), names))
        currency = ws.settings.currency
        title = f"Scorecard {period_name(start, grain, calendar)}: {ws.settings.name}"
        if chosen_scope:
            title += " (" + ", ".join(f"{k}={v}" for k, v in chosen_scope.items()) + ")"
    if output is Format.JSON:
        out.file.write(json_text([record(line) for line in lines]) + "\n")
    elif output is Format.CSV:
        out.file.write(_csv([record(line) for line in lines]))
    else:
        _table(lines, currency, title, terminal_width(out)).print(out)
        for line in lines:
            if line.error:
                out.print(f"  {line.kpi.name}: not computed: {line.error}", style="dim", highlight=False, markup=False)
            elif explain and line.evaluation is not None:
                out.print(f"  {line.kpi.title}: {line.evaluation.reason}", highlight=False, markup=False)


def notice(chosen: DefaultPeriod, name: str) -> str:
    """The line that says which period a scorecard without --period shows, and why."""
    again = "name another with --period"
    if chosen.why is PeriodChoice.DATA_ENDS:
        return f"note: showing {name}, the last complete month with data (the data ends on {chosen.data_ends}); {again}"
    if chosen.why is PeriodChoice.NO_DATA:
        return f"note: showing {name}, the last complete month (these KPIs have no dated data); {again}"
    return f"note: showing {name}, the last complete month; {again}"


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
        "immature": line.immature,
        "error": line.error,
    }


def _csv(records: list[dict[str, Any]]) -> str:
    if not records:
        return ""
    rows = ([v if not isinstance(v, dict) else json_text(v, indent=None) for v in item.values()] for item in records)
    return csv_text(list(records[0]), rows)


# Which columns give way first when the terminal is narrow: an empty one (no projection in a complete period), then the
# change against last year, against the previous period, the projection and the target. The KPI, its value and its
# status always stay.
COLUMNS = (
    Spec("KPI", Kind.LABEL, "left"),
    Spec("value"),
    Spec("target", drop=4),
    Spec("status", justify="left"),
    Spec("projection", drop=3),
    Spec("Δ previous", drop=2),
    Spec("Δ last year", drop=1),
)


def _table(lines: list[ScorecardLine], currency: str, title: str, width: int) -> Fitted:
    notes = []
    if any(line.error for line in lines):
        notes.append("† not computed: see the notes below")
    if any(line.partial for line in lines):
        notes.append("* the period is still running: status compares with the pace, projection is for its end")
    rows = []
    for category in sorted({line.kpi.category or "" for line in lines}):
        if category:
            rows.append([f"[bold]{escape(category)}[/]", *([""] * (len(COLUMNS) - 1))])
        rows += [_cells(line, currency) for line in lines if (line.kpi.category or "") == category]
    return fit_table(COLUMNS, rows, width, title=title, notes=notes)


def _cells(line: ScorecardLine, currency: str) -> list[str]:
    kpi = line.kpi
    if line.error:
        return [escape(kpi.title) + " †", *([EMPTY] * (len(COLUMNS) - 1))]
    # A count (a sum or count of whole things) shows its target and projection whole too: 371 leads, not 370.90.
    whole = is_count(kpi, line.additive, line.value)

    def shown(value: Any) -> str:
        return escape(format_kpi_value(value, kpi, currency, whole=whole))

    evaluation = line.evaluation
    status = EMPTY
    if evaluation is not None:
        status = f"[{STATUS_STYLE[evaluation.status]}]{status_words(evaluation.status)}[/]"
    target = line.target.target if line.target else None
    if line.target and target is None and line.target.min is not None:
        target_text = escape(format_range(line.target.min, line.target.max, kpi, currency, whole=whole))
    else:
        target_text = shown(target)
    return [
        escape(kpi.title) + (" *" if line.partial else ""),
        shown(line.value),
        target_text,
        status,
        shown(line.projection.value if line.projection else None),
        _change(line.vs_previous, kpi.direction),
        _change(line.vs_last_year, kpi.direction),
    ]


def _change(change: Change, direction: Direction) -> str:
    text = format_change(change.amount, change.kind)
    if change.amount is None or direction is Direction.RANGE or abs(change.amount) < 0.05:
        return text
    good = (change.amount > 0) == (direction is Direction.UP)
    return f"[green]{text}[/]" if good else f"[red]{text}[/]"
