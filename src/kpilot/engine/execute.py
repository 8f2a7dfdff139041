"""Run a compiled query and mark the periods whose value does not cover the whole period."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa

from kpilot.engine.aggregate import PERIOD
from kpilot.engine.compile import Compiled
from kpilot.engine.periods import Grain
from kpilot.errors import DataError, QueryError
from kpilot.i18n import Message
from kpilot.warehouse.connection import Warehouse

PARTIAL = "partial"
IMMATURE = "immature"


def execute(compiled: Compiled, warehouse: Warehouse, today: date) -> pa.Table:
    table = warehouse.to_arrow(compiled.expr)
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
