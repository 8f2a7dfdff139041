"""Who reads a command's output: the language to write in, and whether they asked for JSON.

Every command takes `--lang` (`LanguageOption`) and most take `--workspace` and `--format`; their callbacks note
what was given while the command line is parsed, and `language()` decides once per command: `--lang`, then the
`KPILOT_LANG` environment variable (a value kpilot does not speak is warned about and ignored), then the
workspace's `language:` setting, then English (`kpilot.i18n.choose_language`). The error boundary asks the same
questions after the command has failed, so that an error is written in the language and the format the command
would have used.

What was given lives in the command line's context (its `meta`, new for each command line), so that nothing carries
over from one command to the next when several run in one process (the tests, the docs' examples). Every command
has `--lang`, whose callback runs on every command line, given or not, so the record of the command line under way
is always the current one; the error boundary reads it after the context is gone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.console import err
from kpilot.errors import KpilotError, UserError
from kpilot.i18n import ENVIRONMENT_VARIABLE, Language, Message, choose_language, text, value_text

KNOWN = tuple(language.value for language in Language)
_KEY = "kpilot.reader"


@dataclass
class _Given:
    """What the command line said, as it is parsed; `language` is decided on first use."""

    requested: Language | None = None
    workspace: str | None = None
    json: bool = False
    language: Language | None = None


_last = _Given()  # the command line under way (the error boundary runs after its context is closed)


def _given(context: typer.Context | None = None) -> _Given:
    """The record of the command line `context` belongs to (created on its first option), or of the last one."""
    global _last
    if context is None:
        return _last
    found = context.meta.get(_KEY)
    if not isinstance(found, _Given):
        found = context.meta[_KEY] = _Given()
    _last = found
    return found


def start() -> None:
    """Forget the previous command line (the console entry point calls this before each one)."""
    global _last
    _last = _Given()


def requested_language(ctx: typer.Context, value: str | None) -> str | None:
    """`--lang`'s callback: an unknown language stops the command, with the four kpilot speaks."""
    given = _given(ctx)
    if value is None:
        return None
    found = Language.parse(value)
    if found is None:
        raise UserError(
            Message("cli.unknown_language", language=value),
            hint=Message("cli.known_languages", languages=KNOWN),
            field="language",
            suggestions=KNOWN,
        )
    given.requested = found
    return value


def given_workspace(ctx: typer.Context, value: str) -> str:
    """`--workspace`'s callback: the folder whose `language:` setting counts when neither --lang nor KPILOT_LANG
    chose."""
    _given(ctx).workspace = value
    return value


def given_format(ctx: typer.Context, value: object) -> object:
    """`--format`'s callback: with JSON, a failure is written as one JSON object too."""
    _given(ctx).json = str(value) == "json"
    return value


LanguageOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        "-l",
        help="Language of the output: en, it, pl or zh (default: KPILOT_LANG, else the workspace's language).",
        metavar="LANG",
        callback=requested_language,
    ),
]


def language() -> Language:
    """The language this command writes in, decided the first time it is asked (see the module's docstring)."""
    given = _given()
    if given.language is None:
        chosen, unknown = choose_language(given.requested, os.environ, _setting(given.workspace))
        given.language = chosen
        if unknown is not None:
            warning = text("cli.unknown_environment_language", chosen, variable=ENVIRONMENT_VARIABLE, value=unknown)
            err.print(f"{text('severity.warning', chosen)}: {warning}", style="yellow", highlight=False, markup=False)
    return given.language


def wants_json() -> bool:
    """Whether the command was asked for `--format json`."""
    return _given().json


def _setting(workspace: str | None) -> Language | None:
    """The workspace's `language:`; None when there is no workspace, or its settings cannot be read (the command
    itself reports why)."""
    if workspace is None:
        return None
    # Imported here, not above: the definitions' models take a while to build, and `kpilot --help` needs none.
    from kpilot.definitions.loader import load_settings

    try:
        return Language(load_settings(Path(workspace).resolve()).language)
    except (KpilotError, OSError, ValueError):
        return None


def words(value: Message | None, language: Language) -> str:
    """A message of another area in the reader's language ("" for none)."""
    if value is None:
        return ""
    return value_text(value, language)
