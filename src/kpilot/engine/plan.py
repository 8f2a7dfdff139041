"""From a compute request to a plan: which measures each source must give, and how far back to read.

Every measure a request needs from one source is gathered into one `SourcePlan`, so each source is scanned once at
the query's grain however many KPIs use it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from kpilot.definitions.model import Measure, Source
from kpilot.engine.access import Access
from kpilot.engine.periods import FIRST_DATE, LAST_DATE, Calendar, Grain, grain_plural, grain_word
from kpilot.engine.preflight import measureless_issue
from kpilot.engine.scope import Scope
from kpilot.errors import FormulaError, Location, QueryError
from kpilot.formula.ast import Call, MeasureRef, Node
from kpilot.formula.check import bind_call, children, walk
from kpilot.formula.functions import FUNCTIONS, Level
from kpilot.i18n import Message
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
    scope: Scope = ()  # a team's or person's slice: dimension = value pairs, applied with `where` (both hold)
    # The rows the reader may see (engine.access): None is every row, () none; applied with `scope` and `where`.
    access: Access = None


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
        raise QueryError(Message("engine.no_kpi_requested"), hint=Message("engine.no_kpi_requested_hint"), field="kpis")
    _check_range(request)
    if request.start and request.end and request.start > request.end:
        raise QueryError(Message("engine.start_after_end", start=request.start, end=request.end), field="start")
    if len(set(request.kpis)) != len(request.kpis):
        raise QueryError(
            Message("engine.kpi_requested_twice"), hint=Message("engine.kpi_requested_twice_hint"), field="kpis"
        )
    clash = sorted(set(request.kpis) & set(request.by))
    if clash:
        raise QueryError(
            Message("engine.kpi_named_like_dimension", kpi=clash[0]),
            hint=Message("engine.kpi_named_like_dimension_hint"),
            field="by",
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
    for field, value in (("start", request.start), ("end", request.end)):
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            hint = "engine.leave_start_out_hint" if field == "start" else "engine.leave_end_out_hint"
            raise QueryError(
                Message("engine.date_outside_range", field=field, date=value, first=FIRST_DATE, last=LAST_DATE),
                hint=Message(hint),
                field=field,
            )


def _expand(name: str, model: SemanticModel) -> Node:
    kpi = require_kpi(model.definitions, name)
    try:
        tree = model.expand(name)
    except FormulaError as error:
        where = formula_location(kpi.locations.get("formula", kpi.origin), error.offset)
        raise QueryError(
            Message("engine.kpi_problem", kpi=name, problem=error.message),
            location=where,
            hint=error.hint,
            suggestions=error.suggestions,
        ) from None
    issue = measureless_issue(kpi, tree)
    if issue is not None:
        raise QueryError(issue.message, location=issue.location, hint=issue.hint)
    return tree


def _check_time_functions(kpi: KpiPlan, model: SemanticModel, grain: Grain) -> None:
    for bound in time_calls(kpi.tree):
        name = bound.function.name
        if grain is Grain.ALL:
            raise QueryError(
                Message("engine.time_function_needs_periods", kpi=kpi.name, function=name),
                hint=Message("engine.choose_grain_hint", grains=tuple(g.value for g in Grain if g is not Grain.ALL)),
                field="grain",
            )
        if name == "to_date" and grain not in NESTS_IN[str(bound.literals["period"])]:
            period = bound.literals["period"]
            allowed = tuple(sorted(g.value for g in NESTS_IN[str(period)]))
            raise QueryError(
                Message(
                    "engine.to_date_grain_does_not_fit",
                    kpi=kpi.name,
                    period=str(period),
                    inside=grain_word(Grain(str(period))),
                    grain=grain.value,
                ),
                hint=Message("engine.use_grain_hint", grains=allowed),
                field="grain",
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
    kpis = tuple(users)
    if request.grain is not Grain.ALL and source.time is None:
        raise QueryError(
            Message("engine.source_has_no_time", source=source.name, kpis=kpis, periods=grain_plural(request.grain)),
            location=source.origin if source.origin != Location() else None,
            hint=Message("engine.source_has_no_time_hint"),
            field="grain",
        )
    for dimension in request.by:
        if source.dimension(dimension) is None:
            available = tuple(d.name for d in source.dimensions)
            close = difflib.get_close_matches(dimension, available, n=1, cutoff=0.6)
            if close:
                hint = Message("engine.did_you_mean", name=close[0])
            elif available:
                hint = Message("engine.its_dimensions", dimensions=available)
            else:
                hint = Message("engine.no_dimensions")
            raise QueryError(
                Message("engine.source_lacks_dimension", source=source.name, kpis=kpis, dimension=dimension),
                hint=hint,
                field="by",
                suggestions=tuple(close) or available,
            )


def _first_read(kpi: KpiPlan, first_period: date, request: Request, calendar: Calendar, model: SemanticModel) -> date:
    """The first period start `kpi` reads when the first period shown starts at `first_period`."""
    try:
        return _earliest(kpi.tree, first_period, request.grain, calendar)
    except QueryError as error:  # previous(x, n) or rolling(x, n) with an n that reaches past year 1
        raise QueryError(
            Message("engine.looks_back_too_far", kpi=kpi.name, start=request.start, problem=error.message),
            location=_formula_place(kpi.name, model),
            hint=Message("engine.looks_back_too_far_hint"),
            field="start",
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
