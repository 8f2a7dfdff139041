"""Per-column type inference, and the value parsers it shares with fitting a file to an existing table.

A column's type is inferred from *all* of its values: bool (`true`/`false` only), int64, float64, date, timestamp,
else text. Numbers may use a decimal comma and thousands separators; dates are recognised in the spellings of
`dates`, or read with a format the user gave (`date_formats`). Eight-digit numbers are dates only when the column's
name says so (an order id must stay a number). The value parsers are vectorised with Arrow compute: a Python loop
runs only over the few values that fail, to find them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from kpilot.errors import DataError
from kpilot.i18n import Message
from kpilot.warehouse.conversion import (
    NULL_STRING,
    Conversion,
    all_match,
    any_true,
    cast_tolerant,
    first_true,
    is_in,
    join,
    matches,
    unmatched,
)
from kpilot.warehouse.date_formats import (
    NO_FORMATS,
    DateFormat,
    DateFormats,
    format_examples,
    parse_excel_serials,
    parse_with_pattern,
)
from kpilot.warehouse.dates import AmbiguousDates, infer_dates, looks_like_dates, parse_datetimes
from kpilot.warehouse.notices import CompactDates, DateFormatUsed, DatesKept, Notice
from kpilot.warehouse.places import RowPlaces

__all__ = [
    "ColumnReading",
    "Conversion",
    "Inferred",
    "NumberStyle",
    "cast_tolerant",
    "infer_column",
    "parse_bool",
    "parse_dates",
    "parse_numbers_best",
]

_HEAD_VALUES = 1000  # values tried first when inferring a column's type
_EXAMPLES = 3


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
class ColumnReading:
    """What inference needs to know about a column besides its values: its name, where its rows are, the date
    formats the user gave, and (Excel) which date system the workbook counts serial days in."""

    name: str
    places: RowPlaces
    formats: DateFormats = NO_FORMATS
    epoch_1904: bool = False


@dataclass(frozen=True)
class Inferred:
    """A typed column, what to tell the user about it, and an ambiguity to refuse if the column must be dates."""

    values: pa.Array
    notices: tuple[Notice, ...] = ()
    ambiguous: AmbiguousDates | None = None


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
_BOOLEANS = (("true",), ("false",))  # yes/no stay text, as DuckDB and pandas read them
_LENIENT_BOOLEANS = (("true", "yes", "1"), ("false", "no", "0"))  # for a column known to be boolean
_COMPACT = r"^\d{8}$"
_COMPACT_DATE = r"^(?:19\d\d|2\d{3})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$"  # years 1900-2999
_SERIAL_RANGE = (20_000, 80_000)  # Excel days 1954-10-03 .. 2119-01-10: plausible dates, implausible as counts
# Words of a column name that say it holds dates, so that 20250331 may be read as one.
_DATE_WORDS = frozenset({"date", "day", "dt", "time", "timestamp", "created", "updated", "modified", "ymd", "yyyymmdd"})
_DATE_SUFFIXES = frozenset({"at", "on"})  # created_at, shipped_on
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _conventions(style: NumberStyle) -> list[_Convention]:
    if not style.comma_decimal:
        return [_POINT]
    return [_COMMA, _POINT] if style.prefer_comma else [_POINT, _COMMA]


def infer_column(text: pa.Array, style: NumberStyle, reading: ColumnReading) -> Inferred:
    """The narrowest type that every value of the column parses as: bool, int64, float64, date, timestamp, text."""
    if text.null_count == len(text):
        return Inferred(text)  # no values to judge by: text, which can hold anything appended later
    explicit = reading.formats.for_column(reading.name)
    if explicit is not None:
        return Inferred(
            read_with_format(text, style, reading, explicit), (DateFormatUsed(reading.name, explicit.spelled),)
        )
    with_default = by_default_pattern(text, reading)
    if with_default is not None:
        return with_default
    default = reading.formats.default
    head = text.drop_null()[:_HEAD_VALUES]
    partial = len(head) < len(text)
    if not partial or _booleans(head) is not None:
        values = _booleans(text)
        if values is not None:
            return Inferred(values)
    if not partial or _infer_number(head, style) is not None:
        values = _infer_number(text, style)
        if values is not None:
            return number_column(text, values, reading)
    if not partial or looks_like_dates(head):
        order = default.order if default is not None else None
        dates = infer_dates(text, reading.name, reading.places, order)
        if dates.values is not None:
            return Inferred(dates.values, dates.notices)
        return Inferred(text, dates.notices, dates.ambiguous)
    return Inferred(text)


def names_a_date(name: str) -> bool:
    """Whether a column's name says it holds dates: a word like date, day, time, created, or an _at/_on ending."""
    words = [word.lower() for word in _WORD.findall(name)]
    return bool(_DATE_WORDS.intersection(words)) or (len(words) >= 2 and words[-1] in _DATE_SUFFIXES)


def by_default_pattern(text: pa.Array, reading: ColumnReading) -> Inferred | None:
    """The column read with the default strptime pattern the user gave, if every value reads with it."""
    default = reading.formats.default
    if default is None or default.pattern is None:
        return None
    head = text.drop_null()[:_HEAD_VALUES]
    # The head rules most columns out cheaply; a pattern it allows is then checked against every value.
    if len(head) < len(text) and not parse_with_pattern(head, default).ok:
        return None
    read = parse_with_pattern(text, default)
    return Inferred(read.values, (DateFormatUsed(reading.name, default.spelled),)) if read.ok else None


def number_column(text: pa.Array, values: pa.Array, reading: ColumnReading) -> Inferred:
    """A numeric column (`values`, read from `text`); eight-digit whole numbers that are all dates become dates if
    the name says so, and a word is said about numbers that may be dates."""
    if pa.types.is_integer(values.type) and all_match(text, _COMPACT):
        compact = _compact_dates(text)
        if compact is not None:
            first = first_true(pc.is_valid(text))[0]
            if names_a_date(reading.name):
                return Inferred(compact, (CompactDates(reading.name, str(text[first])),))
            examples = _examples(text, pc.is_valid(text), reading.places)
            kept = DatesKept(reading.name, "integer", "compact_name", examples, len(text) - text.null_count)
            return Inferred(values, (kept,))
    low, high = _SERIAL_RANGE
    in_range = pc.and_(pc.greater_equal(values, low), pc.less_equal(values, high))
    if names_a_date(reading.name) and not any_true(unmatched(values, pc.fill_null(in_range, False))):
        kind = "integer" if pa.types.is_integer(values.type) else "number"
        examples = _examples(text, pc.is_valid(text), reading.places)
        return Inferred(
            values, (DatesKept(reading.name, kind, "excel_serials", examples, len(text) - text.null_count),)
        )
    return Inferred(values)


def _compact_dates(text: pa.Array) -> pa.Array | None:
    """yyyymmdd text as dates, if every value is a real date in 1900-2999 (the pattern rules out most id columns
    at once; the strict cast then refuses days a month does not have)."""
    if not all_match(text, _COMPACT_DATE):
        return None
    slices = [pc.utf8_slice_codeunits(text, start, stop) for start, stop in ((0, 4), (4, 6), (6, 8))]
    try:
        return join("-", *slices).cast(pa.date32())
    except pa.ArrowInvalid:
        return None


def read_with_format(text: pa.Array, style: NumberStyle, reading: ColumnReading, fmt: DateFormat) -> pa.Array:
    """A column the user named a format for: every value must read with it, else a DataError lists those that do
    not (they asked for dates, so a value that is not one is a mistake, not a reason to keep the column as text)."""
    converted = convert_with_format(text, style, reading, fmt)
    if converted.ok:
        return converted.values
    raise format_misfit(text, converted, reading, fmt)


def format_misfit(text: pa.Array, converted: Conversion, reading: ColumnReading, fmt: DateFormat) -> DataError:
    """The values of a column that do not read with the format the user named for it."""
    bad = converted.bad
    places = reading.places
    examples = [(str(text[i]), places.place(i)) for i in first_true(bad, _EXAMPLES)]
    return DataError(
        Message(
            "warehouse.format_misfit",
            column=reading.name,
            count=converted.bad_count,
            format=fmt.spelled,
            examples=format_examples(examples),
        ),
        location=places.location(first_true(bad)[0]),
        hint=Message("warehouse.format_misfit_hint"),
        field="date_format",
    )


def parse_dates(text: pa.Array, style: NumberStyle, reading: ColumnReading) -> Conversion:
    """Dates or timestamps from text for a column known to hold them: with the column's format if the user gave
    one, else with the file's default pattern if every value reads with it, else as recognised (in the default
    day/month order, if given)."""
    explicit = reading.formats.for_column(reading.name)
    if explicit is not None:
        return convert_with_format(text, style, reading, explicit)
    default = reading.formats.default
    if default is not None and default.pattern is not None:
        with_pattern = parse_with_pattern(text, default)
        if with_pattern.ok:
            return with_pattern
    return parse_datetimes(text, reading.name, reading.places, default.order if default is not None else None)


def convert_with_format(text: pa.Array, style: NumberStyle, reading: ColumnReading, fmt: DateFormat) -> Conversion:
    """Text read with one format: a pattern, an order (dmy/mdy), or Excel serial numbers."""
    if fmt.excel:
        numbers = parse_numbers_best(text, style, pa.float64())
        serials = parse_excel_serials(numbers.values, epoch_1904=reading.epoch_1904)
        return Conversion(serials.values, pc.or_(numbers.bad, serials.bad))
    if fmt.pattern is not None:
        return parse_with_pattern(text, fmt)
    return parse_datetimes(text, reading.name, reading.places, fmt.order)


def _examples(text: pa.Array, mask: pa.Array, places: RowPlaces) -> tuple[tuple[str, str], ...]:
    """Values and where each is, as notices record them (data: the surface words them)."""
    return tuple((str(text[i]), places.where(i)) for i in first_true(mask, _EXAMPLES))


def _booleans(text: pa.Array) -> pa.Array | None:
    parsed = parse_bool(text, lenient=False)
    return parsed.values if parsed.ok else None


def _infer_number(text: pa.Array, style: NumberStyle) -> pa.Array | None:
    if any_true(matches(text, _LEADING_ZERO)):
        return None
    for convention in _conventions(style):
        if not all_match(text, convention.number):
            continue
        whole = all_match(text, convention.integer)
        parsed = parse_number(text, convention, pa.int64() if whole else pa.float64())
        return parsed.values if parsed.ok else None  # a whole number beyond int64 is an identifier: text
    return None


def parse_bool(text: pa.Array, *, lenient: bool) -> Conversion:
    """true/false in any case; yes/no and 1/0 too when `lenient` (fitting a column known to be boolean)."""
    truths, falsehoods = _LENIENT_BOOLEANS if lenient else _BOOLEANS
    lower = pc.utf8_lower(text)
    is_true = is_in(lower, truths)
    is_false = is_in(lower, falsehoods)
    matched = pc.or_(is_true, is_false)
    values = pc.if_else(matched, is_true, pa.scalar(None, pa.bool_()))
    return Conversion(values, unmatched(text, matched))


def parse_number(text: pa.Array, convention: _Convention, target: pa.DataType) -> Conversion:
    """Numbers written under one convention, cast to `target`; an integer target takes whole numbers only."""
    matched = matches(text, convention.integer if pa.types.is_integer(target) else convention.number)
    plain = pc.replace_substring(text, convention.thousands, "")
    if convention.decimal != ".":
        plain = pc.replace_substring(plain, convention.decimal, ".")
    plain = pc.replace_substring_regex(plain, r"^\+", "")  # Arrow's parser rejects a leading plus
    values, failed = cast_tolerant(pc.if_else(matched, plain, NULL_STRING), target)
    return Conversion(values, pc.or_(unmatched(text, matched), failed))


def parse_numbers_best(text: pa.Array, style: NumberStyle, target: pa.DataType) -> Conversion:
    """The convention under which the fewest values fail; ties go to the file's preferred one."""
    results = [parse_number(text, convention, target) for convention in _conventions(style)]
    return min(results, key=lambda result: result.bad_count)
