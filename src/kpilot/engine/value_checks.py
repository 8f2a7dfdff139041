"""Data checks that catch silently wrong numbers: a text value that a measure filter, a dimension or a target's
scope names but that never occurs in the data (`stage = 'won'` where the CRM says `Won`), and a measure filter that
matches no row at all. Both make a KPI 0 or empty without any error, so `validate` and `check` warn about them and
show the values that do occur.

Each source costs at most three queries: one count of rows and of each filter's matches, one lookup of the named
values, and one listing of the most frequent values of the columns where a named value is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis

from kpilot.definitions.model import Definitions, Source
from kpilot.engine.periods import Calendar
from kpilot.engine.rows import RowCompiler, measure_part
from kpilot.engine.scope import Scope, scope_shown, scope_tree
from kpilot.engine.target_checks import every
from kpilot.errors import FormulaError, Issue, Location, Severity, UserError
from kpilot.formula.ast import Binary, MeasureRef, Span
from kpilot.formula.check import Type, check, walk
from kpilot.formula.literals import compared_values
from kpilot.formula.parser import parse
from kpilot.i18n import Message
from kpilot.semantic.positions import formula_location
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.rowscope import RowScope
from kpilot.warehouse.connection import Warehouse

SHOWN_VALUES = 8  # most frequent values listed when a named one is missing
ROW_FILTER = Message("engine.part_row_filter")  # a request's `where` (or a scope), in messages about its values
_LOOKUP = Message("engine.part_expression")  # values looked up for another module, which words its own messages


@dataclass(frozen=True)
class NamedValue:
    """A text value some definition expects in a column or dimension of a source."""

    column: str
    value: str
    what: Message  # measure 'deals.won' filter; the scope of the target for KPI 'win_rate' (2025-Q3)
    where: Location


@dataclass
class _SourceWork:
    source: Source
    filter_places: dict[str, Location] = field(default_factory=dict)
    named: list[NamedValue] = field(default_factory=list)


def value_issues(definitions: Definitions, warehouse: Warehouse, calendar: Calendar | None = None) -> list[Issue]:
    """Warnings about named values that never occur and filters that match nothing, for every source that opens
    and type-checks (the other data checks report those that do not)."""
    work = {source.name: _SourceWork(source) for source in definitions.sources}
    for source in definitions.sources:
        _collect_measures(work[source.name])
    _collect_targets(definitions, work)
    issues: list[Issue] = []
    for item in work.values():
        if item.filter_places or item.named:
            issues += _check_source(item, warehouse, calendar or Calendar())
    return issues


def _collect_measures(item: _SourceWork) -> None:
    source = item.source
    for measure in source.measures:
        if measure.filter is not None:
            base = measure.locations.get("filter", measure.origin)
            what = measure_part(source, measure.name, "filter")
            item.filter_places[measure.name] = base
            item.named += _named_in(measure.filter, what, base)
    for dimension in source.dimensions:
        if dimension.expr is not None:
            base = dimension.locations.get("expr", dimension.origin)
            what = Message("engine.part_dimension", source=source.name, dimension=dimension.name)
            item.named += _named_in(dimension.expr, what, base)


def _named_in(text: str, what: Message, base: Location) -> list[NamedValue]:
    try:
        tree = parse(text)
    except FormulaError:  # reported by the formula checks
        return []
    return [
        NamedValue(c.column, c.literal.value, what, formula_location(base, c.literal.span.start))
        for c in compared_values(tree)
    ]


def _collect_targets(definitions: Definitions, work: dict[str, _SourceWork]) -> None:
    """A target's scope (`team: EMEA`) names a value of a dimension in every source its KPI reads that has it."""
    model = SemanticModel(definitions)
    for target in definitions.targets:
        if not target.scope:
            continue
        try:
            tree = model.expand(target.kpi)
        except (FormulaError, UserError):  # unknown or broken KPI: reported by the target checks
            continue
        sources = {node.source for node in walk(tree) if isinstance(node, MeasureRef)}
        when = target.period or every(target.every)
        for name in sorted(sources):
            item = work.get(name)
            if item is None:
                continue
            for key, value in sorted(target.scope.items()):
                if item.source.dimension(key) is None:
                    continue  # a scope on a dimension the source lacks is a target problem, reported elsewhere
                where = target.locations.get("scope", target.origin)
                what = Message("engine.part_target_scope", kpi=target.kpi, when=when)
                item.named.append(NamedValue(key, value, what, where))


def _check_source(item: _SourceWork, warehouse: Warehouse, calendar: Calendar) -> list[Issue]:
    source = item.source
    try:
        table = warehouse.source_table(source)
        scope = RowScope(dict(table.schema().items()), source.dimensions)
    except UserError:  # reported by the other data checks
        return []
    compiler = RowCompiler.of_source(table, source, calendar)
    filters: dict[str, Any] = {}
    for measure in source.measures:
        tree = _typed(measure.filter, scope, Type.BOOLEAN) if measure.filter is not None else None
        if tree is not None:
            filters[measure.name] = compiler.compile(tree)
    columns: dict[str, Any] = {}
    for named in item.named:
        tree = _typed(named.column, scope, Type.STRING) if named.column not in columns else None
        if tree is not None:
            columns[named.column] = compiler.compile(tree)
    counts = _counts(table, filters, warehouse)
    if not counts["rows"]:
        return []  # no data yet: nothing can be judged, and `check` says that the data is missing
    missing = _missing(table, columns, [n for n in item.named if n.column in columns], warehouse)
    frequent = _frequent(table, {c: columns[c] for c in sorted({n.column for n in missing})}, warehouse)
    issues = [_missing_issue(source, named, frequent[named.column]) for named in missing]
    explained = {n.what for n in missing}
    for name, where in item.filter_places.items():
        # A filter that keeps nothing because a value it names is missing is explained by that value's warning.
        if name in filters and not counts[name] and measure_part(source, name, "filter") not in explained:
            issues.append(_empty_filter_issue(source, name, counts["rows"], where))
    return issues


def lookup_values(
    warehouse: Warehouse, table: str, column: str, values: frozenset[str]
) -> tuple[frozenset[str], list[tuple[str, int]]] | None:
    """Which of `values` occur in no row of a table's text column, and the column's most frequent values (with row
    counts); None when there is no such table, it is empty or the column is not text."""
    data = warehouse.find_table(table)
    if data is None:
        return None
    kind = data.schema().get(column)
    if kind is None or not kind.is_string():
        return None
    expr = data[column]
    if not _counts(data, {}, warehouse)["rows"]:
        return None
    wanted = [NamedValue(column, value, _LOOKUP, Location()) for value in sorted(values)]
    missing = _missing(data, {column: expr}, wanted, warehouse)
    frequent = _frequent(data, {column: expr}, warehouse)[column] if missing else []
    return frozenset(n.value for n in missing), frequent


def _typed(text: str, scope: RowScope, wanted: Type) -> Any:
    """The parsed tree of a row-level formula of type `wanted`, or None (its problems are the formula checks')."""
    try:
        tree = parse(text)
        return tree if check(tree, scope) is wanted else None
    except FormulaError:
        return None


def _counts(table: Any, filters: dict[str, Any], warehouse: Warehouse) -> dict[str, int]:
    """Rows of the source and rows each filter keeps, in one scan (a filter that is empty keeps the row out)."""
    metrics = {"rows": table.count()}
    names = list(filters)
    for index, name in enumerate(names):
        metrics[f"f{index}"] = ibis.ifelse(filters[name], 1, 0).sum()
    row = warehouse.to_arrow(table.aggregate(**metrics)).to_pylist()[0]
    found = {"rows": int(row["rows"] or 0)}
    found.update({name: int(row[f"f{index}"] or 0) for index, name in enumerate(names)})
    return found


def _missing(table: Any, columns: dict[str, Any], named: list[NamedValue], warehouse: Warehouse) -> list[NamedValue]:
    """The named values that occur in no row, looked up together in one query."""
    if not named:
        return []
    wanted: dict[str, set[str]] = {}
    for item in named:
        wanted.setdefault(item.column, set()).add(item.value)
    parts = [
        table.filter(columns[column].isin(sorted(values))).select(
            column=ibis.literal(column), value=columns[column].cast("string")
        )
        for column, values in sorted(wanted.items())
    ]
    found = warehouse.to_arrow(ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct())
    present = {(row["column"], row["value"]) for row in found.to_pylist()}
    return [item for item in named if (item.column, item.value) not in present]


def _frequent(table: Any, columns: dict[str, Any], warehouse: Warehouse) -> dict[str, list[tuple[str, int]]]:
    """The most frequent values of each column, with their row counts."""
    result: dict[str, list[tuple[str, int]]] = {column: [] for column in columns}
    if not columns:
        return result
    parts = []
    for column, expr in columns.items():
        kept = table.filter(expr.notnull())
        counted = kept.group_by(value=expr.cast("string")).aggregate(rows=kept.count())
        ranked = counted.mutate(rank=ibis.row_number().over(order_by=[ibis.desc("rows"), "value"]))
        parts.append(ranked.filter(ranked["rank"] < SHOWN_VALUES).mutate(column=ibis.literal(column)))
    rows = warehouse.to_arrow(ibis.union(*parts) if len(parts) > 1 else parts[0]).to_pylist()
    for row in sorted(rows, key=lambda r: (r["column"], -r["rows"], r["value"])):
        result[row["column"]].append((row["value"], int(row["rows"])))
    return result


def _missing_issue(source: Source, named: NamedValue, frequent: list[tuple[str, int]]) -> Issue:
    if source.dimension(named.column) is None:
        place = Message("engine.place_column", column=named.column)
    else:
        place = Message("engine.place_dimension", dimension=named.column)
    message = Message("engine.value_never_occurs", part=named.what, value=named.value, place=place, source=source.name)
    if not frequent:
        hint = Message("engine.always_empty", place=place)
        return Issue(message, named.where, hint=hint, severity=Severity.WARNING, field=_field(named))
    same_but_case = [value for value, _ in frequent if value.casefold() == named.value.casefold()]
    shown = tuple(Message("engine.value_with_rows", value=value, count=rows) for value, rows in frequent)
    if same_but_case:
        hint = Message("engine.values_that_occur_case", name=same_but_case[0], values=shown)
    else:
        hint = Message("engine.values_that_occur", values=shown)
    return Issue(
        message,
        named.where,
        hint=hint,
        severity=Severity.WARNING,
        field=_field(named),
        suggestions=tuple(same_but_case[:1]) or tuple(value for value, _ in frequent),
    )


def _field(named: NamedValue) -> str | None:
    """A value the request's row filter names is about its `where`; definitions' values have a location instead."""
    return "where" if named.what == ROW_FILTER else None


def _empty_filter_issue(source: Source, measure: str, rows: int, where: Location) -> Issue:
    return Issue(
        Message("engine.filter_matches_nothing", source=source.name, measure=measure, count=rows),
        where,
        hint=Message("engine.filter_matches_nothing_hint"),
        severity=Severity.WARNING,
    )


def filter_issues(
    where: str | None, sources: Sequence[Source], warehouse: Warehouse, calendar: Calendar, scope: Scope = ()
) -> list[Issue]:
    """Warnings when a request's row filter (`where`, a scope, or both) keeps no row of a source that has rows:
    the result is empty or 0, which looks like a real value. Names the values it compares with that never occur.
    A source the filter does not apply to (it lacks a column) is left to the computation to report."""
    try:
        parts = [tree for tree in (parse(where) if where else None, scope_tree(scope)) if tree is not None]
    except FormulaError:  # refused by the request checks
        return []
    if not parts:
        return []
    tree = parts[0] if len(parts) == 1 else Binary("and", parts[0], parts[1], Span(0, 0))
    where = "; ".join(shown for shown in (where, scope_shown(scope)) if shown)  # as messages show the filter
    issues: list[Issue] = []
    for source in sources:
        try:
            table = warehouse.source_table(source)
            names = RowScope(dict(table.schema().items()), source.dimensions)
            if check(tree, names) is not Type.BOOLEAN:
                continue
        except (FormulaError, UserError):
            continue
        compiler = RowCompiler.of_source(table, source, calendar)
        counts = _counts(table, {"where": compiler.compile(tree)}, warehouse)
        if not counts["rows"] or counts["where"]:
            continue
        named = [NamedValue(c.column, c.literal.value, ROW_FILTER, Location()) for c in compared_values(tree)]
        columns = {}
        for item in named:
            column = _typed(item.column, names, Type.STRING)
            if column is not None:
                columns[item.column] = compiler.compile(column)
        named = [item for item in named if item.column in columns]
        missing = _missing(table, columns, named, warehouse)
        frequent = _frequent(table, {c: columns[c] for c in sorted({n.column for n in missing})}, warehouse)
        issues += [_missing_issue(source, item, frequent[item.column]) for item in missing]
        if not missing:
            issues.append(
                Issue(
                    Message("engine.row_filter_keeps_nothing", where=where, count=counts["rows"], source=source.name),
                    hint=Message("engine.row_filter_keeps_nothing_hint"),
                    severity=Severity.WARNING,
                    field="where",
                )
            )
    return issues
