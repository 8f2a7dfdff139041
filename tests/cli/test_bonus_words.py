"""The bonus commands' money and percentages: the exact figure, in the reader's symbols (the reference is Decimal
arithmetic and the locales' separators: English 1,234.5, Italian 1.234,5)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kpilot.cli.bonus_words import amount_words, message_of, percent_words
from kpilot.i18n import Language, Number, render

CENTS = st.integers(min_value=-(10**12), max_value=10**12).map(lambda units: Decimal(units).scaleb(-2))
# Payouts and attainments with up to five decimals (1.29375): three decimals once a percentage.
FRACTIONS = st.integers(min_value=0, max_value=10**9).map(lambda units: Decimal(units).scaleb(-5))


@given(CENTS)
def test_an_amount_reads_back_as_itself(amount: Decimal) -> None:
    english = amount_words(amount, "EUR", Language.EN)
    assert english.endswith(" EUR")
    assert Decimal(english.removesuffix(" EUR").replace(",", "")) == amount
    italian = amount_words(amount, "EUR", Language.IT)
    digits = italian.removesuffix("\xa0€").replace(".", "").replace(",", ".").replace("\u2212", "-")
    assert Decimal(digits) == amount


@given(FRACTIONS)
def test_a_percentage_is_the_exact_fraction_times_a_hundred(fraction: Decimal) -> None:
    shown = percent_words(fraction, Language.EN)
    assert shown.endswith("%")
    assert Decimal(shown.removesuffix("%").replace(",", "")) == fraction.scaleb(2)


def test_examples_in_two_languages() -> None:
    assert percent_words(Decimal("1.29375"), Language.EN) == "129.375%"
    assert percent_words(Decimal("1.1000"), Language.EN) == "110%"
    assert percent_words(Decimal("0.925"), Language.IT) == "92,5%"
    assert amount_words(Decimal("3881.25"), "EUR", Language.EN) == "3,881.25 EUR"
    assert amount_words(Decimal("3881.25"), "EUR", Language.IT) == "3.881,25\xa0€"
    assert amount_words(Decimal("105.0000000"), "EUR", Language.EN) == "105.00 EUR"  # the worth of 1 %: to cents
    assert amount_words(Decimal("1500"), "JPY", Language.EN) == "1,500 JPY"  # no minor unit


def test_a_kept_reason_renders_again_with_its_number() -> None:
    # The details keep a proration reason's factor as a typed number (services.bonus_details): it reads back.
    kept = {
        "code": "incentives.proration.reduced",
        "values": {"factor": {"type": "number", "value": "0.5", "spec": ".1%"}, "causes": []},
    }
    message = message_of(kept)
    assert message is not None
    assert message.values["factor"] == Number(Decimal("0.5"), ".1%")
    assert render(message, Language.EN).startswith("prorated to 50.0% of the period")
