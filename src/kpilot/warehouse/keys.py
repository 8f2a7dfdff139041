"""A table's key: the columns that identify a row, so that a new file's rows replace those with the same key.

Checked on the file's rows before anything is written: every key column is there, no key is empty, and no key
appears twice (which row would win is not the file's to leave unsaid).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from kpilot.errors import DataError, Location
from kpilot.i18n import Message
from kpilot.warehouse.conversion import count_true, first_true
from kpilot.warehouse.parsed import ParsedFile
from kpilot.warehouse.phrases import quoted, semicolons

_SHOWN = 3
_ROW = "_kpilot_row"
THE_KEY = Message("warehouse.declared_by_key")  # who declares a key given without a source ("the key")


def key_columns(key: str | Sequence[str]) -> tuple[str, ...]:
    """A key as a tuple of column names: one name, or a list of them, each once."""
    columns = (key,) if isinstance(key, str) else tuple(key)
    for column in columns:
        if not isinstance(column, str) or not column.strip():
            raise DataError(
                Message("warehouse.key_column_invalid", column=repr(column)),
                hint=Message("warehouse.key_column_invalid_hint"),
                field="key",
            )
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        raise DataError(
            Message("warehouse.key_column_twice", column=repeated[0]),
            hint=Message("warehouse.key_column_twice_hint"),
            field="key",
        )
    return columns


def check_key(data: pa.Table, key: tuple[str, ...], parsed: ParsedFile, table: str, declared_by: Message) -> None:
    """The file's rows (as they will be written) have every key column, and one row per key, none empty."""
    if not key:
        return
    missing = [column for column in key if column not in data.column_names]
    if missing:
        raise DataError(
            Message(
                "warehouse.key_column_missing",
                declared_by=declared_by,
                key=_spelled(key),
                table=table,
                missing=quoted(missing),
            ),
            location=parsed.location(),
            hint=Message("warehouse.key_column_missing_hint"),
            field="key",
        )
    empty = _empty_keys(data, key)
    if empty is not None:
        column, mask = empty
        rows = tuple(parsed.place(index) for index in first_true(mask, _SHOWN))
        raise DataError(
            Message("warehouse.key_empty", column=column, count=count_true(mask), rows=rows),
            location=parsed.location(first_true(mask)[0]),
            hint=Message("warehouse.key_empty_hint", table=table, declared_by=declared_by),
        )
    _check_unique(data, key, parsed, table, declared_by)


def _empty_keys(data: pa.Table, key: tuple[str, ...]) -> tuple[str, pa.Array] | None:
    for column in key:
        mask = pc.is_null(data.column(column).combine_chunks())
        if count_true(mask):
            return column, mask
    return None


def _check_unique(data: pa.Table, key: tuple[str, ...], parsed: ParsedFile, table: str, declared_by: Message) -> None:
    numbered = data.select(list(key)).append_column(_ROW, pa.array(range(data.num_rows), pa.int64()))
    groups = numbered.group_by(list(key), use_threads=False).aggregate([(_ROW, "count"), (_ROW, "list")])
    repeated = groups.filter(pc.greater(groups.column(f"{_ROW}_count"), 1))
    if not repeated.num_rows:
        return
    ordered = sorted(repeated.column(f"{_ROW}_list").to_pylist(), key=lambda rows: rows[0])
    shown = semicolons([_described(data, key, rows, parsed) for rows in ordered[:_SHOWN]])
    first: Location = parsed.location(ordered[0][1])
    spelled = _spelled(key)
    if repeated.num_rows > _SHOWN:
        message = Message("warehouse.key_repeats_more", key=spelled, repeats=shown, count=repeated.num_rows)
    else:
        message = Message("warehouse.key_repeats", key=spelled, repeats=shown)
    raise DataError(
        message, location=first, hint=Message("warehouse.key_repeats_hint", table=table, declared_by=declared_by)
    )


def _described(data: pa.Table, key: tuple[str, ...], rows: list[int], parsed: ParsedFile) -> Message:
    values = [data.column(column)[rows[0]].as_py() for column in key]
    shown = repr(str(values[0])) if len(values) == 1 else "(" + ", ".join(str(value) for value in values) + ")"
    places = tuple(parsed.place(index) for index in rows[:_SHOWN])
    if len(rows) > _SHOWN:
        return Message("warehouse.key_repeat_more", value=shown, places=places)
    return Message("warehouse.key_repeat", value=shown, places=places)


def _spelled(key: tuple[str, ...]) -> str:
    return "(" + ", ".join(key) + ")"
