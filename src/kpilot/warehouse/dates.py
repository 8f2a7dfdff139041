"""Dates and timestamps as people write them, recognised in text columns without being told the format.

Spellings (docs/ingest.md has the table): ISO `2025-03-31` (also with `/` or `.`), `31/03/2025` and `03/31/2025`
(any of `/ . -`, four- or two-digit year), `31-Mar-2025` and `31 March 2025`, `Mar 31, 2025`, each optionally with
a time (`T` or a space, `HH:MM[:SS[.fff]]`, `AM`/`PM`) and an offset (`Z`, `+02:00`, `+0200`, `+02`, `UTC`).

The day/month order of `a/b/year` values is decided once per column: a first field over 12 proves day first, a
second field over 12 month first. A column where every such value reads both ways (`01/02/2025`) is refused unless
the user gives the order: guessing would silently swap days and months. Two-digit years are 2000-2068 for 00-68 and
1969-1999 for 69-99, as strptime's `%y` reads them. Timestamps with an offset are converted to UTC.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Sequence
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
    as_int,
    cast_tolerant,
    count_true,
    first_true,
    join,
    pad2,
    unmatched,
)
from kpilot.warehouse.date_formats import format_examples
from kpilot.warehouse.notices import DateOrderInferred, DatesKept, Notice, TimesConvertedToUtc, TwoDigitYears
from kpilot.warehouse.places import RowPlaces

_NAMES = [
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
]  # English only: month names of other languages are not recognised
_MONTHS = {name: number for number, names in enumerate(_NAMES, start=1) for name in names}
# A day of each month as a sentence says it ("1 February"), by month number - 1.
_DAY_OF = (
    "warehouse.day_of_january",
    "warehouse.day_of_february",
    "warehouse.day_of_march",
    "warehouse.day_of_april",
    "warehouse.day_of_may",
    "warehouse.day_of_june",
    "warehouse.day_of_july",
    "warehouse.day_of_august",
    "warehouse.day_of_september",
    "warehouse.day_of_october",
    "warehouse.day_of_november",
    "warehouse.day_of_december",
)
_MONTH_NAMES = pa.array(list(_MONTHS), pa.string())
_MONTH_NUMBERS = pa.array([str(number) for number in _MONTHS.values()], pa.string())

_SPELLING = (
    r"^(?:(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y2>\d{4}|\d{2})"
    r"|(?P<d3>\d{1,2})[-\s/.]?(?P<n3>[A-Za-z]{3,9})\.?[-\s/.]+(?P<y3>\d{4}|\d{2})"
    r"|(?P<n4>[A-Za-z]{3,9})\.?[-\s]+(?P<d4>\d{1,2}),?[-\s]+(?P<y4>\d{4}))"
    r"(?:(?:T|,?\s+)(?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?:[.,](?P<fr>\d{1,9}))?)?"
    r"\s*(?P<ap>[AaPp]\.?[Mm]\.?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$"
)
# Plain ISO, the spelling of most exports: such a column is cast in one step, without taking values apart.
_PLAIN_ISO = {
    pa.date32(): r"^\d{4}-\d{2}-\d{2}$",
    pa.timestamp("us"): r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?$",
}
_EXAMPLES = 3
_TWO_DIGIT_PIVOT = 69  # strptime's %y: 69-99 are 19xx, 00-68 are 20xx


class AmbiguousDates(DataError):
    """Every `a/b/year` value of a column reads as day/month and as month/day: the user must say which."""

    def __init__(
        self, column: str, examples: Sequence[tuple[str, Message | str]], places: RowPlaces, first: int
    ) -> None:
        self.column = column
        self.examples = tuple(examples)
        self.places = places
        self.first = first
        super().__init__(
            Message("warehouse.dates_ambiguous", column=column, examples=format_examples(examples)),
            location=places.location(first),
            hint=self._hint(None, None),
            field="date_format",
        )

    def for_command(self, file: str, table: str) -> AmbiguousDates:
        """The same error, with the exact command to run in the hint."""
        error = AmbiguousDates(self.column, list(self.examples), self.places, self.first)
        error.hint = error._hint(file, table)
        return error

    def _hint(self, file: str | None, table: str | None) -> Message:
        value = self.examples[0][0]
        day_first, month_first = _patterns(value)
        values = {
            "value": value,
            "day_first_date": _spoken(value, "dmy"),
            "month_first_date": _spoken(value, "mdy"),
            "day_first": day_first,
            "month_first": month_first,
        }
        if file is not None and table is not None:
            return Message("warehouse.dates_ambiguous_command_hint", file=shlex.quote(file), table=table, **values)
        return Message("warehouse.dates_ambiguous_hint", **values)


def _patterns(value: str) -> tuple[str, str]:
    """Strptime patterns for a plain `a/b/year` value, or the dmy/mdy shorthands when it has more to it."""
    fields = re.fullmatch(r"\d{1,2}(?P<s>[-/.])\d{1,2}(?P=s)(?P<y>\d{4}|\d{2})", value)
    if fields is None:
        return "dmy", "mdy"
    separator, year = fields["s"], "%Y" if len(fields["y"]) == 4 else "%y"
    return f"%d{separator}%m{separator}{year}", f"%m{separator}%d{separator}{year}"


def _spoken(value: str, order: str) -> Message:
    """What the value's date is in one order: '1 February'."""
    numbers = re.match(r"(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})", value)
    if numbers is None:
        return Message("warehouse.order_day_first") if order == "dmy" else Message("warehouse.order_month_first")
    a, b = int(numbers["a"]), int(numbers["b"])
    day, month = (a, b) if order == "dmy" else (b, a)
    if 1 <= month <= 12:
        return Message(_DAY_OF[month - 1], day=day)
    return Message("warehouse.day_of_month_number", day=day, month=month)


@dataclass(frozen=True)
class _Scan:
    """The parts of every value that looks like a date, before the day/month order is chosen."""

    parts: pa.StructArray
    matched: pa.Array  # values spelled like a date (a month name must be a real one)
    a: pa.Array  # the two leading fields of `a/b/year` values, as int64 (null elsewhere)
    b: pa.Array
    month_by_name: pa.Array  # month number (text) of month-name spellings


def _scan(text: pa.Array) -> _Scan:
    parts = pc.extract_regex(text, _SPELLING)
    named = pc.if_else(pc.not_equal(_field(parts, "n3"), ""), _field(parts, "n3"), _field(parts, "n4"))
    month_index = pc.index_in(pc.utf8_lower(named), value_set=_MONTH_NAMES)
    month_by_name = pc.take(_MONTH_NUMBERS, month_index)
    bad_name = pc.and_(pc.not_equal(named, ""), pc.is_null(month_index))
    matched = pc.fill_null(pc.and_(pc.is_valid(parts), pc.invert(bad_name)), False)
    return _Scan(parts, matched, as_int(_field(parts, "a")), as_int(_field(parts, "b")), month_by_name)


def _field(parts: pa.StructArray, name: str) -> pa.Array:
    return pc.fill_null(parts.field(name), "")


@dataclass(frozen=True)
class _Order:
    order: str | None  # "dmy" / "mdy"; None when undecided or contradictory
    evidence: int | None  # the value that proves it
    ambiguous: pa.Array  # values that read differently in the two orders
    conflict: tuple[int, int] | None  # a day-first and a month-first value


def _decide(scan: _Scan, given: str | None) -> _Order:
    first_big = pc.fill_null(pc.greater(scan.a, 12), False)
    second_big = pc.fill_null(pc.greater(scan.b, 12), False)
    ambiguous = pc.fill_null(
        pc.and_(pc.and_(pc.less_equal(scan.a, 12), pc.less_equal(scan.b, 12)), pc.not_equal(scan.a, scan.b)), False
    )
    if given is not None:
        return _Order(given, None, ambiguous, None)
    day_first, month_first = first_true(first_big), first_true(second_big)
    if day_first and month_first:
        return _Order(None, None, ambiguous, (day_first[0], month_first[0]))
    if day_first:
        return _Order("dmy", day_first[0], ambiguous, None)
    if month_first:
        return _Order("mdy", month_first[0], ambiguous, None)
    # No value proves an order: it matters only if some value reads differently in the two.
    return _Order(None if any_true(ambiguous) else "dmy", None, ambiguous, None)


@dataclass(frozen=True)
class _Built:
    conversion: Conversion
    two_digit: pa.Array  # values with a two-digit year
    offset: pa.Array  # values with an offset (converted to UTC)
    timed: pa.Array  # values with a time of day


def _build(text: pa.Array, scan: _Scan, order: str) -> _Built:
    parts, matched = scan.parts, scan.matched

    def get(name: str) -> pa.Array:
        return _field(parts, name)

    def first_of(*names: str) -> pa.Array:
        result = get(names[-1])
        for name in reversed(names[:-1]):
            result = pc.if_else(pc.not_equal(get(name), ""), get(name), result)
        return result

    numeric = pc.not_equal(get("a"), "")
    day_field, month_field = (get("a"), get("b")) if order == "dmy" else (get("b"), get("a"))
    year = first_of("y1", "y2", "y3", "y4")
    two_digit = pc.fill_null(pc.and_(matched, pc.equal(pc.utf8_length(year), 2)), False)
    short = as_int(pc.if_else(two_digit, year, ""))
    century = pc.if_else(pc.less(short, _TWO_DIGIT_PIVOT), pc.add(short, 2000), pc.add(short, 1900))
    year = pc.if_else(two_digit, pc.cast(century, pa.string()), year)
    month = pc.if_else(pc.not_equal(get("m1"), ""), get("m1"), pc.if_else(numeric, month_field, scan.month_by_name))
    day = pc.if_else(pc.not_equal(get("d1"), ""), get("d1"), pc.if_else(numeric, day_field, first_of("d3", "d4")))
    date = join("-", year, pad2(pc.fill_null(month, "")), pad2(pc.fill_null(day, "")))
    timed = pc.fill_null(pc.and_(matched, pc.not_equal(get("hh"), "")), False)
    offset = pc.fill_null(pc.and_(matched, pc.not_equal(get("tz"), "")), False)
    if not any_true(timed):
        values, failed = cast_tolerant(pc.if_else(matched, date, NULL_STRING), pa.date32())
        return _Built(Conversion(values, pc.or_(unmatched(text, matched), failed)), two_digit, offset, timed)
    hour = _hour(get("hh"), get("ap"))
    seconds = pc.if_else(pc.equal(get("ss"), ""), "00", get("ss"))
    clock = pc.if_else(timed, join(":", pad2(hour), get("mi"), seconds), "00:00:00")
    fraction = pc.if_else(
        pc.equal(get("fr"), ""), "", join("", pa.scalar("."), pc.utf8_slice_codeunits(get("fr"), 0, 6))
    )
    zone = pc.if_else(pc.is_in(get("tz"), value_set=pa.array(["", "UTC", "GMT"])), "Z", get("tz"))
    stamp = join("", date, pa.scalar(" "), clock, fraction, zone)  # no offset: the time is kept as written
    values, failed = cast_tolerant(pc.if_else(matched, stamp, NULL_STRING), pa.timestamp("us", tz="UTC"))
    conversion = Conversion(values.cast(pa.timestamp("us")), pc.or_(unmatched(text, matched), failed))
    return _Built(conversion, two_digit, offset, timed)


def _hour(hours: pa.Array, meridiem: pa.Array) -> pa.Array:
    """24-hour text; with AM/PM the hour must be 1-12 (12 AM is 0), else it becomes 99, which fails to cast."""
    marked = pc.not_equal(meridiem, "")
    value = as_int(pc.if_else(pc.equal(hours, ""), "0", hours))
    pm = pc.starts_with(pc.utf8_lower(meridiem), "p")
    twelve = pc.add(pc.if_else(pc.equal(value, 12), 0, value), pc.if_else(pm, 12, 0))  # used for 1-12 only
    proper = pc.and_(pc.greater_equal(value, 1), pc.less_equal(value, 12))
    converted = pc.if_else(proper, twelve, 99)
    return pc.cast(pc.if_else(marked, converted, value), pa.string())


# --------------------------------------------------------------------------------------------------------------
# Inference and conversion


@dataclass(frozen=True)
class DateInference:
    """A column read as dates (`values`), or not (None), with what the user should be told."""

    values: pa.Array | None
    notices: tuple[Notice, ...] = ()
    ambiguous: AmbiguousDates | None = None


def looks_like_dates(text: pa.Array) -> bool:
    """Whether any value is spelled like a date (a cheap first test on a column's head)."""
    return any_true(_scan(text).matched)


def infer_dates(text: pa.Array, column: str, places: RowPlaces, order: str | None = None) -> DateInference:
    """The column as dates or timestamps if every value is one; `order` ("dmy"/"mdy") is the user's, if given."""
    plain = _plain_iso(text)
    if plain is not None:
        return DateInference(plain)
    scan = _scan(text)
    present = len(text) - text.null_count
    spelled = count_true(scan.matched)
    if spelled == 0:
        return DateInference(None)
    mostly = 2 * spelled >= present  # a column that mostly looks like dates deserves a word when it is not read so
    decision = _decide(scan, order)
    if decision.conflict is not None:
        if not mostly:
            return DateInference(None)
        day_first, month_first = decision.conflict
        shown = (
            (_text(text, day_first), places.where(day_first)),
            (_text(text, month_first), places.where(month_first)),
        )
        return DateInference(None, (DatesKept(column, "text", "mixed_order", shown, 2),))
    built = _build(text, scan, decision.order or "dmy")
    if not built.conversion.ok:
        if not mostly:
            return DateInference(None)
        bad = built.conversion.bad
        failing = tuple((_text(text, i), places.where(i)) for i in first_true(bad, _EXAMPLES))
        return DateInference(None, (DatesKept(column, "text", "not_all_dates", failing, built.conversion.bad_count),))
    if decision.order is None:  # every value is a date, but which one depends on the order nobody gave
        indices = first_true(decision.ambiguous, _EXAMPLES)
        examples = [(_text(text, i), places.place(i)) for i in indices]
        return DateInference(None, ambiguous=AmbiguousDates(column, examples, places, indices[0]))
    return DateInference(built.conversion.values, _notices(text, column, places, built, decision))


def _notices(text: pa.Array, column: str, places: RowPlaces, built: _Built, decision: _Order) -> tuple[Notice, ...]:
    notices: list[Notice] = []
    ambiguous = count_true(decision.ambiguous)
    if decision.evidence is not None and ambiguous:
        index = decision.evidence
        notices.append(
            DateOrderInferred(column, decision.order or "dmy", _text(text, index), places.where(index), ambiguous)
        )
    values = built.conversion.values
    for index in first_true(built.two_digit):
        notices.append(TwoDigitYears(column, _text(text, index), _shown(values[index].as_py())))
    for index in first_true(built.offset):
        without = count_true(pc.and_(built.timed, pc.invert(built.offset)))
        notices.append(TimesConvertedToUtc(column, _text(text, index), _shown(values[index].as_py()), without))
    return tuple(notices)


def parse_datetimes(text: pa.Array, column: str, places: RowPlaces, order: str | None = None) -> Conversion:
    """Dates (date32) or, if any value has a time, timestamps (UTC, naive), for a column known to hold dates.
    Values that are not dates are marked bad; an order that no value shows is refused as for inference."""
    plain = _plain_iso(text)
    if plain is not None:
        return Conversion(plain, pa.repeat(False, len(text)))
    scan = _scan(text)
    decision = _decide(scan, order)
    if decision.order is None and decision.conflict is None:
        indices = first_true(decision.ambiguous, _EXAMPLES)
        raise AmbiguousDates(column, [(_text(text, i), places.place(i)) for i in indices], places, indices[0])
    return _build(text, scan, decision.order or "dmy").conversion


def _plain_iso(text: pa.Array) -> pa.Array | None:
    """The column cast at once if every value is plain ISO (Arrow's cast is strict: 2025-02-30 fails); else None,
    and the values are taken apart to find out more."""
    for target, pattern in _PLAIN_ISO.items():
        if all_match(text, pattern):
            try:
                return text.cast(target)
            except pa.ArrowInvalid:
                return None
    return None


def _text(text: pa.Array, index: int) -> str:
    return str(text[index].as_py())


def _shown(value: object) -> str:
    return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)
