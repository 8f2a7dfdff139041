"""What an export holds (docs/dashboard.md#exports), read from a reader's view of the workspace exactly as the page
it exports reads it, so that a file never holds a number the page would not show:

- a KPI: the KPI page's numbers (server.web.kpi_numbers, over the page's filters as its URL says them) and its
  history as a sheet, each value as the warehouse computed it (a Decimal stays a Decimal);
- the scorecard: the lines My KPIs shows (the period `kpilot scorecard` shows by default);
- a board: the cards of the company's board or of a team's (server.web.board_cards over services.boards' view of the
  team's rows).

A sheet's headers are words in the reader's language; its cells are values, never formatted text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kpilot.analysis.dimensions import dimensions_of
from kpilot.api import Workspace
from kpilot.definitions.model import Kpi
from kpilot.engine.periods import Grain
from kpilot.errors import QueryError
from kpilot.i18n import Language, Message, Period, text
from kpilot.results.formatting import status_words
from kpilot.results.scorecard import ScorecardResult
from kpilot.semantic.lookup import require_kpi
from kpilot.server.web.board_cards import BoardCards, grouped
from kpilot.server.web.cards import card
from kpilot.server.web.kpi_numbers import KpiNumbers, gather
from kpilot.server.web.kpi_state import read_state
from kpilot.server.web.kpi_view import KpiView, kpi_view
from kpilot.services.boards import TeamBoard, board_view


@dataclass(frozen=True)
class Sheet:
    """A table for CSV and XLSX: a title (the XLSX sheet's name), headers in words, rows of plain values."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class KpiExport:
    kpi: Kpi
    numbers: KpiNumbers
    view: KpiView  # the page's own view of the numbers: its card, its history rows, its chart's spec
    sheet: Sheet


class FiltersRefused(QueryError):
    """An export's URL asks for filters the KPI page would not apply as asked (the page says why): a file is never
    made of numbers other than those asked for."""


def kpi_export(
    workspace: Workspace, name: str, pairs: Sequence[tuple[str, str]], language: Language, *, exact: bool = True
) -> KpiExport:
    """The KPI page's numbers for `pairs` (its query string). A KPI the reader may not see is unknown (404), and
    filters the page would leave out are refused (FiltersRefused) when `exact`."""
    kpi = require_kpi(workspace.definitions, name)
    dimensions = dimensions_of(workspace, name)
    state = read_state(name, pairs, dimensions)
    numbers = gather(workspace, kpi, state, dimensions)
    if exact and (numbers.state.problems or dict(numbers.state.filters) != state.scope):
        problems = numbers.state.problems or state.problems
        raise FiltersRefused(problems[0] if problems else Message("web.export.filters_refused"), field="filters")
    view = kpi_view(workspace, kpi, numbers, language)
    return KpiExport(kpi, numbers, view, _history_sheet(workspace, kpi, numbers, language))


def scorecard_sheet(workspace: Workspace, language: Language) -> tuple[Period, Sheet]:
    """The reader's scorecard (My KPIs): one row per KPI, for the period it shows by default."""
    result = workspace.scorecard()
    return _period(result), _lines_sheet(result, text("web.export.scorecard_sheet", language), language)


@dataclass(frozen=True)
class BoardExport:
    cards: BoardCards  # as the board shows them
    sheet: Sheet  # their values


def board_export(
    workspace: Workspace, team: TeamBoard | None, language: Language, scope: Mapping[str, str] | None = None
) -> BoardExport:
    """A board as the boards show it: the company's (`team` None) or a team's (the reader's rows of the team's),
    over `scope` too; its cards, and its lines' values as a sheet."""
    view = workspace if team is None else board_view(workspace, team)
    chosen = {**dict(scope or {}), **((team.scope or {}) if team is not None else {})}
    result = view.scorecard(scope=chosen or None)
    currency = view.settings.currency
    shown = {line.kpi.name: card(line, currency, language) for line in result.lines}
    cards = BoardCards(_period(result), grouped(view.definitions.goals, shown))
    title = team.team.name if team is not None else text("web.export.company_board", language)
    return BoardExport(cards, _lines_sheet(result, title, language))


def _lines_sheet(result: ScorecardResult, title: str, language: Language) -> Sheet:
    rows = tuple(
        (
            line.kpi.name,
            line.kpi.title,
            result.name,
            line.value,
            line.target.target if line.target is not None else None,
            line.evaluation.attainment if line.evaluation is not None else None,
            status_words(line.evaluation.status, language) if line.evaluation is not None else None,
            line.previous,
            line.last_year,
        )
        for line in result.lines
    )
    headers = _words(
        language, "kpi", "label", "period", "value", "target", "attainment", "status", "previous", "last_year"
    )
    return Sheet(title[:31], headers, rows)


def _period(result: ScorecardResult) -> Period:
    return Period(result.period, result.grain.value, result.name)


def _history_sheet(workspace: Workspace, kpi: Kpi, numbers: KpiNumbers, language: Language) -> Sheet:
    raw = _exact_values(workspace, kpi.name, numbers)
    rows = tuple(
        (point.name, point.start, raw.get(point.start, point.value), point.commit, point.target, point.stretch)
        for point in numbers.history
    )
    headers = _words(language, "period", "start", "value", "commit", "target", "stretch")
    return Sheet(kpi.name[:31], headers, rows)


def _exact_values(workspace: Workspace, name: str, numbers: KpiNumbers) -> dict[date, Any]:
    """The history's values as the warehouse gives them (a Decimal stays exact; the page's numbers are floats),
    over the same periods, filters and rows."""
    if not numbers.history or numbers.grain is Grain.ALL:
        return {}
    calendar = workspace.calendar
    first, last = numbers.history[0].start, numbers.history[-1].start
    end = calendar.end(last, numbers.grain) - timedelta(days=1)
    if last <= calendar.today() <= end:  # a running period counts up to today, as the page counts it
        end = calendar.today()
    table = workspace.compute([name], grain=numbers.grain, start=first, end=end, scope=numbers.state.scope or None)
    return {row["period"]: row[name] for row in table.to_pylist()}


def _words(language: Language, *codes: str) -> tuple[str, ...]:
    return tuple(text(f"web.export.column.{code}", language) for code in codes)
