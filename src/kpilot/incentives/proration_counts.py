"""What prorating a period counts, before it is judged (see `kpilot.incentives.proration`), and how an exact
fraction becomes the Decimal a proration shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

# Factors are written to 28 significant digits, in a context of their own so that the caller's decimal context
# cannot change a proration: 15/31 is 0.4838709677419354838709677419, far below any currency's minor unit.
DECIMALS = Context(prec=28, rounding=ROUND_HALF_EVEN)


def to_decimal(value: Fraction) -> Decimal:
    """The fraction as a Decimal: exact when it has a finite decimal within DECIMALS' digits, else rounded there."""
    return DECIMALS.divide(Decimal(value.numerator), Decimal(value.denominator))


@dataclass(frozen=True)
class Counts:
    """The days of one person in one period, in exact fractions."""

    period_days: int
    touched: bool  # a stint shares at least one day with the period
    plan_days: int
    leave_days: int  # days in a stint and employed, but on unpaid leave
    fte_days: Fraction
    ramp_days: Fraction  # the ramp step of each plan day, added up
    fte_by_team: Mapping[str | None, Fraction]  # in the order the teams were first met
    paid_days: Fraction = Fraction(0)  # fte times ramp step of each plan day, added up
