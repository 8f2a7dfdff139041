"""Calendar arithmetic in Python: period starts, shifts and ranges that follow week start and fiscal year.

The SQL side (`engine.timeexpr`) computes the same starts inside the warehouse; tests check the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kpilot.errors import QueryError
from kpilot.i18n import Message


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ALL = "all"

    @property
    def periods_per_year(self) -> int:
        """How many periods of this grain a year has (a week's 52, a day's 365: what "a year before" shifts by)."""
        if self is Grain.ALL:
            raise ValueError("the 'all' grain has no periods")
        return _PERIODS_PER_YEAR[self]


MONTHS_PER = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}
_PERIODS_PER_YEAR = {Grain.DAY: 365, Grain.WEEK: 52, Grain.MONTH: 12, Grain.QUARTER: 4, Grain.YEAR: 1}

# The dates a request may name (--from, --to, a period). Inside them every shift kpilot makes (a year back for the
# scorecard, an hour of time zone, a period ahead for a forecast) stays far inside what Python, DuckDB and
# PostgreSQL can all represent, and a spine of days from end to end stays a few hundred thousand rows.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2999, 12, 31)


@dataclass(frozen=True)
class Calendar:
    """How a workspace cuts time: its zone, the first day of the week (0 = Monday) and of the fiscal year."""

    timezone: str = "UTC"
    week_start: int = 0
    fiscal_year_start: int = 1

    def start(self, day: date, grain: Grain) -> date:
        """First day of the period of `grain` that contains `day`."""
        if grain is Grain.ALL:
            raise ValueError("the 'all' grain has no periods")
        try:
            if grain is Grain.DAY:
                return day
            if grain is Grain.WEEK:
                return day - timedelta(days=(day.weekday() - self.week_start) % 7)
            size = MONTHS_PER[grain]
            offset = self.fiscal_year_start - 1 if grain is not Grain.MONTH else 0
            index = day.year * 12 + day.month - 1 - offset
            index -= index % size
            return _month_index_to_date(index + offset)
        except (OverflowError, ValueError):  # the period would start before 0001-01-01
            raise outside_calendar(Message("engine.period_containing", grain=grain_word(grain), day=day)) from None

    def shift(self, start: date, count: int, grain: Grain) -> date:
        """The start of the period `count` periods after (or before, if negative) the one starting at `start`."""
        if grain is Grain.ALL:
            raise ValueError("the 'all' grain has no periods")
        try:
            if grain is Grain.DAY:
                return start + timedelta(days=count)
            if grain is Grain.WEEK:
                return start + timedelta(days=7 * count)
            return _month_index_to_date(start.year * 12 + start.month - 1 + count * MONTHS_PER[grain])
        except (OverflowError, ValueError):  # past 0001-01-01 or 9999-12-31
            steps = periods_count(abs(count), grain)
            code = "engine.periods_after" if count >= 0 else "engine.periods_before"
            raise outside_calendar(Message(code, periods=steps, day=start)) from None

    def end(self, start: date, grain: Grain) -> date:
        """The day after the period's last day (periods are half-open)."""
        return self.shift(start, 1, grain)

    def periods(self, first: date, last: date, grain: Grain) -> list[date]:
        """Starts of every period from the one containing `first` to the one containing `last`."""
        current, stop = self.start(first, grain), self.start(last, grain)
        starts = []
        while current <= stop:
            starts.append(current)
            current = self.shift(current, 1, grain)
        return starts

    def today(self, now: datetime | None = None) -> date:
        """Today's date in the workspace's zone."""
        moment = now or datetime.now(tz=ZoneInfo("UTC"))
        return moment.astimezone(ZoneInfo(self.timezone)).date()


def outside_calendar(what: Message) -> QueryError:
    """The error for date arithmetic that leaves the calendar Python computes with (years 1 to 9999)."""
    return QueryError(
        Message("engine.outside_calendar", what=what),
        hint=Message("engine.outside_calendar_hint", first=FIRST_DATE, last=LAST_DATE),
    )


# A grain as a word inside a sentence ("the month that contains ...", "periods inside a quarter").
_GRAIN_WORDS = {
    Grain.DAY: Message("engine.grain_day"),
    Grain.WEEK: Message("engine.grain_week"),
    Grain.MONTH: Message("engine.grain_month"),
    Grain.QUARTER: Message("engine.grain_quarter"),
    Grain.YEAR: Message("engine.grain_year"),
}
# Periods of a grain in the plural ("it cannot be split into months").
_GRAIN_PLURALS = {
    Grain.DAY: Message("engine.grain_days"),
    Grain.WEEK: Message("engine.grain_weeks"),
    Grain.MONTH: Message("engine.grain_months"),
    Grain.QUARTER: Message("engine.grain_quarters"),
    Grain.YEAR: Message("engine.grain_years"),
}
# A number of periods ("3 months"); the digits are written as they are, so that a far shift reads 1000000 months.
_GRAIN_COUNTS = {
    Grain.DAY: "engine.count_days",
    Grain.WEEK: "engine.count_weeks",
    Grain.MONTH: "engine.count_months",
    Grain.QUARTER: "engine.count_quarters",
    Grain.YEAR: "engine.count_years",
}


def grain_word(grain: Grain) -> Message:
    return _GRAIN_WORDS[grain]


def grain_plural(grain: Grain) -> Message:
    return _GRAIN_PLURALS[grain]


def periods_count(count: int, grain: Grain) -> Message:
    return Message(_GRAIN_COUNTS[grain], count=count, digits=str(count))


def _month_index_to_date(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)
