"""A table's key: the columns that identify a row, so that a new file's rows replace those with the same key.

Checked on the file's rows before anything is written: every key column is there, no key is empty, and no key
appears twice (which row would win is not the file's to leave unsaid).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from kpilot.errors import DataError, Location
from kpilot.warehouse.conversion import count_true, first_true
from kpilot.warehouse.parsed import ParsedFile

_SHOWN = 3
_ROW = "_kpilot_row"


def key_columns(key: str | Sequence[str]) -> tuple[str, ...]:
    """A key as a tuple of column names: one name, or a list of them, each once."""
    columns = (key,) if isinstance(key, str) else tuple(key)
    for column in columns:
        if not isinstance(column, str) or not column.strip():
            raise DataError(f"invalid key column {column!r}", hint="a key is a column name, or a list of them")
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        raise DataError(f"key column '{repeated[0]}' is named twice", hint="list each key column once")
    return columns


def check_key(data: pa.Table, key: tuple[str, ...], parsed: ParsedFile, table: str, declared_by: str) -> None:
    """The file's rows (as they will be written) have every key column, and one row per key, none empty."""
    if not key:
        return
    missing = [column for column in key if column not in data.column_names]
    if missing:
        raise DataError(
            f"{declared_by} declares the key {_spelled(key)} for table '{table}', but the file has no column "
            + ", ".join(f"'{column}'" for column in missing),
            location=parsed.location(),
            hint="rename the file's column, or correct the key",
        )
    empty = _empty_keys(data, key)
    if empty is not None:
        column, mask = empty
        rows = ", ".join(parsed.where(index) for index in first_true(mask, _SHOWN))
        raise DataError(
            f"key column '{column}' is empty in {count_true(mask)} row(s): {rows}",
            location=parsed.location(first_true(mask)[0]),
            hint=f"every row loaded into '{table}' needs a key ({declared_by}); nothing was written",
        )
    _check_unique(data, key, parsed, table, declared_by)


def _empty_keys(data: pa.Table, key: tuple[str, ...]) -> tuple[str, pa.Array] | None:
    for column in key:
        mask = pc.is_null(data.column(column).combine_chunks())
        if count_true(mask):
            return column, mask
    return None


def _check_unique(data: pa.Table, key: tuple[str, ...], parsed: ParsedFile, table: str, declared_by: str) -> None:
    numbered = data.select(list(key)).append_column(_ROW, pa.array(range(data.num_rows), pa.int64()))
    groups = numbered.group_by(list(key), use_threads=False).aggregate([(_ROW, "count"), (_ROW, "list")])
    repeated = groups.filter(pc.greater(groups.column(f"{_ROW}_count"), 1))
    if not repeated.num_rows:
        return
    ordered = sorted(repeated.column(f"{_ROW}_list").to_pylist(), key=lambda rows: rows[0])
    shown = "; ".join(_described(data, key, rows, parsed) for rows in ordered[:_SHOWN])
    more = f" ({repeated.num_rows} keys in all)" if repeated.num_rows > _SHOWN else ""
    first: Location = parsed.location(ordered[0][1])
    raise DataError(
        f"the key {_spelled(key)} repeats in the file: {shown}{more}",
        location=first,
        hint=f"each row loaded into '{table}' must have its own key ({declared_by}): remove or merge the repeated "
        "rows; nothing was written",
    )


def _described(data: pa.Table, key: tuple[str, ...], rows: list[int], parsed: ParsedFile) -> str:
    values = [data.column(column)[rows[0]].as_py() for column in key]
    shown = repr(str(values[0])) if len(values) == 1 else "(" + ", ".join(str(value) for value in values) + ")"
    places = [parsed.where(index) for index in rows[:_SHOWN]]
    return f"{shown} in " + ", ".join(places) + (" ..." if len(rows) > _SHOWN else "")


def _spelled(key: tuple[str, ...]) -> str:
    return "(" + ", ".join(key) + ")"
