"""Calendar arithmetic, checked against dates worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kpilot.engine.periods import Calendar, Grain


@pytest.mark.parametrize(
    ("day", "grain", "calendar", "expected"),
    [
        (date(2025, 3, 29), Grain.WEEK, Calendar(week_start=6), date(2025, 3, 23)),  # Saturday, weeks from Sunday
        (date(2025, 3, 30), Grain.WEEK, Calendar(week_start=6), date(2025, 3, 30)),
        (date(2025, 3, 30), Grain.WEEK, Calendar(week_start=0), date(2025, 3, 24)),
        (date(2025, 1, 1), Grain.WEEK, Calendar(week_start=0), date(2024, 12, 30)),  # weeks cross years
        (date(2025, 3, 15), Grain.QUARTER, Calendar(fiscal_year_start=4), date(2025, 1, 1)),
        (date(2025, 4, 1), Grain.QUARTER, Calendar(fiscal_year_start=4), date(2025, 4, 1)),
        (date(2025, 3, 31), Grain.YEAR, Calendar(fiscal_year_start=4), date(2024, 4, 1)),
        (date(2025, 2, 28), Grain.QUARTER, Calendar(fiscal_year_start=11), date(2025, 2, 1)),  # Nov, Feb, May, Aug
        (date(2025, 1, 31), Grain.QUARTER, Calendar(fiscal_year_start=11), date(2024, 11, 1)),
        (date(2025, 12, 31), Grain.MONTH, Calendar(fiscal_year_start=4), date(2025, 12, 1)),
    ],
)
def test_period_start(day: date, grain: Grain, calendar: Calendar, expected: date) -> None:
    assert calendar.start(day, grain) == expected


def test_shift_and_periods() -> None:
    calendar = Calendar()
    assert calendar.shift(date(2025, 1, 1), -1, Grain.MONTH) == date(2024, 12, 1)
    assert calendar.shift(date(2025, 11, 1), 1, Grain.QUARTER) == date(2026, 2, 1)
    assert calendar.end(date(2024, 2, 1), Grain.MONTH) == date(2024, 3, 1)
    assert calendar.periods(date(2025, 1, 15), date(2025, 3, 2), Grain.MONTH) == [
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]
    assert calendar.periods(date(2025, 1, 15), date(2025, 1, 14), Grain.DAY) == []


def test_today_is_in_the_workspace_zone() -> None:
    late_evening_utc = datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
    assert Calendar(timezone="Europe/Rome").today(late_evening_utc) == date(2025, 4, 1)
    assert Calendar(timezone="America/New_York").today(late_evening_utc) == date(2025, 3, 31)


@pytest.mark.parametrize(
    ("grain", "count", "start", "year_before"),
    [
        (Grain.DAY, 365, date(2025, 5, 12), date(2024, 5, 12)),  # no 29 February in between
        (Grain.WEEK, 52, date(2025, 5, 12), date(2024, 5, 13)),  # 364 days: the Monday nearest a year before
        (Grain.MONTH, 12, date(2025, 5, 1), date(2024, 5, 1)),
        (Grain.QUARTER, 4, date(2025, 4, 1), date(2024, 4, 1)),
        (Grain.YEAR, 1, date(2025, 1, 1), date(2024, 1, 1)),
    ],
)
def test_periods_per_year(grain: Grain, count: int, start: date, year_before: date) -> None:
    assert grain.periods_per_year == count
    assert Calendar().shift(start, -grain.periods_per_year, grain) == year_before


def test_the_all_grain_has_no_periods_in_a_year() -> None:
    with pytest.raises(ValueError, match="no periods"):
        _ = Grain.ALL.periods_per_year
