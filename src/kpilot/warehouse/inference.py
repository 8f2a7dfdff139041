"""Per-column type inference, and the value parsers it shares with fitting a file to an existing table.

A column's type is inferred from *all* of its values: bool, int64, float64, date, timestamp, else text. Numbers may
use a decimal comma and thousands separators, `a/b/yyyy` dates take their day/month order from the column, and
timestamps with an offset are converted to UTC. The value parsers are vectorised with Arrow compute: a Python loop
runs only over the few values that fail, to find them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

_HEAD_VALUES = 1000  # values tried first when inferring a column's type

_STRING = pa.string()
_NULL_STRING = pa.scalar(None, _STRING)


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
