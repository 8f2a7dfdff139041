"""`kpilot explain`: what moved a KPI between two periods, member by member of each of its dimensions."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, app, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.cli.reader import words
from kpilot.i18n import Language, Message, Points, text, value_text
from kpilot.results.formatting import EMPTY, format_kpi_value
from kpilot.services.explain import Explanation, Method, Versus, explain, explanation_data, headline
from kpilot.workspace import Workspace

SHOWN = 10  # members shown per dimension in the table (the largest parts; JSON has them all)


class VersusOption(StrEnum):
    PREVIOUS = "previous"
    LAST_YEAR = "last_year"


@app.command("explain")
def explain_command(
    kpi: Annotated[str, typer.Argument(help="KPI name.")],
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="2026-11, 2026-Q3, 2026, or current / last (default: last).")
    ] = None,
    versus: Annotated[
        VersusOption, typer.Option("--vs", help="Compare with the period before, or the same period a year before.")
    ] = VersusOption.PREVIOUS,
    by: Annotated[
        list[str] | None, typer.Option("--by", "-b", help="Dimensions to split by (default: every one it has).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Contributors named in each sentence.", min=1, max=5)] = 2,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Explain what moved a KPI: each member's part of the change, split into rate and mix for a ratio."""
    speak = language()
    dimensions = [part.strip() for value in by or [] for part in value.split(",") if part.strip()]
    with Workspace(workspace) as ws:
        found = explain(None, Actor.operator(), ws, kpi, period=period, versus=Versus(versus.value), by=dimensions)
    if output is Format.JSON:
        data = [{**explanation_data(item), "sentence": words(headline(item, top), speak)} for item in found]
        out.file.write(json_text({"explanations": data}) + "\n")
        return
    for item in found:
        table, notes = _table(item, top, speak)
        out.print(table)
        for note in notes:
            out.print(note, highlight=False, markup=False)


def _table(found: Explanation, top: int, speak: Language) -> tuple[Table, list[str]]:
    """The members' parts, and the sentences under the table (the change explained, what the method leaves out)."""
    kpi, change = found.kpi, found.change
    title = text("cli.explain.title", speak, dimension=found.dimension)
    caption = [words(headline(found, top), speak)]
    if found.method is Method.MEMBERS:
        caption.append(words(Message("analysis.explain.members_note", kpi=kpi.title), speak))
    if change.reason is not None:
        caption.append(words(Message(change.reason.value), speak))
    if found.partial:
        caption.append(text("cli.explain.partial", speak))
    table = Table(title=title, title_justify="left")
    headers = ["member", "before", "after", "part"]
    if found.method is Method.RATIO:
        headers += ["rate", "mix"]
    for header in headers:
        table.add_column(text(f"cli.explain.column.{header}", speak), justify="left" if header == "member" else "right")

    def shown(value: float | None) -> str:
        return EMPTY if value is None else format_kpi_value(value, kpi, found.currency, language=speak)

    def moved(value: float) -> str:
        """A part of the change: in percentage points for a rate."""
        if kpi.unit.value == "percent":
            sign = "-" if value < 0 else ""  # Points are a distance: the sign is the part's direction
            return sign + value_text(Points(value, places=3), speak).replace(" ", "\u00a0")
        return shown(value)

    for part in change.contributions[:SHOWN]:
        member = text("analysis.explain.empty_member", speak) if part.member is None else part.member
        if part.presence.value != "both":
            member += " " + text(f"cli.explain.presence.{part.presence.value}", speak)
        row = [member, shown(part.before), shown(part.after), moved(part.total)]
        if found.method is Method.RATIO:
            row += [moved(part.rate), moved(part.mix + part.unshared)]
        table.add_row(*row)
    if len(change.contributions) > SHOWN:
        more = text("cli.explain.more", speak, count=len(change.contributions) - SHOWN)
        table.add_row(more, *([""] * (len(headers) - 1)))
    return table, caption
