"""Assemble a plan into one Ibis expression: per-source aggregates, joined onto a spine of periods, then KPIs.

The spine (every period of the range, times every dimension combination seen) is what makes empty periods appear
and keeps window functions honest: `previous` is the period before, not the row before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis

from kpilot.definitions.model import Aggregation
from kpilot.engine.aggregate import PERIOD, aggregate_source, filtered_rows, group_keys, source_days
from kpilot.engine.kpis import compute_kpis, to_date_key
from kpilot.engine.periods import Grain
from kpilot.engine.plan import Plan, SourcePlan, column_name
from kpilot.engine.timeexpr import period_start
from kpilot.errors import Location, QueryError
from kpilot.warehouse.connection import Warehouse

ZERO_WHEN_EMPTY = frozenset({Aggregation.SUM, Aggregation.COUNT, Aggregation.COUNT_DISTINCT})
KPI_PREFIX = "_kpilot_kpi_"


@dataclass(frozen=True)
class Compiled:
    plan: Plan
    expr: Any  # the Ibis table expression giving the result
    periods: tuple[date, ...]  # the periods shown (empty for --grain all)


def compile_plan(plan: Plan, warehouse: Warehouse) -> Compiled:
    tables = {sp.source.name: warehouse.source_table(sp.source) for sp in plan.sources}
    aggregates = [aggregate_source(sp, plan, tables[sp.source.name]) for sp in plan.sources]
    for source_plan, aggregate in zip(plan.sources, aggregates, strict=True):
        _check_numeric(source_plan, aggregate)
    grain = plan.request.grain
    spine_periods: list[date] = []
    if grain is not Grain.ALL:
        spine_periods = _spine_periods(plan, tables)
    frame = _frame(plan, aggregates, spine_periods)
    aggregations = {column_name(sp.source.name, m.name): m.agg for sp in plan.sources for m in sp.measures}
    frame = frame.mutate(**{column: _normalised(frame[column], aggregations[column]) for column in aggregations})
    if plan.to_date_periods:
        frame = frame.mutate(
            **{to_date_key(p): period_start(frame[PERIOD], Grain(p), plan.calendar) for p in plan.to_date_periods}
        )
    kpis = [(KPI_PREFIX + k.name, k.tree) for k in plan.kpis]
    result = compute_kpis(frame, kpis, plan.request.by, aggregations)
    if plan.first_period is not None:
        result = result.filter(result[PERIOD] >= ibis.literal(plan.first_period, type="date"))
    keys = group_keys(plan)
    result = result.select(*keys, **{k.name: result[KPI_PREFIX + k.name] for k in plan.kpis})
    if keys:
        result = result.order_by([result[key].asc(nulls_first=False) for key in keys])
    shown = [p for p in spine_periods if plan.first_period is None or p >= plan.first_period]
    return Compiled(plan, result, tuple(shown))


def _check_numeric(source_plan: SourcePlan, aggregate: Any) -> None:
    """KPI formulas compute with numbers; a min, max or last of a date column is not one."""
    schema = aggregate.schema()
    for measure in source_plan.measures:
        dtype = schema[column_name(source_plan.source.name, measure.name)]
        if not (dtype.is_numeric() or dtype.is_boolean()):
            raise QueryError(
                f"measure '{source_plan.source.name}.{measure.name}' gives {dtype} values, and KPI formulas compute "
                "with numbers",
                location=measure.origin if measure.origin != Location() else None,
                hint="turn dates into numbers in the measure, e.g. expr: days_between(created_on, closed_on)",
            )


def _normalised(column: Any, aggregation: Aggregation) -> Any:
    """Counts and sums of an empty period are 0; numbers leave the warehouse as int64 or float64 on every backend
    (PostgreSQL's SUM of integers is NUMERIC, which would otherwise turn ratios into decimals)."""
    dtype = column.type()
    if dtype.is_integer():
        column = column.cast("int64")
    elif dtype.is_numeric():
        column = column.cast("float64")
    return ibis.coalesce(column, 0) if aggregation in ZERO_WHEN_EMPTY else column


def _spine_periods(plan: Plan, tables: dict[str, Any]) -> list[date]:
    """Every period from the first needed to the last requested; unknown ends come from the data's own range."""
    request, calendar, grain = plan.request, plan.calendar, plan.request.grain
    first, last = plan.scan_start, request.end
    if first is None or last is None:
        low, high = _data_range(plan, tables)
        first = first if first is not None else low
        last = last if last is not None else high
    if first is None or last is None:
        return []
    return calendar.periods(first, last, grain)


def _data_range(plan: Plan, tables: dict[str, Any]) -> tuple[date | None, date | None]:
    """The first and last local dates with data among the plan's sources (one cheap query)."""
    ranges = []
    for sp in plan.sources:
        table = tables[sp.source.name]
        rows = filtered_rows(sp, plan, table)
        day = source_days(sp, plan, rows)
        ranges.append(rows.aggregate(low=day.min().cast("date"), high=day.max().cast("date")))
    union = ranges[0] if len(ranges) == 1 else ibis.union(*ranges)
    row = union.aggregate(low=union.low.min(), high=union.high.max()).to_pyarrow().to_pylist()[0]
    return _as_date(row["low"]), _as_date(row["high"])


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[no-any-return]


STEPS = {
    Grain.DAY: {"days": 1},
    Grain.WEEK: {"days": 7},
    Grain.MONTH: {"months": 1},
    Grain.QUARTER: {"months": 3},
    Grain.YEAR: {"months": 12},
}


def _spine(periods: list[date], grain: Grain) -> Any:
    """One row per period start, generated by the warehouse (generate_series/range) rather than sent as literals:
    a list of thousands of dates is slow both to compile and to bind."""
    first, last = (periods[0], periods[-1]) if periods else (date(1970, 1, 1), date(1970, 1, 1))
    step = ibis.interval(**STEPS[grain])
    stamps = ibis.range(ibis.timestamp(first.isoformat()), ibis.timestamp(last.isoformat()) + step, step)
    spine = stamps.unnest().cast("date").name(PERIOD).as_table()
    return spine if periods else spine.filter(ibis.literal(False))


def _frame(plan: Plan, aggregates: list[Any], periods: list[date]) -> Any:
    """The rows of the result: periods x dimension values, with every source's measures joined on."""
    by = list(plan.request.by)
    keys = group_keys(plan)
    if not keys:
        frame = aggregates[0]
        for aggregate in aggregates[1:]:
            frame = frame.cross_join(aggregate)
        return frame
    base = None
    if plan.request.grain is not Grain.ALL:
        base = _spine(periods, plan.request.grain)
    if by:
        seen = [aggregate.select(*by) for aggregate in aggregates]
        combos = (seen[0] if len(seen) == 1 else ibis.union(*seen, distinct=True)).distinct()
        base = combos if base is None else base.cross_join(combos)
    assert base is not None
    frame = base
    for aggregate in aggregates:
        measures = [c for c in aggregate.columns if c not in keys]
        joined = frame.left_join(aggregate, [frame[k].identical_to(aggregate[k]) for k in keys])
        frame = joined.select(*[frame[c] for c in frame.columns], *[aggregate[c] for c in measures])
    return frame
