"""The Typer application and the error boundary: user errors become clear messages, never tracebacks."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from kpilot.errors import InternalError, Issue, KpilotError, UserError, ValidationFailed

app = typer.Typer(
    name="kpilot",
    help="kpilot: define KPIs once, precisely, and compute them correctly and fast.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Piped or captured output (make demo, CI logs) gets a wide page rather than Rich's default of 80 columns.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)

WorkspaceOption = Annotated[
    str, typer.Option("--workspace", "-w", help="The workspace folder.", envvar="KPILOT_WORKSPACE")
]

F = TypeVar("F", bound=Callable[..., Any])


def warn(issues: Iterable[Issue]) -> None:
    """Warnings on stderr: numbers that compute but may mislead (a filter that keeps nothing, say)."""
    for issue in issues:
        hint = f" ({issue.hint})" if issue.hint else ""
        err.print(f"warning: {issue.message}{hint}", style="yellow", highlight=False, markup=False)


def report(error: BaseException) -> int:
    """Print an error for a person and return the exit code (1: fix your input, 2: our bug)."""
    if isinstance(error, ValidationFailed):
        err.print(f"[bold red]error:[/] {error.message}", highlight=False)
        for issue in error.issues:
            err.print(f"  {issue}", highlight=False, markup=False)
        return 1
    if isinstance(error, UserError):
        err.print("error: " + str(error), style="red", highlight=False, markup=False)
        return 1
    if os.environ.get("KPILOT_DEBUG"):
        raise error
    detail = str(error) if isinstance(error, InternalError | KpilotError) else f"{type(error).__name__}: {error}"
    err.print(
        "internal error (a bug in kpilot, not in your input): " + detail,
        style="red",
        highlight=False,
        markup=False,
    )
    err.print("Please report it with the command you ran; set KPILOT_DEBUG=1 for details.", markup=False)
    return 2


def run(argv: list[str] | None = None) -> None:
    """Console entry point."""
    try:
        app(args=argv, standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as error:  # the boundary: nothing below may leak a traceback to the user
        sys.exit(report(error))
