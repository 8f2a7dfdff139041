"""`kpilot bonus statement`: what one person earned in one period of a plan, and how, read from the ledger
(services.bonus_statements): in words for the terminal, as data (`--format json`: services.bonus_data), or as a
standalone HTML page (`--format html`), all in the reader's language with its numbers and money."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli import bonus_app
from kpilot.cli.app import LanguageOption, WorkspaceOption, err, language, out
from kpilot.cli.bonus_app import OPERATOR, PeriodOption, PlanArgument, app
from kpilot.cli.bonus_explain import Words
from kpilot.cli.bonus_html import statement_page
from kpilot.cli.bonus_statement_view import StatementView, statement_view
from kpilot.cli.output import json_text
from kpilot.cli.reader import given_format
from kpilot.definitions.editing import write_atomically
from kpilot.i18n import text
from kpilot.services.bonus_data import statement_data
from kpilot.services.bonus_statements import statement
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

INDENT = "  "


class StatementFormat(StrEnum):
    """`table` (words, as every command's default is called), `json` or `html`: cli.formats has no HTML yet."""

    TABLE = "table"
    JSON = "json"
    HTML = "html"


FormatOption = Annotated[
    StatementFormat,
    typer.Option("--format", "-f", help="Output format.", callback=given_format, is_eager=True),
]


@app.command("statement")
def statement_command(
    plan: PlanArgument,
    person: Annotated[str, typer.Option("--person", help="The person's e-mail address.")],
    period: PeriodOption,
    output: FormatOption = StatementFormat.TABLE,
    file: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file, not to the screen.")] = None,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Show a person's bonus statement for a period: each component's KPI, attainment, curve and amount, and more."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        found = statement(store, OPERATOR, ws, plan, person, period, now=bonus_app.now())
        words = Words(speak, {kpi.name: kpi for kpi in ws.definitions.kpis}, found.currency, ws.settings.currency)
    if output is StatementFormat.JSON:
        written = json_text(statement_data(found)) + "\n"
    elif output is StatementFormat.HTML:
        written = statement_page(statement_view(found, words), speak)
    else:
        written = "\n".join(text_lines(statement_view(found, words))) + "\n"
    if file is None:
        out.file.write(written)
        return
    write_atomically(file, written)
    err.print(text("cli.bonus.wrote", speak, file=str(file)), highlight=False, markup=False)


def text_lines(view: StatementView) -> list[str]:
    lines = [view.title]
    for block in view.blocks:
        lines.append(f"{INDENT}{block.heading}")
        lines += [f"{INDENT * 2}{line}" for line in block.lines]
    return lines
