"""`kpilot db`: create the metadata store and move it between revisions (docs/store.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from kpilot.cli.app import WorkspaceOption, out
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
def upgrade_command(workspace: WorkspaceOption = ".") -> None:
    """Create the store if there is none, and apply every migration it lacks."""
    location = _location(workspace)
    before = state(location)
    if before.standing is Standing.CURRENT:
        out.print(f"The store {location.shown} is up to date (revision {before.current}).", highlight=False)
        return
    after = upgrade(location)
    verb = "Created" if before.standing is Standing.MISSING else "Upgraded"
    out.print(f"{verb} the store {location.shown}: now at revision {after.current}.", highlight=False)
    for revision in before.pending:
        out.print(f"  applied {revision.id}: {revision.title}", highlight=False, markup=False)


@app.command("downgrade")
def downgrade_command(
    revision: Annotated[
        str, typer.Argument(help="The revision to go back to, 'base' for none, or -N for N steps back.")
    ] = "-1",
    workspace: WorkspaceOption = ".",
) -> None:
    """Undo migrations (by default the last one). The tables they made are dropped, with their data."""
    location = _location(workspace)
    before = state(location)
    after = downgrade(location, revision)
    undone = [r for r in after.pending if r not in before.pending]
    out.print(f"Downgraded the store {location.shown}: now at {_revision(after)}.", highlight=False)
    for item in reversed(undone):
        out.print(f"  undid {item.id}: {item.title}", highlight=False, markup=False)


@app.command("current")
def current_command(workspace: WorkspaceOption = ".") -> None:
    """Show the store's revision, and whether `kpilot db upgrade` has anything to do."""
    location = _location(workspace)
    found = state(location)
    out.print(f"store: {location.shown}", highlight=False, markup=False)
    out.print(
        f"revision: {found.current or 'none'} (this kpilot's newest: {found.head})", highlight=False, markup=False
    )
    if found.standing is Standing.MISSING:
        out.print("status: not created yet; run `kpilot db upgrade`", highlight=False, markup=False)
    elif found.standing is Standing.BEHIND:
        pending = ", ".join(revision.id for revision in found.pending)
        out.print(f"status: behind (to apply: {pending}); run `kpilot db upgrade`", highlight=False, markup=False)
    elif found.standing is Standing.AHEAD:
        out.print("status: migrated by a newer kpilot; upgrade kpilot to use it", highlight=False, markup=False)
    else:
        out.print("status: up to date", highlight=False, markup=False)


def _location(workspace: str) -> StoreLocation:
    ws = Workspace(workspace)
    return store_location(ws.settings.store, ws.root)


def _revision(found: State) -> str:
    return found.current if found.current is not None else "no revision"
