"""`kpilot matrix`: goals by KPIs, with weights, each KPI's value, target and status, and each goal's attainment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import typer
from rich.markup import escape

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, app, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.layout import Cell, Fitted, Indented, Kind, Spec, fit_table, terminal_width
from kpilot.cli.output import json_text
from kpilot.cli.reader import words
from kpilot.engine.periods import Grain
from kpilot.errors import Severity
from kpilot.goals.matrix import Column, Matrix
from kpilot.goals.matrix import Kind as FlagKind
from kpilot.goals.status import Status
from kpilot.i18n import Language, Message, text
from kpilot.results.formatting import (
    EMPTY,
    format_kpi_value,
    format_range,
    format_share,
    format_weight,
    is_count,
    status_words,
)
from kpilot.results.matrix import matrix_result
from kpilot.semantic.additive import is_additive
from kpilot.services.leads import lead_message
from kpilot.services.matrix_leads import LinkTest, matrix_leads
from kpilot.services.okr_links import Moving, moving_kpis
from kpilot.workspace import Workspace

STATUS_STYLES = {
    Status.ACHIEVED: "green",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.OFF_TRACK: "red",
    Status.NO_TARGET: "dim",
    Status.NO_DATA: "dim",
    Status.TOO_EARLY: "dim",
    Status.IMMATURE: "dim",
}


@app.command("matrix")
def matrix_command(
    period: Annotated[
        str | None,
        typer.Option(
            "--period", "-p", help="2025-05, 2025-Q2, 2025, or current / last (default: the last complete month)."
        ),
    ] = None,
    with_leads: Annotated[
        bool, typer.Option("--leads", help="Also test each goal's leading KPIs against its lagging ones.")
    ] = False,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Goals by the KPIs that serve them: weights, values, targets, statuses and each goal's attainment."""
    speak = language()
    with Workspace(workspace) as ws:
        result = matrix_result(ws, period=period)
        matrix = result.matrix
        currency = ws.settings.currency
        title = text("cli.matrix.title", speak, period=matrix.name, workspace=ws.settings.name)
        additive = {column.kpi.name for column in matrix.columns if is_additive(ws.model, column.kpi.name)}
        shown = {column.kpi.name for column in matrix.columns}
        moving = {kpi: found for kpi, found in moving_kpis(ws, Actor.operator()).items() if kpi in shown}
        tested = matrix_leads(None, Actor.operator(), ws) if with_leads else ()
    if output is Format.JSON:
        data = result.to_data(speak)
        if moving:  # OKRs live in the store: the Python API's matrix (definitions and data only) has none
            data["okrs"] = {kpi: [item.to_data() for item in found] for kpi, found in moving.items()}
        if with_leads:
            data["leads"] = [_lead_data(link) for link in tested]
        out.file.write(json_text(data) + "\n")
        return
    _print(matrix, currency, title, additive, speak)
    _print_okrs(matrix, moving, speak)
    if with_leads:
        _print_leads(tested, speak)


SHOWN_ORPHANS = 12  # KPIs named in the line about KPIs that serve no goal; the others are counted


def _print(matrix: Matrix, currency: str, title: str, additive: set[str], speak: Language) -> None:
    if not matrix.rows:
        out.print(text("cli.matrix.no_goals", speak, title=title), highlight=False, markup=False)
    else:
        _table(matrix, currency, title, terminal_width(out), additive, speak).print(out)
    orphans = [f.kpi for f in matrix.flags if f.kind is FlagKind.KPI_WITHOUT_GOAL and f.kpi]
    for flag in matrix.flags:
        if flag.kind is FlagKind.KPI_WITHOUT_GOAL and flag.kpi:
            continue
        style = "red" if flag.severity is Severity.ERROR else "yellow"
        severity = text(f"severity.{flag.severity.value}", speak)
        out.print(f"[{style}]{escape(severity)}:[/] {escape(words(flag.message, speak))}", highlight=False)
    if orphans:
        listed: tuple[str, ...] | Message = tuple(orphans[:SHOWN_ORPHANS])
        if len(orphans) > SHOWN_ORPHANS:
            listed = Message("cli.matrix.kpi_list_more", kpis=listed, count=len(orphans) - SHOWN_ORPHANS)
        line = text("cli.matrix.kpis_without_goal", speak, count=len(orphans), kpis=listed)
        warning = text("severity.warning", speak)
        out.print(f"[yellow]{escape(warning)}:[/] {escape(line)}", highlight=False)


def _print_okrs(matrix: Matrix, moving: Mapping[str, tuple[Moving, ...]], speak: Language) -> None:
    """The current cycle's key results measured by the matrix's KPIs: which objectives move which KPIs."""
    if not moving:
        return
    cycle = next(iter(moving.values()))[0].cycle
    out.print(text("cli.matrix.okrs_title", speak, cycle=cycle), highlight=False, markup=False)
    for column in matrix.columns:
        for item in moving.get(column.kpi.name, ()):
            grade = EMPTY if item.grade is None else format_share(float(item.grade), speak)
            line = text(
                "cli.matrix.okr_line", speak, kpi=column.kpi.title, objective=item.objective, owner=item.owner,
                key_result=item.key_result, grade=grade,
            )  # fmt: skip
            out.print(f"  {escape(line)}", highlight=False)


def _print_leads(tested: tuple[LinkTest, ...], speak: Language) -> None:
    """Each goal's leading links as the data judges them (services.matrix_leads)."""
    out.print(text("cli.matrix.leads_title", speak), highlight=False, markup=False)
    if not tested:
        out.print(f"  {text('cli.matrix.no_leading_links', speak)}", highlight=False, markup=False)
    for link in tested:
        verdict = words(lead_message(link.test, Grain.MONTH), speak)
        line = text(
            "cli.matrix.lead_line", speak, goal=link.goal, leading=link.test.candidate, lagging=link.lagging,
            verdict=verdict,
        )  # fmt: skip
        out.print(f"  {escape(line)}", highlight=False)


def _lead_data(link: LinkTest) -> dict[str, object]:
    best = link.test.best
    return {
        "goal": link.goal,
        "leading": link.test.candidate,
        "lagging": link.lagging,
        "verdict": link.test.verdict.value,
        "periods": link.test.periods,
        "lag": None if best is None else best.lag,
        "adjusted_p": None if best is None else best.adjusted,
        "message": lead_message(link.test, Grain.MONTH).to_data(),
    }


def columns(speak: Language) -> tuple[Spec, ...]:
    """When the terminal is narrow the owner gives way first, then the target, then the weight; the goal or KPI, its
    value, status and attainment always stay."""
    return (
        Spec(text("cli.column.goal_or_kpi", speak), Kind.LABEL, "left"),
        Spec(text("cli.column.owner", speak), Kind.LABEL, "left", drop=1),
        Spec(text("cli.column.weight", speak), drop=3),
        Spec(text("cli.column.value", speak)),
        Spec(text("cli.column.target", speak), drop=2),
        Spec(text("cli.column.status", speak), justify="left"),
        Spec(text("cli.column.attainment", speak)),
    )


def _table(matrix: Matrix, currency: str, title: str, width: int, additive: set[str], speak: Language) -> Fitted:
    """Each goal (indented under its parent) with its owner and weighted attainment, then the KPIs serving it."""
    by_name = {column.kpi.name: column for column in matrix.columns}
    rows: list[list[Cell]] = []
    for row in matrix.rows:
        depth = 2 * row.depth
        goal = Indented(f"[bold]{escape(row.goal.title)}[/]", depth)
        attainment = f"[bold]{format_share(row.attainment, speak)}[/]"
        rows.append([goal, escape(row.goal.owner or ""), "", "", "", "", attainment])
        for kpi_name, weight in row.weights.items():
            column = by_name.get(kpi_name)
            if column is None:
                unknown_kpi = f"[red]{escape(text('cli.matrix.unknown_kpi', speak))}[/]"
                unknown = [format_weight(weight, speak), EMPTY, EMPTY, unknown_kpi, EMPTY]
                rows.append([Indented(escape(kpi_name), depth + 2), "", *unknown])
                continue
            whole = is_count(column.kpi, column.kpi.name in additive, column.value)
            cells = _kpi_cells(column, weight, currency, whole, speak)
            rows.append([Indented(escape(column.kpi.title), depth + 2), *cells])
    notes = [text("cli.matrix.running_note", speak)] if any(c.partial for c in matrix.columns) else []
    return fit_table(columns(speak), rows, width, title=title, notes=notes, language=speak)


def _kpi_cells(column: Column, weight: float, currency: str, whole: bool, speak: Language) -> list[str]:
    kpi, evaluation, target = column.kpi, column.evaluation, column.target
    level = target.target if target is not None else None
    shown = escape(format_kpi_value(level, kpi, currency, whole=whole, language=speak))
    if target is not None and target.min is not None and target.max is not None:
        shown = escape(format_range(target.min, target.max, kpi, currency, whole=whole, language=speak))
    style = STATUS_STYLES[evaluation.status]
    value = format_kpi_value(column.value, kpi, currency, whole=whole, language=speak)
    value = escape(value) + (" *" if column.partial else "")
    status = f"[{style}]{status_words(evaluation.status, speak)}[/]"
    share = format_share(evaluation.attainment, speak)
    return [escape(kpi.owner or ""), format_weight(weight, speak), value, shown, status, share]
