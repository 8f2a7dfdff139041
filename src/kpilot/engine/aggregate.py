"""One scan per source: filter, place rows in periods, group by period and dimensions, compute every measure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from kpilot.definitions.model import Aggregation, Measure, Source
from kpilot.engine.periods import Grain
from kpilot.engine.plan import Plan, SourcePlan, column_name
from kpilot.engine.row_access import access_condition
from kpilot.engine.rows import RowCompiler, measure_part
from kpilot.engine.scope import scope_shown, scope_tree
from kpilot.engine.timeexpr import date_literal, local_date, local_time, period_start
from kpilot.errors import QueryError
from kpilot.formula.check import Type
from kpilot.i18n import Message

PERIOD = "period"
LATEST = "_kpilot_latest_"  # + measure name: the latest time in the group for a `last` measure
LOCAL_TIME = "_kpilot_time"
CONSTANT = "_kpilot_constant_"  # + measure name: a constant expr as a column


def _kept(value: Any, where: Any) -> Any:
    """The value where the filter holds, empty elsewhere: how a median or percentile takes a filter. Ibis's own
    `where=` puts the filter on the fraction too on Spark (IF(where, 0.5, NULL)), which Spark refuses: the fraction
    must be a constant. Quantiles skip empty values on every backend, so the result is the same."""
    return value if where is None else ibis.ifelse(where, value, ibis.null(value.type()))


AGGREGATORS: dict[Aggregation, Callable[[Any, Any, Measure], Any]] = {
    Aggregation.SUM: lambda value, where, m: value.sum(where=where),
    Aggregation.COUNT: lambda value, where, m: value.count(where=where),
    Aggregation.COUNT_DISTINCT: lambda value, where, m: value.nunique(where=where),
    # float64 inputs: PostgreSQL's AVG of integers is NUMERIC, which would not come back as a float.
    Aggregation.AVG: lambda value, where, m: value.cast("float64").mean(where=where),
    Aggregation.MIN: lambda value, where, m: value.min(where=where),
    Aggregation.MAX: lambda value, where, m: value.max(where=where),
    Aggregation.MEDIAN: lambda value, where, m: _kept(value.cast("float64"), where).median(),
    Aggregation.PERCENTILE: lambda value, where, m: _kept(value.cast("float64"), where).quantile(m.fraction),
    Aggregation.LAST: lambda value, where, m: value.sum(where=where),
}


def group_keys(plan: Plan) -> list[str]:
    keys = list(plan.request.by)
    return keys if plan.request.grain is Grain.ALL else [PERIOD, *keys]


def source_days(source_plan: SourcePlan, plan: Plan, table: Any) -> Any:
    """The local calendar date of each row (None for a source without time)."""
    source = source_plan.source
    if source.time is None:
        return None
    dtype = table.schema()[source.time]
    return local_date(table[source.time], dtype, plan.calendar.timezone, source.timezone)


def filtered_rows(source_plan: SourcePlan, plan: Plan, table: Any) -> Any:
    """The source's rows that the request covers: --where, the scope, the reader's access (engine.row_access), the
    date range, and the look-back before it."""
    request, source = plan.request, source_plan.source
    conditions = []
    compiler = RowCompiler.of_source(table, source, plan.calendar)
    if request.where:
        what = Message("engine.part_where", source=source.name)
        conditions.append(compiler.text(request.where, what, expect=Type.BOOLEAN, field="where"))
    scoped = scope_tree(request.scope)
    if scoped is not None:
        what = Message("engine.part_scope", source=source.name)
        conditions.append(compiler.tree(scoped, scope_shown(request.scope), what, expect=Type.BOOLEAN, field="scope"))
    if request.access is not None:
        conditions.append(access_condition(compiler, source, request.access))
    day = source_days(source_plan, plan, table)
    if day is not None:
        conditions.extend(_range_conditions(day, plan))
    return table.filter(*conditions) if conditions else table


def _range_conditions(day: Any, plan: Plan) -> list[Any]:
    request, conditions = plan.request, []
    if request.end is not None:
        conditions.append(day <= date_literal(request.end))
    if plan.scan_start is not None:
        conditions.append(day >= date_literal(plan.scan_start))
    first: date | None = plan.first_period
    if request.start is not None and first is not None and request.start > first:
        # Inside the shown range the dates are exact; before it, whole look-back periods are read.
        conditions.append((day < date_literal(first)) | (day >= date_literal(request.start)))
    return conditions


def aggregate_source(source_plan: SourcePlan, plan: Plan, table: Any) -> Any:
    """The source's measures per period and --by dimension values: the only scan of this source."""
    source = source_plan.source
    rows = filtered_rows(source_plan, plan, table)
    keys: dict[str, Any] = {}
    if plan.request.grain is not Grain.ALL:
        keys[PERIOD] = period_start(source_days(source_plan, plan, rows), plan.request.grain, plan.calendar)
    dimension_compiler = RowCompiler.of_source(rows, source, plan.calendar)
    for name in plan.request.by:
        dimension = source.dimension(name)
        assert dimension is not None  # the plan checked every --by dimension
        where = dimension.locations.get("expr", dimension.origin)
        what = Message("engine.part_dimension", source=source.name, dimension=name)
        keys[name] = dimension_compiler.text(dimension.expression, what, where)
    needs_keys = any(m.agg is Aggregation.LAST for m in source_plan.measures)  # its window partitions by them
    grouped = rows.mutate(**keys) if keys and needs_keys else rows
    grouped = _with_latest_times(grouped, source, source_plan.measures, plan, list(keys))
    grouped = _with_constants(grouped, source, source_plan.measures, plan)
    compiler = RowCompiler.of_source(grouped, source, plan.calendar)
    metrics = {column_name(source.name, m.name): _measure(source, m, grouped, compiler) for m in source_plan.measures}
    if not keys:
        return grouped.aggregate(**metrics)
    if needs_keys:
        return grouped.group_by(list(keys)).aggregate(**metrics)
    return grouped.group_by(**keys).aggregate(**metrics)


def _measure(source: Source, measure: Measure, table: Any, compiler: RowCompiler) -> Any:
    where = None
    if measure.filter:
        location = measure.locations.get("filter", measure.origin)
        where = compiler.text(
            measure.filter, measure_part(source, measure.name, "filter"), location, expect=Type.BOOLEAN
        )
    if measure.agg is Aggregation.LAST:
        at_latest = table[LOCAL_TIME] == table[LATEST + measure.name]
        where = at_latest if where is None else where & at_latest
    if measure.expr is None:
        return table.count(where=where)
    if CONSTANT + measure.name in table.columns:
        value = table[CONSTANT + measure.name]
    else:
        location = measure.locations.get("expr", measure.origin)
        value = compiler.text(measure.expr, measure_part(source, measure.name, "expr"), location)
    return AGGREGATORS[measure.agg](value, where, measure)


def _with_constants(table: Any, source: Source, measures: tuple[Measure, ...], plan: Plan) -> Any:
    """A measure whose expr is a constant (`expr: "1"`) gets it as a column: aggregates need a column to work on."""
    compiler = RowCompiler.of_source(table, source, plan.calendar)
    constants = {}
    for measure in measures:
        if measure.expr is not None:
            value = compiler.text(measure.expr, measure_part(source, measure.name, "expr"))
            if isinstance(value, ir.Scalar):
                constants[CONSTANT + measure.name] = value
    return table.mutate(**constants) if constants else table


def _with_latest_times(table: Any, source: Source, measures: tuple[Measure, ...], plan: Plan, keys: list[str]) -> Any:
    """For `last` measures: the latest time inside each group, among the rows that pass the measure's filter."""
    lasts = [m for m in measures if m.agg is Aggregation.LAST]
    if not lasts:
        return table
    if source.time is None:
        raise QueryError(
            Message("engine.last_needs_time", source=source.name, measure=lasts[0].name),
            hint=Message("engine.last_needs_time_hint"),
        )
    dtype = table.schema()[source.time]
    moment = local_time(table[source.time], dtype, plan.calendar.timezone, source.timezone)
    table = table.mutate(**{LOCAL_TIME: moment})
    compiler = RowCompiler.of_source(table, source, plan.calendar)
    latest = {}
    for measure in lasts:
        part = measure_part(source, measure.name, "filter")
        where = compiler.text(measure.filter, part) if measure.filter else None
        value = table[LOCAL_TIME].max(where=where)
        latest[LATEST + measure.name] = value.over(group_by=keys) if keys else value.over()
    return table.mutate(**latest)
