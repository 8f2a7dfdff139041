"""`kpilot scorecard`: every KPI for one period and scope: value, target, status, pace, projection and changes."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.style import Style

from kpilot.cli.app import LanguageOption, WorkspaceOption, app, err, language, out, warn
from kpilot.cli.formats import Format, TableCsvOrJson
from kpilot.cli.layout import Fitted, Kind, Spec, fit_table, terminal_width
from kpilot.cli.output import csv_text, json_text
from kpilot.cli.reader import words
from kpilot.definitions.model import Direction
from kpilot.engine.scope import parse_scope
from kpilot.goals.scorecard import Change, DefaultPeriod, PeriodChoice, ScorecardLine
from kpilot.goals.status import Status
from kpilot.i18n import Language, text
from kpilot.results.formatting import EMPTY, format_change, format_kpi_value, format_range, is_count, status_words
from kpilot.results.scorecard import scorecard_result
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
    Status.ACHIEVED: Style(color="green", bold=True),
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
    lang: LanguageOption = None,
) -> None:
    """Each KPI for a period: value, target, status, pace and projection, and the change vs the previous period
    and vs the same period last year."""
    speak = language()
    chosen_scope = parse_scope(scope)
    with Workspace(workspace) as ws:
        result = scorecard_result(ws, period=period, scope=chosen_scope, category=category, kpis=kpi or [])
        if result.chosen is not None:
            err.print(notice(result.chosen, result.name, speak), highlight=False, markup=False)
        lines = list(result.lines)
        warn(result.warnings)
        currency = ws.settings.currency
        title = text("cli.scorecard.title", speak, period=result.name, workspace=ws.settings.name)
        if chosen_scope:
            title += " (" + ", ".join(f"{k}={v}" for k, v in chosen_scope.items()) + ")"
    if output is Format.JSON:
        out.file.write(json_text(result.to_data(speak)) + "\n")
    elif output is Format.CSV:
        out.file.write(_csv(result.to_data(speak)))
    else:
        _table(lines, currency, title, terminal_width(out), speak).print(out)
        for line in lines:
            if line.error:
                problem = words(line.error, speak)
                shown = text("cli.scorecard.not_computed_line", speak, kpi=line.kpi.name, problem=problem)
                out.print(f"  {shown}", style="dim", highlight=False, markup=False)
            elif explain and line.evaluation is not None:
                reason = words(line.evaluation.reason, speak)
                out.print(f"  {line.kpi.title}: {reason}", highlight=False, markup=False)


def notice(chosen: DefaultPeriod, name: str, speak: Language) -> str:
    """The line that says which period a scorecard without --period shows, and why."""
    if chosen.why is PeriodChoice.DATA_ENDS:
        return text("cli.scorecard.showing_data_ends", speak, period=name, data_ends=chosen.data_ends)
    if chosen.why is PeriodChoice.NO_DATA:
        return text("cli.scorecard.showing_no_dated_data", speak, period=name)
    return text("cli.scorecard.showing_last_month", speak, period=name)


def _csv(records: list[dict[str, Any]]) -> str:
    if not records:
        return ""
    rows = ([v if not isinstance(v, dict) else json_text(v, indent=None) for v in item.values()] for item in records)
    return csv_text(list(records[0]), rows)


# Which columns give way first when the terminal is narrow: an empty one (no projection in a complete period), then the
# change against last year, against the previous period, the projection and the target. The KPI, its value and its
# status always stay.
def columns(speak: Language) -> tuple[Spec, ...]:
    return (
        Spec(text("cli.column.kpi", speak), Kind.LABEL, "left"),
        Spec(text("cli.column.value", speak)),
        Spec(text("cli.column.target", speak), drop=4),
        Spec(text("cli.column.status", speak), justify="left"),
        Spec(text("cli.column.projection", speak), drop=3),
        Spec(text("cli.column.change_previous", speak), drop=2),
        Spec(text("cli.column.change_last_year", speak), drop=1),
    )


WIDTH = 7  # columns of the table


def _table(lines: list[ScorecardLine], currency: str, title: str, width: int, speak: Language) -> Fitted:
    notes = []
    if any(line.error for line in lines):
        notes.append(text("cli.scorecard.not_computed_note", speak))
    if any(line.partial for line in lines):
        notes.append(text("cli.scorecard.running_note", speak))
    rows = []
    for category in sorted({line.kpi.category or "" for line in lines}):
        if category:
            rows.append([f"[bold]{escape(category)}[/]", *([""] * (WIDTH - 1))])
        rows += [_cells(line, currency, speak) for line in lines if (line.kpi.category or "") == category]
    return fit_table(columns(speak), rows, width, title=title, notes=notes, language=speak)


def _cells(line: ScorecardLine, currency: str, speak: Language) -> list[str]:
    kpi = line.kpi
    if line.error:
        return [escape(kpi.title) + " †", *([EMPTY] * (WIDTH - 1))]
    # A count (a sum or count of whole things) shows its target and projection whole too: 371 leads, not 370.90.
    whole = is_count(kpi, line.additive, line.value)

    def shown(value: Any) -> str:
        return escape(format_kpi_value(value, kpi, currency, whole=whole, language=speak))

    evaluation = line.evaluation
    status = EMPTY
    if evaluation is not None:
        status = f"[{STATUS_STYLE[evaluation.status]}]{status_words(evaluation.status, speak)}[/]"
    target = line.target.target if line.target else None
    if line.target and target is None and line.target.min is not None:
        target_text = escape(format_range(line.target.min, line.target.max, kpi, currency, whole=whole, language=speak))
    else:
        target_text = shown(target)
    return [
        escape(kpi.title) + (" *" if line.partial else ""),
        shown(line.value),
        target_text,
        status,
        shown(line.projection.value if line.projection else None),
        _change(line.vs_previous, kpi.direction, speak),
        _change(line.vs_last_year, kpi.direction, speak),
    ]


def _change(change: Change, direction: Direction, speak: Language) -> str:
    shown = format_change(change.amount, change.kind, speak)
    if change.amount is None or direction is Direction.RANGE or abs(change.amount) < 0.05:
        return shown
    good = (change.amount > 0) == (direction is Direction.UP)
    return f"[green]{shown}[/]" if good else f"[red]{shown}[/]"
