"""One result from several: KPIs computed apart (each under its own access restriction) side by side.

A reader may see one KPI over every row and another over their own slice only; one query can hold one restriction,
so such KPIs are computed in one query per restriction and their tables put together here: one row per period and
dimension values found in any of them, each KPI's column from its own table (None where its table has no such
row), rows ordered as the engine orders them (by period, then dimensions, empty values last).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from kpilot.engine.aggregate import PERIOD
from kpilot.engine.execute import IMMATURE, PARTIAL
from kpilot.engine.periods import Grain
from kpilot.engine.plan import Request


def merge_results(tables: Sequence[pa.Table], request: Request) -> pa.Table:
    """The tables of parts of `request` (each with its keys, some of its KPIs, `partial` and perhaps `immature`) as
    one: the keys (period, then the `by` dimensions), every KPI in the order asked, then `partial` (a row is partial
    if it is so in any table) and `immature` (the union of the tables' lists) when any table has it."""
    kpis = request.kpis
    keys = [*([] if request.grain is Grain.ALL else [PERIOD]), *request.by]
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    immature = any(IMMATURE in table.column_names for table in tables)
    types: dict[str, pa.DataType] = {}
    for table in tables:
        for field in table.schema:
            types.setdefault(field.name, field.type)
        for record in table.to_pylist():
            key = tuple(record[column] for column in keys)
            row = rows.setdefault(key, {PARTIAL: False, IMMATURE: []})
            row.update({name: record[name] for name in kpis if name in record})
            row[PARTIAL] = row[PARTIAL] or bool(record[PARTIAL])
            row[IMMATURE] = sorted({*row[IMMATURE], *(record.get(IMMATURE) or ())})
    ordered = sorted(rows, key=lambda key: tuple((value is None, value) for value in key))
    columns = [*keys, *kpis, PARTIAL, *([IMMATURE] if immature else [])]
    data: dict[str, list[Any]] = {column: [] for column in columns}
    for key in ordered:
        row = rows[key]
        for column, value in zip(keys, key, strict=True):
            data[column].append(value)
        for column in columns[len(keys) :]:
            data[column].append(row.get(column))
    schema = pa.schema([pa.field(column, types[column]) for column in columns])
    return pa.table(data, schema=schema)
