"""Warehouse-side time: a row's local calendar date and the start of its period, as Ibis expressions, and the date
functions of row-level formulas, which read time the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import ibis
import ibis.expr.datatypes as dt

from kpilot.engine.periods import Calendar, Grain
from kpilot.errors import InternalError


# `timezone(zone, ts)`: DuckDB and PostgreSQL both read a naive ts as local to `zone` (giving an instant), and an
# instant as the wall-clock time in `zone`. Two calls convert a naive UTC time to naive local time. The direction is
# a function of its own, though both are `timezone` there: Spark converts each way with another function, which
# warehouse.spark_backend finds by these Python names.
@ibis.udf.scalar.builtin(name="timezone")  # type: ignore[untyped-decorator]
def kpilot_instant(zone: str, value: datetime) -> datetime:  # type: ignore[empty-body]
    """Naive wall-clock time in `zone` -> the instant."""


@ibis.udf.scalar.builtin(name="timezone")  # type: ignore[untyped-decorator]
def kpilot_wall_clock(zone: str, value: datetime) -> datetime:  # type: ignore[empty-body]
    """An instant -> naive wall-clock time in `zone`."""


def local_time(column: Any, dtype: dt.DataType, workspace_zone: str, source_zone: str | None) -> Any:
    """A time column as naive wall-clock time (or date) in the workspace's zone.

    A plain date is already a local calendar date. A timestamp with a zone is an instant. A naive timestamp is read
    in the source's `timezone`, UTC by default.
    """
    if dtype.is_date():
        return column
    if dtype.is_timestamp() and getattr(dtype, "timezone", None):
        return kpilot_wall_clock(workspace_zone, column)
    zone = source_zone or "UTC"
    if zone == workspace_zone:
        return column
    return kpilot_wall_clock(workspace_zone, kpilot_instant(zone, column))


def local_date(column: Any, dtype: dt.DataType, workspace_zone: str, source_zone: str | None) -> Any:
    value = local_time(column, dtype, workspace_zone, source_zone)
    return value if dtype.is_date() else value.date()


def period_start(day: Any, grain: Grain, calendar: Calendar) -> Any:
    """The first day of the period containing the date expression `day` (the SQL twin of Calendar.start)."""
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return _shifted_truncate(day, "W", ibis.interval(days=calendar.week_start), calendar.week_start)
    if grain is Grain.MONTH:
        return day.truncate("M").cast("date")
    unit = "Q" if grain is Grain.QUARTER else "Y"
    months = calendar.fiscal_year_start - 1
    return _shifted_truncate(day, unit, ibis.interval(months=months), months)


def _shifted_truncate(day: Any, unit: str, shift: Any, amount: int) -> Any:
    if amount == 0:
        return day.truncate(unit).cast("date")
    return ((day - shift).truncate(unit) + shift).cast("date")


def date_literal(value: date) -> Any:
    return ibis.literal(value, type="date")


@dataclass(frozen=True)
class RowTime:
    """How the date functions of a source's row-level formulas read time: as wall-clock time in the workspace's zone,
    a naive timestamp being in the source's `timezone` (UTC when it has none), exactly as its time column is placed
    in periods; weeks, quarters and years as the workspace's calendar cuts them."""

    calendar: Calendar = field(default_factory=Calendar)
    source_zone: str | None = None

    def local(self, value: Any) -> Any:
        return local_time(value, value.type(), self.calendar.timezone, self.source_zone)

    def local_day(self, value: Any) -> Any:
        return local_date(value, value.type(), self.calendar.timezone, self.source_zone)


# Ibis renders each the same on DuckDB and PostgreSQL: EXTRACT(week) is the ISO 8601 week on both, and its day of
# the week is numbered from 0 for Monday on every backend.
DATE_PARTS: dict[str, Callable[[Any], Any]] = {
    "year": lambda t: t.year(),
    "quarter": lambda t: t.quarter(),
    "month": lambda t: t.month(),
    "week": lambda t: t.week_of_year(),
    "weekday": lambda t: t.day_of_week.index() + 1,  # ISO 8601: 1 Monday ... 7 Sunday, whatever the week start
    "hour": lambda t: t.hour(),
}
DATE_FUNCTIONS = frozenset({*DATE_PARTS, "date_trunc"})


def date_function(name: str, value: Any, time: RowTime, unit: str | None = None) -> Any:
    """`year(t)` ... `hour(t)` of the local time, and `date_trunc(unit, t)`: the start of the kpilot period (a week
    from the workspace's week start, a quarter or year from its fiscal year start) holding the local date."""
    if name == "date_trunc":
        if unit is None:
            raise InternalError("date_trunc() compiled without its unit")
        return period_start(time.local_day(value), Grain(unit), time.calendar)
    return DATE_PARTS[name](time.local(value))
