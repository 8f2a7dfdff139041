"""`kpilot ingest`: load a CSV, Parquet or Excel file into a warehouse table, whole or not at all.

The key and date formats of the table come from the workspace's sources over it (and `--date-format`); what ingest
has to say without refusing the file (notices, returned as data) is put into words here and printed on stderr.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from kpilot.auth.actor import Actor
from kpilot.cli.app import LanguageOption, WorkspaceOption, app, err, language, out
from kpilot.errors import Severity, UserError
from kpilot.i18n import DEFAULT, Language, Message, Raw, render, text
from kpilot.services.ingest import ingest_local_file
from kpilot.warehouse.date_formats import date_formats
from kpilot.warehouse.ingest import IngestReport
from kpilot.warehouse.notices import (
    CompactDates,
    DateFormatUsed,
    DateOrderInferred,
    DatesKept,
    EncodingConverted,
    HeaderNamed,
    LoadedBefore,
    Notice,
    RollupNotKept,
    RowsAlreadyInTable,
    TimesConvertedToUtc,
    TwoDigitYears,
)
from kpilot.workspace import Workspace

_ORDERS = {"dmy": "cli.ingest.order_dmy", "mdy": "cli.ingest.order_mdy"}
WAIT_SECONDS = 30.0  # how long to wait, by default, for a warehouse file a running server holds


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
    wait: Annotated[
        float,
        typer.Option(
            "--wait", min=0, help="Seconds to wait for a warehouse file another process holds (kpilot serve)."
        ),
    ] = WAIT_SECONDS,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Load a file into the warehouse. A file that does not fit the table is rejected whole; nothing is written."""
    speak = language()
    given = date_formats(date_format or [])
    notice_word = text("cli.ingest.notice", speak)

    def waiting(error: UserError) -> None:
        line = text("cli.ingest.waiting", speak, seconds=float(wait), problem=error.message)
        err.print(f"{notice_word}: {line}", highlight=False, markup=False)

    with Workspace(workspace) as ws:
        unread = [issue for issue in ws.load_issues if issue.severity is Severity.ERROR]
        done = ingest_local_file(
            ws,
            Actor.operator(),
            file,
            table,
            now=datetime.now(UTC),
            replace=replace,
            again=again,
            date_formats=given,
            encoding=encoding,
            wait_seconds=wait,
            on_wait=waiting,
        )
    report, settings = done.report, done.settings
    for notice in report.notices:
        err.print(f"{notice_word}: {describe(notice, speak)}", highlight=False, markup=False)
    if unread and not settings.sources:
        line = text("cli.ingest.definitions_unread", speak, count=len(unread), table=table)
        err.print(f"{notice_word}: {line}", highlight=False, markup=False)
    out.print(summary(report, speak), highlight=False, markup=False)


def summary(report: IngestReport, speak: Language = DEFAULT) -> str:
    shape = {"table": report.table, "rows": report.rows, "columns": report.columns}
    if report.key and not report.created and not report.replaced:
        key = ", ".join(report.key)
        return text("cli.ingest.loaded_with_key", speak, **shape, replaced=report.replaced_rows, key=key)
    if report.created:
        return text("cli.ingest.created", speak, **shape)
    return text("cli.ingest.replaced" if report.replaced else "cli.ingest.appended", speak, **shape)


def describe(notice: Notice, speak: Language = DEFAULT) -> str:
    """A notice in words."""
    return render(notice_message(notice), speak)


def notice_message(notice: Notice) -> Message:
    """A notice as a message of the command line (docs/ingest.md lists the notices' codes)."""
    match notice:
        case EncodingConverted(encoding=encoding, example=None):
            return Message("cli.ingest.encoding_converted", encoding=encoding)
        case EncodingConverted(encoding=encoding, example=example, where=where):
            return Message("cli.ingest.encoding_guessed", encoding=encoding, where=where, example=_quoted(example))
        case HeaderNamed(position=position, name=name):
            return Message("cli.ingest.header_named", position=Raw(str(position)), name=name)
        case DateOrderInferred(column=column, order=order, example=example, where=where, ambiguous=ambiguous):
            return Message(
                "cli.ingest.date_order_inferred",
                column=column,
                order=Message(_ORDERS[order]) if order in _ORDERS else order,
                example=_quoted(example),
                where=where,
                count=ambiguous,
            )
        case DateFormatUsed(column=column, format=spelled):
            return Message("cli.ingest.date_format_used", column=column, format=_quoted(spelled))
        case TwoDigitYears(column=column, example=example, read_as=read_as):
            return Message("cli.ingest.two_digit_years", column=column, example=_quoted(example), read_as=read_as)
        case CompactDates(column=column, example=example):
            return Message("cli.ingest.compact_dates", column=column, example=_quoted(example))
        case TimesConvertedToUtc(column=column, example=example, read_as=read_as, without_offset=without):
            values = {"column": column, "example": _quoted(example), "read_as": read_as}
            if without:
                return Message("cli.ingest.times_converted_some_without", **values, count=without)
            return Message("cli.ingest.times_converted", **values)
        case DatesKept():
            return _dates_kept(notice)
        case LoadedBefore(table=table, loaded_at=loaded_at, file=file):
            return Message("cli.ingest.loaded_before", table=table, loaded_at=loaded_at, file=file)
        case RowsAlreadyInTable(table=table, count=count, rows=rows):
            return Message("cli.ingest.rows_already_in_table", table=table, count=count, rows=rows)
        case RollupNotKept(source=source, problem=problem):
            return Message("cli.ingest.rollup_not_kept", source=source, problem=problem)
    raise AssertionError(f"no words for notice {notice!r}")  # pragma: no cover - every notice has a case


def _quoted(value: str | None) -> Raw:
    """A value from the file as Python writes it ('25/02/2025'), so that spaces and odd characters show."""
    return Raw(repr(value))


def _dates_kept(notice: DatesKept) -> Message:
    column = notice.column
    examples = Raw(", ".join(f"{value!r} ({where})" for value, where in notice.examples))
    if notice.reason == "mixed_order":
        option = Raw(shlex.quote(f"{column}=dmy"))
        return Message("cli.ingest.dates_kept_mixed_order", column=column, examples=examples, option=option)
    if notice.reason == "compact_name":
        option = Raw(shlex.quote(f"{column}=%Y%m%d"))
        return Message("cli.ingest.dates_kept_compact_name", column=column, examples=examples, option=option)
    if notice.reason == "excel_serials":
        option = Raw(shlex.quote(f"{column}=excel"))
        return Message("cli.ingest.dates_kept_excel_serials", column=column, examples=examples, option=option)
    option = Raw(shlex.quote(f"{column}=FORMAT"))
    return Message(
        "cli.ingest.dates_kept_not_dates", column=column, examples=examples, option=option, count=notice.count
    )
