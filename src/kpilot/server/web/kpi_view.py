"""A KPI page's numbers (server.web.kpi_numbers) as the page shows them: text in the reader's language and locale
(kpilot.results.formatting, as every table formats numbers), the links that change the page's state, and the
charts' specs, whose numbers are the tables' own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.api import Workspace
from kpilot.definitions.model import Kpi
from kpilot.engine.period_names import period_name
from kpilot.engine.periods import Calendar, Grain
from kpilot.i18n import Language, Period, text
from kpilot.results.data import words
from kpilot.results.formatting import EMPTY, format_kpi_value, format_share, is_count
from kpilot.server.web.cards import Card, card
from kpilot.server.web.kpi_charts import Pace, breakdown_chart, history_chart
from kpilot.server.web.kpi_definition import Definition, definition
from kpilot.server.web.kpi_kept import Keeper
from kpilot.server.web.kpi_moved import moved_url
from kpilot.server.web.kpi_numbers import Breakdown, KpiNumbers
from kpilot.server.web.kpi_state import GRAINS, PageState


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    current: bool = False


@dataclass(frozen=True)
class HistoryRow:
    name: str  # the period's canonical name (2025-02), for the row's data attribute
    period: str
    value: str
    commit: str
    target: str
    stretch: str
    shown: bool  # the period the page is about


@dataclass(frozen=True)
class ForecastRow:
    name: str
    period: str
    value: str
    low: str
    high: str


@dataclass(frozen=True)
class Bar:
    member: str
    value: str
    href: str | None  # None: rows without a value, which no filter can pick
    active: bool


@dataclass(frozen=True)
class BreakdownView:
    dimension: str
    label: str
    bars: tuple[Bar, ...]
    spec: dict[str, Any] | None
    problem: str | None


@dataclass(frozen=True)
class KpiView:
    kpi: str
    label: str
    period: Period
    card: Card
    chips: tuple[Link, ...]  # each active filter, as the link that removes it
    problems: tuple[str, ...]
    no_rows: bool
    grains: tuple[Link, ...]
    previous: str
    following: str
    pace: tuple[tuple[str, str], ...]  # the running period: (what, value) pairs
    history: tuple[HistoryRow, ...]
    history_spec: dict[str, Any] | None
    forecast: tuple[ForecastRow, ...]
    forecast_words: str | None
    forecast_note: str | None
    breakdowns: tuple[BreakdownView, ...]
    definition: Definition


def kpi_view(
    workspace: Workspace, kpi: Kpi, numbers: KpiNumbers, language: Language, keeper: Keeper | None = None
) -> KpiView:
    line, state, calendar = numbers.line, numbers.state, workspace.calendar
    currency = workspace.settings.currency

    def shown(value: float | None) -> str:
        whole = is_count(kpi, line.additive, value)
        return EMPTY if value is None else format_kpi_value(value, kpi, currency, whole=whole, language=language)

    def say(code: str, **values: Any) -> str:
        return text(code, language, **values)

    def period_words(start: date) -> str:
        name = period_name(start, numbers.grain, calendar)
        return say("web.kpi.period_value", period=Period(start, numbers.grain.value, name))

    labels = {
        code: say(f"web.kpi.chart.{code}")
        for code in (
            "period",
            "value",
            "commit",
            "target",
            "stretch",
            "forecast",
            "low",
            "high",
            "expected",
            "projection",
            "member",
        )
    }
    dimensions = {b.dimension.name: b.dimension for b in numbers.breakdowns}
    chips = tuple(
        Link(say("web.kpi.chip", dimension=_label(dimensions, key), value=value), state.link(drop=key))
        for key, value in state.filters
    )
    start = numbers.period.start
    previous = calendar.shift(start, -1, numbers.grain)
    following = calendar.shift(start, 1, numbers.grain)
    grains = tuple(
        Link(say(f"web.kpi.grain.{grain.value}"), state.in_grain(grain), grain is numbers.grain) for grain in GRAINS
    )
    pace = _pace(numbers, shown, language)
    history = tuple(
        HistoryRow(
            p.name,
            period_words(p.start),
            shown(p.value),
            shown(p.commit),
            shown(p.target),
            shown(p.stretch),
            p.start == start,
        )
        for p in numbers.history
    )
    forecast = tuple(
        ForecastRow(s.name, period_words(s.start), shown(s.value), shown(s.low), shown(s.high))
        for s in numbers.forecast
    )
    running = (
        Pace(
            line.evaluation.expected_to_date if line.evaluation else None,
            line.projection.value if line.projection else None,
            line.projection.low if line.projection else None,
            line.projection.high if line.projection else None,
        )
        if line.partial
        else None
    )
    follows = bool(numbers.forecast) and numbers.forecast[0].start == following
    between = []  # the periods between the last shown and the forecast's first, on the chart's axis
    day = following
    while numbers.forecast and day < numbers.forecast[0].start:
        between.append((day.isoformat(), period_words(day)))
        day = calendar.shift(day, 1, numbers.grain)
    words_of = {row.name: row.period for row in history} | {row.name: row.period for row in forecast}
    chart = (
        history_chart(numbers.history, numbers.forecast, running, labels, words_of, follows=follows, between=between)
        if numbers.history
        else None
    )
    moved = moved_url(kpi.name, numbers.period.name)
    return KpiView(
        kpi=kpi.name,
        label=kpi.title,
        period=numbers.period,
        # What moved it most, for the unfiltered page (the sentence splits the KPI's own rows, not a filter's); a sum
        # so far is not set against a whole period.
        card=card(line, currency, language, moved=None if chips or (line.partial and line.additive) else moved),
        chips=chips,
        problems=tuple(words(problem, language) or "" for problem in state.problems),
        no_rows=numbers.no_rows,
        grains=grains,
        previous=_period_link(state, previous, numbers.grain, calendar),
        following=_period_link(state, following, numbers.grain, calendar),
        pace=pace,
        history=history,
        history_spec=chart,
        forecast=forecast,
        forecast_words=words(numbers.forecast_words, language),
        forecast_note=words(numbers.forecast_note, language),
        breakdowns=tuple(_breakdown(b, state, shown, labels, language) for b in numbers.breakdowns),
        definition=definition(workspace, kpi, language, keeper),
    )


Shown = Callable[[float | None], str]


def _pace(numbers: KpiNumbers, shown: Shown, language: Language) -> tuple[tuple[str, str], ...]:
    """Where the running period should be by now, how far along it is against that, and where it is heading."""
    line = numbers.line
    if not line.partial:
        return ()
    found: list[tuple[str, str]] = []
    evaluation, projection = line.evaluation, line.projection
    if evaluation is not None and evaluation.expected_to_date is not None:
        found.append((text("web.kpi.pace.expected", language), shown(evaluation.expected_to_date)))
    if evaluation is not None and evaluation.pace is not None:
        found.append((text("web.kpi.pace.pace", language), format_share(evaluation.pace, language)))
    if projection is not None and projection.value is not None:
        found.append((text("web.kpi.pace.projection", language), shown(projection.value)))
    return tuple(found)


def _breakdown(
    breakdown: Breakdown, state: PageState, shown: Shown, labels: dict[str, str], language: Language
) -> BreakdownView:
    name = breakdown.dimension.name
    label = breakdown.dimension.label or name
    if breakdown.problem is not None:
        return BreakdownView(name, label, (), None, words(breakdown.problem, language))
    active = state.scope.get(name)
    nothing = text("web.kpi.breakdown.no_value", language)
    bars = tuple(
        Bar(
            member.value if member.value is not None else nothing,
            shown(member.number),
            state.link(set_filter=(name, member.value)) if member.value is not None else None,
            member.value is not None and member.value == active,
        )
        for member in breakdown.members
    )
    chart_bars = [
        {"member": bar.member, "value": member.number, "href": bar.href, "active": bar.active}
        for bar, member in zip(bars, breakdown.members, strict=True)
    ]
    spec = breakdown_chart(chart_bars, {**labels, "member": label}) if bars else None
    return BreakdownView(name, label, bars, spec, None)


def _label(dimensions: dict[str, Any], key: str) -> str:
    found = dimensions.get(key)
    return (found.label or key) if found is not None else key


def _period_link(state: PageState, start: date, grain: Grain, calendar: Calendar) -> str:
    return state.at(period_name(start, grain, calendar))
