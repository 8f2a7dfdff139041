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
from kpilot.warehouse.conversion import Conversion, cast_tolerant
from kpilot.warehouse.inference import parse_bool, parse_dates, parse_numbers_best
from kpilot.warehouse.parsed import ParsedFile

_SHOWN_PROBLEMS = 5
_EMPTY = "is empty, but the table column does not allow NULL"


@dataclass(frozen=True)
class _Problem:
    index: int  # data row in the file
    column: str
    text: str | None
    reason: str
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
    parts = []
    if missing:
        parts.append("missing column(s) " + ", ".join(f"'{name}'" for name in missing))
    if unexpected:
        parts.append("unexpected column(s) " + ", ".join(_with_suggestion(name, missing) for name in unexpected))
    raise DataError(
        f"the file does not fit table '{table}': " + "; ".join(parts),
        location=parsed.location(),
        hint="rename the file's columns to the table's (the order does not matter), "
        "or use --replace to recreate the table from the file; nothing was written",
    )


def _with_suggestion(name: str, candidates: Sequence[str]) -> str:
    by_key = {candidate.casefold(): candidate for candidate in candidates}
    close = difflib.get_close_matches(name.casefold(), list(by_key), n=1, cutoff=0.6)
    return f"'{name}' (did you mean '{by_key[close[0]]}'?)" if close else f"'{name}'"


def _arrow_type(dtype: Any, table: str, name: str, parsed: ParsedFile) -> pa.DataType:
    try:
        return dtype.to_pyarrow()
    except (NotImplementedError, TypeError, ValueError, KeyError, IbisError) as exc:  # a few exotic database types
        # have no Arrow equivalent in ibis
        raise _unsupported_type(parsed, table, name, dtype) from exc


def _unsupported_type(parsed: ParsedFile, table: str, name: str, dtype: Any) -> DataError:
    return DataError(
        f"column '{name}' of table '{table}' has type {dtype}, which kpilot cannot load from files",
        location=parsed.location(),
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


def _reason(target: pa.DataType) -> str:
    types = pa.types
    if types.is_integer(target):
        return "is not a whole number" + ("" if target == pa.int64() else f" that fits {target}")
    if types.is_floating(target):
        return "is not a number"
    if types.is_decimal(target):
        return f"is not a number that fits decimal({target.precision}, {target.scale})"
    if types.is_boolean(target):
        return "is not true/false, yes/no or 1/0"
    if types.is_date(target):
        return "is not a date"
    if types.is_timestamp(target):
        return "is not a date or timestamp"
    return f"cannot be stored as {target}"


def _problems(
    parsed: ParsedFile, name: str, mask: pa.Array, reason: str, column_type: str
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
    hint = "fix these values in the file, or use --replace to recreate the table from the file; nothing was written"
    first = problems[0]
    if total == 1:
        message = _describe(first) if parsed.has_lines else f"{parsed.where(first.index)}: {_describe(first)}"
        return DataError(message, location=parsed.location(first.index), hint=hint)
    lines = [f"{total} values do not fit table '{table}'" + (", the first ones:" if total > len(problems) else ":")]
    lines += [f"    {parsed.where(problem.index)}: {_describe(problem)}" for problem in problems]
    return DataError("\n".join(lines), location=parsed.location(first.index), hint=hint)


def _describe(problem: _Problem) -> str:
    if problem.reason == _EMPTY:
        return f"column '{problem.column}' {problem.reason}"
    value = "''" if problem.text is None else repr(_shorten(problem.text))
    return f"column '{problem.column}': {value} {problem.reason} (the table column is {problem.column_type})"


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
