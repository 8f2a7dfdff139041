"""Why a person is not eligible for a period, or why their share of it is reduced: messages with the numbers."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from kpilot.i18n import Message, Number
from kpilot.incentives.proration_counts import Counts, to_decimal

ONE_DAY = timedelta(days=1)


def not_eligible(code: str, start: date, end: date) -> Message:
    """`code` about the period [start, end), named by its first and last day."""
    return Message(code, first=start, last=end - ONE_DAY)


def left_before_payment(left_on: date, payment_date: date) -> Message:
    return Message("incentives.proration.left_before_payment", last_day=left_on - ONE_DAY, payment_date=payment_date)


def reduced(counts: Counts, ramp_factor: Fraction, factor: Fraction) -> Message | None:
    """None for a full period; else incentives.proration.reduced with each cause that took a part away."""
    if factor == 1:
        return None
    causes = []
    if counts.plan_days < counts.period_days:
        causes.append(Message("incentives.proration.cause.days", days=counts.plan_days, count=counts.period_days))
    if counts.leave_days:
        causes.append(Message("incentives.proration.cause.leave", count=counts.leave_days))
    if counts.fte_days < counts.plan_days:
        part_time = to_decimal(counts.fte_days / counts.plan_days)
        causes.append(Message("incentives.proration.cause.part_time", share=Number(part_time, ".1%")))
    if ramp_factor < 1:
        causes.append(Message("incentives.proration.cause.ramp", share=Number(to_decimal(ramp_factor), ".1%")))
    return Message("incentives.proration.reduced", factor=Number(to_decimal(factor), ".1%"), causes=tuple(causes))
