"""`kpilot rollups`: the daily aggregates kept for sources that declare `rollup:` (docs/performance.md#rollups)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.moments import moment_text
from kpilot.cli.output import json_text
from kpilot.i18n import Language, text
from kpilot.services.rollups import RollupStatus, Standing, build_rollups, rollup_status
from kpilot.workspace import Workspace

app = typer.Typer(
    name="rollups",
    help="The daily aggregates kept for sources that declare a rollup: where each stands, and building them.",
    no_args_is_help=True,
    add_completion=False,
)
COLUMNS = (
    "cli.rollups.column_source",
    "cli.rollups.column_standing",
    "cli.rollups.column_rows",
    "cli.rollups.column_dimensions",
    "cli.rollups.column_raw",
    "cli.rollups.column_built",
    "cli.rollups.column_refreshed",
)

STANDING_WORDS = {
    Standing.CURRENT: "cli.rollups.standing_current",
    Standing.STALE: "cli.rollups.standing_stale",
    Standing.MISSING: "cli.rollups.standing_missing",
    Standing.UNSUPPORTED: "cli.rollups.standing_unsupported",
}


@app.command("status")
def status_command(
    output: TableOrJson = Format.TABLE, workspace: WorkspaceOption = ".", lang: LanguageOption = None
) -> None:
    """Show each rollup: current (it answers requests), stale or missing (requests read the raw rows), its rows."""
    speak = language()
    with Workspace(workspace) as ws:
        found = rollup_status(ws, Actor.operator())
    if output is Format.JSON:
        out.file.write(json_text([_data(each) for each in found]) + "\n")
    elif not found:
        out.print(text("cli.rollups.none", speak), highlight=False, markup=False)
    else:
        out.print(_table(found, speak))


@app.command("build")
def build_command(
    sources: Annotated[
        list[str] | None, typer.Argument(help="The sources whose rollups to build (default: all).")
    ] = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Build rollups again from all their rows (an ingest keeps them up to date by itself)."""
    speak = language()
    with Workspace(workspace) as ws:
        built = build_rollups(ws, Actor.operator(), tuple(sources or ()))
    for state in built:
        out.print(text("cli.rollups.built", speak, source=state.source, rows=state.rows), highlight=False, markup=False)


def _data(each: RollupStatus) -> dict[str, object]:
    return {
        "source": each.source,
        "table": each.table,
        "standing": each.standing.value,
        "rows": each.rows,
        "dimensions": list(each.dimensions),
        "measures": list(each.kept),
        "raw_measures": list(each.raw),
        "built_at": each.built_at.isoformat() if each.built_at else None,
        "refreshed_at": each.refreshed_at.isoformat() if each.refreshed_at else None,
    }


def _table(found: list[RollupStatus], speak: Language) -> Table:
    table = Table(header_style="bold")
    for code in COLUMNS:
        table.add_column(text(code, speak), overflow="fold")
    for each in found:
        table.add_row(
            escape(each.source),
            text(STANDING_WORDS[each.standing], speak),
            text("cli.rollups.rows", speak, rows=each.rows) if each.rows is not None else "–",
            escape(", ".join(each.dimensions)) or "–",
            escape(", ".join(each.raw)) or "–",
            moment_text(each.built_at, speak) if each.built_at else "–",
            moment_text(each.refreshed_at, speak) if each.refreshed_at else "–",
        )
    return table
