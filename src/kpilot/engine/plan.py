"""From a compute request to a plan: which measures each source must give, and how far back to read.

Every measure a request needs from one source is gathered into one `SourcePlan`, so each source is scanned once at
the query's grain however many KPIs use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kpilot.definitions.model import Measure, Source
from kpilot.engine.periods import FIRST_DATE, LAST_DATE, Calendar, Grain
from kpilot.engine.preflight import measureless_issue
from kpilot.errors import FormulaError, Location, QueryError
from kpilot.formula.ast import Call, MeasureRef, Node
from kpilot.formula.check import bind_call, children, suggestion, walk
from kpilot.formula.functions import FUNCTIONS, Level
from kpilot.semantic.lookup import require_kpi
from kpilot.semantic.positions import formula_location
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.timefunctions import rollup_problem, time_calls

# to_date(x, period) needs query periods that nest inside `period`.
NESTS_IN: dict[str, frozenset[Grain]] = {
    "month": frozenset({Grain.DAY, Grain.MONTH}),
    "quarter": frozenset({Grain.DAY, Grain.MONTH, Grain.QUARTER}),
    "year": frozenset({Grain.DAY, Grain.MONTH, Grain.QUARTER, Grain.YEAR}),
}


@dataclass(frozen=True)
class Request:
    """What a user asks for: KPIs at a grain, split by dimensions, over an inclusive local date range."""

    kpis: tuple[str, ...]
    grain: Grain = Grain.MONTH
    by: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    where: str | None = None


@dataclass(frozen=True)
class SourcePlan:
    source: Source
    measures: tuple[Measure, ...]
    rates: Source | None = None  # where its amounts' exchange rates come from (see engine.currency)


@dataclass(frozen=True)
class KpiPlan:
    name: str
    tree: Node
    mature_after: int | None = None  # days before a period's value is final (see SemanticModel.maturity)


@dataclass(frozen=True)
class Plan:
    request: Request
    calendar: Calendar
    kpis: tuple[KpiPlan, ...]
    sources: tuple[SourcePlan, ...]
    first_period: date | None  # start of the first period shown (None: from the data's first period)
    scan_start: date | None  # earliest local date read: earlier than `start` when formulas look back
    to_date_periods: tuple[str, ...]  # the enclosing periods that to_date() partitions by


def column_name(source: str, measure: str) -> str:
    return f"{source}__{measure}"


def make_plan(request: Request, model: SemanticModel, calendar: Calendar) -> Plan:
    if not request.kpis:
        raise QueryError("no KPI requested", hint="name one or more KPIs, e.g. `kpilot compute ctr`")
    _check_range(request)
    if request.start and request.end and request.start > request.end:
        raise QueryError(f"--from {request.start} is after --to {request.end}")
    if len(set(request.kpis)) != len(request.kpis):
        raise QueryError("a KPI is requested twice", hint="name each KPI once")
    clash = sorted(set(request.kpis) & set(request.by))
    if clash:
        raise QueryError(
            f"KPI '{clash[0]}' has the same name as the dimension in --by {clash[0]}",
            hint="rename the KPI: a result column cannot be both",
        )
    kpis = tuple(KpiPlan(name, _expand(name, model), model.maturity(name)) for name in request.kpis)
    for kpi in kpis:
        _check_time_functions(kpi, model, request.grain)
    sources = _source_plans(kpis, model, request)
    first_period = scan_start = None
    if request.start is not None and request.grain is not Grain.ALL:
        first_period = calendar.start(request.start, request.grain)
        scan_start = min(_first_read(k, first_period, request, calendar, model) for k in kpis)
        scan_start = min(scan_start, request.start)
    elif request.start is not None:
        scan_start = request.start
    to_date_periods = sorted(
        {str(b.literals["period"]) for k in kpis for b in time_calls(k.tree) if b.function.name == "to_date"}
    )
    return Plan(request, calendar, kpis, sources, first_period, scan_start, tuple(to_date_periods))


def _check_range(request: Request) -> None:
    for option, value in (("--from", request.start), ("--to", request.end)):
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise QueryError(
                f"{option} {value} is outside the dates kpilot computes, {FIRST_DATE} to {LAST_DATE}",
                hint=f"leave {option} out to {'start' if option == '--from' else 'end'} with the data, or give a date "
                "inside that range",
            )


def _expand(name: str, model: SemanticModel) -> Node:
    kpi = require_kpi(model.definitions, name)
    try:
        tree = model.expand(name)
    except FormulaError as error:
        where = formula_location(kpi.locations.get("formula", kpi.origin), error.offset)
        raise QueryError(f"KPI '{name}': {error.message}", location=where, hint=error.hint) from None
    issue = measureless_issue(kpi, tree)
    if issue is not None:
        raise QueryError(issue.message, location=issue.location, hint=issue.hint)
    return tree


def _check_time_functions(kpi: KpiPlan, model: SemanticModel, grain: Grain) -> None:
    for bound in time_calls(kpi.tree):
        name = bound.function.name
        if grain is Grain.ALL:
            raise QueryError(
                f"KPI '{kpi.name}' uses {name}(), which compares periods; --grain all has a single period",
                hint="choose --grain day, week, month, quarter or year",
            )
        if name == "to_date" and grain not in NESTS_IN[str(bound.literals["period"])]:
            period = bound.literals["period"]
            allowed = ", ".join(sorted(g.value for g in NESTS_IN[str(period)]))
            raise QueryError(
                f"KPI '{kpi.name}' uses to_date(..., '{period}'), which needs periods inside a {period}; "
                f"--grain {grain.value} does not fit",
                hint=f"use --grain {allowed}",
            )
        if name in ("to_date", "rolling"):
            problem = rollup_problem(kpi.name, name, bound.values["x"], model)
            if problem is not None:
                raise QueryError(problem[0], hint=problem[1])


def _source_plans(kpis: tuple[KpiPlan, ...], model: SemanticModel, request: Request) -> tuple[SourcePlan, ...]:
    wanted: dict[str, list[Measure]] = {}
    for kpi in kpis:
        for node in walk(kpi.tree):
            if isinstance(node, MeasureRef):
                source, measure = model.measure(node)
                measures = wanted.setdefault(source.name, [])
                if measure not in measures:
                    measures.append(measure)
    plans = []
    for source_name, measures in wanted.items():
        owner = model.definitions.source(source_name)
        assert owner is not None
        users = [
            k.name for k in kpis if any(isinstance(n, MeasureRef) and n.source == source_name for n in walk(k.tree))
        ]
        _check_source_fits(owner, users, request)
        rates = model.definitions.source(owner.currency.rates) if owner.currency and owner.currency.rates else None
        plans.append(SourcePlan(owner, tuple(measures), rates))
    return tuple(plans)


def _check_source_fits(source: Source, users: list[str], request: Request) -> None:
    kpis = ", ".join(users)
    if request.grain is not Grain.ALL and source.time is None:
        raise QueryError(
            f"source '{source.name}' (used by {kpis}) has no time column, so it cannot be split into "
            f"{request.grain.value}s",
            location=source.origin if source.origin != Location() else None,
            hint="compute it with --grain all, or give the source a 'time:' column",
        )
    for dimension in request.by:
        if source.dimension(dimension) is None:
            available = [d.name for d in source.dimensions]
            raise QueryError(
                f"source '{source.name}' (used by {kpis}) has no dimension '{dimension}'",
                hint=suggestion(dimension, available)
                or (f"its dimensions: {', '.join(available)}" if available else "it has no dimensions"),
            )


def _first_read(kpi: KpiPlan, first_period: date, request: Request, calendar: Calendar, model: SemanticModel) -> date:
    """The first period start `kpi` reads when the first period shown starts at `first_period`."""
    try:
        return _earliest(kpi.tree, first_period, request.grain, calendar)
    except QueryError as error:  # previous(x, n) or rolling(x, n) with an n that reaches past year 1
        raise QueryError(
            f"KPI '{kpi.name}' looks back too far from --from {request.start}: {error.message}",
            location=_formula_place(kpi.name, model),
            hint="look fewer periods back in previous() or rolling(), or choose a later --from",
        ) from None


def _formula_place(name: str, model: SemanticModel) -> Location | None:
    kpi = model.definitions.kpi(name)
    where = kpi.locations.get("formula", kpi.origin) if kpi is not None else Location()
    return where if where != Location() else None


def _earliest(node: Node, start: date, grain: Grain, calendar: Calendar) -> date:
    """The first period start a formula reads when its first shown period starts at `start`."""
    if isinstance(node, Call) and node.name in FUNCTIONS and FUNCTIONS[node.name].time:
        bound = bind_call(node, Level.KPI)
        name, inner = bound.function.name, bound.values["x"]
        if name == "previous":
            start = calendar.shift(start, -int(bound.literals["n"]), grain)
        elif name == "growth":
            start = calendar.shift(start, -1, grain)
        elif name == "rolling":
            start = calendar.shift(start, 1 - int(bound.literals["n"]), grain)
        else:
            start = calendar.start(start, Grain(str(bound.literals["period"])))
        return _earliest(inner, start, grain, calendar)
    return min([start, *(_earliest(child, start, grain, calendar) for child in children(node))])
