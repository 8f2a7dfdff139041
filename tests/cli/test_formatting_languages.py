"""Numbers in tables in the reader's language: the digits the English rules choose (tests/cli/test_formatting.py),
written with the language's symbols (CLDR): Italian `1.234,56 €`, Polish `1 234,56 €` (a non-breaking space groups
the thousands and comes before the symbol), Chinese `€1,234.56`. English stays as it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpilot.definitions.model import Kpi, TimeUnit, Unit
from kpilot.goals.status import Status
from kpilot.i18n import Language
from kpilot.results.formatting import (
    format_change,
    format_percent,
    format_range,
    format_share,
    format_value,
    format_weight,
    status_words,
)

EN, IT, PL, ZH = Language.EN, Language.IT, Language.PL, Language.ZH
NBSP = "\u00a0"
MONEY = Kpi(name="revenue", formula="revenue", unit="currency")


@pytest.mark.parametrize(
    ("value", "unit", "language", "shown"),
    [
        (Decimal("1234.565"), Unit.CURRENCY, EN, "1,234.57 EUR"),  # half a cent rounds up
        (Decimal("1234.565"), Unit.CURRENCY, IT, f"1.234,57{NBSP}€"),
        (Decimal("1234.565"), Unit.CURRENCY, PL, f"1{NBSP}234,57{NBSP}€"),
        (Decimal("1234.565"), Unit.CURRENCY, ZH, "€1,234.57"),
        (431_586.2, Unit.CURRENCY, IT, f"431.586{NBSP}€"),  # whole amounts from 10,000
        (-0.00452, Unit.CURRENCY, IT, f"-0,00452{NBSP}€"),  # three significant digits below a cent
        (0.000139, Unit.PERCENT, IT, "0,0139 %"),
        (2.393, Unit.PERCENT, PL, "239,3 %"),
        (12_345, Unit.NUMBER, IT, "12.345"),
        (-1_234_567.0, Unit.NUMBER, PL, f"-1{NBSP}234{NBSP}567"),
        (4.256, Unit.RATIO, ZH, "4.26"),
        (0.1234, Unit.NUMBER, IT, "0,123"),
    ],
)
def test_values(value: object, unit: Unit, language: Language, shown: str) -> None:
    assert format_value(value, unit, "EUR", language=language) == shown


def test_durations_name_their_unit_in_the_language() -> None:
    hours, days = TimeUnit.HOURS, TimeUnit.DAYS
    assert format_value(43.84, Unit.DURATION, "", time_unit=days, language=EN) == "43.8 days"
    assert format_value(43.84, Unit.DURATION, "", time_unit=days, language=IT) == "43,8 giorni"
    assert format_value(6.4, Unit.DURATION, "", time_unit=hours, language=PL) == "6,4 godz."
    assert format_value(6.4, Unit.DURATION, "", time_unit=hours, language=ZH) == "6.4 小时"


def test_dates_follow_the_language_and_english_keeps_iso() -> None:
    day = date(2025, 5, 1)
    assert [format_value(day, None, "", language=language) for language in Language] == [
        "2025-05-01",
        "01/05/2025",
        "01.05.2025",
        "2025年5月1日",
    ]


def test_ranges_write_the_unit_once_where_the_language_writes_it() -> None:
    assert format_range(94_580, 98_440, MONEY, "EUR", language=EN) == "94,580–98,440 EUR"
    assert format_range(94_580, 98_440, MONEY, "EUR", language=IT) == f"94.580–98.440{NBSP}€"
    assert format_range(94_580, 98_440, MONEY, "EUR", language=PL) == f"94{NBSP}580–98{NBSP}440{NBSP}€"
    assert format_range(94_580, 98_440, MONEY, "EUR", language=ZH) == "€94,580–98,440"  # the symbol comes first
    rate = Kpi(name="margin", formula="m", unit="percent")
    assert format_range(-0.05, 0.05, rate, "EUR", language=EN) == "-5.00 to 5.00 %"
    assert format_range(-0.05, 0.05, rate, "EUR", language=IT) == "-5,00 a 5,00 %"


def test_changes_shares_weights_and_rates() -> None:
    assert format_change(0.02, "pp", EN) == "+0.02 pp"
    assert format_change(0.02, "pp", IT) == "+0,02 p.p."
    assert format_change(-0.0033717, "pp", PL) == "-0,00337 pp"
    assert format_change(-2.34, "percent", ZH) == "-2.3 %"
    assert format_change(None, "pp", IT) == "–"
    assert format_share(0.853, IT) == "85%"
    assert format_share(12.5, PL) == f"1{NBSP}250%"
    assert format_weight(0.7, IT) == "0,7"
    assert format_percent(1 / 6, 1, IT) == "16,7%"
    assert format_percent(0.8, 0, EN) == "80%"


def test_status_words() -> None:
    assert [status_words(Status.OFF_TRACK, language) for language in Language] == [
        "off track",
        "fuori strada",
        "poza planem",
        "偏离目标",
    ]
