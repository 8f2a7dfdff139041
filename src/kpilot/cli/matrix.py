"""`kpilot matrix`: goals by KPIs, with weights, each KPI's value, target and status, and each goal's attainment."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import JustifyMethod
from rich.markup import escape
from rich.table import Table

from kpilot.cli.app import WorkspaceOption, app, out
from kpilot.cli.output import EMPTY, format_value, json_text
from kpilot.goals.matrix import Column, Matrix, build_matrix
from kpilot.goals.periods import explicit_period
from kpilot.goals.status import Status
from kpilot.goals.targets import ResolvedTarget
from kpilot.workspace import Workspace


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


STATUS_STYLES = {
    Status.ACHIEVED: "green",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.OFF_TRACK: "red",
    Status.NO_TARGET: "dim",
    Status.NO_DATA: "dim",
}


@app.command("matrix")
def matrix_command(
    period: Annotated[
        str | None,
        typer.Option(
            "--period", "-p", help="2025-05, 2025-Q2, 2025, or current / last (default: the last complete month)."
        ),
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    workspace: WorkspaceOption = ".",
) -> None:
    """Goals by the KPIs that serve them: weights, values, targets, statuses and each goal's attainment."""
    with Workspace(workspace) as ws:
        matrix = build_matrix(ws, explicit_period(period, ws.calendar))
        currency = ws.settings.currency
        title = f"KPI matrix {matrix.name}: {ws.settings.name}"
    if output is Format.JSON:
        out.file.write(json_text(matrix_json(matrix)) + "\n")
        return
    _print(matrix, currency, title)


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
            {"kind": f.kind.value, "severity": f.severity, "goal": f.goal, "kpi": f.kpi, "message": f.message}
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


def _print(matrix: Matrix, currency: str, title: str) -> None:
    if not matrix.rows:
        out.print(f"{title}: no goals", highlight=False)
    else:
        out.print(_table(matrix, currency, title))
    orphans = [f.kpi for f in matrix.flags if f.message.endswith("serves no goal") and f.kpi]
    for flag in matrix.flags:
        if flag.kpi in orphans and flag.message.endswith("serves no goal"):
            continue
        style = "red" if flag.severity == "error" else "yellow"
        out.print(f"[{style}]{flag.severity}:[/] {escape(flag.message)}", highlight=False)
    if orphans:
        listed = ", ".join(orphans[:12]) + (f" and {len(orphans) - 12} more" if len(orphans) > 12 else "")
        out.print(f"[yellow]warning:[/] {len(orphans)} KPI(s) serve no goal: {escape(listed)}", highlight=False)


COLUMNS: tuple[tuple[str, JustifyMethod], ...] = (
    ("goal / KPI", "left"),
    ("owner", "left"),
    ("weight", "right"),
    ("value", "right"),
    ("target", "right"),
    ("status", "left"),
    ("attainment", "right"),
)


def _table(matrix: Matrix, currency: str, title: str) -> Table:
    """Each goal (indented under its parent) with its owner and weighted attainment, then the KPIs serving it."""
    view = Table(title=title, title_justify="left", header_style="bold")
    for name, justify in COLUMNS:
        view.add_column(name, justify=justify)
    columns = {column.kpi.name: column for column in matrix.columns}
    for row in matrix.rows:
        indent = "  " * row.depth
        attainment = EMPTY if row.attainment is None else f"{row.attainment:.0%}"
        view.add_row(
            f"[bold]{indent}{escape(row.goal.title)}[/]",
            escape(row.goal.owner or ""),
            "",
            "",
            "",
            "",
            f"[bold]{attainment}[/]",
        )
        for kpi_name, weight in row.weights.items():
            column = columns.get(kpi_name)
            if column is None:
                view.add_row(
                    f"{indent}  {escape(kpi_name)}", "", f"{weight:g}", EMPTY, EMPTY, "[red]unknown KPI[/]", EMPTY
                )
                continue
            view.add_row(f"{indent}  {escape(column.kpi.title)}", *_kpi_cells(column, weight, currency))
    return view


def _kpi_cells(column: Column, weight: float, currency: str) -> list[str]:
    kpi, evaluation, target = column.kpi, column.evaluation, column.target
    level = target.target if target is not None else None
    shown = format_value(level, kpi.unit, currency) if level is not None else EMPTY
    if target is not None and target.min is not None and target.max is not None:
        low, high = format_value(target.min, kpi.unit, currency), format_value(target.max, kpi.unit, currency)
        shown = f"{low} .. {high}"
    style = STATUS_STYLES[evaluation.status]
    attainment = EMPTY if evaluation.attainment is None else f"{evaluation.attainment:.0%}"
    value = format_value(column.value, kpi.unit, currency) + (" *" if column.partial else "")
    status = f"[{style}]{evaluation.status.value.replace('_', ' ')}[/]"
    return [escape(kpi.owner or ""), f"{weight:g}", value, shown, status, attainment]
