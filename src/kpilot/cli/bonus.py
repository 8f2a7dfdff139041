"""`kpilot bonus`: bonus plans from the command line (docs/bonus.md): check plans, run a period, read a person's
statement, take a run from draft to paid, close a period, export payroll, disputes and base pay.

The commands are in modules of their own, each registering on the group's app (cli.bonus_app); importing them here
is what makes the group whole. `kpilot bonus simulate` is `cli.bonus_simulate`'s.
"""

from __future__ import annotations

from kpilot.cli import bonus_run, bonus_simulate, bonus_statement, bonus_workflow
from kpilot.cli.bonus_app import app

COMMAND_MODULES = (bonus_run, bonus_statement, bonus_workflow, bonus_simulate)  # imported for their commands

__all__ = ["COMMAND_MODULES", "app"]
