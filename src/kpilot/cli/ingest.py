"""`kpilot ingest`: load a CSV, Parquet or Excel file into a warehouse table, whole or not at all.

The key and date formats of the table come from the workspace's sources over it (and `--date-format`); what ingest
has to say without refusing the file (notices, returned as data) is put into words here and printed on stderr.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from kpilot.cli.app import WorkspaceOption, app, err, out
from kpilot.errors import Severity
from kpilot.warehouse.date_formats import date_formats
from kpilot.warehouse.ingest import IngestReport, ingest_file
from kpilot.warehouse.ingest_settings import table_settings
from kpilot.warehouse.notices import (
    CompactDates,
    DateFormatUsed,
    DateOrderInferred,
    DatesKept,
    EncodingConverted,
    HeaderNamed,
    LoadedBefore,
    Notice,
    RowsAlreadyInTable,
    TimesConvertedToUtc,
    TwoDigitYears,
)
from kpilot.workspace import Workspace

_ORDERS = {"dmy": "day/month/year", "mdy": "month/day/year"}


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="A .csv, .tsv, .parquet or .xlsx file.")],
    table: Annotated[str, typer.Option("--table", "-t", help="The warehouse table to load into.")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace the table's rows instead of appending.")] = False,
    again: Annotated[
        bool, typer.Option("--again", help="Append even if this file's content or all its rows are already there.")
    ] = False,
    date_format: Annotated[
        list[str] | None,
        typer.Option(
            "--date-format",
            help="How dates are written: a strftime pattern ('%d/%m/%Y'), dmy or mdy, or COLUMN=FORMAT "
            "(COLUMN=excel for Excel serial numbers). Repeatable.",
        ),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="The text file's encoding (utf-8, utf-16, cp1252...).")
    ] = None,
    workspace: WorkspaceOption = ".",
) -> None:
    """Load a file into the warehouse. A file that does not fit the table is rejected whole; nothing is written."""
    given = date_formats(date_format or [])
    with Workspace(workspace) as ws:
        settings = table_settings(ws.definitions.sources, table)
        unread = [issue for issue in ws.load_issues if issue.severity is Severity.ERROR]
        with ws.warehouse.writable() as con:
            report = ingest_file(
                con,
                file,
                table,
                replace=replace,
                again=again,
                key=settings.key,
                date_formats=given.over(settings.date_formats),
                encoding=encoding,
                declared_by=settings.declared_by,
            )
    for notice in report.notices:
        err.print("notice: " + describe(notice), highlight=False, markup=False)
    if unread and not settings.sources:
        err.print(
            f"notice: the definitions have {len(unread)} problem(s) (kpilot validate lists them), and no source over "
            f"table '{table}' could be read: a key: or date_format: declared there was not used",
            highlight=False,
            markup=False,
        )
    out.print(summary(report), highlight=False, markup=False)


def summary(report: IngestReport) -> str:
    shape = f"({report.columns} columns)"
    if report.key and not report.created and not report.replaced:
        key = ", ".join(report.key)
        return (
            f"{report.rows:,} rows loaded into table '{report.table}' {shape}: they replaced "
            f"{report.replaced_rows:,} row(s) with the same key ({key})"
        )
    action = "created" if report.created else "replaced" if report.replaced else "appended to"
    return f"{report.rows:,} rows {action} table '{report.table}' {shape}"


def describe(notice: Notice) -> str:
    """A notice in words."""
    match notice:
        case EncodingConverted(encoding=encoding, example=None):
            return f"the file is {encoding} text: converted to UTF-8"
        case EncodingConverted(encoding=encoding, example=example, where=where):
            return (
                f"the file is not UTF-8: read it as {encoding}, so that {where} reads {example!r}; if that is wrong, "
                "give the file's encoding with --encoding"
            )
        case HeaderNamed(position=position, name=name):
            return f"column {position} has no name in the header: it is named '{name}'"
        case DateOrderInferred(column=column, order=order, example=example, where=where, ambiguous=ambiguous):
            return (
                f"column '{column}': dates read as {_ORDERS.get(order, order)}, as {example!r} ({where}) shows; "
                f"{ambiguous:,} value(s) would read differently the other way round"
            )
        case DateFormatUsed(column=column, format=spelled):
            return f"column '{column}': dates read with the format {spelled!r}"
        case TwoDigitYears(column=column, example=example, read_as=read_as):
            return f"column '{column}': two-digit years: {example!r} is {read_as} (00-68 are 20xx, 69-99 are 19xx)"
        case CompactDates(column=column, example=example):
            return f"column '{column}': eight-digit numbers read as yyyymmdd dates ({example!r})"
        case TimesConvertedToUtc(column=column, example=example, read_as=read_as, without_offset=without):
            text = f"column '{column}': times with an offset converted to UTC ({example!r} is stored as {read_as})"
            return text + (f"; {without:,} value(s) without an offset were stored as written" if without else "")
        case DatesKept():
            return _dates_kept(notice)
        case LoadedBefore(table=table, loaded_at=loaded_at, file=file):
            return f"this file's content was loaded into table '{table}' before, on {loaded_at} (from {file})"
        case RowsAlreadyInTable(table=table, count=count, rows=rows):
            return (
                f"{count:,} of the file's {rows:,} rows are identical to rows already in table '{table}'; they were "
                "appended all the same (if they are the same records, declare a key: on the table's source)"
            )
    raise AssertionError(f"no words for notice {notice!r}")  # pragma: no cover - every notice has a case


def _dates_kept(notice: DatesKept) -> str:
    column, examples = notice.column, ", ".join(f"{value!r} ({where})" for value, where in notice.examples)
    if notice.reason == "mixed_order":
        return (
            f"column '{column}' looks like dates but is kept as text: some are day first and some month first "
            f"({examples}); to read them one way and have the others reported: --date-format "
            + shlex.quote(f"{column}=dmy")
            + " (or mdy)"
        )
    if notice.reason == "compact_name":
        return (
            f"column '{column}' holds eight-digit numbers that are all yyyymmdd dates ({examples}), kept as numbers "
            "because its name does not say it holds dates; to read them as dates: --date-format "
            + shlex.quote(f"{column}=%Y%m%d")
        )
    if notice.reason == "excel_serials":
        return (
            f"column '{column}' holds numbers that could be Excel serial dates ({examples}), kept as numbers; if "
            "they are dates: --date-format " + shlex.quote(f"{column}=excel")
        )
    return (
        f"column '{column}' looks like dates but is kept as text: {notice.count:,} value(s) are not dates "
        f"({examples}); fix them, or give the format (--date-format "
        + shlex.quote(f"{column}=FORMAT")
        + ") to have each of them reported"
    )
