"""The scorecard: each KPI for a period and scope, against its target, with status, pace and projection, and the
change against the previous period and the same period a year before.

Changes are in percentage points for rate KPIs (a percent going from 2.0 % to 2.5 % moved +0.5 pp) and in percent
for everything else (revenue from 100 to 110 moved +10 %).

Without a period named, the scorecard shows the last complete month that has data (`default_period`): the last
complete month of the calendar when the data reaches it, else the last month the data covers to its end, so that a
dataset that ends in 2011 gets a scorecard of 2011 rather than one of zeros.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from kpilot.definitions.model import Kpi, Unit
from kpilot.engine.arguments import make_request
from kpilot.engine.execute import Extent
from kpilot.engine.period_names import last_complete
from kpilot.engine.periods import Grain
from kpilot.engine.scope import Scope, scope_of
from kpilot.errors import FormulaError, QueryError, UserError
from kpilot.forecast.history import History, kpi_history
from kpilot.forecast.running import Projection, project_running_period, to_date_shares
from kpilot.formula.ast import MeasureRef
from kpilot.formula.check import walk
from kpilot.goals.resolved import ResolvedTarget
from kpilot.goals.status import Evaluation, evaluate
from kpilot.goals.targets import period_value, resolve_target
from kpilot.i18n import Message
from kpilot.semantic.additive import is_additive
from kpilot.semantic.lookup import require_kpi
from kpilot.workspace import Workspace

# History read for a scorecard: two years, so that a year's target can be spread by last year's months.
HISTORY = {Grain.DAY: 366, Grain.WEEK: 53, Grain.MONTH: 24, Grain.QUARTER: 8, Grain.YEAR: 2}
SHARE_PERIODS = 3  # past periods (plus the same period last year) whose shape drives the seasonal run-rate


@dataclass(frozen=True)
class Change:
    amount: float | None
    kind: str  # "pp" (percentage points) or "%" (relative)


@dataclass(frozen=True)
class ScorecardLine:
    kpi: Kpi
    period: date
    grain: Grain
    value: float | None
    previous: float | None
    last_year: float | None
    partial: bool
    scope: Mapping[str, str] = field(default_factory=dict)
    immature: bool = False  # the period's cohorts are younger than the KPI's mature_after
    target: ResolvedTarget | None = None
    evaluation: Evaluation | None = None
    projection: Projection | None = None
    error: Message | None = None  # why the KPI has no value or target here
    additive: bool = False  # a sum or count: its value grows through the period

    @property
    def vs_previous(self) -> Change:
        return change(self.value, self.previous, self.kpi.unit)

    @property
    def vs_last_year(self) -> Change:
        return change(self.value, self.last_year, self.kpi.unit)


def change(value: float | None, base: float | None, unit: Unit) -> Change:
    if unit is Unit.PERCENT:
        amount = None if value is None or base is None else (value - base) * 100
        return Change(amount, "pp")
    if value is None or base is None or base == 0:
        return Change(None, "%")
    return Change((value / base - 1) * 100, "%")


def scorecard(
    workspace: Workspace,
    period: date,
    grain: Grain = Grain.MONTH,
    kpis: Sequence[str] | None = None,
    scope: Mapping[str, str] | None = None,
    today: date | None = None,
    *,
    history: History | None = None,
) -> list[ScorecardLine]:
    """One line per KPI. A KPI that cannot be computed at this grain gets a line with the reason, not a failure.
    `history` is `scorecard_history`'s for the same arguments, when the caller has it already."""
    names = list(kpis) if kpis is not None else [k.name for k in workspace.definitions.kpis]
    scope = dict(scope or {})
    calendar = workspace.calendar
    today = today or calendar.today()
    end = calendar.end(period, grain)
    chosen = scope_of(scope)
    if history is None:
        history = scorecard_history(workspace, names, period, grain, chosen, today)
    additive = {name: is_additive(workspace.model, name) for name in names}
    running = history.partial.get(period, False) and period <= today < end
    elapsed = _elapsed(period, end, today) if running else 1.0
    shares = _shares(workspace, [n for n in names if additive[n]], period, grain, today, chosen) if running else {}
    lines = []
    for name in names:
        kpi = require_kpi(workspace.definitions, name)
        lines.append(
            _line(workspace, kpi, history, period, grain, scope, additive[name], elapsed, shares.get(name), today)
        )
    return lines


def scorecard_history(
    workspace: Workspace,
    names: Sequence[str],
    period: date,
    grain: Grain,
    scope: Scope,
    today: date,
    *,
    extent: bool = False,
) -> History:
    """What a scorecard of `period` reads: its KPIs over HISTORY periods up to it, all of them in one computation
    (with `extent`, where the data read starts and ends: History.extent)."""
    calendar = workspace.calendar
    end = calendar.end(period, grain)
    start = calendar.shift(period, -HISTORY[grain], grain)
    # A running period counts up to today: rows dated later (planned, scheduled) are not yet facts.
    last_day = min(end - timedelta(days=1), today) if period <= today else end - timedelta(days=1)
    return kpi_history(workspace, names, grain, start, last_day, scope=scope, today=today, extent=extent)


def default_scorecard(
    workspace: Workspace,
    kpis: Sequence[str] | None = None,
    scope: Mapping[str, str] | None = None,
    today: date | None = None,
) -> tuple[DefaultPeriod, list[ScorecardLine]]:
    """The period `default_period` chooses, and its scorecard.

    The scorecard of the last complete month is computed first: that month is the default period whenever the data
    reaches it, which the same scans tell (History.extent: data in that month). Only when they do not (the data
    ends earlier, or a KPI cannot be computed) is `default_period` asked, which looks at the whole data."""
    calendar = workspace.calendar
    today = today or calendar.today()
    names = list(kpis) if kpis is not None else [k.name for k in workspace.definitions.kpis]
    last = last_complete(today, Grain.MONTH, calendar)
    history = scorecard_history(workspace, names, last, Grain.MONTH, scope_of(scope), today, extent=True)
    # Every KPI computed at month grain reads dated sources only (all of `default_period`'s), and none fails
    # without a range either; the data in `last` is data up to `last` or later, as default_period asks.
    reached = history.extent is not None and history.extent.last is not None and history.extent.last >= last
    if names and not history.errors and reached:
        chosen = DefaultPeriod(last, Grain.MONTH, PeriodChoice.LAST_COMPLETE)
    else:
        chosen = default_period(workspace, names, scope=scope, today=today)
    same = (chosen.start, chosen.grain) == (last, Grain.MONTH)
    lines = scorecard(workspace, chosen.start, chosen.grain, names, scope, today, history=history if same else None)
    return chosen, lines


def _line(
    workspace: Workspace,
    kpi: Kpi,
    history: History,
    period: date,
    grain: Grain,
    scope: dict[str, str],
    additive: bool,
    elapsed: float,
    shares: list[float] | None,
    today: date,
) -> ScorecardLine:
    calendar = workspace.calendar
    series = history.series(kpi.name)
    value = series.get(period)
    error = history.errors.get(kpi.name)
    base = ScorecardLine(
        kpi=kpi,
        period=period,
        grain=grain,
        value=value,
        previous=series.get(calendar.shift(period, -1, grain)),
        last_year=series.get(calendar.shift(period, -grain.periods_per_year, grain)),
        partial=history.partial.get(period, False),
        scope=scope,
        error=error.message if error is not None else None,
        additive=additive,
        immature=history.is_immature(kpi.name, period),
    )
    if base.error:
        return base
    last_year = {calendar.shift(start, grain.periods_per_year, grain): v for start, v in series.items()}
    try:
        target = resolve_target(
            workspace.definitions, kpi, period, grain, scope, calendar, last_year=last_year, additive=additive
        )
    except UserError as error:
        return replace(base, error=error.message)
    projection = None
    if elapsed < 1 and value is not None and not base.immature:
        projection = project_running_period(value, elapsed, additive=additive, shares=shares or None)
    evaluation = evaluate(
        kpi,
        target,
        value,
        additive=additive,
        elapsed=elapsed,
        projection=projection.value if projection is not None else None,
        currency=workspace.settings.currency,
        period=period_value(period, grain, calendar),
        as_of=today if elapsed < 1 else None,
        immature=base.immature,
    )
    return replace(base, target=target, evaluation=evaluation, projection=projection)


def _elapsed(start: date, end: date, today: date) -> float:
    """The share of a running period that is over: completed days (today counts as half a day)."""
    length = (end - start).days
    return min(1.0, max((today - start).days + 0.5, 0.5) / length)


def _shares(
    workspace: Workspace, names: list[str], period: date, grain: Grain, today: date, scope: Scope
) -> dict[str, list[float]]:
    """For additive KPIs: how much of the final value past periods had reached by this point of the period."""
    if grain in (Grain.DAY, Grain.ALL) or not names:
        return {}
    calendar = workspace.calendar
    pasts = [calendar.shift(period, -k, grain) for k in range(1, SHARE_PERIODS + 1)]
    pasts.append(calendar.shift(period, -grain.periods_per_year, grain))
    ends = [calendar.end(p, grain) for p in pasts]
    daily = kpi_history(
        workspace, names, Grain.DAY, min(pasts), max(ends) - timedelta(days=1), scope=scope, today=today
    )
    done = (today - period).days
    return {name: to_date_shares(daily.series(name), pasts, ends, done) for name in names if name not in daily.errors}


# --------------------------------------------------------------------------------------------------------------
# The period shown when none is named


class PeriodChoice(StrEnum):
    """Why the default period is the one it is (the command line says it in words)."""

    LAST_COMPLETE = "last_complete"  # the last complete month of the calendar: the data reaches it
    DATA_ENDS = "data_ends"  # the data ends earlier: the last month it covers to its end
    NO_DATA = "no_data"  # none of the KPIs has dated data: the last complete month of the calendar


@dataclass(frozen=True)
class DefaultPeriod:
    start: date
    grain: Grain
    why: PeriodChoice
    data_ends: date | None = None  # the last day with data, when the data ends before the last complete month


def default_period(
    workspace: Workspace,
    kpis: Sequence[str] | None = None,
    scope: Mapping[str, str] | None = None,
    today: date | None = None,
) -> DefaultPeriod:
    """The last complete month that has data, for these KPIs and scope.

    That is the month before today's when the data reaches it (or goes past it: rows dated later are planned, not
    yet facts). When the data ends earlier, it is the month of its last day if the data runs to that month's end,
    else the month before (a month the data covers only in part would look like a collapse); a month covered only
    in part is still chosen when it is the only month with data.
    """
    calendar = workspace.calendar
    today = today or calendar.today()
    last = last_complete(today, Grain.MONTH, calendar)
    names = list(kpis) if kpis is not None else [k.name for k in workspace.definitions.kpis]
    dated = [name for name in names if _dated(workspace, name)]
    scoped = scope_of(scope)
    # The data's own range (no --from, no --to): its periods run from the first row to the last, which the
    # extent of a computation gives without computing it (the months of the KPIs that compute at all).
    months = _extent(workspace, dated, Grain.MONTH, None, scoped)
    if months.first is None or months.last is None:
        return DefaultPeriod(last, Grain.MONTH, PeriodChoice.NO_DATA)
    final = months.last
    if final >= last:
        return DefaultPeriod(last, Grain.MONTH, PeriodChoice.LAST_COMPLETE)
    days = _extent(workspace, dated, Grain.DAY, final, scoped).last
    data_ends = days if days is not None and days >= final else final
    covered = data_ends == calendar.end(final, Grain.MONTH) - timedelta(days=1)
    chosen = final if covered or months.first == final else calendar.shift(final, -1, Grain.MONTH)
    return DefaultPeriod(chosen, Grain.MONTH, PeriodChoice.DATA_ENDS, data_ends)


def _extent(workspace: Workspace, names: list[str], grain: Grain, start: date | None, scope: Scope) -> Extent:
    """Where the data of `names` starts and ends in periods of `grain` (from `start`): the periods `kpi_history`
    would give them, from all of them together, or, when the plan refuses that, from each one that computes."""
    if not names:
        return Extent()
    request = make_request(names, grain=grain, start=start, scope=dict(scope))
    (found,) = workspace.extents([request])
    if isinstance(found, QueryError):
        alone = workspace.extents([replace(request, kpis=(name,)) for name in names])
        return functools.reduce(operator.or_, [each for each in alone if isinstance(each, Extent)], Extent())
    if isinstance(found, UserError):
        raise found
    return found


def _dated(workspace: Workspace, name: str) -> bool:
    """Whether every measure the KPI reads comes from a source with a time column (others have no periods)."""
    model = workspace.model
    try:
        refs = [node for node in walk(model.expand(name)) if isinstance(node, MeasureRef)]
        return bool(refs) and all(model.measure(ref)[0].time is not None for ref in refs)
    except FormulaError:
        return False
