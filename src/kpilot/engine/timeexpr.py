"""Warehouse-side time: a row's local calendar date and the start of its period, as Ibis expressions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import ibis
import ibis.expr.datatypes as dt

from kpilot.engine.periods import Calendar, Grain


@ibis.udf.scalar.builtin(name="timezone")  # type: ignore[untyped-decorator]
def _timezone(zone: str, value: datetime) -> datetime:  # type: ignore[empty-body]
    """`timezone(zone, ts)`: DuckDB and PostgreSQL both read a naive ts as local to `zone` (giving an instant), and an
    instant as the wall-clock time in `zone`. Two calls convert a naive UTC time to naive local time."""


def local_time(column: Any, dtype: dt.DataType, workspace_zone: str, source_zone: str | None) -> Any:
    """A time column as naive wall-clock time (or date) in the workspace's zone.

    A plain date is already a local calendar date. A timestamp with a zone is an instant. A naive timestamp is read
    in the source's `timezone`, UTC by default.
    """
    if dtype.is_date():
        return column
    if dtype.is_timestamp() and getattr(dtype, "timezone", None):
        return _timezone(workspace_zone, column)
    zone = source_zone or "UTC"
    if zone == workspace_zone:
        return column
    return _timezone(workspace_zone, _timezone(zone, column))


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
