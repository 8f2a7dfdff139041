"""Money arithmetic by hand: minor units from ISO 4217 (EUR 2, JPY 0, KWD 3), half-up rounding, minor-unit
conversion and largest-remainder allocation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpilot.incentives.money import allocate, from_minor, minor_unit, round_money, to_minor

D = Decimal


@pytest.mark.parametrize(("currency", "places"), [("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("PLN", 2)])
def test_minor_unit(currency: str, places: int) -> None:
    assert minor_unit(currency) == places


@pytest.mark.parametrize("currency", ["XXQ", "eur", "", "EURO"])
def test_an_unknown_currency_is_refused(currency: str) -> None:
    with pytest.raises(ValueError, match="currency"):
        minor_unit(currency)


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("2.345", "EUR", "2.35"),  # a half cent: up (half even would give 2.34)
        ("-2.345", "EUR", "-2.35"),  # a claw-back mirrors it: away from zero
        ("2.344", "EUR", "2.34"),
        ("0.125", "EUR", "0.13"),  # half up, not half even (which would give 0.12, 2 being even)
        ("5", "EUR", "5.00"),  # always the currency's places
        ("2.5", "JPY", "3"),
        ("-2.5", "JPY", "-3"),
        ("1.2345", "KWD", "1.235"),
    ],
)
def test_round_money(amount: str, currency: str, rounded: str) -> None:
    result = round_money(D(amount), currency)
    assert result == D(rounded)
    assert str(result) == rounded


def test_round_money_refuses_non_finite() -> None:
    with pytest.raises(ValueError, match="finite"):
        round_money(D("NaN"), "EUR")


@pytest.mark.parametrize(
    ("amount", "currency", "units"),
    [
        ("12.34", "EUR", 1234),
        ("12.340", "EUR", 1234),
        ("-0.05", "EUR", -5),
        ("500", "JPY", 500),
        ("-1.005", "KWD", -1005),
    ],
)
def test_to_minor(amount: str, currency: str, units: int) -> None:
    assert to_minor(D(amount), currency) == units


@pytest.mark.parametrize(("amount", "currency"), [("12.345", "EUR"), ("0.5", "JPY"), ("1.0001", "KWD")])
def test_to_minor_refuses_unrounded_amounts(amount: str, currency: str) -> None:
    with pytest.raises(ValueError, match="round it first"):
        to_minor(D(amount), currency)


@pytest.mark.parametrize(
    ("units", "currency", "amount"),
    [(1234, "EUR", "12.34"), (5, "EUR", "0.05"), (5, "JPY", "5"), (-5, "KWD", "-0.005")],
)
def test_from_minor(units: int, currency: str, amount: str) -> None:
    assert str(from_minor(units, currency)) == amount


def amounts(*texts: str) -> tuple[Decimal, ...]:
    return tuple(D(text) for text in texts)


@pytest.mark.parametrize(
    ("total", "weights", "currency", "parts"),
    [
        # 10000 cents / 3 = 3333.33 each: floors 3333 * 3 = 9999, 1 left, equal remainders: the first
        ("100.00", [1, 1, 1], "EUR", ("33.34", "33.33", "33.33")),
        # 5 cents / 2 = 2.5 each: floors 2 + 2, 1 left, tie: the first
        ("0.05", [1, 1], "EUR", ("0.03", "0.02")),
        # a claw-back splits the same way, negated
        ("-0.05", [1, 1], "EUR", ("-0.03", "-0.02")),
        ("-100.00", [1, 1, 1], "EUR", ("-33.34", "-33.33", "-33.33")),
        # 10 cents by 1:2:4 = 1.43, 2.86, 5.71: floors 1 + 2 + 5 = 8, 2 left to the largest remainders .86 and .71
        ("0.10", [1, 2, 4], "EUR", ("0.01", "0.03", "0.06")),
        # 100 cents / 7 = 14.29 each: floors 98, 2 left to the first two
        ("1.00", [1] * 7, "EUR", ("0.15", "0.15", "0.14", "0.14", "0.14", "0.14", "0.14")),
        # a zero weight gets nothing: 1000 cents by 0:1:3 = 0, 250, 750
        ("10.00", [0, 1, 3], "EUR", ("0.00", "2.50", "7.50")),
        # decimal weights: 1 cent by 0.2:0.8 = 0.2, 0.8: floors 0 + 0, 1 left to the larger remainder
        ("0.01", ["0.2", "0.8"], "EUR", ("0.00", "0.01")),
        ("100", [1, 1, 1], "JPY", ("34", "33", "33")),
        ("1.000", [1, 1, 1], "KWD", ("0.334", "0.333", "0.333")),
        ("0.00", [1, 2], "EUR", ("0.00", "0.00")),
        ("7.77", [5], "EUR", ("7.77",)),
    ],
)
def test_allocate(total: str, weights: list[int | str], currency: str, parts: tuple[str, ...]) -> None:
    result = allocate(D(total), [D(weight) for weight in weights], currency)
    assert result == amounts(*parts)
    assert [str(part) for part in result] == list(parts)  # each with the currency's places


@pytest.mark.parametrize(
    ("total", "weights", "match"),
    [
        ("1.00", [], "at least one weight"),
        ("1.00", ["0", "0"], "above 0"),
        ("1.00", ["1", "-1"], ">= 0"),
        ("1.00", ["1", "NaN"], "finite"),
        ("1.005", ["1"], "round it first"),
    ],
)
def test_allocate_refuses(total: str, weights: list[str], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        allocate(D(total), [D(weight) for weight in weights], "EUR")
