"""`kpilot ingest`: load a CSV, Parquet or Excel file into a warehouse table, whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import WorkspaceOption, app, out
from kpilot.warehouse.ingest import ingest_file
from kpilot.workspace import Workspace


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="A .csv, .tsv, .parquet or .xlsx file.")],
    table: Annotated[str, typer.Option("--table", "-t", help="The warehouse table to load into.")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace the table's rows instead of appending.")] = False,
    workspace: WorkspaceOption = ".",
) -> None:
    """Load a file into the warehouse. A file that does not fit the table is rejected whole; nothing is written."""
    with Workspace(workspace) as ws, ws.warehouse.writable() as con:
        report = ingest_file(con, file, table, replace=replace)
    action = "created" if report.created else "replaced" if report.replaced else "appended to"
    out.print(f"{report.rows:,} rows {action} table '{report.table}' ({report.columns} columns)", highlight=False)
