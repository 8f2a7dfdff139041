"""`kpilot compute` and `kpilot sql`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kpilot.cli.app import WorkspaceOption, app, err, out
from kpilot.cli.output import to_csv, to_json, to_rich
from kpilot.engine.execute import execute
from kpilot.engine.periods import Grain
from kpilot.workspace import Workspace


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


GrainOption = Annotated[Grain, typer.Option("--grain", "-g", help="Period length, or 'all' for one total.")]
ByOption = Annotated[list[str] | None, typer.Option("--by", "-b", help="Dimensions to split by: a,b (repeatable).")]
FromOption = Annotated[str | None, typer.Option("--from", help="First local date, inclusive (YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last local date, inclusive (YYYY-MM-DD).")]
WhereOption = Annotated[str | None, typer.Option("--where", help="Row filter, e.g. \"channel = 'email'\".")]


def split_dimensions(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


@app.command()
def compute(
    kpis: Annotated[list[str], typer.Argument(help="KPI names.")],
    grain: GrainOption = Grain.MONTH,
    by: ByOption = None,
    start: FromOption = None,
    end: ToOption = None,
    where: WhereOption = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    workspace: WorkspaceOption = ".",
) -> None:
    """Compute KPIs per period (and dimension values)."""
    with Workspace(workspace) as ws, _progress() as progress:
        task = progress.add_task("Planning", total=3)
        request = ws.request(kpis, grain=grain, by=split_dimensions(by), start=start, end=end, where=where)
        compiled = ws.compile(request)
        progress.update(task, advance=1, description="Scanning sources")
        table = execute(compiled, ws.warehouse, ws.calendar.today())
        progress.update(task, advance=2, description="Done")
        definitions = {k.name: k for k in ws.definitions.kpis if k.name in kpis}
        currency = ws.settings.currency
    if output is Format.CSV:
        out.file.write(to_csv(table))
    elif output is Format.JSON:
        out.file.write(to_json(table) + "\n")
    else:
        out.print(to_rich(table, definitions, currency))


@app.command()
def sql(
    kpis: Annotated[list[str], typer.Argument(help="KPI names.")],
    grain: GrainOption = Grain.MONTH,
    by: ByOption = None,
    start: FromOption = None,
    end: ToOption = None,
    where: WhereOption = None,
    workspace: WorkspaceOption = ".",
) -> None:
    """Print the SQL that `kpilot compute` would run, in the warehouse's dialect."""
    with Workspace(workspace) as ws:
        text = ws.sql(kpis, grain=grain, by=split_dimensions(by), start=start, end=end, where=where)
    out.file.write(text + "\n")


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
