"""`kpilot targets`: suggest targets from a KPI's history, and write the chosen one into the definitions."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kpilot.cli.app import WorkspaceOption, out
from kpilot.cli.output import EMPTY, format_value, json_text, plain_value
from kpilot.definitions.model import Direction
from kpilot.goals.scope import parse_scope
from kpilot.goals.suggest import Level, Suggestion, suggest
from kpilot.goals.suggest_methods import Method, Proposal
from kpilot.goals.writer import WriteReport, merge_targets
from kpilot.workspace import Workspace

app = typer.Typer(
    name="targets",
    help="Targets for KPIs: suggestions from history.",
    no_args_is_help=True,
    add_completion=False,
)


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command("suggest")
def suggest_command(
    kpi: Annotated[str, typer.Argument(help="KPI name.")],
    period: Annotated[str, typer.Option("--period", "-p", help="Target period: 2025-05, 2025-Q3 or 2025.")],
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", "-s", help="Dimension filter such as team=EMEA or team=EMEA,owner=anna."),
    ] = None,
    history: Annotated[
        int | None,
        typer.Option("--history", "-n", help="Periods of history to use (default 24 months, 8 quarters, 3 years)."),
    ] = None,
    write: Annotated[
        Level | None,
        typer.Option("--write", help="Write into definitions/targets.yaml: one level as the target, or all three."),
    ] = None,
    method: Annotated[
        Method | None, typer.Option("--method", "-m", help="The method to write (default: the recommended one).")
    ] = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    workspace: WorkspaceOption = ".",
) -> None:
    """Suggest commit, target and stretch for a KPI and period from its history, by several methods."""
    with Workspace(workspace) as ws:
        result = suggest(ws, kpi, period, scope=parse_scope(scope), count=history)
        currency = ws.settings.currency
        report = merge_targets(ws.root, [result.entry(write, method)]) if write is not None else None
    if output is Format.JSON:
        out.file.write(json_text(suggestion_json(result, report)) + "\n")
        return
    _print(result, currency)
    if report is not None:
        _print_report(report)


# ---------------------------------------------------------------------------------------------------- JSON


def suggestion_json(result: Suggestion, report: WriteReport | None = None) -> dict[str, Any]:
    return {
        "kpi": result.kpi.name,
        "period": result.period_name,
        "grain": result.grain.value,
        "scope": dict(result.scope),
        "direction": result.kpi.direction.value,
        "unit": result.kpi.unit.value,
        "additive": result.additive,
        "horizon": result.horizon,
        "step": result.step,
        "history": [{"period": p.name, "start": p.start.isoformat(), "value": p.value} for p in result.history],
        "methods": [_proposal_json(p, p.method is result.recommended) for p in result.proposals],
        "recommended": result.recommended.value if result.recommended else None,
        "why": result.why,
        "notes": list(result.notes),
        "written": None if report is None else _report_json(report),
    }


def _proposal_json(proposal: Proposal, recommended: bool) -> dict[str, Any]:
    return {
        "method": proposal.method.value,
        "available": proposal.available,
        "recommended": recommended,
        "base": plain_value(proposal.base),
        "commit": proposal.commit,
        "target": proposal.target,
        "stretch": proposal.stretch,
        "min": proposal.minimum,
        "max": proposal.maximum,
        "basis": proposal.basis or None,
        "unavailable": proposal.unavailable,
    }


def _report_json(report: WriteReport) -> dict[str, Any]:
    return {
        "path": str(report.path),
        "added": list(report.added),
        "replaced": [{"target": r.key, "before": r.before, "after": r.after} for r in report.replaced],
        "unchanged": list(report.unchanged),
    }


# ---------------------------------------------------------------------------------------------------- table


def _print(result: Suggestion, currency: str) -> None:
    kpi = result.kpi
    scope = ", ".join(f"{k}={v}" for k, v in sorted(result.scope.items())) or "whole company"
    out.print(f"[bold]Target suggestions for {kpi.title} ({kpi.name}), {result.period_name}[/] ({scope})")
    good = {"up": "higher is better", "down": "lower is better", "range": "inside a range"}[kpi.direction.value]
    kind = "adds up over time" if result.additive else "does not add up over time"
    out.print(f"{good}; {kind}", highlight=False)
    for note in result.notes:
        out.print(f"[yellow]{note}[/]", highlight=False)
    if result.history:
        history = Table(title=f"History ({len(result.history)} {result.grain.value}s)", title_justify="left")
        history.add_column("period")
        history.add_column("value", justify="right")
        for point in result.history:
            history.add_row(point.name, format_value(point.value, kpi.unit, currency))
        out.print(history)
    out.print(_methods(result, currency))
    if result.recommended is not None:
        out.print(f"Recommended: [bold]{result.recommended.value}[/] ({result.why})", highlight=False)
    if kpi.direction is Direction.RANGE:
        levels = f"min and max = base ∓ one step of {result.step:.1%}"
    else:
        levels = f"commit = base, target = base + one step, stretch = base + two steps; step {result.step:.1%}"
    out.print(f"[dim]{levels} (see docs/goals.md)[/]", highlight=False)


def _methods(result: Suggestion, currency: str) -> Table:
    unit = result.kpi.unit
    ranged = result.kpi.direction is Direction.RANGE
    view = Table(title="Suggestions", title_justify="left", header_style="bold")
    view.add_column("method")
    for column in ("base", "min", "target", "max") if ranged else ("base", "commit", "target", "stretch"):
        view.add_column(column, justify="right")
    view.add_column("how", overflow="fold")
    for proposal in result.proposals:
        name = proposal.method.value + (" (recommended)" if proposal.method is result.recommended else "")
        if not proposal.available:
            view.add_row(name, EMPTY, EMPTY, EMPTY, EMPTY, f"[dim]{proposal.unavailable}[/]")
            continue
        levels = (
            (proposal.minimum, proposal.target, proposal.maximum)
            if ranged
            else (proposal.commit, proposal.target, proposal.stretch)
        )
        cells = [format_value(v, unit, currency) for v in (proposal.base, *levels)]
        view.add_row(name, *cells, proposal.basis)
    return view


def _print_report(report: WriteReport) -> None:
    path = _shown(report.path)
    for replaced in report.replaced:
        out.print(
            f"Replaced the existing target for {replaced.key} in {path}: "
            f"{_levels(replaced.before)} -> {_levels(replaced.after)}",
            highlight=False,
            markup=False,
        )
    for added in report.added:
        out.print(f"Wrote the target for {added} into {path}", highlight=False, markup=False)
    for same in report.unchanged:
        out.print(f"The target for {same} is already in {path}: nothing changed", highlight=False, markup=False)


def _shown(path: Path) -> str:
    """The path relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _levels(entry: dict[str, Any]) -> str:
    keys = ("commit", "target", "stretch", "min", "max")
    return ", ".join(f"{key} {entry[key]}" for key in keys if key in entry) or "no levels"
