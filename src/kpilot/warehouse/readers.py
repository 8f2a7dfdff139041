"""Read CSV, Parquet and Excel files into typed Arrow tables.

Text cells are read as text first; each column's type is then inferred from *all* of its values, so a column is
numeric only if every value in it is a number (see docs/ingest.md for every rule). The value parsers are
vectorised with Arrow compute: a Python loop runs only over the few values that fail, to find them.

Every problem with the input becomes a `DataError` naming the file, the line (as an editor shows it, header
included) and the column; no csv, openpyxl or Arrow exception escapes for bad input.

The work is split by format: `delimited` (CSV/TSV, with `text_encoding`), `spreadsheets` (Excel and Parquet),
`inference` (column types and value parsing, with `dates` and the user's `date_formats`) and `parsed`
(`ParsedFile`, what every reader returns). This module picks the reader.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from kpilot.errors import DataError, Location
from kpilot.i18n import Message, Raw
from kpilot.warehouse.date_formats import NO_FORMATS, DateFormats
from kpilot.warehouse.delimited import read_text
from kpilot.warehouse.parsed import ParsedFile
from kpilot.warehouse.spreadsheets import read_parquet, read_xlsx

__all__ = [
    "STREAM_BYTES",
    "SUPPORTED_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "ParsedFile",
    "read_file",
    "read_table_file",
    "streams",
]

TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
SUPPORTED_EXTENSIONS = (*TEXT_EXTENSIONS, ".parquet", ".xlsx")
# A Parquet file this large or larger is loaded batch by batch (`streaming`), not read whole. Compressed Parquet
# grows five to ten times in memory: this keeps a whole-file read (one statement, faster for small files) under
# about half a gigabyte. Text and Excel files are always read whole (docs/ingest.md#large-files).
STREAM_BYTES = 64 * 1024**2


def streams(path: Path) -> bool:
    """Whether `ingest.ingest_file` loads `path` batch by batch: a Parquet file of at least STREAM_BYTES."""
    if path.suffix.lower() != ".parquet":
        return False
    try:
        return path.is_file() and path.stat().st_size >= STREAM_BYTES
    except OSError:  # not readable: `read_file` says why
        return False


def read_table_file(path: Path, *, date_formats: DateFormats = NO_FORMATS, encoding: str | None = None) -> pa.Table:
    """Read a .csv/.tsv/.txt, .parquet or .xlsx file (`book.xlsx#Sheet` picks a sheet) into a typed table.

    A column of dates whose day/month order no value shows is refused (AmbiguousDates) unless `date_formats` says it.
    """
    parsed = read_file(path, date_formats=date_formats, encoding=encoding)
    parsed.check_dates()
    return parsed.table


def read_file(path: Path, *, date_formats: DateFormats = NO_FORMATS, encoding: str | None = None) -> ParsedFile:
    """Like `read_table_file`, keeping the line numbers, cell text and notices for later; a column of ambiguous
    dates is kept as text and listed in `ambiguous`, for the caller to refuse if it must be dates."""
    path, sheet = _split_sheet(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise DataError(
            Message("warehouse.file_type_unsupported", kind=path.suffix or path.name),
            location=Location(file=source),
            hint=Message("warehouse.file_type_unsupported_hint", supported=SUPPORTED_EXTENSIONS),
        )
    _check_readable(path, source)
    if encoding is not None and suffix not in TEXT_EXTENSIONS:
        raise DataError(
            Message("warehouse.encoding_text_only", extensions=TEXT_EXTENSIONS, kind=suffix),
            location=Location(file=source),
            hint=Message("warehouse.encoding_text_only_hint"),
            field="encoding",
        )
    if suffix == ".parquet":
        return read_parquet(path, source)
    if suffix == ".xlsx":
        return read_xlsx(path, source, sheet, date_formats)
    return read_text(path, source, "\t" if suffix == ".tsv" else None, date_formats, encoding)


def _split_sheet(path: Path) -> tuple[Path, str | None]:
    """`book.xlsx#Q1` names sheet Q1, unless a file of that very name exists."""
    name = path.name
    if "#" not in name or path.exists():
        return path, None
    base, _, sheet = name.partition("#")
    if not base.lower().endswith(".xlsx") or not sheet:
        return path, None
    return path.with_name(base), sheet


def _check_readable(path: Path, source: str) -> None:
    if not path.exists():
        raise DataError(Message("warehouse.file_not_found"), location=Location(file=source))
    if not path.is_file():
        raise DataError(Message("warehouse.not_a_file"), location=Location(file=source))
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise DataError(
            Message("warehouse.file_read_failed", problem=Raw(exc.strerror or str(exc))), location=Location(file=source)
        ) from exc
