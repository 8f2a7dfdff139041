"""A new hire's ramp: the share of the target incentive paid by month of tenure (see `kpilot.incentives.proration`).

Month 1 of tenure runs from the day of hire up to the same day of the next month, exclusive; month 2 up to the same
day of the month after, and so on. A hire on 15 March with steps (0.5, 0.75) has 0.5 from 15 March to 14 April,
0.75 from 15 April to 14 May, and 1 from 15 May on.

Each month's first day is counted from the day of hire itself, never from the previous month's boundary, so that a
hire on 31 January does not drift to the 28th for good after February. When the month has no such day (31 April,
30 February), the tenure month begins on the first day of the month after: a hire on 31 January completes month 1
at the end of February, which is what "one month of tenure" means to the person and to payroll.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ONE = Decimal(1)


@dataclass(frozen=True)
class Ramp:
    """The share of the target incentive by month of tenure (month 1, 2, ...), e.g. (0.5, 0.75); 1 once the steps
    are over. A ramp raises pay towards the full target, so each step is between 0 and 1."""

    steps: tuple[Decimal, ...]

    def __post_init__(self) -> None:
        for number, step in enumerate(self.steps, start=1):
            if not isinstance(step, Decimal) or not step.is_finite() or not 0 <= step <= 1:
                raise ValueError(f"ramp step {number} must be a Decimal between 0 and 1, not {step!r}")


def tenure_month_start(hired_on: date, month: int) -> date:
    """The first day of tenure month `month` (1 = the day of hire) of someone hired on `hired_on`."""
    if month < 1:
        raise ValueError(f"tenure months count from 1, not {month}")
    months = hired_on.year * 12 + hired_on.month - 1 + (month - 1)
    year, month_index = divmod(months, 12)
    if hired_on.day <= calendar.monthrange(year, month_index + 1)[1]:
        return date(year, month_index + 1, hired_on.day)
    next_year, next_index = divmod(months + 1, 12)  # no such day in that month: the month after begins it
    return date(next_year, next_index + 1, 1)


def ramp_changes(ramp: Ramp, hired_on: date) -> tuple[date, ...]:
    """The days on which the step in force changes: the first day of tenure months 2 to len(steps) + 1."""
    return tuple(tenure_month_start(hired_on, month) for month in range(2, len(ramp.steps) + 2))


def ramp_step(ramp: Ramp, hired_on: date, day: date) -> Decimal:
    """The step in force on `day` (on or after `hired_on`): the step of its tenure month, 1 after the last step."""
    if day < hired_on:
        raise ValueError(f"{day} is before the day of hire, {hired_on}")
    months_completed = sum(1 for change in ramp_changes(ramp, hired_on) if change <= day)
    return ramp.steps[months_completed] if months_completed < len(ramp.steps) else ONE
