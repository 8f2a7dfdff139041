"""`kpilot alerts`: alerts from the command line (docs/alerts.md): run the evaluator and sender, see where each rule
stands and what was evaluated and delivered, set up channels, subscriptions and silences.

The commands are in modules of their own, each registering on the group's app (cli.alerts_app); importing them here
is what makes the group whole.
"""

from __future__ import annotations

# The commands register in the order of these imports, which is the order `kpilot alerts --help` lists them in.
# isort: off
from kpilot.cli import alerts_run, alerts_status, alerts_setup, alerts_silence

# isort: on
from kpilot.cli.alerts_app import app

COMMAND_MODULES = (alerts_run, alerts_status, alerts_setup, alerts_silence)  # imported for their commands

__all__ = ["COMMAND_MODULES", "app"]
