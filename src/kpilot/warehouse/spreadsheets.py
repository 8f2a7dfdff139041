"""Read Excel workbooks (.xlsx) and Parquet files into a `ParsedFile`.

Excel cells of one kind keep their Excel type (numbers, booleans, dates); text or mixed columns go through the same
inference as delimited text. Parquet columns keep their types, adjusted to what a warehouse table can hold
(nested columns are refused).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from kpilot.errors import DataError, Location
from kpilot.warehouse.inference import NumberStyle, infer_column
from kpilot.warehouse.parsed import ParsedFile, check_names, clean_text

_STRING = pa.string()


# --------------------------------------------------------------------------------------------------------------
# Excel


def read_xlsx(path: Path, source: str, sheet: str | None) -> ParsedFile:
    import openpyxl  # imported here: only Excel users pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML and its own errors for broken files
        raise DataError(
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", location=Location(file=source)
        ) from exc
    try:
        worksheet = _pick_sheet(book, sheet, source)
        rows = list(_sheet_rows(worksheet.iter_rows(min_row=1, values_only=True)))
    finally:
        book.close()
    return _type_sheet(rows, source)


def _pick_sheet(book: Any, sheet: str | None, source: str) -> Any:
    names: list[str] = list(book.sheetnames)
    if sheet is None:
        if not names:
            raise DataError("the workbook has no sheets", location=Location(file=source))
        return book[names[0]]
    if sheet not in names:
        raise DataError(
            f"no sheet named '{sheet}'",
            location=Location(file=source),
            hint="sheets: " + ", ".join(f"'{name}'" for name in names),
        )
    return book[sheet]


def _sheet_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, list[Any]]]:
    """Non-blank rows with their sheet row numbers; text cells trimmed, blank text -> None."""
    for number, row in enumerate(rows, start=1):
        cells = [(value.strip() or None) if isinstance(value, str) else value for value in row]
        if any(value is not None for value in cells):
            yield number, cells


def _type_sheet(rows: list[tuple[int, list[Any]]], source: str) -> ParsedFile:
    if not rows:
        raise DataError("the sheet is empty", location=Location(file=source), hint="the first row must be a header")
    header_line, header_cells = rows[0]
    while header_cells and header_cells[-1] is None:
        header_cells = header_cells[:-1]
    width = len(header_cells)
    data = [(number, _sheet_width(cells, width, source, number)) for number, cells in rows[1:]]
    style = NumberStyle(comma_decimal=True, prefer_comma=False)
    named: list[tuple[int, str]] = []
    texts: dict[str, pa.Array] = {}
    for index, heading in enumerate(header_cells):
        name = "" if heading is None else cell_text(heading)
        text = clean_text(pa.array([_text_or_none(row[index]) for _, row in data], _STRING))
        if not name and text.null_count == len(text):
            continue  # an unnamed, empty column between named ones
        named.append((index, name))
        texts[name] = text
    check_names(named, source, header_line)
    arrays = [_type_cells([row[index] for _, row in data], texts[name], style) for index, name in named]
    return ParsedFile(
        source=source,
        table=pa.table(arrays, names=[name for _, name in named]),
        positions=[number for number, _ in data],
        position_kind="row",
        header_line=header_line,
        text=texts,
        number_style=style,
    )


def _sheet_width(cells: list[Any], width: int, source: str, row: int) -> list[Any]:
    extra = [index for index in range(width, len(cells)) if cells[index] is not None]
    if extra:
        raise DataError(
            f"row {row} has a value in column {extra[0] + 1}, which has no name in the header",
            location=Location(file=source, line=row),
            hint="give every column a name in the header row",
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


def _type_cells(values: list[Any], text: pa.Array, style: NumberStyle) -> pa.Array:
    """Cells of one kind keep their Excel type; text or mixed cells go through text inference."""
    kinds = {_cell_kind(value) for value in values if value is not None}
    if kinds == {"bool"}:
        return pa.array(values, pa.bool_())
    if kinds == {"int"}:
        return pa.array(values, pa.int64())
    if kinds and kinds <= {"int", "float"}:
        return pa.array(values, pa.float64())
    if kinds == {"datetime"}:
        stamps = [value if isinstance(value, dt.datetime) or value is None else _midnight(value) for value in values]
        if all(value is None or value.time() == dt.time() for value in stamps):
            return pa.array([None if value is None else value.date() for value in stamps], pa.date32())
        return pa.array(stamps, pa.timestamp("us"))
    return infer_column(text, style)


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
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"not a readable Parquet file ({exc})", location=Location(file=source)) from exc
    check_names(enumerate(table.column_names), source, None)
    columns = {name: _flat_column(table.column(name), name, source) for name in table.column_names}
    return ParsedFile(
        source=source,
        table=pa.table(columns) if columns else table,
        positions=range(1, table.num_rows + 1),
        position_kind="row",
        header_line=None,
        has_lines=False,
    )


def _flat_column(column: pa.ChunkedArray, name: str, source: str) -> pa.Array:
    """Parquet types as a warehouse table can hold them."""
    array = column.combine_chunks()
    kind = array.type
    if pa.types.is_dictionary(kind):
        array, kind = array.cast(kind.value_type), kind.value_type
    if pa.types.is_null(kind):
        return array.cast(_STRING)  # neither DuckDB nor PostgreSQL has a column type for "always NULL"
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return array.cast(pa.timestamp(kind.unit))  # to UTC wall time, the same rule as for text files
    if pa.types.is_nested(kind):
        raise DataError(
            f"column '{name}' has the nested type {kind}; only flat columns can be loaded",
            location=Location(file=source),
        )
    return array
