"""Week names (2026-W42): the workspace's week that holds the Thursday of that ISO week, read and written back."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kpilot.engine.period_names import parse_period, period_name
from kpilot.engine.periods import FIRST_DATE, LAST_DATE, Calendar, Grain
from kpilot.errors import QueryError

MONDAY, FRIDAY, SUNDAY = Calendar(week_start=0), Calendar(week_start=4), Calendar(week_start=6)


@pytest.mark.parametrize(
    ("name", "calendar", "start"),
    [
        # 1 January 2026 is a Thursday, so ISO week 1 runs from Monday 29 December 2025; week 42 starts 41 weeks
        # (287 days) later: 29 Dec + 3 days = 1 Jan, + 284 days = day 285 of 2026 = 12 October (273 days to 30 Sep).
        ("2026-W42", MONDAY, date(2026, 10, 12)),
        ("2026-w42", MONDAY, date(2026, 10, 12)),  # case does not matter, as for quarters
        # Its Thursday is 15 October: the Sunday-to-Saturday week holding it starts on Sunday 11 October, the
        # Friday-to-Thursday one on Friday 9 October.
        ("2026-W42", SUNDAY, date(2026, 10, 11)),
        ("2026-W42", FRIDAY, date(2026, 10, 9)),
        ("2026-W01", MONDAY, date(2025, 12, 29)),  # a week named by the year its Thursday is in
        # 2020 began on a Wednesday of a leap year, so it has 53 ISO weeks; the 53rd starts on Monday 28 Dec 2020.
        ("2020-W53", MONDAY, date(2020, 12, 28)),
        # 1 January 3000 is a Wednesday: ISO week 1 of 3000 starts on Monday 30 December 2999, inside the calendar.
        ("3000-W01", MONDAY, date(2999, 12, 30)),
    ],
)
def test_a_week_name_is_read(name: str, calendar: Calendar, start: date) -> None:
    assert parse_period(name, calendar) == (start, Grain.WEEK)


@pytest.mark.parametrize(
    ("start", "calendar", "name"),
    [
        (date(2026, 10, 12), MONDAY, "2026-W42"),
        (date(2026, 10, 11), SUNDAY, "2026-W42"),
        (date(2026, 10, 9), FRIDAY, "2026-W42"),
        (date(2025, 12, 29), MONDAY, "2026-W01"),  # the week of New Year is named by its Thursday's year
        # The Sunday week from 28 December 2025 holds Thursday 1 January 2026: week 1 of 2026 too.
        (date(2025, 12, 28), SUNDAY, "2026-W01"),
        # The Friday week from 26 December 2025 holds Thursday 1 January 2026 as its last day.
        (date(2025, 12, 26), FRIDAY, "2026-W01"),
        (date(2020, 12, 28), MONDAY, "2020-W53"),
    ],
)
def test_a_week_is_named_by_its_thursday(start: date, calendar: Calendar, name: str) -> None:
    assert period_name(start, Grain.WEEK, calendar) == name


@pytest.mark.parametrize(
    "name",
    [
        "2025-W53",  # 2025 began on a Wednesday and is not a leap year: 52 ISO weeks
        "2026-W00",
        "2026-W7",  # ISO writes the week with two digits
    ],
)
def test_a_week_that_does_not_exist_is_not_a_period(name: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_period(name, MONDAY)
    assert raised.value.code == "engine.not_a_period"


@pytest.mark.parametrize("name", ["3000-W02", "1899-W52", "3001-W01"])
def test_a_week_outside_the_calendar_is_refused(name: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_period(name, MONDAY)
    assert raised.value.code == "engine.period_outside_range"


@given(
    day=st.dates(min_value=FIRST_DATE, max_value=LAST_DATE),
    week_start=st.integers(min_value=0, max_value=6),
)
def test_week_names_round_trip(day: date, week_start: int) -> None:
    calendar = Calendar(week_start=week_start)
    start = calendar.start(day, Grain.WEEK)
    assume(start >= FIRST_DATE)  # the first days of 1900 may belong to a week that starts in 1899
    assert parse_period(period_name(start, Grain.WEEK, calendar), calendar) == (start, Grain.WEEK)


@given(day=st.dates(min_value=FIRST_DATE, max_value=LAST_DATE))
def test_monday_weeks_are_the_iso_weeks(day: date) -> None:
    # Python's own ISO calendar is the reference: with weeks from Monday, a week's name is its ISO week.
    iso = day.isocalendar()
    assert period_name(MONDAY.start(day, Grain.WEEK), Grain.WEEK, MONDAY) == f"{iso.year}-W{iso.week:02d}"
