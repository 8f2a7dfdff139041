"""`kpilot demo DIR`: build the demo company's workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import app, err, out
from kpilot.demo.build import build_demo


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder to create the demo workspace in.")] = Path("demo-workspace"),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same company.")] = 7,
) -> None:
    """Build a workspace for a realistic demo company: 2+ years of data for every source, and the whole catalogue."""
    with build_demo(directory, seed=seed, progress=lambda step: err.print(f"  {step}", style="dim")) as workspace:
        issues = workspace.validate()
        sources, kpis = len(workspace.definitions.sources), len(workspace.definitions.kpis)
    for issue in issues:
        err.print(str(issue), markup=False)
    out.print(f"Demo workspace ready in {directory}: {sources} sources, {kpis} KPIs.", highlight=False)
    out.print(f"Try: kpilot scorecard -w {directory}", highlight=False)
