"""Naming periods the way people write them: 2025-05 (month), 2025-Q2 (quarter), 2025 (year), 2025-05-12 (day),
2025-W20 (week).

A week is named like an ISO 8601 week, by the ISO week of its Thursday: a workspace whose weeks start on Monday gets
exactly the ISO weeks; with another `week_start`, 2025-W20 is the workspace's week that holds the Thursday of ISO week
20 of 2025. Every week has one Thursday, so every week has one name, and every name one week.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from kpilot.engine.periods import FIRST_DATE, LAST_DATE, Calendar, Grain
from kpilot.errors import QueryError
from kpilot.i18n import Message


def parse_period(text: str, calendar: Calendar) -> tuple[date, Grain]:
    """The start and grain of a named period; quarters and years are fiscal (FY named by its start year)."""
    value = text.strip().upper()
    # The year first, so that a far one (9999-Q4 of a fiscal year starting in July) is not shifted off the calendar.
    # A week named by the next year can still start inside the calendar (3000-W01 starts on 2999-12-30).
    last_year = LAST_DATE.year + 1 if re.fullmatch(_WEEK, value) else LAST_DATE.year
    if re.match(r"\d{4}", value) and not FIRST_DATE.year <= int(value[:4]) <= last_year:
        raise _outside(text)
    found = _named_period(value, calendar)
    if found is None:
        raise QueryError(
            Message("engine.not_a_period", period=text), hint=Message("engine.period_forms_hint"), field="period"
        )
    if not FIRST_DATE <= found[0] <= LAST_DATE:
        raise _outside(text)
    return found


_WEEK = r"(\d{4})-W(\d{2})"
_THURSDAY = 3  # date.weekday() of the day that names a week, as in ISO 8601


def _outside(text: str) -> QueryError:
    return QueryError(
        Message("engine.period_outside_range", period=text, first=FIRST_DATE, last=LAST_DATE),
        # Years as digits, not as numbers: 1900, not 1,900.
        hint=Message("engine.period_outside_range_hint", first=str(FIRST_DATE.year), last=str(LAST_DATE.year)),
        field="period",
    )


def _named_period(value: str, calendar: Calendar) -> tuple[date, Grain] | None:
    try:
        if match := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            year, quarter = int(match[1]), int(match[2])
            first = date(year, calendar.fiscal_year_start, 1)
            return calendar.shift(first, quarter - 1, Grain.QUARTER), Grain.QUARTER
        if match := re.fullmatch(_WEEK, value):
            thursday = date.fromisocalendar(int(match[1]), int(match[2]), _THURSDAY + 1)
            return calendar.start(thursday, Grain.WEEK), Grain.WEEK
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), calendar.fiscal_year_start, 1), Grain.YEAR
        if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
            return date(int(match[1]), int(match[2]), 1), Grain.MONTH
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value), Grain.DAY
    except ValueError:  # no such day, week or month (2025-02-30, 2025-W53, 2025-13)
        return None
    return None


def explicit_period(text: str | None, calendar: Calendar) -> str | None:
    """Command-line shorthands: 'current' is the running month, 'last' the last complete one (definitions always
    name their periods, so that a target does not move with the calendar)."""
    if text is None or text.strip().lower() not in ("current", "last"):
        return text
    month = calendar.start(calendar.today(), Grain.MONTH)
    if text.strip().lower() == "last":
        month = calendar.shift(month, -1, Grain.MONTH)
    return f"{month:%Y-%m}"


def period_name(start: date, grain: Grain, calendar: Calendar) -> str:
    """The name `parse_period` reads back as the period of `grain` that starts at `start`."""
    if grain is Grain.MONTH:
        return f"{start:%Y-%m}"
    if grain is Grain.QUARTER:
        index = ((start.month - calendar.fiscal_year_start) % 12) // 3 + 1
        year = start.year if start.month >= calendar.fiscal_year_start else start.year - 1
        return f"{year}-Q{index}"
    if grain is Grain.YEAR:
        return f"{start.year}"
    if grain is Grain.WEEK:
        first = calendar.start(start, Grain.WEEK)
        year, week, _ = (first + timedelta(days=(_THURSDAY - first.weekday()) % 7)).isocalendar()
        return f"{year}-W{week:02d}"
    return start.isoformat()


def last_complete(today: date, grain: Grain, calendar: Calendar) -> date:
    """The start of the latest period of `grain` that has ended before `today`."""
    return calendar.shift(calendar.start(today, grain), -1, grain)
