"""Money and working time as the bonus tables keep them (store.bonus_amounts), and the words of the bonus
repository's errors, without a database.

Expected minor units are worked out independently: n minor units of a currency with d digits is the amount n / 10**d
(Decimal division, exact for these), so converting that amount must give n back.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilot.i18n import Language, Message, render
from kpilot.i18n.catalogue import catalogue
from kpilot.store.bonus import DisputeStatus, LineKind, RunStatus
from kpilot.store.bonus_amounts import from_minor, fte_of, fte_per_mille, json_value, to_minor
from kpilot.store.bonus_workflow import status_word
from kpilot.store.errors import StoreError

DIGITS = {"EUR": 2, "JPY": 0, "BHD": 3}  # ISO 4217's minor units of each
BIG = 2**63 - 1  # what a BigInteger holds


@given(st.integers(min_value=-BIG, max_value=BIG), st.sampled_from(sorted(DIGITS)))
def test_an_amount_becomes_its_minor_units_and_back(minor: int, currency: str) -> None:
    amount = Decimal(minor) / Decimal(10) ** DIGITS[currency]
    assert to_minor(amount, currency) == minor
    assert from_minor(minor, currency) == amount


@given(st.integers(min_value=-(10**12), max_value=10**12).filter(lambda n: n % 10 != 0))
def test_a_euro_amount_with_a_third_decimal_is_refused(thousandths: int) -> None:
    with pytest.raises(StoreError) as refused:
        to_minor(Decimal(thousandths) / 1000, "EUR")
    assert refused.value.code == "store.bonus.amount_too_precise"


def test_a_large_amount_is_exact_where_a_float_is_not() -> None:
    # 12345678901234 cents: a double cannot hold 123456789012.34 exactly (it is 123456789012.33999...).
    assert Decimal(float("123456789012.34")) != Decimal("123456789012.34")
    assert to_minor(Decimal("123456789012.34"), "EUR") == 12345678901234
    assert str(from_minor(12345678901234, "EUR")) == "123456789012.34"
    assert str(from_minor(-1, "EUR")) == "-0.01"
    assert str(from_minor(1200, "EUR")) == "12.00"  # the currency's digits, as a statement shows them


@pytest.mark.parametrize(("fte", "per_mille"), [("1", 1000), ("0.8", 800), ("0.5", 500), ("0.001", 1), ("0.125", 125)])
def test_working_time_in_thousandths(fte: str, per_mille: int) -> None:
    assert fte_per_mille(Decimal(fte)) == per_mille
    assert fte_of(per_mille) == Decimal(fte)


@pytest.mark.parametrize("fte", ["0", "-0.5", "1.001", "0.0005", "NaN"])
def test_working_time_out_of_range_is_refused(fte: str) -> None:
    with pytest.raises(StoreError) as refused:
        fte_per_mille(Decimal(fte))
    assert refused.value.code == "store.bonus.fte_invalid"


def test_json_values_keep_decimals_as_text() -> None:
    given_value = {"kpi": Decimal("0.1"), "points": [Decimal("1.50"), 2], "gate": {"passed": True, "note": None}}
    assert json_value(given_value) == {"kpi": "0.1", "points": ["1.50", 2], "gate": {"passed": True, "note": None}}


def test_every_status_kind_and_dispute_word_is_in_every_language() -> None:
    # Built from values at run time, so the catalogue test that reads codes from the source cannot see them.
    codes = [f"store.bonus.status.{s.value}" for s in RunStatus]
    codes += [f"store.bonus.kind.{k.value}" for k in LineKind] + [
        f"store.bonus.dispute.{d.value}" for d in DisputeStatus
    ]
    assert all(set(catalogue()[code]) == set(Language) for code in codes)


def test_a_refused_move_reads_in_every_language() -> None:
    message = Message(
        "store.bonus.transition_refused",
        run="7",
        current=status_word(RunStatus.PAID),
        wanted=status_word(RunStatus.DRAFT),
    )
    assert render(message, Language.EN) == "bonus run 7 is paid: it cannot become draft"
    assert render(message, Language.IT) == "l'esecuzione dei bonus 7 è nello stato «pagato»: non può passare a «bozza»"
    for language in (Language.PL, Language.ZH):
        assert "7" in render(message, language)
