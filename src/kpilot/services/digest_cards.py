"""A digest's KPI cards (services.digest): each KPI of a view at its own grain, for its last complete period, as the
scorecard judges it, with the history My KPIs' sparkline shows and whether the period's value is unusual.

Numbers are kept as the Decimals of the warehouse's floats' shortest text (the digest goes into the outbox as JSON,
where a float would not read back as the number computed). Changes are the scorecard's: percentage points for
rates, percent for the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from kpilot.analysis.anomalies import anomaly
from kpilot.definitions.model import Direction
from kpilot.engine.arguments import make_request
from kpilot.engine.period_names import last_complete, period_name
from kpilot.engine.periods import Grain
from kpilot.errors import UserError
from kpilot.goals.scorecard import ScorecardLine, default_scorecard, scorecard
from kpilot.i18n import Message
from kpilot.results.formatting import is_count
from kpilot.services.anomalies import SEASONS
from kpilot.workspace import Workspace

HISTORY = 12  # periods a card's sparkline shows, the card's period last (as My KPIs' cards)


@dataclass(frozen=True)
class Point:
    start: date  # the period's first day
    value: Decimal | None


@dataclass(frozen=True)
class DigestCard:
    """One KPI in one view of the person's: their own rows (`board` None) or a team board's."""

    kpi: str
    label: str
    board: str | None  # None: the rows the person may see; a team's name: that team's board
    period: str  # the period judged, as people write it (2026-11, 2026-W48)
    start: date
    grain: Grain
    unit: str
    time_unit: str | None
    direction: str  # up: higher is better
    whole: bool  # shown whole: a count
    value: Decimal | None
    target: Decimal | None
    commit: Decimal | None
    stretch: Decimal | None
    status: str | None  # on_track, at_risk, off_track...; None: nothing to judge by
    reason: Message | None  # why it has that status, or why it has no value
    previous: Decimal | None
    vs_previous: Decimal | None
    last_year: Decimal | None
    vs_last_year: Decimal | None
    change_unit: str  # "pp" for rates, "%" for the rest
    points: tuple[Point, ...]
    anomaly: str | None  # "above" or "below" its band; None: inside it, or too little history to judge

    @property
    def movement(self) -> Decimal | None:
        """The change on the previous period, positive when it is for the better (down for a lower-is-better
        KPI); None without a change, or for a KPI kept within a range (where either way may be worse)."""
        if self.vs_previous is None or self.direction == Direction.RANGE.value:
            return None
        return self.vs_previous if self.direction == Direction.UP.value else -self.vs_previous


def cards(
    view: Workspace, names: Sequence[str], today: date, board: str | None, scope: Mapping[str, str] | None
) -> list[DigestCard]:
    """The cards of `names` in `view` (a view the person may see, perhaps narrowed to a board), each at its KPI's
    grain (month unless the KPI names one)."""
    grains: dict[Grain, list[str]] = {}
    for name in names:
        kpi = view.definitions.kpi(name)
        if kpi is not None:
            grains.setdefault(Grain(kpi.grain) if kpi.grain else Grain.MONTH, []).append(name)
    found: list[DigestCard] = []
    for grain, chosen in grains.items():
        if grain is Grain.MONTH:  # My KPIs' default period: the last complete month, or the last the data covers
            period, lines = default_scorecard(view, chosen, scope=scope, today=today)
            start = period.start
        else:
            start = last_complete(today, grain, view.calendar)
            lines = scorecard(view, start, grain, chosen, scope=scope, today=today)
        trends = _history(view, chosen, start, grain, today)
        found += [_card(line, trends.get(line.kpi.name, {}), board, view) for line in lines]
    return found


def _card(line: ScorecardLine, series: dict[date, float | None], board: str | None, view: Workspace) -> DigestCard:
    kpi, target, evaluation = line.kpi, line.target, line.evaluation
    first = view.calendar.shift(line.period, 1 - HISTORY, line.grain)
    points = tuple(Point(start, exact(value)) for start, value in sorted(series.items()) if first <= start)
    flagged = anomaly(series, line.period, SEASONS[line.grain]) if line.value is not None else None
    return DigestCard(
        kpi=kpi.name,
        label=kpi.title,
        board=board,
        period=period_name(line.period, line.grain, view.calendar),
        start=line.period,
        grain=line.grain,
        unit=kpi.unit.value,
        time_unit=kpi.time_unit.value if kpi.time_unit is not None else None,
        direction=kpi.direction.value,
        whole=is_count(kpi, line.additive, line.value),
        value=exact(line.value),
        target=exact(target.target) if target is not None else None,
        commit=exact(target.commit) if target is not None else None,
        stretch=exact(target.stretch) if target is not None else None,
        status=evaluation.status.value if evaluation is not None else None,
        reason=evaluation.reason if evaluation is not None else line.error,
        previous=exact(line.previous),
        vs_previous=exact(line.vs_previous.amount),
        last_year=exact(line.last_year),
        vs_last_year=exact(line.vs_last_year.amount),
        change_unit=line.vs_previous.kind,
        points=points if any(point.value is not None for point in points) else (),
        anomaly=flagged.side.value if flagged is not None else None,
    )


def _history(
    view: Workspace, names: list[str], start: date, grain: Grain, today: date
) -> dict[str, dict[date, float | None]]:
    """Each KPI's complete periods up to `start`: as many as the anomaly band needs (three seasons) and at least the
    sparkline's, computed together; a KPI that cannot be computed over them has none."""
    calendar = view.calendar
    back = max(3 * SEASONS[grain], HISTORY - 1) if grain is not Grain.YEAR else 8
    first = calendar.shift(start, -back, grain)
    last = calendar.end(start, grain) - timedelta(days=1)
    requests = [make_request([name], grain=grain, start=first, end=last) for name in names]
    found: dict[str, dict[date, float | None]] = {}
    for name, outcome in zip(names, view.compute_each(requests, today=today), strict=True):
        if isinstance(outcome, UserError):
            continue
        found[name] = {row["period"]: _number(row[name]) for row in outcome.to_pylist() if not row.get("partial")}
    return found


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else None


def exact(value: float | Decimal | None) -> Decimal | None:
    """A computed number as the Decimal of its shortest text (None for none, or for a NaN or an infinity)."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return number if number.is_finite() else None
