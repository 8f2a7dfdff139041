"""Moments in the store: always UTC, on SQLite and PostgreSQL alike.

PostgreSQL keeps `timestamp with time zone`; SQLite has no time zones and keeps text. `UtcDateTime` stores every
moment as UTC and hands back aware UTC datetimes from both, so that code never compares a naive time with an aware
one, and a naive time given by mistake is a bug caught at once rather than a moment silently read in local time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from kpilot.errors import InternalError


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise InternalError(f"a moment without a time zone cannot be stored: {value.isoformat()}")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise InternalError(f"the store gave {value!r} where a moment was expected")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive one is a bug (every moment kpilot handles knows its zone)."""
    if moment.tzinfo is None:
        raise InternalError(f"a moment without a time zone: {moment.isoformat()}")
    return moment.astimezone(UTC)
