"""Moments (audit entries, token expiries, sign-ins) as the command line shows them: in UTC, as the store keeps
them, with the date written the reader's way (2025-03-01 10:15 in English, 01/03/2025 10:15 in Italian)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from kpilot.i18n import Language, value_text


def moment_text(moment: datetime | None, speak: Language) -> str:
    """`2025-03-01 10:15` in UTC ("–" for none)."""
    return value_text(moment.astimezone(UTC) if moment is not None else None, speak)


def day_start(day: date | None, *, after: bool = False) -> datetime | None:
    """The moment a UTC day begins (`after`: the next day, to include the whole day in a range)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1) if after else day, time(), tzinfo=UTC)
