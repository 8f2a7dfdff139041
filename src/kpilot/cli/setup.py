"""`kpilot init` and `kpilot validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import WorkspaceOption, app, err, out
from kpilot.errors import Severity
from kpilot.workspace import Workspace


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/Rome.")] = "UTC",
    week_start: Annotated[str, typer.Option(help="First day of the week.")] = "monday",
    fiscal_year_start: Annotated[int, typer.Option(help="Month (1-12) the fiscal year starts in.")] = 1,
    currency: Annotated[str, typer.Option(help="ISO currency code.")] = "EUR",
) -> None:
    """Create a workspace: kpilot.yaml, a definitions/ folder and an embedded DuckDB warehouse."""
    workspace = Workspace.init(
        directory,
        timezone=timezone,
        week_start=week_start.lower(),
        fiscal_year_start=fiscal_year_start,
        currency=currency.upper(),
    )
    workspace.close()
    out.print(f"Created a kpilot workspace in {directory}", highlight=False)
    out.print("Next: load data with `kpilot ingest FILE --table NAME`, define KPIs in definitions/*.yaml.")


@app.command()
def validate(
    workspace: WorkspaceOption = ".",
    no_data: Annotated[bool, typer.Option("--no-data", help="Skip the checks that need the warehouse.")] = False,
) -> None:
    """Check every definition (and, unless --no-data, against the warehouse); list each problem as file:line:col."""
    with Workspace(workspace) as ws:
        issues = ws.validate(with_data=not no_data)
    errors = [issue for issue in issues if issue.severity is Severity.ERROR]
    for issue in issues:
        err.print(str(issue), highlight=False, markup=False)
    if errors:
        err.print(f"{len(errors)} problem(s) found", style="red")
        raise typer.Exit(1)
    out.print(f"OK: {len(ws.definitions.sources)} source(s), {len(ws.definitions.kpis)} KPI(s)")
