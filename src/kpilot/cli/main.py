"""The `kpilot` command: `run` is its console entry point.

Each command's module is imported when the command runs (cli.lazy, over the list in cli.commands), so that
`kpilot --help` or `kpilot validate --no-data` does not wait for the engine, the store, the forecasts and the server
to load. `app` is the whole command line, every command module imported, for what walks every command (the checks
of docs/cli.md, say); asking for it here is what imports them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kpilot.cli.app import Commands, run

if TYPE_CHECKING:
    import typer

    app: typer.Typer

__all__ = ["app", "run"]


def __getattr__(name: str) -> Any:
    if name == "app":
        return Commands.load_all()
    raise AttributeError(name, name=name)
