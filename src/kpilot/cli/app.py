"""The Typer application and the error boundary: user errors become clear messages, never tracebacks."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

import typer
from rich.style import Style
from rich.text import Text

from kpilot.cli import reader
from kpilot.cli.commands import COMMANDS
from kpilot.cli.console import err, out
from kpilot.cli.lazy import LazyGroup
from kpilot.errors import InternalError, Issue, KpilotError, UserError, ValidationFailed
from kpilot.errors_data import error_data
from kpilot.i18n import Language, Message, Raw, render, text


class Commands(LazyGroup):
    """kpilot's commands, each imported when it runs (cli.lazy), registered on `app`."""

    table = COMMANDS

    @classmethod
    def root(cls) -> typer.Typer:
        return app


app = typer.Typer(
    name="kpilot",
    cls=Commands,
    help="kpilot: define KPIs once, precisely, and compute them correctly and fast.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
ALARM = Style(color="red", bold=True)  # the `error:` of a list of problems


@app.callback()
def _root() -> None:
    """Nothing runs before a command. Registered so that `app` is a group even while no command module (or only one,
    whose command Typer would then make the whole program) is imported yet."""


WorkspaceOption = Annotated[
    str,
    typer.Option(
        "--workspace", "-w", help="The workspace folder.", envvar="KPILOT_WORKSPACE", callback=reader.given_workspace
    ),
]
LanguageOption = reader.LanguageOption
language = reader.language

__all__ = ["LanguageOption", "WorkspaceOption", "app", "err", "language", "out", "report", "run", "warn"]

F = TypeVar("F", bound=Callable[..., Any])


def warn(issues: Iterable[Issue]) -> None:
    """Warnings on stderr: numbers that compute but may mislead (a filter that keeps nothing, say)."""
    speak = language()
    for issue in issues:
        hint = f" ({render(issue.hint, speak)})" if issue.hint else ""
        line = f"{text('severity.warning', speak)}: {render(issue.message, speak)}{hint}"
        err.print(line, style="yellow", highlight=False, markup=False)


def report(error: BaseException) -> int:
    """Print an error for a person (or, after `--format json`, as one JSON object on stdout) and return the exit
    code (1: fix your input, 2: our bug)."""
    if not isinstance(error, UserError) and os.environ.get("KPILOT_DEBUG"):
        raise error
    speak = language()
    if reader.wants_json():
        from kpilot.cli.output import json_text  # imported here: output loads pyarrow and the engine

        data = error_data(error, speak, internal=_internal(error), internal_hint=Message("cli.report_bug"))
        out.file.write(json_text(data) + "\n")
        out.file.flush()
    elif isinstance(error, ValidationFailed):
        line = Text.assemble((_prefix(speak), ALARM), " ", render(error.message, speak))
        err.print(line, highlight=False)
        for issue in error.issues:
            err.print(f"  {issue.describe(speak)}", highlight=False, markup=False)
    elif isinstance(error, UserError):
        err.print(f"{_prefix(speak)} {error.describe(speak)}", style="red", highlight=False, markup=False)
    else:
        err.print(render(_internal(error), speak), style="red", highlight=False, markup=False)
        err.print(text("cli.report_bug", speak), markup=False)
    return 1 if isinstance(error, UserError) else 2


def _prefix(speak: Language) -> str:
    return f"{text('severity.error', speak)}:"


def _internal(error: BaseException) -> Message:
    """A bug, in one line: our own errors by their message, anything else by its type too."""
    detail = str(error) if isinstance(error, InternalError | KpilotError) else f"{type(error).__name__}: {error}"
    return Message("cli.internal_error", detail=Raw(detail))


def run(argv: list[str] | None = None) -> None:
    """Console entry point."""
    reader.start()
    try:
        app(args=argv, standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err.print(text("cli.interrupted", language()))
        sys.exit(130)
    except Exception as error:  # the boundary: nothing below may leak a traceback to the user
        sys.exit(report(error))
