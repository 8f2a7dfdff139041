"""Every check on a workspace's definitions, collected as Issues: first without data, then against the warehouse."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from kpilot.definitions.model import Aggregation, Definitions, Kpi, Measure, Source
from kpilot.errors import FormulaError, Issue, KpilotError, Location, UserError
from kpilot.formula.check import Type, check
from kpilot.formula.parser import parse
from kpilot.semantic.positions import formula_issue
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.rowscope import RowScope
from kpilot.semantic.timefunctions import RollupCheck
from kpilot.warehouse.connection import Warehouse

RESERVED = frozenset({"period", "partial"})
NUMERIC_AGGREGATIONS = frozenset(
    {Aggregation.SUM, Aggregation.AVG, Aggregation.MEDIAN, Aggregation.PERCENTILE, Aggregation.LAST}
)


def static_issues(definitions: Definitions) -> list[Issue]:
    """Problems visible without data: duplicate or reserved names, and KPI formulas that do not resolve."""
    return [*name_issues(definitions), *kpi_formula_issues(definitions)]


def name_issues(definitions: Definitions) -> list[Issue]:
    """Duplicate or reserved names: they make every name ambiguous, so they stop any computation."""
    issues = list(_duplicates("source", definitions.sources))
    issues += _duplicates("KPI", definitions.kpis)
    for source in definitions.sources:
        issues += _duplicates(f"measure in source '{source.name}'", source.measures)
        issues += _duplicates(f"dimension in source '{source.name}'", source.dimensions)
        issues += [
            Issue(f"dimension name '{d.name}' is reserved for the output", d.origin, hint="rename it")
            for d in source.dimensions
            if d.name in RESERVED
        ]
    issues += [
        Issue(f"KPI name '{k.name}' is reserved for the output", k.origin, hint="rename it")
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
            issues.append(formula_issue(error, where, f"KPI '{kpi.name}'"))
            continue
        issues += [Issue(message, where, hint=hint) for message, hint in rollups.problems(kpi.name, tree)]
    return issues


def _duplicates(kind: str, items: Iterable[Source | Kpi | Measure | object]) -> list[Issue]:
    items = list(items)
    counts = Counter(getattr(item, "name", "") for item in items)
    seen: set[str] = set()
    issues = []
    for item in items:
        name = getattr(item, "name", "")
        if counts[name] > 1:
            if name in seen:
                where = getattr(item, "origin", Location())
                issues.append(Issue(f"{kind} '{name}' is defined more than once", where, hint="names must be unique"))
            seen.add(name)
    return issues


def warehouse_issues(definitions: Definitions, warehouse: Warehouse) -> list[Issue]:
    """Problems that need the data: missing tables and columns, and row-level formulas that do not type-check."""
    issues: list[Issue] = []
    if definitions.sources:
        try:
            warehouse.connect()
        except UserError as error:  # one problem, not one per source
            return [Issue(error.message, hint=error.hint)]
    for source in definitions.sources:
        try:
            schema = warehouse.source_schema(source)
        except UserError as error:
            issues.append(Issue(error.message, error.location or source.origin, hint=error.hint))
            continue
        except KpilotError as error:
            issues.append(Issue(f"source '{source.name}': {error}", source.origin))
            continue
        issues += _source_issues(source, RowScope(schema, source.dimensions))
    return issues


def _source_issues(source: Source, scope: RowScope) -> list[Issue]:
    issues = []
    if source.time is not None:
        kind = scope.schema.get(source.time)
        where = source.locations.get("time", source.origin)
        if kind is None:
            issues.append(_formula_problem(f"source '{source.name}' time", source.time, where, scope, None))
        elif not (kind.is_date() or kind.is_timestamp()):
            issues.append(
                Issue(
                    f"source '{source.name}': time column '{source.time}' is {kind}, not a date or timestamp",
                    where,
                    hint="load it again as dates (kpilot ingest FILE --table TABLE --replace --date-format FORMAT, "
                    "e.g. --date-format '%Y%m%d'), or use a 'sql:' source that converts it",
                )
            )
    for dimension in source.dimensions:
        where = dimension.locations.get("expr", dimension.origin)
        problem = _formula_problem(f"dimension '{dimension.name}'", dimension.expression, where, scope, None)
        if problem:
            issues.append(problem)
    for measure in source.measures:
        issues += _measure_issues(source, measure, scope)
    return [issue for issue in issues if issue is not None]


def _measure_issues(source: Source, measure: Measure, scope: RowScope) -> list[Issue]:
    what = f"measure '{source.name}.{measure.name}'"
    found = []
    if measure.expr is not None:
        wanted = Type.NUMBER if measure.agg in NUMERIC_AGGREGATIONS else None
        where = measure.locations.get("expr", measure.origin)
        found.append(_formula_problem(f"{what} expr", measure.expr, where, scope, wanted))
    if measure.filter is not None:
        where = measure.locations.get("filter", measure.origin)
        found.append(_formula_problem(f"{what} filter", measure.filter, where, scope, Type.BOOLEAN))
    return [issue for issue in found if issue is not None]


def _formula_problem(what: str, text: str, where: Location, scope: RowScope, wanted: Type | None) -> Issue | None:
    try:
        kind = check(parse(text), scope)
    except FormulaError as error:
        return formula_issue(error, where, what)
    if wanted is not None and kind not in (wanted, Type.NULL):
        return Issue(f"{what} must be {wanted.value}, but '{text}' is {kind.value}", where)
    return None
