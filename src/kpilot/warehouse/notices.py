"""What ingest tells the user without refusing the file: each notice is a code with its values, as data.

Readers and `ingest_file` return notices in their results; the command line turns them into words (on stderr), so
that a program using kpilot can react to a code without parsing English. docs/ingest.md lists every code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kpilot.i18n import Message


@dataclass(frozen=True)
class EncodingConverted:
    """The text file was not UTF-8 and was read as `encoding`; `example` is a value with a non-ASCII character."""

    code: ClassVar[str] = "encoding_converted"
    encoding: str
    example: str | None = None
    where: str | None = None  # "line 3"


@dataclass(frozen=True)
class HeaderNamed:
    """Header cell `position` (1-based) was empty but its column has values: it was given `name`."""

    code: ClassVar[str] = "header_named"
    position: int
    name: str


@dataclass(frozen=True)
class DateOrderInferred:
    """Dates written `a/b/year` were read in `order` ("dmy" or "mdy") because of `example`; `ambiguous` values
    would have read differently in the other order."""

    code: ClassVar[str] = "date_order_inferred"
    column: str
    order: str
    example: str
    where: str
    ambiguous: int


@dataclass(frozen=True)
class DateFormatUsed:
    """The column was read with the date format the user gave (`--date-format` or a source's `date_format:`)."""

    code: ClassVar[str] = "date_format_used"
    column: str
    format: str


@dataclass(frozen=True)
class TwoDigitYears:
    """Two-digit years were expanded: `example` was read as `read_as` (00-68 are 2000-2068, 69-99 are 1969-1999)."""

    code: ClassVar[str] = "two_digit_years"
    column: str
    example: str
    read_as: str


@dataclass(frozen=True)
class CompactDates:
    """Eight-digit numbers were read as yyyymmdd dates: every value is one and the column's name says dates."""

    code: ClassVar[str] = "compact_dates"
    column: str
    example: str


@dataclass(frozen=True)
class TimesConvertedToUtc:
    """Timestamps written with an offset were converted to UTC; `without_offset` values had none (kept as written)."""

    code: ClassVar[str] = "times_converted_to_utc"
    column: str
    example: str
    read_as: str
    without_offset: int


@dataclass(frozen=True)
class DatesKept:
    """The column looks like dates but was not read as dates; it stays `kept_as` ("text" or "integer").

    `reason` is one of "not_all_dates" (`examples` are values that are not dates), "mixed_order" (`examples` show
    both day-first and month-first values), "compact_name" (yyyymmdd numbers in a column whose name does not say
    dates), "excel_serials" (numbers that may be Excel serial dates).
    """

    code: ClassVar[str] = "dates_kept"
    column: str
    kept_as: str
    reason: str
    examples: tuple[tuple[str, str], ...]  # (value, where)
    count: int  # how many values are the reason (not dates, or all of them)


@dataclass(frozen=True)
class LoadedBefore:
    """The same file content was loaded into the table before (the load went ahead: `--again`, or a key)."""

    code: ClassVar[str] = "loaded_before"
    table: str
    loaded_at: str
    file: str


@dataclass(frozen=True)
class RowsAlreadyInTable:
    """`count` of the file's `rows` are identical to rows already in the table; they were appended all the same."""

    code: ClassVar[str] = "rows_already_in_table"
    table: str
    count: int
    rows: int


@dataclass(frozen=True)
class RollupNotKept:
    """The rows were loaded, but the rollup of `source` could not be built from them (`problem` says why): it answers
    nothing until a load or `kpilot rollups build` builds it; requests read the raw rows meanwhile."""

    code: ClassVar[str] = "rollup_not_kept"
    source: str
    problem: Message


Notice = (
    EncodingConverted
    | HeaderNamed
    | DateOrderInferred
    | DateFormatUsed
    | TwoDigitYears
    | CompactDates
    | TimesConvertedToUtc
    | DatesKept
    | LoadedBefore
    | RowsAlreadyInTable
    | RollupNotKept
)
