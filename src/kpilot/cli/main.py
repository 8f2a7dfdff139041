"""The `kpilot` command: importing the command modules registers them on the app."""

from __future__ import annotations

from kpilot.cli import audit, check, compute, demo, forecast, ingest, matrix, scorecard, serve, setup, tables  # noqa: F401  (registration by import)
from kpilot.cli.app import app, run
from kpilot.cli.catalogue import app as catalogue_app
from kpilot.cli.db import app as db_app
from kpilot.cli.org import app as org_app
from kpilot.cli.targets import app as targets_app
from kpilot.cli.tokens import app as tokens_app
from kpilot.cli.users import app as users_app

app.add_typer(catalogue_app, name="catalogue")
app.add_typer(targets_app, name="targets")
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")

__all__ = ["app", "run"]
