"""How the user says dates are written: `--date-format` on the command line, `date_format:` on a source.

A format is a strftime pattern (`%d/%m/%Y`, `%Y%m%d`, `%d.%m.%Y %H:%M`), `dmy` or `mdy` (the day/month order of
`a/b/year` dates, whatever their separator, year length or time), or `excel` (numbers are Excel serial day
numbers). It applies to every column that reads with it, or to one column when written `COLUMN=FORMAT`; `excel`
only to named columns (any column of numbers would read as Excel days).

Patterns are parsed with Python's `datetime.strptime`, which refuses impossible dates (Arrow's strptime moves
`2025-02-30` to 2 March), once per distinct value: dates repeat, so a column of a million rows has a few thousand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import pyarrow as pa
import pyarrow.compute as pc

from kpilot.errors import DataError, Location
from kpilot.i18n import Message
from kpilot.warehouse.conversion import Conversion

ORDERS = frozenset({"dmy", "mdy"})  # day first, month first
EXCEL = "excel"
FIELD = "date_format"  # what the formats are called in definitions, and in messages
_DIRECTIVE = re.compile(r"%(.)")
_ALLOWED = frozenset("YymdbBHIMSfpz%")
_TIME_DIRECTIVES = frozenset("HIMSfpz")
_FORMAT_HINT = Message("warehouse.date_format_hint")
# A date's parts, each with the directives that give it, as a message names the ones a pattern lacks.
_PARTS = (
    (Message("warehouse.date_part_year"), frozenset("Yy")),
    (Message("warehouse.date_part_month"), frozenset("mbB")),
    (Message("warehouse.date_part_day"), frozenset("d")),
)
# Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was (day 60): days from 61 on are
# counted from 1899-12-30. Workbooks saved with the 1904 date system count from 1904-01-01 (day 0).
_EPOCH_1900_EARLY = dt.date(1899, 12, 31)
_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
_UNIX = dt.date(1970, 1, 1)
_LAST_SERIAL = 2958465  # 9999-12-31
_MICROSECONDS_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class DateFormat:
    """One format as the user wrote it, read: a pattern, an order or Excel serials."""

    spelled: str
    pattern: str | None = None
    order: str | None = None  # "dmy" or "mdy"
    excel: bool = False

    @property
    def has_time(self) -> bool:
        return self.pattern is not None and bool(set(_DIRECTIVE.findall(self.pattern)) & _TIME_DIRECTIVES)


@dataclass(frozen=True)
class DateFormats:
    """The formats in force for one file: one for every column that reads with it, and some for named columns."""

    default: DateFormat | None = None
    columns: Mapping[str, DateFormat] = field(default_factory=lambda: MappingProxyType({}))

    def for_column(self, name: str) -> DateFormat | None:
        return self.columns.get(name)

    def over(self, base: DateFormats) -> DateFormats:
        """These formats, with `base`'s where these say nothing (the command line over a source's)."""
        columns = {**base.columns, **self.columns}
        return DateFormats(self.default or base.default, MappingProxyType(columns))

    @property
    def empty(self) -> bool:
        return self.default is None and not self.columns


NO_FORMATS = DateFormats()
GIVEN = Message("warehouse.subject_date_format")  # formats given for one load (kpilot ingest --date-format)


class FormatProblem(Exception):
    """What is wrong with one format, as a message; `date_formats` turns it into a DataError naming the spec."""

    def __init__(self, problem: Message) -> None:
        super().__init__(problem.code)
        self.problem = problem


def date_formats(specs: Iterable[str], subject: Message = GIVEN, location: Location | None = None) -> DateFormats:
    """Read `FORMAT` and `COLUMN=FORMAT` specs; a problem is a DataError naming `subject` and the spec."""
    default: DateFormat | None = None
    columns: dict[str, DateFormat] = {}
    for spec in specs:
        column, text = _split(spec)
        try:
            parsed = date_format(text)
        except FormatProblem as error:
            raise DataError(
                Message("warehouse.date_format_invalid", subject=subject, spec=spec, problem=error.problem),
                location=location,
                hint=_FORMAT_HINT,
                field=FIELD,
            ) from None
        if column is None:
            if parsed.excel:
                raise DataError(
                    Message("warehouse.date_format_excel_unnamed", subject=subject, spec=spec),
                    location=location,
                    hint=Message("warehouse.date_format_excel_unnamed_hint"),
                    field=FIELD,
                )
            if default is not None and default != parsed:
                raise DataError(
                    Message("warehouse.date_format_second_default", subject=subject, spec=spec),
                    location=location,
                    hint=Message("warehouse.date_format_second_default_hint"),
                    field=FIELD,
                )
            default = parsed
        else:
            if column in columns and columns[column] != parsed:
                raise DataError(
                    Message("warehouse.date_format_second_column", subject=subject, spec=spec, column=column),
                    location=location,
                    hint=Message("warehouse.date_format_second_column_hint"),
                    field=FIELD,
                )
            columns[column] = parsed
    return DateFormats(default, MappingProxyType(columns))


def column_date_formats(mapping: Mapping[str, str], subject: Message, location: Location | None = None) -> DateFormats:
    """A source's `date_format:` written as a mapping of column -> format."""
    return date_formats([f"{column}={text}" for column, text in mapping.items()], subject, location)


def _split(spec: str) -> tuple[str | None, str]:
    """`COLUMN=FORMAT` names a column; a `%` before the `=` means the `=` is part of a pattern."""
    head, equals, tail = spec.partition("=")
    if equals and "%" not in head and head.strip():
        return head.strip(), tail.strip()
    return None, spec.strip()


def date_format(text: str) -> DateFormat:
    """One format; FormatProblem says what is wrong with it."""
    lowered = text.strip().lower()
    if lowered in ORDERS:
        return DateFormat(spelled=text, order=lowered)
    if lowered == EXCEL:
        return DateFormat(spelled=text, excel=True)
    if "%" not in text:
        raise FormatProblem(Message("warehouse.format_not_a_format"))
    directives = set(_DIRECTIVE.findall(text))
    unknown = sorted(directives - _ALLOWED)
    if unknown:
        raise FormatProblem(Message("warehouse.format_unknown_directive", directives=tuple(f"%{d}" for d in unknown)))
    if text.replace("%%", "").endswith("%"):
        raise FormatProblem(Message("warehouse.format_lone_percent"))
    missing = [part for part, options in _PARTS if not directives & options]
    if missing:
        raise FormatProblem(Message("warehouse.format_lacks", parts=_lacking(missing)))
    return DateFormat(spelled=text, pattern=text)


def _lacking(parts: Sequence[Message]) -> Message:
    """'no year', 'no year and no month': the parts a pattern lacks, each with its own negation."""
    if len(parts) == 1:
        return Message("warehouse.date_part_none", part=parts[0])
    return Message("warehouse.date_part_none_and", part=parts[0], then=_lacking(parts[1:]))


# --------------------------------------------------------------------------------------------------------------
# Reading values with a format


def parse_with_pattern(text: pa.Array, fmt: DateFormat) -> Conversion:
    """Values read with a strptime pattern: date32, or timestamps (offsets converted to UTC) if it has a time."""
    assert fmt.pattern is not None
    target = pa.timestamp("us") if fmt.has_time else pa.date32()
    distinct = pc.unique(text.drop_null())
    values: list[dt.date | None] = []
    failed: list[bool] = []
    for value in distinct.to_pylist():
        read = _strptime(value, fmt.pattern, timed=fmt.has_time)
        values.append(read)
        failed.append(read is None)
    index = pc.index_in(text, value_set=distinct)
    result = pc.take(pa.array(values, target), index)
    bad = pc.fill_null(pc.take(pa.array(failed, pa.bool_()), index), False)
    return Conversion(result, bad)


def _strptime(value: str, pattern: str, *, timed: bool) -> dt.date | None:
    try:
        read = dt.datetime.strptime(value, pattern)
    except ValueError:
        return None
    if read.tzinfo is not None:
        read = read.astimezone(dt.UTC).replace(tzinfo=None)  # the rule for every offset: stored in UTC
    return read if timed else read.date()


def parse_excel_serials(numbers: pa.Array, *, epoch_1904: bool = False) -> Conversion:
    """Excel serial day numbers (the fraction is the time of day) as date32, or timestamps if any has a time."""
    serial = pc.cast(numbers, pa.float64())
    lowest = 0.0 if epoch_1904 else 1.0
    valid = pc.and_(pc.greater_equal(serial, lowest), pc.less(serial, _LAST_SERIAL + 1))
    if not epoch_1904:
        valid = pc.and_(valid, pc.invert(pc.and_(pc.greater_equal(serial, 60), pc.less(serial, 61))))
    valid = pc.fill_null(valid, False)
    serial = pc.if_else(valid, serial, pa.scalar(None, pa.float64()))
    days = pc.floor(serial)
    if epoch_1904:
        offset = pc.add(days, float((_EPOCH_1904 - _UNIX).days))
    else:
        early = pc.less(days, 60)
        offset = pc.if_else(
            early,
            pc.add(days, float((_EPOCH_1900_EARLY - _UNIX).days)),
            pc.add(days, float((_EPOCH_1900 - _UNIX).days)),
        )
    micros = pc.round(pc.multiply(pc.subtract(serial, days), float(_MICROSECONDS_PER_DAY)))
    bad = pc.and_(pc.is_valid(numbers), pc.invert(valid))
    if not bool(pc.any(pc.fill_null(pc.greater(micros, 0), False)).as_py()):
        return Conversion(pc.cast(pc.cast(offset, pa.int32()), pa.date32()), bad)
    total = pc.add(pc.multiply(pc.cast(offset, pa.int64()), _MICROSECONDS_PER_DAY), pc.cast(micros, pa.int64()))
    return Conversion(pc.cast(total, pa.timestamp("us")), bad)


def format_examples(examples: Sequence[tuple[str, Message | str]]) -> tuple[Message, ...]:
    """Values and where each is, for a message to list: '01/02/2025' (line 2), ..."""
    return tuple(Message("warehouse.value_at", value=value, place=where) for value, where in examples)
