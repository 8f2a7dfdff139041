"""The scorecard of the default period (`default_scorecard`): the same period `default_period` chooses and the same
lines `scorecard` gives for it, whether the period comes from the scorecard's own scans (the data reaches the last
complete month) or from the data's extent (it does not, or a KPI cannot be computed). Periods worked out by hand
from the rows' days; today is 1 December 2026."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kpilot import Workspace
from kpilot.goals.scorecard import PeriodChoice, default_period, default_scorecard, scorecard

DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: revenue, agg: sum, expr: amount}
  - name: roster
    table: roster
    measures:
      - {name: people, agg: count}
kpis:
  - {name: revenue, formula: revenue, unit: currency}
  - {name: revenue_growth, formula: growth(revenue), unit: percent}
  - {name: headcount, formula: people}
"""
TODAY = date(2026, 12, 1)


def _tables(days: list[date], teams: list[str]) -> dict[str, dict[str, list[object]]]:
    return {
        "sales": {"day": days, "team": teams, "amount": [10.0 * (i + 1) for i in range(len(days))]},
        "roster": {"person": ["x"]},
    }


@pytest.mark.parametrize(
    ("days", "kpis", "scope", "start", "why"),
    [
        # The data reaches November 2026, the last complete month: that month, from the scorecard's own scans.
        ([date(2026, 9, 3), date(2026, 11, 20)], ["revenue", "revenue_growth"], {}, date(2026, 11, 1), "last_complete"),
        # Rows only after November (planned): still November, which the whole data's extent tells.
        ([date(2026, 9, 3), date(2027, 2, 1)], ["revenue"], {}, date(2026, 11, 1), "last_complete"),
        # The data ends on 9 December 2011: November 2011, the last month it covers to its end.
        ([date(2011, 10, 3), date(2011, 11, 15), date(2011, 12, 9)], ["revenue"], {}, date(2011, 11, 1), "data_ends"),
        # Team b's rows end on 31 October 2011 (team a's reach November 2026).
        ([date(2011, 10, 31), date(2026, 11, 2)], ["revenue"], {"team": "b"}, date(2011, 10, 1), "data_ends"),
        # headcount has no periods: the others' data decides, as default_period says.
        ([date(2011, 12, 5), date(2011, 12, 31)], ["revenue", "headcount"], {}, date(2011, 12, 1), "data_ends"),
    ],
)
def test_the_default_scorecard_is_default_period_and_its_scorecard(
    workspace_factory: Callable[..., Workspace],
    days: list[date],
    kpis: list[str],
    scope: dict[str, str],
    start: date,
    why: str,
) -> None:
    ws = workspace_factory(DEFINITIONS, _tables(days, ["b", "a", "a"][: len(days)]))
    chosen, lines = default_scorecard(ws, kpis, scope=scope, today=TODAY)
    assert (chosen.start, chosen.why) == (start, PeriodChoice(why))
    assert chosen == default_period(ws, kpis, scope=scope, today=TODAY)
    assert lines == scorecard(ws, chosen.start, chosen.grain, kpis, scope=scope, today=TODAY)


def test_no_data_is_the_last_complete_month_of_the_calendar(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(DEFINITIONS, _tables([date(2026, 9, 3)], ["a"]))
    chosen, lines = default_scorecard(ws, ["headcount"], today=TODAY)
    assert (chosen.start, chosen.why) == (date(2026, 11, 1), PeriodChoice.NO_DATA)
    assert [line.error is not None for line in lines] == [True]  # a source without time has no months
    chosen, lines = default_scorecard(ws, [], today=TODAY)
    assert (chosen.start, chosen.why, lines) == (date(2026, 11, 1), PeriodChoice.NO_DATA, [])
