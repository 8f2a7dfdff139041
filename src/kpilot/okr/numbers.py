"""Exact numbers for scoring: every value becomes a Fraction of the decimal a person reads, so that a key result
exactly on its target scores exactly 100% (0.1 + 0.2 is not 0.3 in binary floats)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

Number = int | float | Decimal | Fraction


def exact(value: Number) -> Fraction:
    """The value as a fraction; a float as the shortest decimal that prints as it (0.1 is 1/10)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def share(part: Fraction, whole: Fraction) -> Fraction | None:
    """part / whole, empty when whole is 0 (division by zero is empty)."""
    return None if whole == 0 else part / whole
