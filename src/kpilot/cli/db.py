"""`kpilot db`: create the metadata store and move it between revisions (docs/store.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from kpilot.cli.app import LanguageOption, WorkspaceOption, language, out
from kpilot.i18n import Language, Message, text
from kpilot.store.location import StoreLocation, store_location
from kpilot.store.revisions import Standing, State, downgrade, state, upgrade
from kpilot.workspace import Workspace

app = typer.Typer(
    name="db",
    help="The metadata store (people, teams...): create it, migrate it, see its revision.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command("upgrade")
def upgrade_command(workspace: WorkspaceOption = ".", lang: LanguageOption = None) -> None:
    """Create the store if there is none, and apply every migration it lacks."""
    speak = language()
    location = _location(workspace)
    before = state(location)
    if before.standing is Standing.CURRENT:
        line = text("cli.db.up_to_date", speak, store=location.shown, revision=before.current)
        out.print(line, highlight=False, markup=False)
        return
    after = upgrade(location)
    code = "cli.db.created" if before.standing is Standing.MISSING else "cli.db.upgraded"
    out.print(text(code, speak, store=location.shown, revision=after.current), highlight=False, markup=False)
    for revision in before.pending:
        line = text("cli.db.applied", speak, revision=revision.id, title=revision.title)
        out.print(f"  {line}", highlight=False, markup=False)


@app.command("downgrade")
def downgrade_command(
    revision: Annotated[
        str, typer.Argument(help="The revision to go back to, 'base' for none, or -N for N steps back.")
    ] = "-1",
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Undo migrations (by default the last one). The tables they made are dropped, with their data."""
    speak = language()
    location = _location(workspace)
    before = state(location)
    after = downgrade(location, revision)
    undone = [r for r in after.pending if r not in before.pending]
    line = text("cli.db.downgraded", speak, store=location.shown, revision=_revision(after, speak))
    out.print(line, highlight=False, markup=False)
    for item in reversed(undone):
        out.print(f"  {text('cli.db.undid', speak, revision=item.id, title=item.title)}", highlight=False, markup=False)


@app.command("current")
def current_command(workspace: WorkspaceOption = ".", lang: LanguageOption = None) -> None:
    """Show the store's revision, and whether `kpilot db upgrade` has anything to do."""
    speak = language()
    location = _location(workspace)
    found = state(location)
    current = found.current or Message("cli.db.none")
    say = [
        text("cli.db.store", speak, store=location.shown),
        text("cli.db.revision", speak, revision=current, head=found.head),
    ]
    if found.standing is Standing.MISSING:
        say.append(text("cli.db.status_missing", speak))
    elif found.standing is Standing.BEHIND:
        say.append(text("cli.db.status_behind", speak, pending=tuple(revision.id for revision in found.pending)))
    elif found.standing is Standing.AHEAD:
        say.append(text("cli.db.status_ahead", speak))
    else:
        say.append(text("cli.db.status_current", speak))
    for line in say:
        out.print(line, highlight=False, markup=False)


def _location(workspace: str) -> StoreLocation:
    ws = Workspace(workspace)
    return store_location(ws.settings.store, ws.root)


def _revision(found: State, speak: Language) -> str:
    return found.current if found.current is not None else text("cli.db.no_revision", speak)
