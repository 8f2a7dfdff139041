"""`kpilot demo DIR`: build the demo company's workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import LanguageOption, app, err, language, out
from kpilot.demo.build import build_demo
from kpilot.i18n import Message, render, text


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder to create the demo workspace in.")] = Path("demo-workspace"),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same company.")] = 7,
    lang: LanguageOption = None,
) -> None:
    """Build a workspace for a realistic demo company: 2+ years of data for every source, and the whole catalogue."""
    speak = language()

    def progress(step: Message) -> None:
        err.print(f"  {render(step, speak)}", style="dim", markup=False)

    with build_demo(directory, seed=seed, progress=progress) as workspace:
        issues = workspace.validate()
        sources, kpis = len(workspace.definitions.sources), len(workspace.definitions.kpis)
    for issue in issues:
        err.print(issue.describe(speak), markup=False)
    shown = str(directory)
    out.print(text("cli.demo.ready", speak, folder=shown, sources=sources, kpis=kpis), highlight=False, markup=False)
    out.print(text("cli.demo.try", speak, folder=shown), highlight=False, markup=False)
