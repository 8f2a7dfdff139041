"""`kpilot compute --sort KPI[:desc] --top N --pivot DIM`: reordering and reshaping a result after it is computed.

- `--sort` orders the rows by one of the computed KPIs, ascending (`:asc`, the default) or descending (`:desc`),
  within each period: periods stay in time order, so that each period reads as a ranking. Empty values come last
  either way; rows with equal values keep the engine's order (by the `--by` values).
- `--top N` keeps the first N rows of each period after the sort (with `--grain all`, of the whole result). Ties at
  the cut are not kept: N means N rows.
- `--pivot DIM` turns the values of one `--by` dimension into columns: one column per KPI and value, named
  `KPI:VALUE` (an empty value is `(empty)`), KPIs in the order asked, values sorted. The
  other dimensions and the period stay rows. A pivot does not combine with `--sort` or `--top` (which ranking
  would a row of several columns follow?).

The numbers are never changed: these only move values around.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from kpilot.engine.aggregate import PERIOD
from kpilot.errors import QueryError
from kpilot.formula.check import suggestion
from kpilot.i18n import Message, Raw

ORDERS = {"asc": False, "desc": True}
EMPTY_VALUE = "(empty)"
MAX_PIVOT_COLUMNS = 200  # past this a table (or a spreadsheet) is no longer readable


@dataclass(frozen=True)
class SortKey:
    kpi: str
    descending: bool = False


@dataclass(frozen=True)
class PivotColumn:
    kpi: str
    value: str  # the dimension's value as text ((empty) for an empty one)


@dataclass(frozen=True)
class Pivoted:
    table: pa.Table
    columns: dict[str, PivotColumn]  # output column name -> what it holds


def parse_sort(text: str, kpis: Sequence[str], defined: Sequence[str]) -> SortKey:
    """`revenue`, `revenue:desc` or `revenue:asc`, for a KPI among those computed (`kpis`)."""
    name, _, order = text.strip().partition(":")
    name, order = name.strip(), order.strip().lower()
    if order and order not in ORDERS:
        raise QueryError(
            Message("cli.reshape.unknown_order", sort=text, order=order),
            hint=Message("cli.reshape.unknown_order_hint", kpi=name),
            field="sort",
            suggestions=(f"{name}:desc", f"{name}:asc"),
        )
    if name not in kpis:
        if name in defined:
            raise QueryError(
                Message("cli.reshape.sort_not_computed", kpi=name, computed=tuple(kpis)),
                hint=Message("cli.reshape.sort_not_computed_hint", kpi=name),
                field="sort",
                suggestions=tuple(kpis),
            )
        hint = suggestion(name, kpis) or suggestion(name, defined)
        raise QueryError(
            Message("cli.reshape.sort_unknown_kpi", kpi=name),
            hint=hint or Message("cli.reshape.sort_by_one_of", kpis=tuple(kpis)),
            field="sort",
            suggestions=tuple(kpis),
        )
    return SortKey(name, ORDERS.get(order, False))


def check_top(top: int | None, sort: str | None) -> None:
    if top is None:
        return
    if top < 1:
        raise QueryError(Message("cli.reshape.top_too_small", top=Raw(str(top))), field="top")
    if sort is None:
        raise QueryError(
            Message("cli.reshape.top_needs_sort"), hint=Message("cli.reshape.top_needs_sort_hint"), field="top"
        )


def check_pivot(pivot: str | None, sort: str | None, top: int | None) -> None:
    if pivot is not None and (sort is not None or top is not None):
        raise QueryError(
            Message("cli.reshape.pivot_with_sort"), hint=Message("cli.reshape.pivot_with_sort_hint"), field="pivot"
        )


def sort_rows(table: pa.Table, key: SortKey, top: int | None = None) -> pa.Table:
    """The rows ordered by `key` within each period (nulls last), and only the first `top` of each period."""
    values = table.column(key.kpi).to_pylist()
    periods = table.column(PERIOD).to_pylist() if PERIOD in table.column_names else [None] * table.num_rows
    first_row_of: dict[Any, int] = {}
    for index, period in enumerate(periods):
        first_row_of.setdefault(period, index)

    def order(index: int) -> tuple[Any, ...]:
        value = values[index]
        empty = value is None or value != value  # NaN is not equal to itself
        rank = 0 if empty else (-value if key.descending else value)
        return (first_row_of[periods[index]], empty, rank)

    ordered = sorted(range(table.num_rows), key=order)  # stable: equal values keep the engine's order
    if top is not None:
        kept: dict[Any, int] = {}
        chosen = []
        for index in ordered:
            count = kept.get(periods[index], 0)
            if count < top:
                chosen.append(index)
                kept[periods[index]] = count + 1
        ordered = chosen
    return table.take(pa.array(ordered, type=pa.int64()))


def pivot(table: pa.Table, dimension: str, kpis: Sequence[str], dimensions: Sequence[str]) -> Pivoted:
    """One row per period and other dimension values; one column per KPI and value of `dimension`.

    Columns that annotate a row rather than hold a value (`partial`, lists of KPI names) are merged over the row's
    values: partial if any is, lists joined."""
    if dimension not in table.column_names:
        raise QueryError(Message("cli.reshape.pivot_not_a_dimension", dimension=dimension), field="pivot")
    keys = [name for name in (PERIOD, *dimensions) if name in table.column_names and name != dimension]
    notes = [name for name in table.column_names if name not in (*keys, dimension, *kpis)]
    rows = table.to_pylist()
    values = sorted({row[dimension] for row in rows}, key=lambda value: (value is None, value))
    if len(values) * len(kpis) > MAX_PIVOT_COLUMNS:
        raise QueryError(
            Message(
                "cli.reshape.pivot_too_wide",
                dimension=dimension,
                columns=len(values) * len(kpis),
                values=len(values),
                kpis=len(kpis),
                most=MAX_PIVOT_COLUMNS,
            ),
            hint=Message("cli.reshape.pivot_too_wide_hint", dimension=dimension),
            field="pivot",
        )
    columns = {}
    for kpi in kpis:
        for value in values:
            name = f"{kpi}:{_label(value)}"
            if name in columns or name in keys or name in notes:
                raise QueryError(
                    Message("cli.reshape.pivot_clash", dimension=dimension, column=name),
                    hint=Message("cli.reshape.pivot_clash_hint"),
                    field="pivot",
                )
            columns[name] = PivotColumn(kpi, _label(value))
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[name] for name in keys)
        out = grouped.setdefault(key, dict(zip(keys, key, strict=True)))
        for name in notes:
            out[name] = _merged(out.get(name), row[name])
        for kpi in kpis:
            out[f"{kpi}:{_label(row[dimension])}"] = row[kpi]
    schema = pa.schema(
        [table.schema.field(name) for name in keys]
        + [pa.field(name, table.schema.field(column.kpi).type) for name, column in columns.items()]
        + [table.schema.field(name) for name in notes]
    )
    data = {name: [row.get(name) for row in grouped.values()] for name in schema.names}
    return Pivoted(pa.table(data, schema=schema), columns)


def _merged(before: Any, value: Any) -> Any:
    if before is None:
        return value
    if isinstance(before, bool) and isinstance(value, bool):
        return before or value
    if isinstance(before, list) and isinstance(value, list):
        return list(dict.fromkeys([*before, *value]))
    return before


def _label(value: Any) -> str:
    return EMPTY_VALUE if value is None else str(value)
