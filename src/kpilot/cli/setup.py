"""`kpilot init` (`kpilot validate` is in cli.validate)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import LanguageOption, app, language, out
from kpilot.i18n import text
from kpilot.workspace import Workspace


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/Rome.")] = "UTC",
    week_start: Annotated[str, typer.Option(help="First day of the week.")] = "monday",
    fiscal_year_start: Annotated[int, typer.Option(help="Month (1-12) the fiscal year starts in.")] = 1,
    currency: Annotated[str, typer.Option(help="ISO currency code.")] = "EUR",
    lang: LanguageOption = None,
) -> None:
    """Create a workspace: kpilot.yaml, a definitions/ folder and an embedded DuckDB warehouse."""
    speak = language()
    workspace = Workspace.init(
        directory,
        timezone=timezone,
        week_start=week_start.lower(),
        fiscal_year_start=fiscal_year_start,
        currency=currency.upper(),
    )
    workspace.close()
    out.print(text("cli.setup.created", speak, folder=str(directory)), highlight=False, markup=False)
    out.print(text("cli.setup.next", speak), markup=False)
