"""Numbers for people: the rules of docs/cli.md ("Numbers in tables"), one example per rule and edge, by hand."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from kpilot.definitions.model import Kpi, TimeUnit, Unit
from kpilot.goals.status import Status
from kpilot.results.formatting import (
    EMPTY,
    format_change,
    format_kpi_value,
    format_share,
    format_value,
    format_weight,
    status_words,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.000139, "0.0139 %"),  # the CTRs of issue 15: three significant digits, not 0.01 %
        (0.000195, "0.0195 %"),
        (0.005, "0.500 %"),
        (0.0099949, "0.999 %"),
        (0.0197, "1.97 %"),
        (0.12345, "12.35 %"),  # 12.345 is stored as 12.3450000000000006 and rounds up
        (2.3926, "239.3 %"),  # from 100 %: one decimal
        (0, "0.00 %"),
        (-0.000123, "-0.0123 %"),
        (-0.0000000001, "-1.00e-08 %"),
        (1e-14, "1.00e-12 %"),  # below a billionth of a point: scientific, never 0.00
    ],
)
def test_percentages_keep_significant_digits(value: float, text: str) -> None:
    assert format_value(value, Unit.PERCENT, "EUR") == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.78, "0.78 EUR"),
        (268.954, "268.95 EUR"),
        (9999.994, "9,999.99 EUR"),
        (431586.34, "431,586 EUR"),  # from 10,000: whole amounts
        (0.00452, "0.00452 EUR"),  # under a cent: three significant digits
        (0, "0.00 EUR"),
        (-12.5, "-12.50 EUR"),
        (Decimal("12.345"), "12.35 EUR"),  # money is Decimal: half a cent rounds up
        (Decimal("12.344"), "12.34 EUR"),
        (Decimal("-0.004"), "-0.00400 EUR"),
        (Decimal("-0.001"), "-0.00100 EUR"),
        (Decimal("123456789012345678901234567890.5"), "123,456,789,012,345,678,901,234,567,891 EUR"),
    ],
)
def test_money_has_its_currency(value: float | Decimal, text: str) -> None:
    assert format_value(value, Unit.CURRENCY, "EUR") == text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (43.79, TimeUnit.DAYS, "43.8 days"),
        (6.44, TimeUnit.HOURS, "6.4 h"),
        (35.0, TimeUnit.MINUTES, "35.0 min"),
        (12.25, TimeUnit.SECONDS, "12.2 s"),  # 12.25 is exact: Python rounds half to even
        (2.16, TimeUnit.WEEKS, "2.2 weeks"),
        (0.25, TimeUnit.HOURS, "0.250 h"),
        (1234.7, TimeUnit.HOURS, "1,235 h"),
        (0, TimeUnit.DAYS, "0.0 days"),
        (43.79, None, "43.8"),  # a duration without its time unit: the number alone
    ],
)
def test_durations_show_their_unit(value: float, unit: TimeUnit | None, text: str) -> None:
    assert format_value(value, Unit.DURATION, "EUR", time_unit=unit) == text


@pytest.mark.parametrize(
    ("value", "unit", "whole", "text"),
    [
        (12345, Unit.NUMBER, False, "12,345"),
        (122559.0, Unit.NUMBER, False, "122,559"),  # a count computed as a double is still whole
        (4.256, Unit.RATIO, False, "4.26"),
        (0.1234, Unit.RATIO, False, "0.123"),
        (1040.28, Unit.NUMBER, False, "1,040"),  # from 1,000: whole
        (370.9, Unit.NUMBER, True, "371"),  # a count's target
        (370.9, Unit.NUMBER, False, "370.90"),
        (-3, Unit.NUMBER, False, "-3"),
        (-0.0004, Unit.NUMBER, False, "-0.000400"),
    ],
)
def test_numbers_and_counts(value: float, unit: Unit, whole: bool, text: str) -> None:
    assert format_value(value, unit, "EUR", whole=whole) == text


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("Infinity")])
@pytest.mark.parametrize("unit", list(Unit))
def test_empty_values(value: float | Decimal | None, unit: Unit) -> None:
    assert format_value(value, unit, "EUR") == EMPTY


def test_values_that_are_not_kpis_are_shown_as_they_are() -> None:
    assert format_value("search", None, "EUR") == "search"
    assert format_value(1234.5, None, "EUR") == "1234.5"
    assert format_value(True, Unit.NUMBER, "EUR") == "True"  # a bool is not a number


def test_a_kpi_brings_its_unit_and_time_unit() -> None:
    cycle = Kpi(name="cycle", formula="x", unit=Unit.DURATION, time_unit=TimeUnit.DAYS)
    assert format_kpi_value(43.79, cycle, "EUR") == "43.8 days"
    revenue = Kpi(name="revenue", formula="x", unit=Unit.CURRENCY)
    assert format_kpi_value(1200, revenue, "USD") == "1,200.00 USD"


def test_changes_shares_weights_and_statuses() -> None:
    assert format_change(0.02, "pp") == "+0.02 pp"
    assert format_change(-2.345, "%") == "-2.3 %"
    assert format_change(170.64, "%") == "+170.6 %"
    assert format_change(-0.0034, "pp") == "-0.00340 pp"  # a small change is not shown as none
    assert format_change(0.04, "%") == "+0.0400 %"
    assert format_change(0.05, "%") == "+0.1 %"  # 0.05 rounds to 0.1 (it is 0.05000000000000000277)
    assert format_change(0.0, "pp") == "+0.00 pp"
    assert format_change(-1e-20, "%") == "-1.00e-20 %"
    assert format_change(None, "%") == EMPTY
    assert format_change(math.nan, "pp") == EMPTY
    assert (format_share(0.853), format_share(1.049), format_share(-0.004), format_share(None)) == (
        "85%",
        "105%",
        "0%",
        EMPTY,
    )
    assert (format_weight(0.5), format_weight(30.0), format_weight(1)) == ("0.5", "30", "1")
    assert status_words(Status.TOO_EARLY) == "too early"
    assert {status_words(status) for status in Status} == {
        "achieved",
        "on track",
        "at risk",
        "off track",
        "no target",
        "no data",
        "too early",
        "immature",
    }
