"""Rows pushed over the network (the REST API's `POST /api/v1/sources/{source}/rows`), read into the `ParsedFile`
every reader returns, so that `ingest.ingest_parsed` checks and loads them exactly as it does a file.

CSV and Parquet bodies go through the file readers themselves (from a temporary file, named `source` in messages).
A JSON body is a list of objects (or `{"rows": [...]}`): each value becomes the text of a cell, as a CSV would hold
it, and every column is typed from all of its values by the same rules as a CSV file's; problems name the row (1
for the first object of the list).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow as pa

from kpilot.errors import DataError, Location
from kpilot.i18n import Message, Raw
from kpilot.warehouse.date_formats import NO_FORMATS, DateFormats
from kpilot.warehouse.delimited import read_text
from kpilot.warehouse.inference import ColumnReading, NumberStyle, infer_column
from kpilot.warehouse.parsed import ParsedFile, clean_text, name_columns, typed_columns
from kpilot.warehouse.places import RowPlaces
from kpilot.warehouse.spreadsheets import read_parquet

__all__ = ["BodyFormat", "read_upload"]

_STRING = pa.string()
_NOTHING_WRITTEN = Message("warehouse.nothing_written")


class BodyFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    PARQUET = "parquet"


def read_upload(data: bytes, kind: BodyFormat, source: str, *, date_formats: DateFormats = NO_FORMATS) -> ParsedFile:
    """The rows of a pushed body; `source` is how messages name it (`request`)."""
    if kind is BodyFormat.JSON:
        return read_records(_rows_of(data, source), source, date_formats)
    suffix = ".csv" if kind is BodyFormat.CSV else ".parquet"
    with tempfile.TemporaryDirectory(prefix="kpilot-upload-") as folder:
        path = Path(folder) / f"body{suffix}"
        path.write_bytes(data)
        if kind is BodyFormat.CSV:
            return read_text(path, source, None, date_formats)
        return read_parquet(path, source)


def read_records(rows: Sequence[Mapping[str, Any]], source: str, formats: DateFormats = NO_FORMATS) -> ParsedFile:
    """JSON objects as a typed table: the columns are the keys, in the order they first appear; a key an object
    leaves out, and `null`, are empty cells."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    cells: dict[str, list[str | None]] = {name: [] for name in names}
    for position, row in enumerate(rows, start=1):
        for name in names:
            cells[name].append(_cell(row.get(name), name, position, source))
    places = RowPlaces(source=source, positions=range(1, len(rows) + 1), kind="row", has_lines=False)
    given = list(names)
    named, header_notices = name_columns(enumerate(given), source, None)
    texts = {name: clean_text(pa.array(cells[given[index]], _STRING)) for index, name in named}
    style = NumberStyle(comma_decimal=False, prefer_comma=False)  # JSON numbers have a decimal point
    inferred = {name: infer_column(text, style, ColumnReading(name, places, formats)) for name, text in texts.items()}
    table, notices, ambiguous = typed_columns(inferred)
    return ParsedFile(
        places=places,
        table=table,
        text=texts,
        number_style=style,
        formats=formats,
        notices=(*header_notices, *notices),
        ambiguous=ambiguous,
    )


def _rows_of(data: bytes, source: str) -> list[Mapping[str, Any]]:
    try:
        body = json.loads(data)
    except UnicodeDecodeError as error:
        raise DataError(Message("warehouse.json_not_utf8"), location=Location(file=source)) from error
    except json.JSONDecodeError as error:
        raise DataError(
            Message("warehouse.json_invalid", problem=Raw(error.msg)),
            location=Location(file=source, line=error.lineno, col=error.colno),
            hint=_NOTHING_WRITTEN,
        ) from error
    rows = body.get("rows") if isinstance(body, dict) and set(body) == {"rows"} else body
    if not isinstance(rows, list):
        raise DataError(
            Message("warehouse.json_not_rows"), location=Location(file=source), hint=Message("warehouse.json_rows_hint")
        )
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise DataError(
                Message("warehouse.json_row_not_object", row=str(position)),
                location=Location(file=source),
                hint=Message("warehouse.json_rows_hint"),
            )
    return rows


def _cell(value: Any, column: str, position: int, source: str) -> str | None:
    """A JSON value as the text of a cell: what a CSV file would hold for it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):  # json.loads reads NaN and Infinity, which JSON does not have
            raise _nested(column, position, source)
        return repr(value)
    if isinstance(value, str):
        return value
    raise _nested(column, position, source)


def _nested(column: str, position: int, source: str) -> DataError:
    return DataError(
        Message("warehouse.json_value_not_scalar", column=column, row=str(position)),
        location=Location(file=source),
        hint=Message("warehouse.json_value_not_scalar_hint"),
    )
