"""Read delimited text (CSV, TSV) into a `ParsedFile`.

Handles the encoding (`text_encoding`), blank lines, trailing delimiters, delimiter sniffing (which also settles
whether a decimal comma is possible) and the line each record starts on, for error messages.

Two readers give the same grid of cells. Arrow's CSV reader (C++, on every core) reads a file in which every
record is provably one line and the quoting is plain: the header on the first line, as many records as lines (no
quoted value holds a line break), every line as wide as the header, none blank, and no quote that is neither at
a field's edge nor doubled (where Python's csv module would refuse the record, or read it otherwise). Then record i
is on line i + 2, which is what the messages name. Any other file, or any line Arrow's reader refuses, is read by
Python's csv module, record by record, which knows the line of each record and says precisely what is wrong where
(docs/ingest.md).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from kpilot.errors import DataError, Location
from kpilot.i18n import Message, Raw
from kpilot.warehouse.date_formats import NO_FORMATS, DateFormats
from kpilot.warehouse.inference import ColumnReading, NumberStyle, infer_column
from kpilot.warehouse.notices import Notice
from kpilot.warehouse.parsed import ParsedFile, clean_text, name_columns, typed_columns
from kpilot.warehouse.places import RowPlaces
from kpilot.warehouse.text_encoding import decode_text

DELIMITERS = (",", ";", "\t", "|")

_SAMPLE_CHARS = 64 * 1024  # enough lines to sniff the delimiter without reading the whole file
_SNIFF_RECORDS = 100
_CHUNK_ROWS = 50_000  # rows kept as Python strings before they are packed into Arrow arrays

_STRING = pa.string()


@dataclass
class _Grid:
    """Cells of a text file as read, before typing."""

    header: list[str]
    header_line: int
    columns: list[list[pa.Array]]
    lines: Sequence[int]


def read_text(
    path: Path, source: str, delimiter: str | None, formats: DateFormats = NO_FORMATS, encoding: str | None = None
) -> ParsedFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(
            Message("warehouse.file_read_failed", problem=Raw(exc.strerror or str(exc))), location=Location(file=source)
        ) from exc
    decoded = decode_text(data, source, encoding)
    del data  # the text is all that is needed from here on
    sample = decoded.text[:_SAMPLE_CHARS]
    if delimiter is None:
        delimiter, style = _sniff(sample, at_end=len(sample) < _SAMPLE_CHARS)
    else:
        style = NumberStyle(comma_decimal=True, prefer_comma=False)
    grid = _arrow_grid(decoded.text, delimiter) or _read_grid(io.StringIO(decoded.text, newline=""), delimiter, source)
    found = (decoded.notice,) if decoded.notice is not None else ()
    return _type_grid(grid, source, style, formats, found)


def _sniff(sample: str, *, at_end: bool) -> tuple[str, NumberStyle]:
    """Pick the delimiter that splits the first records into the same number (>= 2) of fields."""
    if not at_end and "\n" in sample:
        sample = sample[: sample.rfind("\n") + 1]  # the last line may be cut short
    best: tuple[float, int, int] | None = None
    chosen = ","
    for priority, delimiter in enumerate(DELIMITERS):
        counts = _field_counts(sample, delimiter)
        if not counts or counts[0] < 2:
            continue
        agreement = sum(count == counts[0] for count in counts) / len(counts)
        score = (agreement, counts[0], -priority)
        if best is None or score > best:
            best, chosen = score, delimiter
    if best is None:
        # One column: the delimiter only has to split nothing, and nothing says which decimal mark is meant.
        unused = [d for d in DELIMITERS if all(count == 1 for count in _field_counts(sample, d))]
        return (unused[0] if unused else ","), NumberStyle(comma_decimal=True, prefer_comma=False)
    return chosen, NumberStyle(comma_decimal=chosen != ",", prefer_comma=chosen == ";")


def _field_counts(sample: str, delimiter: str) -> list[int]:
    counts: list[int] = []
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    try:
        for record in reader:
            if not _is_blank(record):
                counts.append(len(record))
            if len(counts) >= _SNIFF_RECORDS:
                break
    except csv.Error:
        pass  # a sample cut inside a quoted field; the records before it still count
    return counts


def _is_blank(record: Sequence[str]) -> bool:
    return not any(map(str.strip, record))  # map: this runs once per line


def _read_grid(handle: TextIO, delimiter: str, source: str) -> _Grid:
    reader = csv.reader(handle, delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_line = 0
    rows: list[list[str]] = []
    lines: list[int] = []
    columns: list[list[pa.Array]] = []
    for line, record in _records(reader, source):
        if _is_blank(record):
            continue
        if header is None:
            header, header_line = record, line
            columns = [[] for _ in header]
            continue
        rows.append(_fit_width(record, len(header), source, line))
        lines.append(line)
        if len(rows) >= _CHUNK_ROWS:
            _flush(rows, columns)
    if header is None:
        raise DataError(
            Message("warehouse.file_empty"), location=Location(file=source), hint=Message("warehouse.file_empty_hint")
        )
    _flush(rows, columns)
    return _Grid(header=header, header_line=header_line, columns=columns, lines=lines)


def _arrow_grid(text: str, delimiter: str) -> _Grid | None:
    """The grid, read by Arrow's CSV reader, when every record is provably one line (see the module's docstring);
    None otherwise, for `_read_grid` to read."""
    if "\r" in text.replace("\r\n", "\n") or text.count('"') % 2 or _odd_quote(delimiter).search(text):
        return None  # lone carriage returns, a quote left open, odd quoting: csv's to read
    first, _, rest = text.partition("\n")
    try:
        header = next(csv.reader([first.removesuffix("\r")], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration):
        return None
    if _is_blank(header) or not rest.strip("\r\n"):  # a blank first line, or a header alone: csv's to read
        return None
    body = rest.encode("utf-8")
    if body.endswith(b"\n"):  # the last line's end: not a blank line of its own
        body = body[:-1].removesuffix(b"\r")
    lines = body.count(b"\n") + 1
    names = [f"c{index}" for index in range(len(header))]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(body),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, _STRING), quoted_strings_can_be_null=False, null_values=[]
            ),
        )
    except pa.ArrowException:  # a line of another width, say: csv's reader tells which
        return None
    if table.num_rows != lines:  # a quoted value over several lines
        return None
    blank = None
    for column in table.columns:  # a blank line: csv's reader skips it and counts lines
        empty = pc.equal(pc.utf8_trim_whitespace(column), "")
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():  # no line blank so far: none is blank
            break
    else:
        return None
    columns = [list(column.chunks) for column in table.columns]
    return _Grid(header=header, header_line=1, columns=columns, lines=range(2, lines + 2))


@functools.cache
def _odd_quote(delimiter: str) -> re.Pattern[str]:
    """A quote with text on both sides (neither a field's edge nor half of a doubled quote): `"a"b`, `a "b"`."""
    edge = re.escape(delimiter) + '\r\n"'
    # The quote first, its neighbours looked at around it: the search then jumps from quote to quote.
    return re.compile(f'"(?<=[^{edge}]")(?=[^{edge}])')


def _records(reader: Any, source: str) -> Iterator[tuple[int, list[str]]]:
    """The csv records with the line each starts on, and csv's own errors turned into ours."""
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            Message("warehouse.malformed_record", problem=Raw(str(exc))),
            location=Location(file=source, line=start),
            hint=Message("warehouse.malformed_record_hint"),
        ) from exc


def _fit_width(record: list[str], width: int, source: str, line: int) -> list[str]:
    """Rows must have as many fields as the header; extra *empty* fields (trailing delimiters) are dropped."""
    if len(record) == width:
        return record
    if len(record) > width and _is_blank(record[width:]):
        return record[:width]
    raise DataError(
        Message("warehouse.row_width", fields=len(record), width=width),
        location=Location(file=source, line=line),
        hint=Message("warehouse.row_width_hint"),
    )


def _flush(rows: list[list[str]], columns: list[list[pa.Array]]) -> None:
    if not rows:
        return
    for index, cells in enumerate(zip(*rows, strict=True)):
        columns[index].append(pa.array(cells, _STRING))
    rows.clear()


def _type_grid(
    grid: _Grid, source: str, style: NumberStyle, formats: DateFormats, found: tuple[Notice, ...]
) -> ParsedFile:
    texts: dict[int, pa.Array] = {}
    headings: list[tuple[int, str]] = []
    for index, heading in enumerate(grid.header):
        name = heading.strip()
        text = clean_text(pa.chunked_array(grid.columns[index], _STRING).combine_chunks())
        if not name and text.null_count == len(text):
            continue  # an unnamed, empty column: trailing delimiters
        headings.append((index, name))
        texts[index] = text
    named, header_notices = name_columns(headings, source, grid.header_line)
    places = RowPlaces(source=source, positions=grid.lines, kind="line", header_line=grid.header_line)
    text_by_name = {name: texts[index] for index, name in named}
    inferred = {
        name: infer_column(text, style, ColumnReading(name, places, formats)) for name, text in text_by_name.items()
    }
    table, notices, ambiguous = typed_columns(inferred)
    return ParsedFile(
        places=places,
        table=table,
        text=text_by_name,
        number_style=style,
        formats=formats,
        notices=(*found, *header_notices, *notices),
        ambiguous=ambiguous,
    )
