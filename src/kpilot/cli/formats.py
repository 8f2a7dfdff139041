"""The output formats of every command's `--format`: one enum, and the choices each command offers.

Typer lists an option's choices from its type. A `Literal` of some members of `Format` gives a command its own
choices (`kpilot check --help` shows table|json) while every command still receives and compares members of the one
enum (`output is Format.JSON`), so that each format's name and value are written once, here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

import typer

from kpilot.cli.reader import given_format


class Format(StrEnum):
    TABLE = "table"  # for people: a Rich table, or text
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"


# Eager, so that it is known before another option's check can fail: a failing `--format json` command answers in
# JSON (docs/cli.md, "Exit codes and errors").
_OPTION = typer.Option("--format", "-f", help="Output format.", callback=given_format, is_eager=True)

TableOrJson = Annotated[Literal[Format.TABLE, Format.JSON], _OPTION]
TableCsvOrJson = Annotated[Literal[Format.TABLE, Format.CSV, Format.JSON], _OPTION]
AnyFormat = Annotated[Format, _OPTION]
