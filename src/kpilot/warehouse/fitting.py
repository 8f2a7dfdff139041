"""Fit a file to an existing table: convert each column to the table's type, or list the values that do not fit.

Used by `ingest` when appending. The conversions reuse the value parsers of type inference, with the rules for a
known target type (1/0 for booleans, the decimal convention under which the fewest values fail, dates without a time
of day).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
from ibis.common.exceptions import IbisError

from kpilot.errors import DataError
from kpilot.i18n import Message
from kpilot.warehouse.conversion import Conversion, cast_tolerant
from kpilot.warehouse.inference import parse_bool, parse_dates, parse_numbers_best
from kpilot.warehouse.parsed import ParsedFile
from kpilot.warehouse.phrases import lines, quoted

_SHOWN_PROBLEMS = 5
_EMPTY = Message("warehouse.reason_empty_not_null")
_HINT = Message("warehouse.values_misfit_hint")


@dataclass(frozen=True)
class _Problem:
    index: int  # data row in the file
    column: str
    text: str | None
    reason: Message  # what is wrong with the value: "is not a number"
    column_type: str


def fit_to_schema(parsed: ParsedFile, table: str, schema: ibis.Schema) -> pa.Table:
    """The file's data converted to the table's column types, or a DataError listing what does not fit."""
    _check_columns(parsed, table, list(schema.names))
    arrays: list[pa.Array] = []
    problems: list[_Problem] = []
    total = 0
    for name, dtype in schema.items():
        target = _arrow_type(dtype, table, name, parsed)
        converted = _convert(parsed, name, target)
        if converted is None:
            raise _unsupported_type(parsed, table, name, dtype)
        type_name = str(dtype.copy(nullable=True))
        count, shown = _problems(parsed, name, converted.bad, _reason(target), type_name)
        if not dtype.nullable:
            empty = pc.and_(pc.is_null(converted.values), pc.invert(converted.bad))
            more, more_shown = _problems(parsed, name, empty, _EMPTY, type_name)
            count, shown = count + more, shown + more_shown
        total += count
        problems.extend(shown)
        arrays.append(converted.values)
    if total:
        raise _misfit(parsed, table, problems, total)
    return pa.Table.from_arrays(arrays, names=list(schema.names))


def _check_columns(parsed: ParsedFile, table: str, expected: list[str]) -> None:
    present = parsed.table.column_names
    missing = [name for name in expected if name not in present]
    unexpected = [name for name in present if name not in expected]
    if not missing and not unexpected:
        return
    close = {name: _close(name, missing) for name in unexpected}
    listed = tuple(
        f"'{name}'" if close[name] is None else Message("warehouse.column_did_you_mean", column=name, meant=close[name])
        for name in unexpected
    )
    if missing and unexpected:
        message = Message("warehouse.file_misfit_both", table=table, missing=quoted(missing), unexpected=listed)
    elif missing:
        message = Message("warehouse.file_misfit_missing", table=table, missing=quoted(missing))
    else:
        message = Message("warehouse.file_misfit_unexpected", table=table, unexpected=listed)
    raise DataError(
        message,
        location=parsed.location(),
        hint=Message("warehouse.file_misfit_hint"),
        suggestions=tuple(dict.fromkeys(meant for meant in close.values() if meant is not None)),
    )


def _close(name: str, candidates: Sequence[str]) -> str | None:
    """The missing column an unexpected one most likely means (a case or spelling slip), if any."""
    by_key = {candidate.casefold(): candidate for candidate in candidates}
    close = difflib.get_close_matches(name.casefold(), list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None


def _arrow_type(dtype: Any, table: str, name: str, parsed: ParsedFile) -> pa.DataType:
    try:
        return dtype.to_pyarrow()
    except (NotImplementedError, TypeError, ValueError, KeyError, IbisError) as exc:  # a few exotic database types
        # have no Arrow equivalent in ibis
        raise _unsupported_type(parsed, table, name, dtype) from exc


def _unsupported_type(parsed: ParsedFile, table: str, name: str, dtype: Any) -> DataError:
    return DataError(
        Message("warehouse.type_unsupported", column=name, table=table, type=str(dtype)), location=parsed.location()
    )


def _convert(parsed: ParsedFile, name: str, target: pa.DataType) -> Conversion | None:
    """One file column as the target type; None if no conversion to that type exists."""
    source = parsed.table.column(name).combine_chunks()
    if source.type == target:
        return Conversion(source, pa.repeat(False, len(source)))
    if _castable(source.type, target):
        values, bad = cast_tolerant(source, target)
        if pa.types.is_date(target) and pa.types.is_timestamp(source.type):
            bad = pc.or_(bad, _has_time_of_day(source))
        return Conversion(values, bad)
    return _convert_text(parsed.text_of(name), target, parsed, name)


def _castable(source: pa.DataType, target: pa.DataType) -> bool:
    """Arrow casts that keep the meaning of a typed value (an int is not a bool, a number is not a date)."""
    types = pa.types

    def numeric(kind: pa.DataType) -> bool:
        return bool(types.is_integer(kind) or types.is_floating(kind) or types.is_decimal(kind))

    def temporal(kind: pa.DataType) -> bool:
        return bool(types.is_date(kind) or types.is_timestamp(kind))

    if numeric(source) and numeric(target):
        return True
    return temporal(source) and temporal(target)


def _has_time_of_day(stamps: pa.Array) -> pa.Array:
    midnight = stamps.cast(pa.date32()).cast(stamps.type)
    return pc.fill_null(pc.not_equal(stamps, midnight), False)


def _convert_text(text: pa.Array, target: pa.DataType, parsed: ParsedFile, name: str) -> Conversion | None:
    types = pa.types
    if types.is_string(target) or types.is_large_string(target):
        return Conversion(text.cast(target), pa.repeat(False, len(text)))
    if types.is_boolean(target):
        return parse_bool(text, lenient=True)
    if types.is_integer(target) or types.is_floating(target) or types.is_decimal(target):
        return parse_numbers_best(text, parsed.number_style, target)
    if types.is_date(target) or types.is_timestamp(target):
        if name in parsed.ambiguous:
            raise parsed.ambiguous[name]  # a date column, but which day each value is nobody has said
        parsed_values = parse_dates(text, parsed.number_style, parsed.reading(name))
        if types.is_date(target) and types.is_timestamp(parsed_values.values.type):
            late = _has_time_of_day(parsed_values.values)
            parsed_values = Conversion(parsed_values.values, pc.or_(parsed_values.bad, late))
        return _then_cast(parsed_values, target)
    return None


def _then_cast(first: Conversion, target: pa.DataType) -> Conversion:
    """A second step to the exact target type (int32, decimal(10,2), timestamp with a zone...)."""
    values, bad = cast_tolerant(first.values, target)
    return Conversion(values, pc.or_(first.bad, bad))


def _reason(target: pa.DataType) -> Message:
    types = pa.types
    if types.is_integer(target):
        if target == pa.int64():
            return Message("warehouse.reason_not_whole")
        return Message("warehouse.reason_not_whole_fitting", type=str(target))
    if types.is_floating(target):
        return Message("warehouse.reason_not_number")
    if types.is_decimal(target):
        # Precision and scale as SQL writes them, digits only.
        return Message("warehouse.reason_not_decimal", precision=str(target.precision), scale=str(target.scale))
    if types.is_boolean(target):
        return Message("warehouse.reason_not_boolean")
    if types.is_date(target):
        return Message("warehouse.reason_not_date")
    if types.is_timestamp(target):
        return Message("warehouse.reason_not_timestamp")
    return Message("warehouse.reason_not_storable", type=str(target))


def _problems(
    parsed: ParsedFile, name: str, mask: pa.Array, reason: Message, column_type: str
) -> tuple[int, list[_Problem]]:
    indices = pc.indices_nonzero(pc.fill_null(mask, False))
    if not len(indices):
        return 0, []
    text = parsed.text_of(name)
    shown = [
        _Problem(index=index, column=name, text=text[index].as_py(), reason=reason, column_type=column_type)
        for index in indices[:_SHOWN_PROBLEMS].to_pylist()
    ]
    return len(indices), shown


def _misfit(parsed: ParsedFile, table: str, problems: list[_Problem], total: int) -> DataError:
    problems = sorted(problems, key=lambda problem: problem.index)[:_SHOWN_PROBLEMS]
    first = problems[0]
    if total == 1:
        message = _describe(first)
        if not parsed.has_lines:  # the location holds no row to point at: the message says which one
            message = Message("warehouse.at_place", place=parsed.place(first.index), problem=message)
        return DataError(message, location=parsed.location(first.index), hint=_HINT)
    if total > len(problems):
        head = Message("warehouse.values_misfit_first", count=total, table=table)
    else:
        head = Message("warehouse.values_misfit", count=total, table=table)
    listed = [Message("warehouse.at_place", place=parsed.place(p.index), problem=_describe(p)) for p in problems]
    return DataError(lines(head, listed), location=parsed.location(first.index), hint=_HINT)


def _describe(problem: _Problem) -> Message:
    if problem.reason == _EMPTY:
        return Message("warehouse.column_reason", column=problem.column, reason=problem.reason)
    value = "''" if problem.text is None else repr(_shorten(problem.text))
    return Message(
        "warehouse.value_misfit", column=problem.column, value=value, reason=problem.reason, type=problem.column_type
    )


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
