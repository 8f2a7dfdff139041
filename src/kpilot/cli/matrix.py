"""`kpilot matrix`: goals by KPIs, with weights, each KPI's value, target and status, and each goal's attainment."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from kpilot.cli.app import WorkspaceOption, app, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.formatting import (
    EMPTY,
    format_kpi_value,
    format_range,
    format_share,
    format_weight,
    is_count,
    status_words,
)
from kpilot.cli.layout import Cell, Fitted, Indented, Kind, Spec, fit_table, terminal_width
from kpilot.cli.output import json_text
from kpilot.engine.period_names import explicit_period
from kpilot.errors import Severity
from kpilot.goals.matrix import Column, Matrix, build_matrix
from kpilot.goals.resolved import ResolvedTarget
from kpilot.goals.status import Status
from kpilot.semantic.additive import is_additive
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
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
) -> None:
    """Goals by the KPIs that serve them: weights, values, targets, statuses and each goal's attainment."""
    with Workspace(workspace) as ws:
        matrix = build_matrix(ws, explicit_period(period, ws.calendar))
        currency = ws.settings.currency
        title = f"KPI matrix {matrix.name}: {ws.settings.name}"
        additive = {column.kpi.name for column in matrix.columns if is_additive(ws.model, column.kpi.name)}
    if output is Format.JSON:
        out.file.write(json_text(matrix_json(matrix)) + "\n")
        return
    _print(matrix, currency, title, additive)


def matrix_json(matrix: Matrix) -> dict[str, Any]:
    return {
        "period": matrix.name,
        "start": matrix.period.isoformat(),
        "grain": matrix.grain.value,
        "elapsed": matrix.elapsed,
        "weights_add_up_to": matrix.convention,
        "kpis": [_column_json(c) for c in matrix.columns],
        "goals": [
            {
                "name": row.goal.name,
                "label": row.goal.title,
                "owner": row.goal.owner,
                "parent": row.goal.parent,
                "depth": row.depth,
                "weights": dict(row.weights),
                "attainment": row.attainment,
                "kpis_counted": row.counted,
            }
            for row in matrix.rows
        ],
        "flags": [
            {"kind": f.kind.value, "severity": f.severity.value, "goal": f.goal, "kpi": f.kpi, "message": f.message}
            for f in matrix.flags
        ],
    }


def _column_json(column: Column) -> dict[str, Any]:
    evaluation = column.evaluation
    return {
        "kpi": column.kpi.name,
        "label": column.kpi.title,
        "owner": column.kpi.owner,
        "unit": column.kpi.unit.value,
        "direction": column.kpi.direction.value,
        "value": column.value,
        "partial": column.partial,
        "target": _target_json(column.target),
        "status": evaluation.status.value,
        "attainment": evaluation.attainment,
        "reason": evaluation.reason,
        "error": column.error,
    }


def _target_json(target: ResolvedTarget | None) -> dict[str, Any] | None:
    if target is None:
        return None
    levels = {"commit": target.commit, "target": target.target, "stretch": target.stretch}
    levels.update(min=target.min, max=target.max)
    return {"type": target.type.value, **{k: v for k, v in levels.items() if v is not None}, "basis": target.basis}


def _print(matrix: Matrix, currency: str, title: str, additive: set[str]) -> None:
    if not matrix.rows:
        out.print(f"{title}: no goals", highlight=False)
    else:
        _table(matrix, currency, title, terminal_width(out), additive).print(out)
    orphans = [f.kpi for f in matrix.flags if f.message.endswith("serves no goal") and f.kpi]
    for flag in matrix.flags:
        if flag.kpi in orphans and flag.message.endswith("serves no goal"):
            continue
        style = "red" if flag.severity is Severity.ERROR else "yellow"
        out.print(f"[{style}]{flag.severity.value}:[/] {escape(flag.message)}", highlight=False)
    if orphans:
        listed = ", ".join(orphans[:12]) + (f" and {len(orphans) - 12} more" if len(orphans) > 12 else "")
        out.print(f"[yellow]warning:[/] {len(orphans)} KPI(s) serve no goal: {escape(listed)}", highlight=False)


# When the terminal is narrow the owner gives way first, then the target, then the weight; the goal or KPI, its value,
# status and attainment always stay.
COLUMNS = (
    Spec("goal / KPI", Kind.LABEL, "left"),
    Spec("owner", Kind.LABEL, "left", drop=1),
    Spec("weight", drop=3),
    Spec("value"),
    Spec("target", drop=2),
    Spec("status", justify="left"),
    Spec("attainment"),
)


def _table(matrix: Matrix, currency: str, title: str, width: int, additive: set[str]) -> Fitted:
    """Each goal (indented under its parent) with its owner and weighted attainment, then the KPIs serving it."""
    columns = {column.kpi.name: column for column in matrix.columns}
    rows: list[list[Cell]] = []
    for row in matrix.rows:
        depth = 2 * row.depth
        goal = Indented(f"[bold]{escape(row.goal.title)}[/]", depth)
        attainment = f"[bold]{format_share(row.attainment)}[/]"
        rows.append([goal, escape(row.goal.owner or ""), "", "", "", "", attainment])
        for kpi_name, weight in row.weights.items():
            column = columns.get(kpi_name)
            if column is None:
                unknown = [format_weight(weight), EMPTY, EMPTY, "[red]unknown KPI[/]", EMPTY]
                rows.append([Indented(escape(kpi_name), depth + 2), "", *unknown])
                continue
            whole = is_count(column.kpi, column.kpi.name in additive, column.value)
            rows.append([Indented(escape(column.kpi.title), depth + 2), *_kpi_cells(column, weight, currency, whole)])
    notes = ["* the period is still running"] if any(c.partial for c in matrix.columns) else []
    return fit_table(COLUMNS, rows, width, title=title, notes=notes)


def _kpi_cells(column: Column, weight: float, currency: str, whole: bool) -> list[str]:
    kpi, evaluation, target = column.kpi, column.evaluation, column.target
    level = target.target if target is not None else None
    shown = escape(format_kpi_value(level, kpi, currency, whole=whole))
    if target is not None and target.min is not None and target.max is not None:
        shown = escape(format_range(target.min, target.max, kpi, currency, whole=whole))
    style = STATUS_STYLES[evaluation.status]
    value = escape(format_kpi_value(column.value, kpi, currency, whole=whole)) + (" *" if column.partial else "")
    status = f"[{style}]{status_words(evaluation.status)}[/]"
    return [escape(kpi.owner or ""), format_weight(weight), value, shown, status, format_share(evaluation.attainment)]
