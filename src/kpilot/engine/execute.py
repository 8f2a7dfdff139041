"""Run compiled queries (their SQL as compiled, not compiled again) and mark the periods whose value does not cover
the whole period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from kpilot.engine.aggregate import PERIOD
from kpilot.engine.compile import Compiled
from kpilot.engine.periods import Grain
from kpilot.engine.statement import PART, extent_pieces, part_column, statement
from kpilot.errors import DataError, QueryError
from kpilot.i18n import Message
from kpilot.warehouse.connection import Warehouse

PARTIAL = "partial"
IMMATURE = "immature"
EXTENT = ibis.schema({"first": "date", "last": "date"})


def execute(compiled: Compiled, warehouse: Warehouse, today: date) -> pa.Table:
    return _flagged(compiled, warehouse.run(compiled.sql, compiled.schema), today)


@dataclass(frozen=True)
class Extent:
    """The first and the last period with data in what a query reads (None, None: no data), under its filters and
    range: the ends its periods would have if the request left them open."""

    first: date | None = None
    last: date | None = None

    def __or__(self, other: Extent) -> Extent:
        """The extent of both (the periods of either)."""
        firsts = [day for day in (self.first, other.first) if day is not None]
        lasts = [day for day in (self.last, other.last) if day is not None]
        return Extent(min(firsts, default=None), max(lasts, default=None))


def execute_together(compiled: Sequence[Compiled], warehouse: Warehouse, today: date) -> list[pa.Table]:
    """Each query's result, all computed by one statement (engine.statement): a source that several of them read
    with the same filters is scanned once, and the warehouse is asked once."""
    return run_together(compiled, warehouse, today)[0]


def run_together(
    compiled: Sequence[Compiled], warehouse: Warehouse, today: date, *, extents: Sequence[Compiled] = ()
) -> tuple[list[pa.Table], list[Extent]]:
    """`execute_together`, and in the same statement the extent of each of `extents`: one of the queries computed,
    its extent costs no other scan. A query at the grain `all` has no periods: its extent is empty."""
    if any(each.plan.request.grain is Grain.ALL for each in extents):
        dated = [each for each in extents if each.plan.request.grain is not Grain.ALL]
        tables, measured = run_together(compiled, warehouse, today, extents=dated)
        given = iter(measured)
        return tables, [Extent() if each.plan.request.grain is Grain.ALL else next(given) for each in extents]
    if not compiled and not extents:
        return [], []
    if len(compiled) == 1 and not extents:
        return [execute(compiled[0], warehouse, today)], []
    parts = [each.pieces for each in compiled] + [extent_pieces(each.pieces) for each in extents]
    if len(parts) == 1:  # one extent alone: its statement as it is
        return [], [_extent(warehouse.run(statement(parts), EXTENT), "first", "last")]
    columns: list[list[str]] = []
    types: dict[str, Any] = {PART: "int64"}
    for index, names in enumerate([each.schema for each in compiled] + [EXTENT] * len(extents)):
        columns.append([part_column(index, i) for i in range(len(names))])
        types.update(zip(columns[-1], names.types, strict=True))
    stacked = warehouse.run(statement(parts), ibis.schema(types))
    found = [stacked.filter(pc.equal(stacked.column(PART), index)) for index in range(len(parts))]
    tables = []
    for each, rows, names in zip(compiled, found, columns, strict=False):
        table = pa.Table.from_arrays([rows.column(name) for name in names], schema=each.schema.to_pyarrow())
        tables.append(_flagged(each, table, today))
    asked = zip(found[len(compiled) :], columns[len(compiled) :], strict=True)
    ends = [_extent(rows, first, last) for rows, (first, last) in asked]
    return tables, ends


def _extent(rows: pa.Table, first: str, last: str) -> Extent:
    """The extent in the one row of an extent's statement (in its columns `first` and `last`)."""
    try:
        (start,), (end,) = rows.column(first).to_pylist(), rows.column(last).to_pylist()
    except (ValueError, OverflowError):  # beyond Python's calendar, as _period_starts says
        raise DataError(
            Message("engine.data_outside_calendar"), hint=Message("engine.data_outside_calendar_hint")
        ) from None
    return Extent(start, end)


def _flagged(compiled: Compiled, table: pa.Table, today: date) -> pa.Table:
    table = table.append_column(PARTIAL, pa.array(_partial_flags(compiled, table, today), type=pa.bool_()))
    if any(kpi.mature_after for kpi in compiled.plan.kpis):
        table = table.append_column(IMMATURE, pa.array(_immature(compiled, table, today), type=pa.list_(pa.string())))
    return table


def _immature(compiled: Compiled, table: pa.Table, today: date) -> list[list[str]]:
    """Per row, the KPIs whose value is not final yet: the youngest cohort of the period (its last day, or the last
    day asked for) has had fewer days than the KPI's `mature_after`. Only there when a KPI has a window."""
    plan = compiled.plan
    request, calendar, grain = plan.request, plan.calendar, plan.request.grain
    windows = [(kpi.name, kpi.mature_after) for kpi in plan.kpis if kpi.mature_after]
    if grain is Grain.ALL:
        last = min(request.end or today, today)
        return [[name for name, days in windows if (today - last).days < days]] * table.num_rows
    found = []
    for start in _period_starts(table):
        try:
            last = calendar.end(start, grain) - timedelta(days=1)
        except QueryError:  # the calendar's last period: as young as today
            last = today
        last = min(last, request.end or last, today)
        found.append([name for name, days in windows if (today - last).days < days])
    return found


def _partial_flags(compiled: Compiled, table: pa.Table, today: date) -> list[bool]:
    """A period is partial while it is still running, or when --from/--to cut into it.

    With `--grain all` the one "period" is the range itself, which its own ends cannot cut: the total of all the
    data (no --to) or of a range that is over (--to before today) is complete; only a --to of today or later asks
    for days that are not over yet, and that total is partial.
    """
    plan = compiled.plan
    request, calendar, grain = plan.request, plan.calendar, plan.request.grain
    if grain is Grain.ALL:
        dated = any(sp.source.time is not None for sp in plan.sources)
        return [dated and request.end is not None and request.end >= today] * table.num_rows
    flags = []
    for start in _period_starts(table):
        try:
            end = calendar.end(start, grain)  # exclusive
        except QueryError:  # the data reaches the calendar's last period (9999-12-31 as "no end date"): running
            flags.append(True)
            continue
        flags.append(_is_partial(start, end, request.start, request.end, today))
    return flags


def _period_starts(table: pa.Table) -> list[date]:
    """The periods of the result as dates. The warehouse's calendar is wider than Python's (years 1 to 9999): a
    source with dates outside it gives periods that cannot be shown."""
    try:
        return list(table.column(PERIOD).to_pylist())
    except (ValueError, OverflowError):
        raise DataError(
            Message("engine.data_outside_calendar"), hint=Message("engine.data_outside_calendar_hint")
        ) from None


def _is_partial(start: date, end: date, first: date | None, last: date | None, today: date) -> bool:
    """`end` is the day after the period: the period is running while it is after today, and cut when the
    requested range starts after its first day or ends before its last day."""
    running = end > today
    cut = (first is not None and first > start) or (last is not None and last < end - timedelta(days=1))
    return running or cut
