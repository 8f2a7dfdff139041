"""Money arithmetic for bonuses: Decimal amounts, the currency's minor unit, one rounding step, exact splits.

A bonus is computed unrounded (target incentive x payout fraction x proration ...) and rounded once, at the end,
with `round_money`; rounding intermediate figures would let cents drift between a statement's lines and its total.
Where one rounded total must be split (a bonus across cost centres, a claw-back across periods), `allocate` splits
it in whole minor units that add up to the total exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from babel.numbers import get_currency_precision, is_currency


def minor_unit(currency: str) -> int:
    """The number of decimal places of `currency` (an ISO 4217 code): EUR 2, JPY 0, KWD 3. An unknown code raises
    ValueError (Babel would answer 2 for any string, so a typo would pass unnoticed)."""
    if not is_currency(currency):
        raise ValueError(f"unknown currency code {currency!r}")
    return int(get_currency_precision(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded to the currency's minor unit, half away from zero: 2.345 -> 2.35, -2.345 -> -2.35.

    Half up (away from zero), not the banker's half-even: payroll and the amounts people check by hand round a
    half cent up, and a claw-back mirrors a payment (-2.345 -> -2.35) so that paying and reclaiming the same figure
    nets to zero. This is the one rounding step, done on the final amount."""
    _require_finite(amount)
    return amount.quantize(_quantum(currency), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """The exact number of minor units in an already rounded `amount` (12.34 EUR -> 1234); an amount with more
    decimals than the currency has raises ValueError: rounding here would be a second, hidden rounding step."""
    _require_finite(amount)
    places = minor_unit(currency)
    units = amount.scaleb(places)
    if units != units.to_integral_value():
        raise ValueError(f"{amount} has more than {places} decimal places for {currency}: round it first")
    return int(units)


def from_minor(units: int, currency: str) -> Decimal:
    """The amount of `units` minor units, with the currency's decimal places: 1234 EUR -> 12.34, 5 JPY -> 5."""
    return Decimal(units).scaleb(-minor_unit(currency)).quantize(_quantum(currency))


def allocate(total: Decimal, weights: Sequence[Decimal], currency: str) -> tuple[Decimal, ...]:
    """Split the rounded `total` by `weights` into parts rounded to the minor unit that add up to `total` exactly.

    Largest remainder: each part gets the whole minor units of its exact share, and the units left over go one each
    to the parts with the largest remainders, ties to the earlier index. So every part differs from its exact share
    by less than one minor unit. Weights are >= 0 and not all 0. A negative total (a claw-back) is split as its
    positive amount and negated, so that reclaiming mirrors paying."""
    if not weights:
        raise ValueError("allocate needs at least one weight")
    exact_weights = [_weight(weight) for weight in weights]
    weight_sum = sum(exact_weights, Fraction(0))
    if weight_sum == 0:
        raise ValueError("allocate needs a weight above 0")
    units = to_minor(total, currency)
    sign, size = (-1 if units < 0 else 1), abs(units)
    shares = [size * weight / weight_sum for weight in exact_weights]  # Fractions: exact, no rounding yet
    parts = [int(share) for share in shares]  # floor, since shares are >= 0
    leftover = size - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda index: (-(shares[index] - parts[index]), index))
    for index in by_remainder[:leftover]:
        parts[index] += 1
    return tuple(from_minor(sign * part, currency) for part in parts)


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


def _weight(weight: Decimal) -> Fraction:
    _require_finite(weight)
    if weight < 0:
        raise ValueError(f"weights must be >= 0, not {weight}")
    return Fraction(weight)


def _require_finite(amount: Decimal) -> None:
    if not amount.is_finite():
        raise ValueError(f"an amount must be finite, not {amount}")
