"""Money, percentages and reasons of the bonus commands, the reader's way.

Amounts are Decimals with the currency's decimals (3,881.25 EUR; 3.881,25 € in Italian); attainments and payouts are
exact fractions shown as percentages with up to three decimals, trailing zeros dropped (1.29375 -> 129.375%), so
that a statement shows the very figure an amount was computed from. Nothing here passes money through a float.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kpilot.i18n import Language, Message
from kpilot.i18n.numbers import fixed, money
from kpilot.incentives.money import minor_unit, round_money
from kpilot.services.bonus_details import message_from

HUNDRED = Decimal(100)
PERCENT_PLACES = 3  # a payout of 1.29375 is 129.375 %: attainments have two places, payouts up to three


def decimal(value: Any) -> Decimal | None:
    """A figure as the ledger's details keep it (text, or a Decimal), None when there is none."""
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def amount_words(value: Decimal, currency: str, language: Language, *, signed: bool = False) -> str:
    """An amount with its currency's decimals, rounded half up when it has more (the worth of the next 1 %)."""
    places = minor_unit(currency)
    shown = fixed(round_money(value, currency), places, language, signed=signed)
    return money(shown, currency, language)


def percent_words(fraction: Decimal | None, language: Language) -> str:
    """A fraction as a percentage: 1.1 -> 110%, 0.8125 -> 81.25%, 1.29375 -> 129.375%."""
    if fraction is None:
        return "–"
    return fixed(fraction * HUNDRED, PERCENT_PLACES, language, trim=True) + "%"


def message_of(data: Mapping[str, Any] | None) -> Message | None:
    """A reason as the ledger keeps it ({code, values}, nested reasons too) back as a Message to render."""
    return message_from(data)
