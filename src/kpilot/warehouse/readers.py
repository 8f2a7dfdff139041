"""Read CSV, Parquet and Excel files into typed Arrow tables.

Text cells are read as text first; each column's type is then inferred from *all* of its values, so a column is
numeric only if every value in it is a number (see docs/ingest.md for every rule). The value parsers are
vectorised with Arrow compute: a Python loop runs only over the few values that fail, to find them.

Every problem with the input becomes a `DataError` naming the file, the line (as an editor shows it, header
included) and the column; no csv, openpyxl or Arrow exception escapes for bad input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpilot.errors import DataError, Location

TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
SUPPORTED_EXTENSIONS = (*TEXT_EXTENSIONS, ".parquet", ".xlsx")
DELIMITERS = (",", ";", "\t", "|")

_SAMPLE_CHARS = 64 * 1024  # enough lines to sniff the delimiter without reading the whole file
_SNIFF_RECORDS = 100
_HEAD_VALUES = 1000  # values tried first when inferring a column's type
_CHUNK_ROWS = 50_000  # rows kept as Python strings before they are packed into Arrow arrays

_STRING = pa.string()
_NULL_STRING = pa.scalar(None, _STRING)


# --------------------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class NumberStyle:
    """Which decimal separator a file may use.

    The decimal comma is allowed only where the comma cannot be the field delimiter. `prefer_comma` settles columns
    that read either way (every value like `1.234` or `1,234`): true for `;`-delimited files, the usual export of
    a spreadsheet set to a decimal-comma locale.
    """

    comma_decimal: bool = True
    prefer_comma: bool = False


@dataclass(frozen=True)
class ParsedFile:
    """A file read and typed, with what is needed to point at any of its values later."""

    source: str
    table: pa.Table
    positions: Sequence[int]  # per data row: the 1-based line (text), sheet row (Excel) or row number (Parquet)
    position_kind: str  # "line" or "row"
    header_line: int | None  # None for Parquet, which has no header line
    text: Mapping[str, pa.Array] = field(default_factory=dict)  # cell text per column, trimmed, empty -> null
    number_style: NumberStyle = field(default_factory=NumberStyle)
    has_lines: bool = True  # whether positions are lines or rows a user can jump to

    def location(self, index: int | None = None) -> Location:
        """Where data row `index` is (or the header, for None)."""
        line = self.header_line if index is None else self.positions[index]
        return Location(file=self.source, line=line if self.has_lines else None)

    def where(self, index: int) -> str:
        return f"{self.position_kind} {self.positions[index]}"

    def text_of(self, name: str) -> pa.Array:
        """The column as text: the cells as written where the file has text, else the values rendered."""
        if name in self.text:
            return self.text[name]
        column = self.table.column(name).combine_chunks()
        return _clean_text(cast_tolerant(column, _STRING)[0])


def read_table_file(path: Path) -> pa.Table:
    """Read a .csv/.tsv/.txt, .parquet or .xlsx file (`book.xlsx#Sheet` picks a sheet) into a typed table."""
    return read_file(path).table


def read_file(path: Path) -> ParsedFile:
    """Like `read_table_file`, keeping the line numbers and cell text for later error messages."""
    path, sheet = _split_sheet(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise DataError(
            f"unsupported file type '{path.suffix or path.name}'",
            location=Location(file=source),
            hint="supported: " + ", ".join(SUPPORTED_EXTENSIONS),
        )
    _check_readable(path, source)
    if suffix == ".parquet":
        return _read_parquet(path, source)
    if suffix == ".xlsx":
        return _read_xlsx(path, source, sheet)
    return _read_text(path, source, "\t" if suffix == ".tsv" else None)


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
        raise DataError("file not found", location=Location(file=source))
    if not path.is_file():
        raise DataError("not a file", location=Location(file=source))
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", location=Location(file=source)) from exc


# --------------------------------------------------------------------------------------------------------------
# Delimited text


@dataclass
class _Grid:
    """Cells of a text file as read, before typing."""

    header: list[str]
    header_line: int
    columns: list[list[pa.Array]]
    lines: list[int]


def _read_text(path: Path, source: str, delimiter: str | None) -> ParsedFile:
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(_SAMPLE_CHARS)
            if delimiter is None:
                delimiter, style = _sniff(sample, at_end=len(sample) < _SAMPLE_CHARS)
            else:
                style = NumberStyle(comma_decimal=True, prefer_comma=False)
            handle.seek(0)
            grid = _read_grid(handle, delimiter, source)
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, source) from exc
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", location=Location(file=source)) from exc
    return _type_grid(grid, source, style)


def _encoding_error(path: Path, source: str) -> DataError:
    data = path.read_bytes()
    line: int | None = None
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    return DataError(
        "the file is not valid UTF-8 text",
        location=Location(file=source, line=line),
        hint="save it as 'CSV UTF-8' (in Excel: File > Save As > CSV UTF-8)",
    )


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
        raise DataError("the file is empty", location=Location(file=source), hint="the first line must be a header")
    _flush(rows, columns)
    return _Grid(header=header, header_line=header_line, columns=columns, lines=lines)


def _records(reader: Any, source: str) -> Iterator[tuple[int, list[str]]]:
    """The csv records with the line each starts on, and csv's own errors turned into ours."""
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            f"malformed record: {exc}",
            location=Location(file=source, line=start),
            hint="a field that holds the delimiter, a quote or a line break must be in double quotes, with any quote "
            'inside it doubled ("")',
        ) from exc


def _fit_width(record: list[str], width: int, source: str, line: int) -> list[str]:
    """Rows must have as many fields as the header; extra *empty* fields (trailing delimiters) are dropped."""
    if len(record) == width:
        return record
    if len(record) > width and _is_blank(record[width:]):
        return record[:width]
    raise DataError(
        f"this row has {len(record)} fields but the header has {width}",
        location=Location(file=source, line=line),
        hint="check for a missing or extra delimiter, or a value with the delimiter in it that is not quoted",
    )


def _flush(rows: list[list[str]], columns: list[list[pa.Array]]) -> None:
    if not rows:
        return
    for index, cells in enumerate(zip(*rows, strict=True)):
        columns[index].append(pa.array(cells, _STRING))
    rows.clear()


def _type_grid(grid: _Grid, source: str, style: NumberStyle) -> ParsedFile:
    texts: dict[str, pa.Array] = {}
    named: list[tuple[int, str]] = []
    for index, heading in enumerate(grid.header):
        name = heading.strip()
        text = _clean_text(pa.chunked_array(grid.columns[index], _STRING).combine_chunks())
        if not name and text.null_count == len(text):
            continue  # an unnamed, empty column: trailing delimiters
        named.append((index, name))
        texts[name] = text
    _check_names(named, source, grid.header_line)
    table = pa.table({name: infer_column(texts[name], style) for _, name in named})
    return ParsedFile(
        source=source,
        table=table,
        positions=grid.lines,
        position_kind="line",
        header_line=grid.header_line,
        text=texts,
        number_style=style,
    )


def _check_names(columns: Iterable[tuple[int, str]], source: str, line: int | None) -> None:
    """Every column needs a name, unique ignoring case: DuckDB and users both take 'Amount' for 'amount'.

    `columns` pairs each name with its 0-based position in the file, for the message.
    """
    seen: dict[str, int] = {}
    for index, name in columns:
        if not name:
            raise DataError(
                f"column {index + 1} has values but no name",
                location=Location(file=source, line=line),
                hint="give every column that has values a name in the header",
            )
        key = name.casefold()
        if key in seen:
            raise DataError(
                f"duplicate column name '{name}' (columns {seen[key] + 1} and {index + 1})",
                location=Location(file=source, line=line),
                hint="column names must be unique, ignoring upper/lower case",
            )
        seen[key] = index


def _clean_text(text: pa.Array) -> pa.Array:
    """Trim surrounding whitespace; an empty cell is NULL."""
    trimmed = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(trimmed, ""), _NULL_STRING, trimmed)


# --------------------------------------------------------------------------------------------------------------
# Excel


def _read_xlsx(path: Path, source: str, sheet: str | None) -> ParsedFile:
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
        text = _clean_text(pa.array([_text_or_none(row[index]) for _, row in data], _STRING))
        if not name and text.null_count == len(text):
            continue  # an unnamed, empty column between named ones
        named.append((index, name))
        texts[name] = text
    _check_names(named, source, header_line)
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


def _read_parquet(path: Path, source: str) -> ParsedFile:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"not a readable Parquet file ({exc})", location=Location(file=source)) from exc
    _check_names(enumerate(table.column_names), source, None)
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


# --------------------------------------------------------------------------------------------------------------
# Value parsing: shared by type inference and by fitting a file to an existing table


@dataclass(frozen=True)
class Conversion:
    """Values converted from text; `bad` marks the non-empty inputs that did not convert (and are null here)."""

    values: pa.Array
    bad: pa.Array

    @property
    def bad_count(self) -> int:
        return int(pc.sum(self.bad).as_py() or 0)

    @property
    def ok(self) -> bool:
        return self.bad_count == 0


@dataclass(frozen=True)
class _Convention:
    """How numbers are written: the separators, and RE2 patterns (a thousands group never starts with 0)."""

    number: str  # RE2 pattern of any number
    integer: str  # RE2 pattern of a whole number
    thousands: str
    decimal: str


_POINT = _Convention(
    number=r"^[+-]?(?:\d+|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?(?:[eE][+-]?\d+)?$",
    integer=r"^[+-]?(?:\d+|[1-9]\d{0,2}(?:,\d{3})+)$",
    thousands=",",
    decimal=".",
)
_COMMA = _Convention(
    number=r"^[+-]?(?:\d+|[1-9]\d{0,2}(?:\.\d{3})+)(?:,\d+)?$",
    integer=r"^[+-]?(?:\d+|[1-9]\d{0,2}(?:\.\d{3})+)$",
    thousands=".",
    decimal=",",
)
_LEADING_ZERO = r"^[+-]?0\d"  # 007, 01234: codes, not numbers
_TRUE = ("true", "yes")
_FALSE = ("false", "no")

_DATETIME = (
    r"^(?:(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y2>\d{4}))"
    r"(?:(?:T|\s+)(?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?:[.,](?P<fr>\d{1,9}))?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)


def _conventions(style: NumberStyle) -> list[_Convention]:
    if not style.comma_decimal:
        return [_POINT]
    return [_COMMA, _POINT] if style.prefer_comma else [_POINT, _COMMA]


def infer_column(text: pa.Array, style: NumberStyle) -> pa.Array:
    """The narrowest type that every value of the column parses as: bool, int64, float64, date, timestamp, text."""
    if text.null_count == len(text):
        return text  # no values to judge by: text, which can hold anything appended later
    head = text.drop_null()[:_HEAD_VALUES]
    for infer in (_infer_bool, _infer_number, _infer_datetime):
        # The head rules most types out cheaply; a type it allows is then checked against every value.
        if len(head) < len(text) and infer(head, style) is None:
            continue
        values = infer(text, style)
        if values is not None:
            return values
    return text


def _infer_bool(text: pa.Array, _style: NumberStyle) -> pa.Array | None:
    parsed = parse_bool(text, digits=False)
    return parsed.values if parsed.ok else None


def _infer_number(text: pa.Array, style: NumberStyle) -> pa.Array | None:
    if _any(_matches(text, _LEADING_ZERO)):
        return None
    for convention in _conventions(style):
        if not _all_match(text, convention.number):
            continue
        whole = _all_match(text, convention.integer)
        parsed = parse_number(text, convention, pa.int64() if whole else pa.float64())
        return parsed.values if parsed.ok else None  # a whole number beyond int64 is an identifier: text
    return None


def _infer_datetime(text: pa.Array, _style: NumberStyle) -> pa.Array | None:
    parts = pc.extract_regex(text, _DATETIME)
    matched = pc.is_valid(parts)
    if _any(pc.and_(pc.is_valid(text), pc.invert(matched))):
        return None
    day_first = _day_first(parts)
    if day_first is None:
        return None
    parsed = _build_datetimes(text, parts, matched, day_first)
    return parsed.values if parsed.ok else None


def parse_bool(text: pa.Array, *, digits: bool) -> Conversion:
    """true/false/yes/no in any case; 1/0 too when `digits` (when fitting a known boolean column)."""
    lower = pc.utf8_lower(text)
    is_true = _in(lower, [*_TRUE, *(["1"] if digits else [])])
    is_false = _in(lower, [*_FALSE, *(["0"] if digits else [])])
    matched = pc.or_(is_true, is_false)
    values = pc.if_else(matched, is_true, pa.scalar(None, pa.bool_()))
    return Conversion(values, _unmatched(text, matched))


def parse_number(text: pa.Array, convention: _Convention, target: pa.DataType) -> Conversion:
    """Numbers written under one convention, cast to `target`; an integer target takes whole numbers only."""
    matched = _matches(text, convention.integer if pa.types.is_integer(target) else convention.number)
    plain = pc.replace_substring(text, convention.thousands, "")
    if convention.decimal != ".":
        plain = pc.replace_substring(plain, convention.decimal, ".")
    plain = pc.replace_substring_regex(plain, r"^\+", "")  # Arrow's parser rejects a leading plus
    values, failed = cast_tolerant(pc.if_else(matched, plain, _NULL_STRING), target)
    return Conversion(values, pc.or_(_unmatched(text, matched), failed))


def parse_numbers_best(text: pa.Array, style: NumberStyle, target: pa.DataType) -> Conversion:
    """The convention under which the fewest values fail; ties go to the file's preferred one."""
    results = [parse_number(text, convention, target) for convention in _conventions(style)]
    return min(results, key=lambda result: result.bad_count)


def parse_datetimes(text: pa.Array) -> Conversion:
    """Dates (date32) or, if any value has a time, timestamps (UTC, naive); the day/month order is per column."""
    parts = pc.extract_regex(text, _DATETIME)
    matched = pc.is_valid(parts)
    day_first = _day_first(parts)
    return _build_datetimes(text, parts, matched, day_first is not False)


def _day_first(parts: pa.Array) -> bool | None:
    """Order of `a/b/yyyy` dates: day first unless a second field > 12 shows month first; None if both show."""
    first_big = _any(pc.greater(_as_int(parts.field("a")), 12))
    second_big = _any(pc.greater(_as_int(parts.field("b")), 12))
    if first_big and second_big:
        return None
    return not second_big


def _build_datetimes(text: pa.Array, parts: pa.Array, matched: pa.Array, day_first: bool) -> Conversion:
    def get(name: str) -> pa.Array:
        return pc.fill_null(parts.field(name), "")

    iso = pc.not_equal(get("y1"), "")
    day, month = (get("a"), get("b")) if day_first else (get("b"), get("a"))
    date = _join(
        "-",
        pc.if_else(iso, get("y1"), get("y2")),
        _pad2(pc.if_else(iso, get("m1"), month)),
        _pad2(pc.if_else(iso, get("d1"), day)),
    )
    timed = pc.not_equal(get("hh"), "")
    if not _any(pc.and_(timed, matched)):
        values, failed = cast_tolerant(pc.if_else(matched, date, _NULL_STRING), pa.date32())
        return Conversion(values, pc.or_(_unmatched(text, matched), failed))
    seconds = pc.if_else(pc.equal(get("ss"), ""), "00", get("ss"))
    clock = pc.if_else(timed, _join(":", _pad2(get("hh")), get("mi"), seconds), "00:00:00")
    fraction = pc.if_else(
        pc.equal(get("fr"), ""), "", _join("", pa.scalar("."), pc.utf8_slice_codeunits(get("fr"), 0, 6))
    )
    zone = pc.if_else(pc.equal(get("tz"), ""), "Z", get("tz"))  # no offset: the time is kept as written
    stamp = _join("", date, pa.scalar(" "), clock, fraction, zone)
    values, failed = cast_tolerant(pc.if_else(matched, stamp, _NULL_STRING), pa.timestamp("us", tz="UTC"))
    return Conversion(values.cast(pa.timestamp("us")), pc.or_(_unmatched(text, matched), failed))


def cast_tolerant(values: pa.Array, target: pa.DataType) -> tuple[pa.Array, pa.Array]:
    """Cast, and if that fails find the values that do not cast: they become null and are marked in the mask."""
    try:
        return values.cast(target), pa.repeat(False, len(values))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        pass
    converted: list[object] = []
    failed: list[bool] = []
    for scalar in values:
        try:
            converted.append(scalar.cast(target).as_py() if scalar.is_valid else None)
            failed.append(False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, OverflowError, ValueError):
            converted.append(None)
            failed.append(True)
    return pa.array(converted, target), pa.array(failed, pa.bool_())


def _matches(text: pa.Array, pattern: str) -> pa.Array:
    return pc.fill_null(pc.match_substring_regex(text, pattern), False)


def _all_match(text: pa.Array, pattern: str) -> bool:
    return not _any(_unmatched(text, _matches(text, pattern)))


def _unmatched(text: pa.Array, matched: pa.Array) -> pa.Array:
    """Non-empty values that did not match."""
    return pc.fill_null(pc.and_(pc.is_valid(text), pc.invert(matched)), False)


def _in(text: pa.Array, words: Sequence[str]) -> pa.Array:
    return pc.fill_null(pc.is_in(text, value_set=pa.array(words, _STRING)), False)


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(mask).as_py())


def _as_int(text: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(pc.fill_null(text, ""), ""), _NULL_STRING, text).cast(pa.int64())


def _pad2(text: pa.Array) -> pa.Array:
    return pc.utf8_lpad(text, width=2, padding="0")


def _join(separator: str, *parts: pa.Array | pa.Scalar) -> pa.Array:
    return pc.binary_join_element_wise(*parts, separator)
