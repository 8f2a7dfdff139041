"""The SQL that keeps a rollup: built from all of a source's rows, or the rows of one ingest added and the days they
touched merged, so that each day and combination of dimension values is one row again.

The daily values are computed by the engine's own per-source aggregate (`engine.aggregate.aggregate_source`, at the
grain of a day, by the rollup's dimensions): the rows are filtered, converted to the workspace currency and placed
in local days exactly as a request over the raw rows does. The rollup table is created with the types Ibis gives
the aggregates (DuckDB's sum of integers is a 128-bit integer; the table keeps the 64-bit integer the raw query's
answer has), so a period computed from it has the types of the same period computed from the raw rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import ibis

from kpilot.definitions.model import Aggregation, Source
from kpilot.engine.aggregate import PERIOD, aggregate_source
from kpilot.engine.currency import converted
from kpilot.engine.periods import Calendar, Grain
from kpilot.engine.plan import Plan, Request, SourcePlan, column_name
from kpilot.engine.rollups.layout import DAY, Layout
from kpilot.warehouse.sessions import Session, quote

_DIALECT = "duckdb"


def daily(layout: Layout, table: Any, rates: tuple[Source, Any] | None, calendar: Calendar, currency: str) -> Any:
    """The rollup's rows computed from `table` (the source's rows, or an ingest's): one per local day and
    combination of dimension values."""
    source = layout.source
    rows = converted(source, table, rates, calendar, currency)
    measures = tuple(column.measure for column in layout.columns)
    source_plan = SourcePlan(source, measures, rates[0] if rates is not None else None)
    request = Request(kpis=(layout.table,), grain=Grain.DAY, by=layout.dimensions)
    plan = Plan(request, calendar, (), (source_plan,), None, None, ())
    aggregate = aggregate_source(source_plan, plan, rows)
    selected: dict[str, Any] = {DAY: aggregate[PERIOD]}
    selected.update({name: aggregate[name] for name in layout.dimensions})
    selected.update({c.name: aggregate[column_name(source.name, c.measure.name)] for c in layout.columns})
    return aggregate.select(**selected)


@dataclass(frozen=True)
class Daily:
    """Daily rows as an Ibis expression and its SQL, compiled once."""

    expr: Any
    sql: str

    @classmethod
    def of(cls, expr: Any) -> Daily:
        return cls(expr, str(ibis.to_sql(expr, dialect=_DIALECT)))


def merged(layout: Layout, schema: Any, kept: str, added: str) -> Any:
    """The rows of `kept` (the rollup) on the days that `added` (an ingest's daily rows) has, combined with those:
    one row per day and dimension values again."""
    old, new = ibis.table(schema, name=kept), ibis.table(schema, name=added)
    days = new.select(DAY).distinct()
    touched = old.semi_join(days, DAY).select(*schema.names)
    both = touched.union(new.select(*schema.names), distinct=False)
    combine = {Aggregation.SUM: "sum", Aggregation.MIN: "min", Aggregation.MAX: "max"}
    metrics = {c.name: getattr(both[c.name], combine[c.merged])() for c in layout.columns}
    return both.group_by([DAY, *layout.dimensions]).aggregate(**metrics)


def table_schema(session: Session, table: str) -> Any:
    """The Ibis schema of a warehouse table, read inside the transaction (it may have been created by it)."""
    from ibis.backends.sql.datatypes import DuckDBType

    rows = session.fetch(f"DESCRIBE {quote(table)}")
    return ibis.schema({str(row[0]): DuckDBType.from_string(str(row[1])) for row in rows})


def build(session: Session, layout: Layout, daily: Daily) -> int:
    """(Re)create the rollup table from the daily rows; how many rows it has."""
    session.execute(f"DROP TABLE IF EXISTS {quote(layout.table)}")
    session.execute(_create_sql(layout.table, daily.expr.schema()))
    # In day order: a request's date range then skips whole blocks of the table (DuckDB's min/max per block).
    session.execute(_insert_sql(layout.table, daily.expr.order_by(DAY)))
    return _count(session, layout.table)


def add(session: Session, layout: Layout, daily: Daily) -> int:
    """Add the daily rows of an ingest's rows to the rollup, merging the days they touch; its row count."""
    schema = table_schema(session, layout.table)
    added, combined = (f"_kpilot_rollup_{part}_{uuid.uuid4().hex}" for part in ("added", "merged"))
    try:
        session.execute(_create_sql(added, schema, temporary=True))
        listed = ", ".join(quote(name) for name in daily.expr.columns)
        session.execute(f"INSERT INTO {quote(added)} ({listed}) {daily.sql}")
        session.execute(_create_sql(combined, schema, temporary=True))
        session.execute(_insert_sql(combined, merged(layout, schema, layout.table, added)))
        day = quote(DAY)
        session.execute(
            f"DELETE FROM {quote(layout.table)} WHERE {day} IN (SELECT {day} FROM {quote(added)} "
            f"WHERE {day} IS NOT NULL)"
        )
        session.execute(f"INSERT INTO {quote(layout.table)} SELECT * FROM {quote(combined)}")
    finally:
        for name in (added, combined):
            session.execute(f"DROP TABLE IF EXISTS {quote(name)}")
    return _count(session, layout.table)


def _create_sql(table: str, schema: Any, *, temporary: bool = False) -> str:
    columns = ", ".join(column.sql(_DIALECT) for column in schema.to_sqlglot_column_defs(_DIALECT))
    return f"CREATE {'TEMPORARY ' if temporary else ''}TABLE {quote(table)} ({columns})"


def _insert_sql(table: str, expr: Any) -> str:
    listed = ", ".join(quote(name) for name in expr.columns)
    return f"INSERT INTO {quote(table)} ({listed}) {ibis.to_sql(expr, dialect=_DIALECT)}"


def _count(session: Session, table: str) -> int:
    return int(session.fetch(f"SELECT count(*) FROM {quote(table)}")[0][0])
