"""The numbers of a KPI page, read from the reader's view of the workspace (server.reading.seen_by): the scorecard
line of the period shown, its last periods with the target of each, the forecast of the next ones, and the
breakdown by each of the KPI's dimensions. Everything is computed over the page's filters (a scope, as `--scope`
takes it), with the reader's rows only: rows they may not see never enter a number, nor a list of values.

Filters are checked before anything is computed: a value that never occurs in the reader's rows is told (with
the values that do), not applied; so is a period that cannot be read. The page then shows what it can."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from kpilot.api import Workspace
from kpilot.definitions.model import Dimension, Kpi
from kpilot.engine.arguments import make_request
from kpilot.engine.period_names import explicit_period, parse_period, period_name
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.forecast.kpi import KpiForecast, forecast_kpi
from kpilot.goals.scorecard import ScorecardLine, default_period
from kpilot.goals.targets import resolve_target
from kpilot.i18n import Message, Period
from kpilot.server.web.kpi_kept import Keeper
from kpilot.server.web.kpi_state import GRAINS, PageState

HISTORY = 12  # periods the history shows, the period shown last
HORIZON = 3  # periods the forecast looks ahead
SUGGESTED = 8  # values a message about an unknown value lists


@dataclass(frozen=True)
class Point:
    """One period of the history: its value and the levels of its target (None: no target for it)."""

    start: date
    name: str
    value: float | None
    commit: float | None = None
    target: float | None = None
    stretch: float | None = None


@dataclass(frozen=True)
class Step:
    """One forecast period, with its interval."""

    start: date
    name: str
    value: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Member:
    value: str | None  # the dimension's value as text (None: rows without one, which no filter can pick)
    number: float | None


@dataclass(frozen=True)
class Breakdown:
    dimension: Dimension
    members: tuple[Member, ...] = ()
    problem: Message | None = None  # why this dimension has no breakdown


@dataclass(frozen=True)
class KpiNumbers:
    state: PageState  # as applied: filters that could not be used are left out, and told in `state.problems`
    period: Period
    grain: Grain
    line: ScorecardLine
    history: tuple[Point, ...]
    forecast: tuple[Step, ...]
    forecast_words: Message | None  # the forecast's method in words, or why there is none
    forecast_note: Message | None  # what the forecast's history leaves out (the data ends before the period...)
    breakdowns: tuple[Breakdown, ...]
    no_rows: bool  # the filters keep no row of the KPI's data


def gather(
    workspace: Workspace,
    kpi: Kpi,
    state: PageState,
    dimensions: Mapping[str, Dimension],
    keeper: Keeper | None = None,
) -> KpiNumbers:
    """The page's numbers; `keeper` keeps the forecast between requests (server.web.kpi_kept)."""
    today = workspace.calendar.today()
    state = _checked_values(workspace, kpi.name, state)
    start, grain, state = _period(workspace, kpi.name, state, today)
    calendar, scope = workspace.calendar, state.scope
    name = period_name(start, grain, calendar)
    (line,) = workspace.scorecard(period=name, scope=scope, kpis=[kpi.name], today=today).lines
    last_day = calendar.end(start, grain) - timedelta(days=1)
    if start <= today <= last_day:  # a running period counts up to today, as the scorecard counts it
        last_day = today
    year = grain.periods_per_year
    first = calendar.shift(start, 1 - HISTORY - year, grain)  # a year more: a year target spread by last year's
    requests = [make_request([kpi.name], grain=grain, start=first, end=last_day, scope=scope)]
    for dimension in dimensions:
        others = {key: value for key, value in scope.items() if key != dimension}
        requests.append(make_request([kpi.name], grain=grain, by=[dimension], start=start, end=last_day, scope=others))
    if scope:  # do the filters together keep any row at all?
        requests.append(make_request([kpi.name], grain=Grain.ALL, by=[next(iter(scope))], scope=scope))
    found = workspace.compute_each(requests, today=today)
    history = _history(workspace, kpi, found[0], start, grain, scope, line.additive)
    breakdowns = tuple(
        _breakdown(dimension, kpi.name, outcome)
        for dimension, outcome in zip(dimensions.values(), found[1 : 1 + len(dimensions)], strict=True)
    )
    matching = found[-1] if scope else None
    no_rows = matching is not None and not isinstance(matching, UserError) and matching.num_rows == 0
    steps, words, note = _forecast(workspace, kpi.name, start, grain, scope, today, keeper)
    shown = Period(start, grain.value, name)
    return KpiNumbers(state, shown, grain, line, history, steps, words, note, breakdowns, no_rows)


def _checked_values(workspace: Workspace, kpi: str, state: PageState) -> PageState:
    """The state with each filter whose value never occurs in the reader's rows left out, and told."""
    if not state.filters:
        return state
    requests = [make_request([kpi], grain=Grain.ALL, by=[key]) for key, _ in state.filters]
    wrong: list[str] = []
    problems: list[Message] = []
    for (key, value), outcome in zip(state.filters, workspace.compute_each(requests), strict=True):
        if isinstance(outcome, UserError):
            wrong.append(key)
            problems.append(Message("web.kpi.problem.filter_failed", dimension=key, reason=outcome.message))
            continue
        values = sorted({str(row[key]) for row in outcome.to_pylist() if row[key] is not None})
        if value not in values:
            wrong.append(key)
            if values:
                listed = tuple(values[:SUGGESTED]) + (("…",) if len(values) > SUGGESTED else ())
                problems.append(Message("web.kpi.problem.value", dimension=key, value=value, values=listed))
            else:
                problems.append(Message("web.kpi.problem.no_values", dimension=key, value=value))
    return state.without(wrong, problems) if wrong else state


def _period(workspace: Workspace, kpi: str, state: PageState, today: date) -> tuple[date, Grain, PageState]:
    """The period shown: the one the URL names, else the latest complete one with data (the scorecard's default
    month, or the quarter or year it falls in). A name that cannot be read is told, and the default shown."""
    calendar = workspace.calendar
    if state.period is not None:
        try:
            start, grain = parse_period(explicit_period(state.period, calendar) or state.period, calendar)
        except UserError as error:
            state = replace(state, period=None, problems=(*state.problems, error.message))
        else:
            if grain in GRAINS:
                return start, grain, replace(state, grain=grain)
            state = replace(state, period=None)
    month = default_period(workspace, [kpi], scope=state.scope, today=today).start
    return calendar.start(month, state.grain), state.grain, state


def _history(
    workspace: Workspace,
    kpi: Kpi,
    outcome: Any,
    start: date,
    grain: Grain,
    scope: Mapping[str, str],
    additive: bool,
) -> tuple[Point, ...]:
    if isinstance(outcome, UserError):
        return ()
    calendar = workspace.calendar
    series = {row["period"]: number(row[kpi.name]) for row in outcome.to_pylist()}
    year = grain.periods_per_year
    last_year = {calendar.shift(day, year, grain): value for day, value in series.items()}
    points = []
    for back in range(HISTORY - 1, -1, -1):
        day = calendar.shift(start, -back, grain)
        point = Point(day, period_name(day, grain, calendar), series.get(day))
        try:
            target = resolve_target(
                workspace.definitions, kpi, day, grain, scope, calendar, last_year=last_year, additive=additive
            )
        except UserError:  # two targets tie, or one lacks a level: the scorecard line says why
            target = None
        if target is not None:
            point = replace(point, commit=target.commit, target=target.target, stretch=target.stretch)
        points.append(point)
    return tuple(points)


def _breakdown(dimension: Dimension, kpi: str, outcome: Any) -> Breakdown:
    if isinstance(outcome, UserError):
        return Breakdown(dimension, problem=outcome.message)
    members = [
        Member(None if row[dimension.name] is None else str(row[dimension.name]), number(row[kpi]))
        for row in outcome.to_pylist()
    ]
    members.sort(key=lambda m: (m.number is None, -(m.number or 0.0), m.value or ""))
    return Breakdown(dimension, tuple(members))


def _forecast(
    workspace: Workspace,
    kpi: str,
    start: date,
    grain: Grain,
    scope: Mapping[str, str],
    today: date,
    keeper: Keeper | None,
) -> tuple[tuple[Step, ...], Message | None, Message | None]:
    """The next periods after the last complete one (`kpilot forecast`), with its method in words and its note,
    when they follow the period shown within the forecast's reach (a page of a period long past shows no
    forecast: there are values to show instead)."""

    def made() -> KpiForecast:
        return forecast_kpi(workspace, kpi, grain=grain, horizon=HORIZON, scope=scope, today=today)

    try:
        what = ("forecast", kpi, grain.value, tuple(sorted(scope.items())), today)
        result = made() if keeper is None else keeper.kept(what, made)
    except UserError as error:
        return (), error.message, None
    forecast, calendar = result.forecast, workspace.calendar
    if not forecast.steps:
        return (), forecast.reason or forecast.description, result.note
    if not start < result.periods[0] <= calendar.shift(start, HORIZON, grain):
        return (), None, None
    steps = tuple(
        Step(day, period_name(day, grain, calendar), step.value, step.low, step.high)
        for day, step in zip(result.periods, forecast.steps, strict=False)
    )
    return steps, forecast.description, result.note


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    found = float(value)
    return found if math.isfinite(found) else None
