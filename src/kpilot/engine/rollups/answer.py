"""A source's part of a request answered from its rollup, when that answer is exactly the raw rows' answer.

It is when every measure the request needs combines across days (engine.rollups.layout), the request's periods are
made of whole days (every grain is), and everything that filters or splits the rows reads only dimensions the
rollup keeps: its --by dimensions, its --where, its scope and the reader's access. Each of those then holds for all
the rows of a rollup row or for none, so filtering the rollup's rows is filtering the raw rows. A name that is
also a column of the raw table is read from the column by a raw query (engine.rows), so it counts as a dimension
only where the dimension is that column. Anything else reads the raw rows: the rollup never gives an approximation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kpilot.definitions.model import Aggregation, Dimension, Source
from kpilot.engine.aggregate import PERIOD, filtered_rows
from kpilot.engine.periods import Grain
from kpilot.engine.plan import Plan, SourcePlan, column_name
from kpilot.engine.rollups.layout import DAY, Layout
from kpilot.engine.scope import scope_tree
from kpilot.engine.timeexpr import period_start
from kpilot.errors import FormulaError
from kpilot.formula.ast import Name, Node
from kpilot.formula.check import walk
from kpilot.formula.parser import parse


def answers(layout: Layout, source_plan: SourcePlan, plan: Plan, raw_columns: Iterable[str]) -> bool:
    """Whether the rollup gives exactly the rows' answer to `source_plan`'s part of `plan`."""
    if not all(layout.answers(measure) for measure in source_plan.measures):
        return False
    source, request = layout.source, plan.request
    if not set(request.by) <= set(layout.dimensions):  # a --by value is the dimension's, in both
        return False
    kept = _kept_names(layout, source, set(raw_columns))
    trees: list[Node] = []
    if request.where:
        try:
            trees.append(parse(request.where))
        except FormulaError:  # the raw query says what is wrong with it
            return False
    scoped = scope_tree(request.scope)
    if scoped is not None:
        trees.append(scoped)
    for tree in trees:
        for node in walk(tree):
            if isinstance(node, Name) and (len(node.parts) != 1 or node.parts[0] not in kept):
                return False
    # A reader's slice over a dimension the source lacks keeps none of its rows either way (engine.row_access).
    sliced = {key for scope in request.access or () for key, _ in scope if source.dimension(key) is not None}
    return sliced <= kept


def answer(layout: Layout, source_plan: SourcePlan, plan: Plan, table: Any) -> Any:
    """The source's measures per period and --by values, from the rollup `table`: the columns, named and typed as
    `engine.aggregate.aggregate_source` gives them from the raw rows."""
    source = layout.source
    kept = Source(
        name=source.name,
        table=layout.table,
        time=DAY,
        dimensions=tuple(Dimension(name=name) for name in layout.dimensions),
    )
    rows = filtered_rows(SourcePlan(kept, ()), plan, table)
    if plan.request.grain not in (Grain.DAY, Grain.ALL):
        # Days first, then their periods: a period's start is computed for each day rather than for each row
        # (DuckDB's date_trunc costs more than the sums), and the days' parts combine like the rollup's own rows.
        rows = rows.group_by([DAY, *plan.request.by]).aggregate(**_merged_parts(layout, source_plan, rows))
    keys: dict[str, Any] = {}
    if plan.request.grain is not Grain.ALL:
        keys[PERIOD] = period_start(rows[DAY], plan.request.grain, plan.calendar)
    keys.update({name: rows[name] for name in plan.request.by})
    metrics = {column_name(source.name, m.name): _combined(layout, m.name, m.agg, rows) for m in source_plan.measures}
    if not keys:
        return rows.aggregate(**metrics)
    return rows.group_by(**keys).aggregate(**metrics)


def _merged_parts(layout: Layout, source_plan: SourcePlan, rows: Any) -> dict[str, Any]:
    """The rollup's columns that `source_plan`'s measures read, combined over the rows of a group."""
    merged = {column.name: column.merged for column in layout.columns}
    wanted = {name for measure in source_plan.measures for name in layout.parts[measure.name]}
    combine = {Aggregation.SUM: "sum", Aggregation.MIN: "min", Aggregation.MAX: "max"}
    return {name: getattr(rows[name], combine[merged[name]])() for name in sorted(wanted)}


def _combined(layout: Layout, measure: str, agg: Aggregation, rows: Any) -> Any:
    parts = [rows[name] for name in layout.parts[measure]]
    if agg is Aggregation.AVG:
        total, count = parts
        return total.sum().cast("float64") / count.sum().nullif(0).cast("float64")
    if agg is Aggregation.MIN:
        return parts[0].min()
    if agg is Aggregation.MAX:
        return parts[0].max()
    return parts[0].sum()


def _kept_names(layout: Layout, source: Source, raw_columns: set[str]) -> set[str]:
    """The names a filter may read from the rollup: dimensions it keeps that read the same there as in a raw query."""
    names = set()
    for name in layout.dimensions:
        dimension = source.dimension(name)
        if dimension is None:
            continue
        if name not in raw_columns or dimension.expr is None or dimension.expr.strip() == name:
            names.add(name)
    return names
