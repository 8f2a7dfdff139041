"""The `kpilot bonus` group's Typer app and what its commands share: the actor, the clock, the arguments.

The commands live in modules of their own (bonus_run, bonus_statement, bonus_workflow; the lead's bonus_simulate) that
register on `app`; `kpilot.cli.bonus` imports them all, and is the module `cli.commands` names. The local operator
is the actor (as for `kpilot okr`): every rule and permission is the service layer's (services.bonus_*), so the
command line only turns arguments into calls and results into words.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from kpilot.auth.actor import Actor

app = typer.Typer(
    name="bonus",
    help="Bonus plans: run a period, read statements, approve and pay, export payroll.",
    no_args_is_help=True,
    add_completion=False,
)
OPERATOR = Actor.operator()

PlanArgument = Annotated[str, typer.Argument(metavar="PLAN", help="The plan's name, as its definition names it.")]
RunArgument = Annotated[int, typer.Argument(metavar="RUN", help="The run's id, as `kpilot bonus run` prints it.")]
PeriodOption = Annotated[str, typer.Option("--period", "-p", help="The plan's period: 2025-Q1, 2025-03, 2025.")]


def now() -> datetime:
    """The moment a command acts at (tests set it: the small company's data is of 2025)."""
    return datetime.now(UTC)
