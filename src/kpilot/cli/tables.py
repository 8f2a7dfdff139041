"""`kpilot tables` and `kpilot describe TABLE`: what the warehouse holds, to write definitions against.

Names typed on the command line reach the warehouse only through its own listing and Ibis (`Warehouse.find_table`),
never as SQL text. Each command runs one query for the numbers: the row counts of every table together, or a table's
row count with the first and last value of each of its date and timestamp columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import typer
from rich.markup import escape
from rich.table import Table

from kpilot.cli.app import LanguageOption, WorkspaceOption, app, language, out
from kpilot.cli.formats import Format, TableCsvOrJson, TableOrJson
from kpilot.cli.output import csv_text, json_text, plain_value
from kpilot.definitions.model import Definitions
from kpilot.errors import QueryError
from kpilot.formula.check import suggestion
from kpilot.i18n import DEFAULT, Language, Message, text, value_text
from kpilot.i18n.numbers import fixed
from kpilot.semantic.rowscope import type_of_dtype
from kpilot.warehouse.connection import INTERNAL_PREFIX, Warehouse
from kpilot.workspace import Workspace

EMPTY = "–"


@dataclass(frozen=True)
class TableSummary:
    name: str
    rows: int
    columns: int


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    type: str  # the warehouse type as Ibis names it: int64, string, date, timestamp('UTC'), ...
    formula_type: str | None  # what formulas see it as (number, text, ...); None: formulas cannot use it
    first: Any  # the earliest value of a date or timestamp column (None for others, or when it is always empty)
    last: Any


@dataclass(frozen=True)
class SourceUse:
    """A source of the definitions that reads the table, and its time column."""

    name: str
    time: str | None


@dataclass(frozen=True)
class TableProfile:
    name: str
    rows: int
    columns: tuple[ColumnProfile, ...]
    sources: tuple[SourceUse, ...]

    def column(self, name: str | None) -> ColumnProfile | None:
        return next((column for column in self.columns if column.name == name), None)


# --- gathering ----------------------------------------------------------------------------------------------------


def visible_tables(warehouse: Warehouse) -> list[str]:
    return sorted(warehouse.list_tables())


def table_summaries(warehouse: Warehouse) -> list[TableSummary]:
    """Every table of the warehouse but kpilot's own, with its numbers of rows and columns."""
    tables = {}
    for name in visible_tables(warehouse):
        table = warehouse.find_table(name)
        if table is not None:  # dropped since the listing
            tables[name] = table
    if not tables:
        return []
    counts = [table.aggregate(name=ibis.literal(name), rows=table.count()) for name, table in tables.items()]
    found = warehouse.to_arrow(ibis.union(*counts) if len(counts) > 1 else counts[0]).to_pylist()
    rows = {row["name"]: int(row["rows"]) for row in found}
    return [TableSummary(name, rows[name], len(table.columns)) for name, table in tables.items()]


def table_profile(warehouse: Warehouse, name: str, definitions: Definitions) -> TableProfile:
    """A table's columns and types, its row count and the range of its dates; QueryError if there is no such table."""
    table = None if name.split(".")[-1].startswith(INTERNAL_PREFIX) else warehouse.find_table(name)
    if table is None:
        raise _unknown_table(name, visible_tables(warehouse))
    schema = table.schema()
    temporal = [column for column, dtype in schema.items() if dtype.is_date() or dtype.is_timestamp()]
    metrics = {"rows": table.count()}
    for index, column in enumerate(temporal):
        metrics[f"first_{index}"] = table[column].min()
        metrics[f"last_{index}"] = table[column].max()
    found = _values(warehouse.to_arrow(table.aggregate(**metrics)))
    ranges = {column: (found[f"first_{i}"], found[f"last_{i}"]) for i, column in enumerate(temporal)}
    columns = []
    for column, dtype in schema.items():
        kind = type_of_dtype(dtype)
        first, last = ranges.get(column, (None, None))
        columns.append(
            ColumnProfile(column, str(dtype.copy(nullable=True)), None if kind is None else kind.value, first, last)
        )
    sources = tuple(SourceUse(s.name, s.time) for s in definitions.sources if s.table == name)
    return TableProfile(name, int(found["rows"]), tuple(columns), sources)


def _values(result: pa.Table) -> dict[str, Any]:
    """The one row of an aggregate. A date the warehouse holds but Python cannot (after 9999-12-31) is given as the
    warehouse's text for it rather than failing."""
    values = {}
    for name in result.column_names:
        column = result.column(name)
        try:
            values[name] = column.to_pylist()[0]
        except (ValueError, OverflowError):
            values[name] = pc.cast(column, pa.string()).to_pylist()[0]
    return values


def _unknown_table(name: str, known: list[str]) -> QueryError:
    if not known:
        hint = Message("cli.tables.no_tables_hint")
    else:
        listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
        hint = suggestion(name, known) or Message("cli.tables.known_tables", tables=listed)
    return QueryError(
        Message("cli.tables.unknown_table", table=name), hint=hint, field="table", suggestions=tuple(known)
    )


# --- the commands ---------------------------------------------------------------------------------------------------


@app.command()
def tables(
    output: TableCsvOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """List the warehouse's tables, with their numbers of rows and columns."""
    speak = language()
    with Workspace(workspace) as ws:
        summaries = table_summaries(ws.warehouse)
    if output is Format.JSON:
        out.file.write(json_text([{"table": s.name, "rows": s.rows, "columns": s.columns} for s in summaries]) + "\n")
    elif output is Format.CSV:
        # CSV headers are field names, like JSON keys: the same in every language.
        out.file.write(csv_text(["table", "rows", "columns"], [(s.name, s.rows, s.columns) for s in summaries]))
    elif not summaries:
        out.print(text("cli.tables.no_tables", speak), markup=False)
    else:
        view = Table(header_style="bold")
        view.add_column(text("cli.tables.table", speak))
        view.add_column(text("cli.tables.rows", speak), justify="right")
        view.add_column(text("cli.tables.columns", speak), justify="right")
        for summary in summaries:
            view.add_row(escape(summary.name), fixed(summary.rows, 0, speak), fixed(summary.columns, 0, speak))
        out.print(view)


@app.command()
def describe(
    table: Annotated[str, typer.Argument(help="A warehouse table (SCHEMA.TABLE for another schema).")],
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Show a table's columns and types, its number of rows, and the range of its dates."""
    speak = language()
    with Workspace(workspace) as ws:
        profile = table_profile(ws.warehouse, table, ws.definitions)
    if output is Format.JSON:
        out.file.write(json_text(profile_json(profile)) + "\n")
        return
    _print_profile(profile, speak)


def profile_json(profile: TableProfile) -> dict[str, Any]:
    def time_range(column: str | None) -> dict[str, Any]:
        found = profile.column(column)
        return {"first": found.first if found else None, "last": found.last if found else None}

    return {
        "table": profile.name,
        "rows": profile.rows,
        "columns": [
            {"name": c.name, "type": c.type, "formula_type": c.formula_type, "first": c.first, "last": c.last}
            for c in profile.columns
        ],
        "sources": [{"name": s.name, "time": s.time, **time_range(s.time)} for s in profile.sources],
    }


PROFILE_COLUMNS = (
    "cli.tables.column",
    "cli.tables.type",
    "cli.tables.in_formulas",
    "cli.tables.first",
    "cli.tables.last",
)


def _shown(value: Any, speak: Language) -> str:
    return EMPTY if plain_value(value) is None else escape(_plain(value, speak))


def _print_profile(profile: TableProfile, speak: Language) -> None:
    heading = text("cli.tables.profile", speak, table=profile.name, rows=profile.rows, columns=len(profile.columns))
    out.print(heading, markup=False, highlight=False)
    view = Table(header_style="bold")
    for code in (
        "cli.tables.column",
        "cli.tables.type",
        "cli.tables.in_formulas",
        "cli.tables.first",
        "cli.tables.last",
    ):
        view.add_column(text(code, speak))
    for column in profile.columns:
        temporal = column.formula_type in ("date", "timestamp")
        view.add_row(
            escape(column.name),
            escape(column.type),
            escape(column.formula_type or text("cli.tables.not_usable", speak)),
            _shown(column.first, speak) if temporal else "",
            _shown(column.last, speak) if temporal else "",
        )
    out.print(view)
    for source in profile.sources:
        time = profile.column(source.time)
        if source.time is None:
            line = text("cli.tables.source_without_time", speak, source=source.name)
        elif time is None:
            line = text("cli.tables.source_time_missing", speak, source=source.name, time=source.time)
        elif time.first is None:
            line = text("cli.tables.source_no_dates", speak, source=source.name, time=source.time)
        else:
            first, last = _plain(time.first, speak), _plain(time.last, speak)
            line = text("cli.tables.source_dates", speak, source=source.name, time=source.time, first=first, last=last)
        out.print(line, markup=False, highlight=False)


def _plain(value: Any, speak: Language) -> str:
    """A first or last value: ISO text in English, as it always was; the language's date pattern otherwise (a date
    after 9999-12-31 comes as the warehouse's text, shown as it is)."""
    if speak is not DEFAULT and isinstance(value, date):
        return value_text(value, speak)
    return str(plain_value(value))
