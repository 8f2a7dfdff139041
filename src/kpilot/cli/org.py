"""`kpilot org`: import the organisation (teams, people, memberships) into the store, and export it (docs/store.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import LanguageOption, WorkspaceOption, err, language, out
from kpilot.definitions.editing import write_atomically
from kpilot.engine.arguments import date_of
from kpilot.errors import UserError
from kpilot.i18n import Language, Message, text
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
    lang: LanguageOption = None,
) -> None:
    """Add and update teams and people from a file (or a warehouse table); all of it, or nothing."""
    speak = language()
    if (file is None) == (table is None):
        raise UserError(Message("cli.org.file_or_table"), hint=Message("cli.org.file_or_table_hint"), field="source")
    day = date_of(on, "on")
    with Workspace(workspace) as ws:
        if table is not None:
            report = import_table(ws, table, full=full, on=day, dry_run=dry_run)
        elif file is not None:
            report = import_file(ws, file, full=full, on=day, dry_run=dry_run)
    _print(report, speak)


@app.command("export")
def export_command(
    output_format: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format.")] = ExportFormat.YAML,
    on: OnOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not to the screen.")
    ] = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Write the organisation as a file that `kpilot org import` reads back unchanged."""
    speak = language()
    with Workspace(workspace) as ws:
        exported = export_org(ws, format=output_format, on=date_of(on, "on"))
    if output is None:
        out.file.write(exported)
        return
    write_atomically(output, exported)
    err.print(text("cli.org.wrote", speak, file=str(output)), highlight=False, markup=False)


def _print(report: ImportReport, speak: Language) -> None:
    values = {"source": report.shown, "store": report.store, "day": report.on}
    lines = [text("cli.org.imported" if report.written else "cli.org.checked", speak, **values)]
    if report.unchanged:
        lines.append("  " + text("cli.org.nothing_to_change", speak))
    else:
        for team in report.added_teams:
            lines.append("  " + text("cli.org.added_team", speak, team=team.key, detail=team.detail))
        for person in report.added_people:
            lines.append("  " + text("cli.org.added_person", speak, person=person.key, detail=person.detail))
        for item in report.changed:
            changes = "; ".join(str(change) for change in item.changes)  # field old → new: names and values
            code = "cli.org.changed_team" if item.kind == "team" else "cli.org.changed_person"
            lines.append("  " + text(code, speak, key=item.key, changes=changes))
        for ended in report.ended:
            lines.append("  " + text("cli.org.ended", speak, person=ended.email, teams=ended.teams, day=ended.day))
        counts = {
            "teams": len(report.added_teams),
            "people": len(report.added_people),
            "changed": len(report.changed),
            "ended": len(report.ended),
        }
        lines.append("  (" + text("cli.org.summary", speak, **counts) + ")")
    for line in lines:
        out.print(line, highlight=False, markup=False)
