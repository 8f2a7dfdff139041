"""Money and fractions as the bonus tables keep them: exact integers, never floats nor SQL numerics.

An amount is kept in the currency's minor units (ISO 4217: 2 digits for EUR, 0 for JPY, 3 for BHD), as a
BigInteger: SQLite would keep a NUMERIC column as a float and round 12345678901234.56. An amount with more digits
than its currency has is refused rather than rounded: the store never decides a cent. The working time (FTE) is kept
in thousandths of full time for the same reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision, is_currency

from kpilot.errors import InternalError
from kpilot.i18n import Message
from kpilot.store.errors import StoreError

PER_MILLE = 1000


def minor_digits(currency: str) -> int:
    """The number of minor digits of a currency (ISO 4217); an unknown currency is refused."""
    if len(currency) != 3 or not currency.isupper() or not is_currency(currency):
        raise StoreError(Message("store.bonus.currency_unknown", currency=currency), field="currency")
    return int(get_currency_precision(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """`amount` (12.34) in minor units (1234) of `currency`, exactly."""
    digits = minor_digits(currency)
    scaled = amount.scaleb(digits)
    if not amount.is_finite() or scaled != scaled.to_integral_value():
        raise StoreError(
            Message("store.bonus.amount_too_precise", amount=str(amount), currency=currency, digits=digits),
            field="amount",
        )
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units (1234) back as the amount (12.34), with the currency's digits (1200 EUR cents: 12.00)."""
    return Decimal(minor).scaleb(-minor_digits(currency))


def optional_minor(amount: Decimal | None, currency: str) -> int | None:
    return None if amount is None else to_minor(amount, currency)


def optional_amount(minor: int | None, currency: str) -> Decimal | None:
    return None if minor is None else from_minor(minor, currency)


def fte_per_mille(fte: Decimal) -> int:
    """A fraction of full time (0.8) in thousandths (800): more than 0, at most 1, to the thousandth."""
    scaled = fte * PER_MILLE
    if not fte.is_finite() or scaled != scaled.to_integral_value() or not 0 < scaled <= PER_MILLE:
        raise StoreError(Message("store.bonus.fte_invalid", fte=str(fte)), field="fte")
    return int(scaled)


def fte_of(per_mille: int) -> Decimal:
    return Decimal(per_mille).scaleb(-3).normalize()  # 800 -> 0.8, 1000 -> 1


def json_value(value: Any) -> Any:
    """`value` as JSON keeps it: Decimals as their text (exact), mappings and sequences through; floats refused,
    as a float is never the number kpilot computed (money and KPI values are Decimals)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    raise InternalError(f"a bonus line's reason or details cannot keep {type(value).__name__} {value!r}")


def optional_json(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else json_value(value)
