"""The `kpilot` command: importing the command modules registers them on the app."""

from __future__ import annotations

from kpilot.cli import compute, demo, ingest, scorecard, setup  # noqa: F401  (registration by import)
from kpilot.cli.app import app, run
from kpilot.cli.catalogue import app as catalogue_app

app.add_typer(catalogue_app, name="catalogue")

__all__ = ["app", "run"]
