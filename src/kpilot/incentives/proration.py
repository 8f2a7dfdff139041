"""Who is in a bonus plan, and for how much of a period: eligibility and proration.

Dates are days; a period is [start, end), end exclusive, like the store's memberships (valid_from inclusive,
valid_to exclusive or open), so that consecutive periods and a team change on the 15th never count a day twice.

The rules, and why:
- A person is in the plan through stints ([start, end), one team and one part-time factor each). Two stints that
  share a day are refused when the Eligibility is built (`OverlappingStints`, a ValueError with both stints' dates):
  a day would be paid twice, and which of the two teams it belongs to is a question only the data's owner can
  answer. Services turn the error into a user error with its message.
- A person whose stints do not touch the period is not eligible (incentives.proration.not_in_period); one whose
  stints touch it but who has no plan day left in it (on leave all along, hired after it or gone before it) is not
  eligible either (incentives.proration.no_plan_days).
- A plan day is a day of the period inside a stint, on or after `hired_on`, before `left_on` and not on unpaid
  leave: leave does not count as time in the plan, and nobody earns for days they were not employed, whatever the
  stints say.
- fte_days adds each plan day's part-time factor: a person at 0.6 for a whole 30-day month has 18 fte-days.
- The ramp counts tenure months from `hired_on` (`kpilot.incentives.ramps`); ramp_factor is the mean of the step in
  force over the plan days, each day weighing the same (1 without a ramp): a ramp follows time in the job, not
  hours worked.
- factor = the sum over plan days of (fte x ramp step) / period_days: day by day, because part time and the ramp
  may both change inside one period (when only one of them changes, it is fte_days / period_days * ramp_factor).
  It is exact: computed in fractions and written as a Decimal to 28 significant digits (DECIMALS), exact whenever
  the fraction has a finite decimal (15/30 = 0.5), because money is rounded once, at the end, by the caller. A
  person who is not eligible has factor 0, so that a service that multiplies without looking at `eligible` still
  pays nothing; the days are kept to explain why.
- With `employed_on_payment_date`, only people employed on the payment date are paid: someone whose `left_on` is on
  or before `payment_date` is not eligible (incentives.proration.left_before_payment), however many days they
  worked. The rule needs the payment date, so prorating without one is refused.
- Team shares (`kpilot.incentives.team_shares`) are each team's fte-days over all fte-days: services blend the
  targets of a person who changed team mid-period by these shares.
- The reason is None when the factor is 1; otherwise incentives.proration.reduced with the causes, each a message:
  fewer plan days than period days, unpaid leave, part time, the ramp.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from kpilot.i18n import Message
from kpilot.incentives.proration_counts import DECIMALS, Counts, to_decimal
from kpilot.incentives.proration_reasons import left_before_payment, not_eligible, reduced
from kpilot.incentives.ramps import ONE, Ramp, ramp_changes, ramp_step
from kpilot.incentives.team_shares import TeamShare, team_shares

__all__ = [
    "DECIMALS",
    "Eligibility",
    "Leave",
    "OverlappingStints",
    "Proration",
    "Ramp",
    "Stint",
    "TeamShare",
    "prorate",
]


@dataclass(frozen=True)
class Stint:
    """One stretch of the person in the plan: in `team` (None: an individual plan) at `fte`, [start, end)."""

    start: date
    end: date | None  # exclusive; None: still going
    team: str | None = None
    fte: Decimal = ONE  # part-time factor, 0 < fte <= 1

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"a stint must end after it starts: {self.start} to {self.end}")
        if not isinstance(self.fte, Decimal) or not self.fte.is_finite() or not 0 < self.fte <= 1:
            raise ValueError(f"a stint's fte must be a Decimal above 0 and at most 1, not {self.fte!r}")

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def touches(self, start: date, end: date) -> bool:
        return self.start < end and (self.end is None or start < self.end)


@dataclass(frozen=True)
class Leave:
    """Unpaid leave, [start, end): its days do not count as days in the plan. Leaves may overlap (a day is then
    simply on leave)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a leave must end after it starts: {self.start} to {self.end}")

    def holds(self, day: date) -> bool:
        return self.start <= day < self.end


class OverlappingStints(ValueError):
    """Two stints of one person share a day: `second` starts before `first` ends. `message` says which, for the
    service's user error."""

    def __init__(self, first: Stint, second: Stint) -> None:
        super().__init__(f"[{first.start}, {first.end}) overlaps [{second.start}, {second.end})")
        self.first = first
        self.second = second

    @property
    def message(self) -> Message:
        return Message(
            "incentives.proration.overlapping_stints",
            first_start=self.first.start,
            second_start=self.second.start,
        )


@dataclass(frozen=True)
class Eligibility:
    """What decides a person's share of a period: stints, leaves, hire and leaving dates, the ramp, the rule."""

    stints: tuple[Stint, ...]
    leaves: tuple[Leave, ...] = ()
    hired_on: date | None = None  # for the ramp; no plan day before it
    left_on: date | None = None  # last day employed + 1 (exclusive), or None
    ramp: Ramp | None = None
    employed_on_payment_date: bool = False  # the rule: only people employed on `payment_date` are paid

    def __post_init__(self) -> None:
        ordered = sorted(self.stints, key=lambda stint: stint.start)
        for before, after in pairwise(ordered):
            if before.end is None or after.start < before.end:
                raise OverlappingStints(before, after)
        if self.ramp is not None and self.hired_on is None:
            raise ValueError("a ramp counts months from the day of hire: hired_on is needed")
        if self.hired_on is not None and self.left_on is not None and self.left_on <= self.hired_on:
            raise ValueError(f"left_on {self.left_on} must be after hired_on {self.hired_on}")

    def employed(self, day: date) -> bool:
        return (self.hired_on is None or self.hired_on <= day) and (self.left_on is None or day < self.left_on)


@dataclass(frozen=True)
class Proration:
    """A person's part of one period, and why it is what it is."""

    eligible: bool
    reason: Message | None  # why not eligible, or why reduced; None when full
    period_days: int
    plan_days: int  # days in a stint, employed and not on leave
    fte_days: Decimal  # sum over plan days of the fte
    ramp_factor: Decimal  # day-weighted mean of the ramp step over the plan days (1 without a ramp, or no days)
    factor: Decimal  # sum of fte x ramp step over plan days / period_days, to DECIMALS digits; 0 when not eligible
    teams: tuple[TeamShare, ...]


def prorate(eligibility: Eligibility, start: date, end: date, payment_date: date | None = None) -> Proration:
    """The person's proration for the period [start, end), paid on `payment_date`."""
    if end <= start:
        raise ValueError(f"a period must end after it starts: {start} to {end}")
    if eligibility.employed_on_payment_date and payment_date is None:
        raise ValueError("the employed-on-payment-date rule needs the payment date")
    counts = _count(eligibility, start, end)
    ramp_factor = counts.ramp_days / counts.plan_days if counts.plan_days else Fraction(1)
    # Day by day: part time and ramp may change inside one period (fte 0.5 under a 0.5 ramp step, then full time
    # at 1 pays 0.5 * 0.5 and 1 * 1 for their days, not the mean fte times the mean step).
    factor = counts.paid_days / counts.period_days
    reason = _why_not(eligibility, counts, start, end, payment_date)
    return Proration(
        eligible=reason is None,
        reason=reason if reason is not None else reduced(counts, ramp_factor, factor),
        period_days=counts.period_days,
        plan_days=counts.plan_days,
        fte_days=to_decimal(counts.fte_days),
        ramp_factor=to_decimal(ramp_factor),
        factor=to_decimal(factor) if reason is None else Decimal(0),
        teams=team_shares(counts.fte_by_team),
    )


def _count(eligibility: Eligibility, start: date, end: date) -> Counts:
    """Walk the period in stretches over which nothing changes (no stint, leave, hire, leaving or ramp boundary
    inside), so that each stretch is judged once on its first day and weighs its length in days."""
    plan_days = leave_days = 0
    fte_days = ramp_days = paid_days = Fraction(0)
    fte_by_team: dict[str | None, Fraction] = {}
    cuts = sorted({start, end} | {day for day in _boundaries(eligibility) if start < day < end})
    for first, after in pairwise(cuts):
        stint = next((stint for stint in eligibility.stints if stint.holds(first)), None)
        if stint is None or not eligibility.employed(first):
            continue
        days = (after - first).days
        if any(leave.holds(first) for leave in eligibility.leaves):
            leave_days += days
            continue
        plan_days += days
        fte_days += Fraction(stint.fte) * days
        ramp_days += _step(eligibility, first) * days
        paid_days += Fraction(stint.fte) * _step(eligibility, first) * days
        fte_by_team[stint.team] = fte_by_team.get(stint.team, Fraction(0)) + Fraction(stint.fte) * days
    touched = any(stint.touches(start, end) for stint in eligibility.stints)
    return Counts((end - start).days, touched, plan_days, leave_days, fte_days, ramp_days, fte_by_team, paid_days)


def _step(eligibility: Eligibility, day: date) -> Fraction:
    if eligibility.ramp is None or eligibility.hired_on is None:
        return Fraction(1)
    return Fraction(ramp_step(eligibility.ramp, eligibility.hired_on, day))


def _boundaries(eligibility: Eligibility) -> set[date]:
    days: set[date] = set()
    for stint in eligibility.stints:
        days |= {stint.start} if stint.end is None else {stint.start, stint.end}
    for leave in eligibility.leaves:
        days |= {leave.start, leave.end}
    days |= {day for day in (eligibility.hired_on, eligibility.left_on) if day is not None}
    if eligibility.ramp is not None and eligibility.hired_on is not None:
        days |= set(ramp_changes(eligibility.ramp, eligibility.hired_on))
    return days


def _why_not(
    eligibility: Eligibility, counts: Counts, start: date, end: date, payment_date: date | None
) -> Message | None:
    if not counts.touched:
        return not_eligible("incentives.proration.not_in_period", start, end)
    if counts.plan_days == 0:
        return not_eligible("incentives.proration.no_plan_days", start, end)
    left_on = eligibility.left_on
    # Employed on a day means before left_on: someone whose left_on is the payment date is gone by then.
    if eligibility.employed_on_payment_date and left_on is not None and payment_date and left_on <= payment_date:
        return left_before_payment(left_on, payment_date)
    return None
