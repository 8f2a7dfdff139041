"""`kpilot org`: import the organisation (teams, people, memberships) into the store, and export it (docs/store.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import WorkspaceOption, err, out
from kpilot.definitions.editing import write_atomically
from kpilot.engine.arguments import date_of
from kpilot.errors import UserError
from kpilot.services.org import ExportFormat, ImportReport, export_org, import_file, import_table
from kpilot.workspace import Workspace

app = typer.Typer(
    name="org",
    help="The organisation: people, teams and who is in which team when.",
    no_args_is_help=True,
    add_completion=False,
)

OnOption = Annotated[
    str | None, typer.Option("--on", help="The day it holds for, YYYY-MM-DD (default: today in the workspace).")
]


@app.command("import")
def import_command(
    file: Annotated[Path | None, typer.Argument(help="A .yaml, .yml or .csv file.")] = None,
    table: Annotated[
        str | None, typer.Option("--table", "-t", help="Read the rows of this warehouse table instead of a file.")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="The file holds everyone: end the memberships of people it leaves out.")
    ] = False,
    on: OnOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report, but write nothing.")] = False,
    workspace: WorkspaceOption = ".",
) -> None:
    """Add and update teams and people from a file (or a warehouse table); all of it, or nothing."""
    if (file is None) == (table is None):
        raise UserError("give either a FILE or --table TABLE to import from", hint="e.g. kpilot org import org.yaml")
    day = date_of(on, "on")
    with Workspace(workspace) as ws:
        if table is not None:
            report = import_table(ws, table, full=full, on=day, dry_run=dry_run)
        elif file is not None:
            report = import_file(ws, file, full=full, on=day, dry_run=dry_run)
    _print(report)


@app.command("export")
def export_command(
    output_format: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format.")] = ExportFormat.YAML,
    on: OnOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not to the screen.")
    ] = None,
    workspace: WorkspaceOption = ".",
) -> None:
    """Write the organisation as a file that `kpilot org import` reads back unchanged."""
    with Workspace(workspace) as ws:
        text = export_org(ws, format=output_format, on=date_of(on, "on"))
    if output is None:
        out.file.write(text)
        return
    write_atomically(output, text)
    err.print(f"Wrote {output}", highlight=False, markup=False)


def _print(report: ImportReport) -> None:
    verb = "Imported" if report.written else "Checked (dry run: nothing written)"
    say = out.print
    say(f"{verb} {report.shown} into the store {report.store}, as of {report.on}:", highlight=False, markup=False)
    if report.unchanged:
        say("  nothing to change: the store already holds all of it", highlight=False, markup=False)
        return
    for team in report.added_teams:
        say(f"  added team {team.key}: {team.detail}", highlight=False, markup=False)
    for person in report.added_people:
        say(f"  added {person.key}: {person.detail}", highlight=False, markup=False)
    for item in report.changed:
        what = f"team {item.key}" if item.kind == "team" else item.key
        say(f"  changed {what}: " + "; ".join(str(change) for change in item.changes), highlight=False, markup=False)
    for ended in report.ended:
        teams = ", ".join(ended.teams)
        say(f"  ended {ended.email}: out of {teams} from {ended.day}", highlight=False, markup=False)
    people = len(report.added_people)
    summary = (
        f"{len(report.added_teams)} team(s) and {people} person(s) added, {len(report.changed)} changed,"
        f" {len(report.ended)} ended"
    )
    say(f"  ({summary})", highlight=False, markup=False)
