"""The `kpilot` command: importing the command modules registers them on the app."""

from __future__ import annotations

from kpilot.cli import compute, ingest, scorecard, setup  # noqa: F401  (registration by import)
from kpilot.cli.app import app, run

__all__ = ["app", "run"]
