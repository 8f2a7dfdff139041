"""Every check on a workspace's definitions, collected as Issues: first without data, then against the warehouse."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from kpilot.definitions.model import Aggregation, Definitions, Kpi, Measure, Source
from kpilot.errors import FormulaError, Issue, KpilotError, Location, UserError
from kpilot.formula.check import Type, check
from kpilot.formula.parser import parse
from kpilot.i18n import Message, Raw
from kpilot.semantic.positions import formula_issue
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.rowscope import RowScope
from kpilot.semantic.timefunctions import RollupCheck
from kpilot.semantic.visibility import visibility_issues
from kpilot.warehouse.connection import Warehouse

RESERVED = frozenset({"period", "partial"})
NUMERIC_AGGREGATIONS = frozenset(
    {Aggregation.SUM, Aggregation.AVG, Aggregation.MEDIAN, Aggregation.PERCENTILE, Aggregation.LAST}
)


def static_issues(definitions: Definitions) -> list[Issue]:
    """Problems visible without data: duplicate or reserved names, KPI formulas that do not resolve, and
    visibilities that do not hold (semantic.visibility)."""
    return [*name_issues(definitions), *kpi_formula_issues(definitions), *visibility_issues(definitions)]


def name_issues(definitions: Definitions) -> list[Issue]:
    """Duplicate or reserved names: they make every name ambiguous, so they stop any computation."""
    issues = list(_duplicates(Message("semantic.kind.source"), definitions.sources))
    issues += _duplicates(Message("semantic.kind.kpi"), definitions.kpis)
    rename = Message("semantic.rename_hint")
    for source in definitions.sources:
        issues += _duplicates(Message("semantic.kind.measure_in_source", source=source.name), source.measures)
        issues += _duplicates(Message("semantic.kind.dimension_in_source", source=source.name), source.dimensions)
        issues += [
            Issue(Message("semantic.reserved_dimension", name=d.name), d.origin, hint=rename, field="name")
            for d in source.dimensions
            if d.name in RESERVED
        ]
    issues += [
        Issue(Message("semantic.reserved_kpi", name=k.name), k.origin, hint=rename, field="name")
        for k in definitions.kpis
        if k.name in RESERVED
    ]
    return issues


def kpi_formula_issues(definitions: Definitions) -> list[Issue]:
    """KPI formulas that do not resolve: each stops only its own KPI (and those built on it)."""
    issues: list[Issue] = []
    model = SemanticModel(definitions)
    rollups = RollupCheck(model)
    for kpi in definitions.kpis:
        where = kpi.locations.get("formula", kpi.origin)
        try:
            tree = model.expand(kpi.name)
        except FormulaError as error:
            issues.append(formula_issue(error, where, Message("semantic.what.kpi", kpi=kpi.name)))
            continue
        issues += [Issue(message, where, hint=hint) for message, hint in rollups.problems(kpi.name, tree)]
    return issues


def _duplicates(kind: Message, items: Iterable[Source | Kpi | Measure | object]) -> list[Issue]:
    items = list(items)
    counts = Counter(getattr(item, "name", "") for item in items)
    seen: set[str] = set()
    issues = []
    for item in items:
        name = getattr(item, "name", "")
        if counts[name] > 1:
            if name in seen:
                where = getattr(item, "origin", Location())
                issues.append(
                    Issue(
                        Message("semantic.defined_twice", kind=kind, name=name),
                        where,
                        hint=Message("semantic.unique_names_hint"),
                        field="name",
                    )
                )
            seen.add(name)
    return issues


def warehouse_issues(definitions: Definitions, warehouse: Warehouse) -> list[Issue]:
    """Problems that need the data: missing tables and columns, and row-level formulas that do not type-check."""
    issues: list[Issue] = []
    if definitions.sources:
        try:
            warehouse.connect()
        except UserError as error:  # one problem, not one per source
            return [_issue_of(error, None)]
    for source in definitions.sources:
        try:
            schema = warehouse.source_schema(source)
        except UserError as error:
            issues.append(_issue_of(error, error.location or source.origin))
            continue
        except KpilotError as error:  # not the user's to fix (an internal error): its own text, as it is
            issues.append(
                Issue(Message("semantic.source_problem", source=source.name, problem=Raw(str(error))), source.origin)
            )
            continue
        issues += _source_issues(source, RowScope(schema, source.dimensions))
    return issues


def _issue_of(error: UserError, location: Location | None) -> Issue:
    return Issue(error.message, location, hint=error.hint, field=error.field, suggestions=error.suggestions)


def _source_issues(source: Source, scope: RowScope) -> list[Issue]:
    issues = []
    if source.time is not None:
        kind = scope.schema.get(source.time)
        where = source.locations.get("time", source.origin)
        if kind is None:
            what = Message("semantic.what.source_time", source=source.name)
            issues.append(_formula_problem(what, source.time, where, scope, None))
        elif not (kind.is_date() or kind.is_timestamp()):
            issues.append(
                Issue(
                    Message("semantic.time_not_temporal", source=source.name, column=source.time, type=Raw(str(kind))),
                    where,
                    hint=Message("semantic.load_as_dates_hint"),
                    field="time",
                )
            )
    for dimension in source.dimensions:
        where = dimension.locations.get("expr", dimension.origin)
        what = Message("semantic.what.dimension", dimension=dimension.name)
        problem = _formula_problem(what, dimension.expression, where, scope, None)
        if problem:
            issues.append(problem)
    for measure in source.measures:
        issues += _measure_issues(source, measure, scope)
    return [issue for issue in issues if issue is not None]


def _measure_issues(source: Source, measure: Measure, scope: RowScope) -> list[Issue]:
    name = f"{source.name}.{measure.name}"
    found = []
    if measure.expr is not None:
        wanted = Type.NUMBER if measure.agg in NUMERIC_AGGREGATIONS else None
        where = measure.locations.get("expr", measure.origin)
        what = Message("semantic.what.measure_expr", measure=name)
        found.append(_formula_problem(what, measure.expr, where, scope, wanted))
    if measure.filter is not None:
        where = measure.locations.get("filter", measure.origin)
        what = Message("semantic.what.measure_filter", measure=name)
        found.append(_formula_problem(what, measure.filter, where, scope, Type.BOOLEAN))
    return [issue for issue in found if issue is not None]


def _formula_problem(what: Message, text: str, where: Location, scope: RowScope, wanted: Type | None) -> Issue | None:
    try:
        kind = check(parse(text), scope)
    except FormulaError as error:
        return formula_issue(error, where, what)
    if wanted is not None and kind not in (wanted, Type.NULL):
        return Issue(Message("semantic.wrong_kind", what=what, wanted=wanted.word, text=text, found=kind.word), where)
    return None
