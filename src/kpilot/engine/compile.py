"""Compile a plan, once, into the SQL the warehouse runs: per-source aggregates, the frame that joins them onto a
spine of periods, then the KPIs (engine.frame says what each step means).

Ibis compiles each source's aggregate and the KPI formulas over a frame table that stands for the joined sources;
`engine.statement` writes the joins and puts the pieces in one statement. Joining twenty sources in Ibis itself took
seconds (each join re-resolves every column before it), the pieces take milliseconds, and the statement is compiled
once: it is what runs, and what `kpilot sql` prints. The same query as one Ibis expression, for other Ibis backends
and dialects, is built on demand (`Compiled.expr`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.operations as ops
from sqlglot import exp

from kpilot.engine.aggregate import aggregate_source, group_keys
from kpilot.engine.cache import LRU
from kpilot.engine.currency import converted, needs_conversion
from kpilot.engine.frame import base, kpi_layer, normalised, portable_frame
from kpilot.engine.plan import Plan, SourcePlan, column_name
from kpilot.engine.rollups.answer import answer as rollup_answer
from kpilot.engine.rollups.answer import answers as rollup_answers
from kpilot.engine.rollups.layout import Layout
from kpilot.engine.statement import FRAME, Measure, Pieces, SourcePiece, pieces_of, source_name, statement
from kpilot.engine.timeexpr import kpilot_instant, kpilot_wall_clock
from kpilot.errors import InternalError, Location, QueryError
from kpilot.i18n import Message, Raw
from kpilot.warehouse.connection import Warehouse

# The dialects whose SQL kpilot writes the time-zone conversions of (engine.timeexpr) for: those it computes on.
TIME_ZONE_DIALECTS = frozenset({"duckdb", "postgres", "pyspark"})


@dataclass(frozen=True)
class Compiled:
    """A plan's query: the SQL the warehouse runs (in its dialect), compiled once, and its result's Ibis schema."""

    plan: Plan
    pieces: Pieces  # the SQL's parts, for a statement that computes several requests at once
    sql: str
    schema: Any  # the Ibis schema of the result: what its columns are converted to
    portable: Callable[[], Any] = field(repr=False, compare=False)

    @cached_property
    def expr(self) -> Any:
        """The same query as one Ibis table expression (slow to build for many sources: on demand)."""
        return self.portable()


def compile_plan(
    plan: Plan,
    warehouse: Warehouse,
    *,
    currency: str = "EUR",
    rendered: LRU[str] | None = None,
    rollups: Mapping[str, Layout] | None = None,
) -> Compiled:
    """The query of a plan; `currency` is the workspace's, which every source's amounts are converted to.
    `rendered` keeps the SQL of source queries under their Ibis expression (equal expressions are equal queries):
    requests that read a source alike (the KPIs of a check, in groups) render it once. `rollups` are the current
    rollups (engine.rollups.state), by source: a source's part is read from its rollup where that gives exactly
    the raw rows' answer."""
    aggregates = [_aggregate(sp, plan, warehouse, currency, (rollups or {}).get(sp.source.name)) for sp in plan.sources]
    for source_plan, aggregate in zip(plan.sources, aggregates, strict=True):
        _check_numeric(source_plan, aggregate)
    aggregations = {column_name(sp.source.name, m.name): m.agg for sp in plan.sources for m in sp.measures}
    compiler = warehouse.compiler
    keys = group_keys(plan)
    # The pieces read each other by name: the sources' aggregates as tables of the same columns.
    stand_ins = [
        ibis.table(aggregate.schema(), name=source_name(sp.source.name))
        for sp, aggregate in zip(plan.sources, aggregates, strict=True)
    ]
    rows = base(plan, stand_ins)
    frame_types: dict[str, Any] = dict(rows.schema().items()) if rows is not None else {}
    sources = []
    for stand_in, aggregate in zip(stand_ins, aggregates, strict=True):
        measures = []
        for column in aggregate.columns:
            if column in keys:
                continue
            value = normalised(stand_in[column], aggregations[column])
            frame_types[column] = value.type()
            measures.append(_measure(column, value, compiler))
        unbound = aggregate.unbind()
        sql = rendered.find((compiler.dialect, unbound.op())) if rendered is not None else None
        if sql is None:
            sql = _sqlglot(compiler, unbound).sql(dialect=compiler.dialect, pretty=True)
            if rendered is not None:
                rendered.keep((compiler.dialect, unbound.op()), sql)
        sources.append((SourcePiece(stand_in.get_name(), sql, unbound.op()), measures))
    result = kpi_layer(plan, ibis.table(frame_types, name=FRAME), aggregations)
    schema = result.schema()
    pieces = pieces_of(
        compiler.dialect,
        sources,
        keys,
        _sqlglot(compiler, rows) if rows is not None else None,
        _sqlglot(compiler, result),
        schema.names,
        [compiler.type_mapper.from_ibis(dtype) for dtype in schema.types],
    )

    def portable() -> Any:
        return kpi_layer(plan, portable_frame(plan, aggregates, aggregations), aggregations)

    return Compiled(plan, pieces, statement([pieces]), schema, portable)


def sql_in(compiled: Compiled, dialect: str) -> str:
    """The query in another dialect (as SQLGlot names it: trino, snowflake, bigquery, clickhouse...), compiled only:
    Ibis renders the whole query as one expression (`Compiled.expr`). What cannot be written for the dialect is a
    QueryError saying so, never SQL that would not compute the same."""
    from ibis.common.exceptions import IbisError
    from sqlglot.errors import SqlglotError

    if dialect not in TIME_ZONE_DIALECTS and _converts_time_zones(compiled.expr):
        raise QueryError(
            Message("engine.dialect_no_time_zones", dialect=dialect), hint=Message("engine.dialect_cannot_compile_hint")
        )
    try:
        return str(ibis.to_sql(compiled.expr, dialect=dialect))
    except (IbisError, SqlglotError) as error:
        problem = (str(error).strip() or type(error).__name__).splitlines()[0]
        raise QueryError(
            Message("engine.dialect_cannot_compile", dialect=dialect, problem=Raw(problem)),
            hint=Message("engine.dialect_cannot_compile_hint"),
        ) from error


def _converts_time_zones(expr: Any) -> bool:
    """Whether the query calls kpilot's time-zone functions (engine.timeexpr), which only some dialects know."""
    return any(
        getattr(op, "__func__", None) in (kpilot_instant.__wrapped__, kpilot_wall_clock.__wrapped__)
        for op in expr.op().find(ops.ScalarUDF)
    )


def _sqlglot(compiler: Any, expr: Any) -> exp.Query:
    query = compiler.to_sqlglot(expr)
    if not isinstance(query, exp.Query):
        raise InternalError(f"Ibis compiled a piece to {type(query).__name__}, not one query")
    return query


def _measure(column: str, value: Any, compiler: Any) -> Measure:
    """How the frame takes a measure column: the cast and the 0 of `frame.normalised`, read off its Ibis expression
    so that the SQL does exactly what the Ibis expression says (Ibis leaves out a cast to the type a column has)."""
    op = value.op()
    zero = isinstance(op, ops.Coalesce)
    inner = op.arg[0] if zero else op
    cast = compiler.type_mapper.from_ibis(inner.to) if isinstance(inner, ops.Cast) else None
    return Measure(column, cast, zero)


def _aggregate(source_plan: SourcePlan, plan: Plan, warehouse: Warehouse, currency: str, rollup: Layout | None) -> Any:
    if rollup is not None:
        columns = warehouse.source_table(source_plan.source).columns
        if rollup_answers(rollup, source_plan, plan, columns):
            return rollup_answer(rollup, source_plan, plan, warehouse.con.table(rollup.table))
    return aggregate_source(source_plan, plan, _rows(source_plan, plan, warehouse, currency))


def _rows(source_plan: SourcePlan, plan: Plan, warehouse: Warehouse, currency: str) -> Any:
    table = warehouse.source_table(source_plan.source)
    if not needs_conversion(source_plan.source, currency):
        return table
    rates = source_plan.rates
    pair = (rates, warehouse.source_table(rates)) if rates is not None else None
    return converted(source_plan.source, table, pair, plan.calendar, currency)


def _check_numeric(source_plan: SourcePlan, aggregate: Any) -> None:
    """KPI formulas compute with numbers; a min, max or last of a date column is not one."""
    schema = aggregate.schema()
    for measure in source_plan.measures:
        dtype = schema[column_name(source_plan.source.name, measure.name)]
        if not (dtype.is_numeric() or dtype.is_boolean()):
            raise QueryError(
                Message(
                    "engine.measure_not_numeric",
                    source=source_plan.source.name,
                    measure=measure.name,
                    type=Raw(str(dtype)),
                ),
                location=measure.origin if measure.origin != Location() else None,
                hint=Message("engine.measure_not_numeric_hint", example="expr: days_between(created_on, closed_on)"),
            )
