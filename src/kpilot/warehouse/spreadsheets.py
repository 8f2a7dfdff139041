"""Read Excel workbooks (.xlsx) and Parquet files into a `ParsedFile`.

Excel cells of one kind keep their Excel type (numbers, booleans, dates); text or mixed columns go through the same
inference as delimited text. Formula cells are read as the value Excel saved with them; a formula without one (the
workbook was written by a program that does not compute formulas) is refused rather than loaded as empty. Parquet
columns keep their types, adjusted to what a warehouse table can hold (nested columns are refused).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpilot.errors import DataError, Location
from kpilot.i18n import Message, Raw
from kpilot.warehouse.conversion import NULL_STRING, Conversion
from kpilot.warehouse.date_formats import NO_FORMATS, DateFormat, DateFormats, parse_excel_serials
from kpilot.warehouse.inference import (
    ColumnReading,
    Inferred,
    NumberStyle,
    by_default_pattern,
    convert_with_format,
    format_misfit,
    infer_column,
    number_column,
)
from kpilot.warehouse.notices import DateFormatUsed
from kpilot.warehouse.parsed import ParsedFile, clean_text, name_columns, typed_columns
from kpilot.warehouse.phrases import quoted
from kpilot.warehouse.places import RowPlaces

# What openpyxl raises for a file that is not a readable workbook: not a zip, a zip cut short, parts missing or
# malformed XML, values it cannot read. Its own InvalidFileException derives from Exception directly, so it is
# looked up when openpyxl is imported (below).
BROKEN_WORKBOOK: tuple[type[Exception], ...] = (zipfile.BadZipFile, EOFError, KeyError, ValueError, OSError, ParseError)

_STRING = pa.string()
_EPOCH_1904_YEAR = 1904
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, <f t="shared" .../>, <x:f>; not <filterMode>
_CHUNK_BYTES = 1 << 20
_TAG_OVERLAP = 16
_SHOWN_CELLS = 10


# --------------------------------------------------------------------------------------------------------------
# Excel


def read_xlsx(path: Path, source: str, sheet: str | None, formats: DateFormats = NO_FORMATS) -> ParsedFile:
    import openpyxl  # imported here: only Excel users pay for it

    book = _open_book(openpyxl, path, source, data_only=True)
    try:
        worksheet = _pick_sheet(book, sheet, source)
        title = str(worksheet.title)
        member = str(getattr(worksheet, "_worksheet_path", "")).lstrip("/")  # to look for formulas cheaply
        cells = list(worksheet.iter_rows(min_row=1, values_only=True))
        epoch_1904 = book.epoch.year == _EPOCH_1904_YEAR
    finally:
        book.close()
    if _has_formulas(path, member):
        _check_formula_values(openpyxl, path, source, title, cells)
    return _type_sheet(list(_sheet_rows(cells)), source, formats, title, epoch_1904)


def _open_book(openpyxl: Any, path: Path, source: str, *, data_only: bool) -> Any:
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (*BROKEN_WORKBOOK, InvalidFileException) as exc:
        raise DataError(
            Message("warehouse.workbook_unreadable", kind=type(exc).__name__, problem=Raw(str(exc))),
            location=Location(file=source),
        ) from exc


def _has_formulas(path: Path, member: str) -> bool:
    """Whether the sheet's XML holds a formula element (all sheets', if the sheet's part is not known)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            parts = [member] if member in names else [name for name in names if name.startswith("xl/worksheets/")]
            return any(_part_has_formula(archive, part) for part in parts)
    except (OSError, zipfile.BadZipFile):
        return True  # openpyxl read it; let the second reading decide


def _part_has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with archive.open(part) as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-_TAG_OVERLAP:]
    return False


def _check_formula_values(openpyxl: Any, path: Path, source: str, title: str, cells: list[tuple[Any, ...]]) -> None:
    """Refuse formula cells that have no saved value: openpyxl reads them as empty, which would load as NULL.

    A workbook written by a program that does not compute formulas (openpyxl, many export scripts) stores the
    formulas only; Excel and LibreOffice store each formula's last value next to it when they save."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    book = _open_book(openpyxl, path, source, data_only=False)
    missing: list[str] = []
    try:
        formulas = book[title].iter_rows(min_row=1, values_only=True)
        for number, (values, written) in enumerate(zip(cells, formulas, strict=False), start=1):
            for column, (value, formula) in enumerate(zip(values, written, strict=False), start=1):
                is_formula = isinstance(formula, ArrayFormula | DataTableFormula) or (
                    isinstance(formula, str) and formula.startswith("=")
                )
                if value is None and is_formula:
                    missing.append(f"{get_column_letter(column)}{number}")
    finally:
        book.close()
    if missing:
        first = tuple(missing[:_SHOWN_CELLS])
        more = len(missing) - len(first)
        shown = Message("warehouse.and_more", items=first, count=more) if more else first
        raise DataError(
            Message("warehouse.formulas_without_values", sheet=title, count=len(missing), cells=shown),
            location=Location(file=source),
            hint=Message("warehouse.formulas_without_values_hint"),
        )


def _pick_sheet(book: Any, sheet: str | None, source: str) -> Any:
    names: list[str] = list(book.sheetnames)
    if sheet is None:
        if not names:
            raise DataError(Message("warehouse.workbook_no_sheets"), location=Location(file=source))
        return book[names[0]]
    if sheet not in names:
        raise DataError(
            Message("warehouse.sheet_missing", sheet=sheet),
            location=Location(file=source),
            hint=Message("warehouse.sheet_missing_hint", sheets=quoted(names)),
            suggestions=tuple(names),
        )
    return book[sheet]


def _sheet_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, list[Any]]]:
    """Non-blank rows with their sheet row numbers; text cells trimmed, blank text -> None."""
    for number, row in enumerate(rows, start=1):
        cells = [(value.strip() or None) if isinstance(value, str) else value for value in row]
        if any(value is not None for value in cells):
            yield number, cells


def _type_sheet(
    rows: list[tuple[int, list[Any]]], source: str, formats: DateFormats, title: str, epoch_1904: bool
) -> ParsedFile:
    if not rows:
        raise DataError(
            Message("warehouse.sheet_empty"), location=Location(file=source), hint=Message("warehouse.sheet_empty_hint")
        )
    header_line, header_cells = rows[0]
    while header_cells and header_cells[-1] is None:
        header_cells = header_cells[:-1]
    width = len(header_cells)
    data = [(number, _sheet_width(cells, width, source, number)) for number, cells in rows[1:]]
    style = NumberStyle(comma_decimal=True, prefer_comma=False)
    headings: list[tuple[int, str]] = []
    texts: dict[int, pa.Array] = {}
    for index, heading in enumerate(header_cells):
        name = "" if heading is None else cell_text(heading)
        text = clean_text(pa.array([_text_or_none(row[index]) for _, row in data], _STRING))
        if not name and text.null_count == len(text):
            continue  # an unnamed, empty column between named ones
        headings.append((index, name))
        texts[index] = text
    named, header_notices = name_columns(headings, source, header_line)
    places = RowPlaces(source=source, positions=[number for number, _ in data], kind="row", header_line=header_line)
    inferred = {
        name: _type_cells(
            [row[index] for _, row in data], texts[index], style, ColumnReading(name, places, formats, epoch_1904)
        )
        for index, name in named
    }
    table, notices, ambiguous = typed_columns(inferred)
    return ParsedFile(
        places=places,
        table=table,
        text={name: texts[index] for index, name in named},
        number_style=style,
        formats=formats,
        notices=(*header_notices, *notices),
        ambiguous=ambiguous,
        sheet=title,
        epoch_1904=epoch_1904,
    )


def _sheet_width(cells: list[Any], width: int, source: str, row: int) -> list[Any]:
    extra = [index for index in range(width, len(cells)) if cells[index] is not None]
    if extra:
        raise DataError(
            Message("warehouse.value_outside_header", row=str(row), column=extra[0] + 1),
            location=Location(file=source, line=row),
            hint=Message("warehouse.value_outside_header_hint"),
        )
    return (cells + [None] * width)[:width]


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a user would type for it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _text_or_none(value: object) -> str | None:
    return None if value is None else cell_text(value)


def _type_cells(values: list[Any], text: pa.Array, style: NumberStyle, reading: ColumnReading) -> Inferred:
    """Cells of one kind keep their Excel type; text or mixed cells go through text inference. A column the user
    gave a format for is read with it (`excel`: numbers are serial days)."""
    explicit = reading.formats.for_column(reading.name)
    if explicit is not None:
        read = _with_format(values, text, style, reading, explicit)
        return Inferred(read, (DateFormatUsed(reading.name, explicit.spelled),))
    kinds = {_cell_kind(value) for value in values if value is not None}
    if kinds == {"bool"}:
        return Inferred(pa.array(values, pa.bool_()))
    if kinds and kinds <= {"int", "float"}:
        with_default = by_default_pattern(text, reading)
        if with_default is not None:
            return with_default
        numbers = pa.array(values, pa.int64() if kinds == {"int"} else pa.float64())
        return number_column(text, numbers, reading)
    if kinds == {"datetime"}:
        return Inferred(_datetimes(values))
    return infer_column(text, style, reading)


def _datetimes(values: list[Any]) -> pa.Array:
    """Date cells as date32 if every one is at midnight, else as timestamps."""
    stamps = [value if isinstance(value, dt.datetime) or value is None else _midnight(value) for value in values]
    if all(value is None or value.time() == dt.time() for value in stamps):
        return pa.array([None if value is None else value.date() for value in stamps], pa.date32())
    return pa.array(stamps, pa.timestamp("us"))


def _with_format(
    values: list[Any], text: pa.Array, style: NumberStyle, reading: ColumnReading, fmt: DateFormat
) -> pa.Array:
    """A column the user gave a format for: cells Excel already holds as dates stay as they are, the others are read
    with the format (`excel`: numbers are serial days), and a cell that does not read with it is refused."""
    kinds = [None if value is None else _cell_kind(value) for value in values]
    is_date = pa.array([kind == "datetime" for kind in kinds], pa.bool_())
    if fmt.excel:
        numbers = pa.array([float(v) if k in ("int", "float") else None for v, k in zip(values, kinds, strict=True)])
        serials = parse_excel_serials(numbers, epoch_1904=reading.epoch_1904)
        other = pa.array([k not in (None, "int", "float", "datetime") for k in kinds], pa.bool_())
        converted = Conversion(serials.values, pc.or_(serials.bad, other))
    else:
        converted = convert_with_format(pc.if_else(is_date, NULL_STRING, text), style, reading, fmt)
    if not converted.ok:
        raise format_misfit(text, converted, reading, fmt)
    read = converted.values.to_pylist()
    return _datetimes(
        [value if kind == "datetime" else read[i] for i, (value, kind) in enumerate(zip(values, kinds, strict=True))]
    )


def _cell_kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if -(2**63) <= value < 2**63 else "other"
    if isinstance(value, float):
        return "float"
    if isinstance(value, dt.date):  # datetime is a date too
        return "datetime"
    return "other"


def _midnight(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, dt.time())


# --------------------------------------------------------------------------------------------------------------
# Parquet


def read_parquet(path: Path, source: str) -> ParsedFile:
    """The whole file, in memory (a large one is loaded batch by batch instead: `streaming`)."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise parquet_unreadable(exc, source) from exc
    named, notices = name_columns(enumerate(table.column_names), source, None)
    columns = {name: flat_column(table.column(index), name, source) for index, name in named}
    return ParsedFile(
        places=RowPlaces(source=source, positions=range(1, table.num_rows + 1), kind="row", has_lines=False),
        table=pa.table(columns) if columns else table,
        notices=tuple(notices),
    )


def parquet_unreadable(exc: BaseException, source: str) -> DataError:
    return DataError(Message("warehouse.parquet_unreadable", problem=Raw(str(exc))), location=Location(file=source))


def flat_column(column: pa.ChunkedArray, name: str, source: str) -> pa.Array:
    """Parquet types as a warehouse table can hold them (of a whole file, or of one batch of its rows)."""
    array = column.combine_chunks()
    kind = array.type
    if pa.types.is_dictionary(kind):
        array, kind = array.cast(kind.value_type), kind.value_type
    if pa.types.is_null(kind):
        return array.cast(_STRING)  # neither DuckDB nor PostgreSQL has a column type for "always NULL"
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return array.cast(pa.timestamp(kind.unit))  # to UTC wall time, the same rule as for text files
    if pa.types.is_nested(kind):
        raise DataError(Message("warehouse.column_nested", column=name, type=str(kind)), location=Location(file=source))
    return array
