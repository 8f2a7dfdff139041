"""`kpilot compute` and `kpilot sql`."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kpilot.cli.app import LanguageOption, WorkspaceOption, app, err, language, out, warn
from kpilot.cli.formats import AnyFormat, Format
from kpilot.cli.layout import terminal_width
from kpilot.cli.output import rich_table, to_csv, to_json
from kpilot.cli.reshape import check_pivot, check_top, parse_sort, pivot, sort_rows
from kpilot.cli.xlsx import to_xlsx
from kpilot.definitions.editing import write_atomically
from kpilot.definitions.model import Kpi
from kpilot.engine.execute import execute
from kpilot.engine.periods import Grain
from kpilot.errors import QueryError
from kpilot.i18n import Language, Message, text
from kpilot.workspace import Workspace

GrainOption = Annotated[Grain, typer.Option("--grain", "-g", help="Period length, or 'all' for one total.")]
ByOption = Annotated[list[str] | None, typer.Option("--by", "-b", help="Dimensions to split by: a,b (repeatable).")]
FromOption = Annotated[str | None, typer.Option("--from", help="First local date, inclusive (YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last local date, inclusive (YYYY-MM-DD).")]
WhereOption = Annotated[str | None, typer.Option("--where", help="Row filter, e.g. \"channel = 'email'\".")]
SortOption = Annotated[
    str | None, typer.Option("--sort", help="Order the rows of each period by a KPI: KPI, KPI:asc or KPI:desc.")
]
TopOption = Annotated[int | None, typer.Option("--top", help="Keep the first N rows of each period (needs --sort).")]
PivotOption = Annotated[
    str | None, typer.Option("--pivot", help="Turn a dimension's values into columns (one per KPI and value).")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file (replaced atomically) instead of stdout.")
]


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
    sort: SortOption = None,
    top: TopOption = None,
    pivot_by: PivotOption = None,
    output: AnyFormat = Format.TABLE,
    target: OutputOption = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Compute KPIs per period (and dimension values)."""
    speak = language()
    check_top(top, sort)
    check_pivot(pivot_by, sort, top)
    if output is Format.XLSX and target is None and sys.stdout.isatty():
        raise QueryError(
            Message("cli.compute.xlsx_to_terminal"), hint=Message("cli.compute.xlsx_to_terminal_hint"), field="format"
        )
    dimensions = split_dimensions(by)
    if pivot_by is not None and pivot_by not in dimensions:
        dimensions.append(pivot_by)  # pivoting by a dimension splits by it
    with Workspace(workspace) as ws, _progress() as progress:
        steps = [text(code, speak) for code in ("cli.compute.planning", "cli.compute.scanning", "cli.compute.done")]
        defined = [k.name for k in ws.definitions.kpis]
        key = parse_sort(sort, kpis, defined) if sort is not None else None
        task = progress.add_task(steps[0], total=3)
        request = ws.request(kpis, grain=grain, by=dimensions, start=start, end=end, where=where)
        compiled = ws.compile(request)
        progress.update(task, advance=1, description=steps[1])
        table = execute(compiled, ws.warehouse, ws.calendar.today())
        progress.update(task, advance=2, description=steps[2])
        warnings = ws.filter_warnings(where, kpis)
        definitions = {k.name: k for k in ws.definitions.kpis if k.name in kpis}
        currency = ws.settings.currency
    warn(warnings)
    columns: dict[str, Kpi] = dict(definitions)
    headers: dict[str, str] = {}
    if key is not None:
        table = sort_rows(table, key, top)
    if pivot_by is not None:
        pivoted = pivot(table, pivot_by, list(dict.fromkeys(kpis)), dimensions)
        table = pivoted.table
        columns = {name: definitions[column.kpi] for name, column in pivoted.columns.items()}
        headers = {name: f"{definitions[c.kpi].title}: {c.value}" for name, c in pivoted.columns.items()}
    if output is Format.TABLE and target is None:
        rich_table(table, columns, currency, terminal_width(out), headers, speak).print(out)
        return
    content = _render(table, output, columns, headers, currency, speak)
    if target is not None:
        write_atomically(target, content)
        wrote = text("cli.compute.wrote_rows", speak, count=table.num_rows, file=str(target))
        err.print(wrote, highlight=False, markup=False)
    elif isinstance(content, bytes):
        out.file.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        out.file.write(content)


def _render(
    table: pa.Table, output: Format, kpis: dict[str, Kpi], headers: dict[str, str], currency: str, speak: Language
) -> str | bytes:
    """The result as a file holds it; a table as plain text (no colours), as wide as the terminal would show it."""
    if output is Format.CSV:
        return to_csv(table)
    if output is Format.JSON:
        return to_json(table) + "\n"
    if output is Format.XLSX:
        return to_xlsx(table, kpis, currency)
    fitted = rich_table(table, kpis, currency, terminal_width(out), headers, speak)
    shown = io.StringIO()
    fitted.print(Console(file=shown, width=fitted.width, color_system=None, soft_wrap=True))
    return shown.getvalue()


@app.command()
def sql(
    kpis: Annotated[list[str], typer.Argument(help="KPI names.")],
    grain: GrainOption = Grain.MONTH,
    by: ByOption = None,
    start: FromOption = None,
    end: ToOption = None,
    where: WhereOption = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Print the SQL that `kpilot compute` would run, in the warehouse's dialect."""
    with Workspace(workspace) as ws:
        query = ws.sql(kpis, grain=grain, by=split_dimensions(by), start=start, end=end, where=where)
    out.file.write(query + "\n")


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
