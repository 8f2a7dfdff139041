"""The `kpilot` command: importing the command modules registers them on the app."""

from __future__ import annotations

from kpilot.cli import check, compute, demo, forecast, ingest, matrix, scorecard, setup  # noqa: F401  (registration by import)
from kpilot.cli.app import app, run
from kpilot.cli.catalogue import app as catalogue_app
from kpilot.cli.targets import app as targets_app

app.add_typer(catalogue_app, name="catalogue")
app.add_typer(targets_app, name="targets")

__all__ = ["app", "run"]
