"""Numbers for people: the one place where every table a person reads (the command line's compute, scorecard,
matrix, forecast and targets tables, and the web pages) turns a value into text. CSV, JSON and XLSX keep values raw;
only what a person reads goes through here.

The rules (docs/cli.md, "Numbers in tables"):

- a percent (a fraction, 0.25 = 25 %): x 100, then below 1 % three significant digits (0.0139 %), from 1 % two
  decimals (1.97 %), from 100 % one decimal (239.3 %);
- money: the currency after the amount; two decimals (cents) below 10,000, whole amounts from 10,000, three
  significant digits below 0.01 (a cost per impression of 0.00452 EUR is not 0.00 EUR);
- a duration: its time unit after the number (43.8 days, 6.4 h); one decimal, whole from 1,000;
- a number or ratio: whole numbers as they are (12,345), and so are counts (`whole`: a target of 370.9 leads is
  371); others two decimals (4.26), whole from 1,000, three significant digits below 1 (0.123);
- anything below 1 (in its own unit) keeps three significant digits, so that a small value never prints as zero;
- a change: two decimals in percentage points (+0.02 pp), one in percent (-2.3 %), and three significant digits
  when those would show a change as zero (-0.00340 pp).

Thousands are separated by commas. An empty value (null, NaN, infinity) is `–`.

Each rule writes its digits the English way; `kpilot.i18n.numbers.localize` then rewrites the same digits with the
reader's symbols (Italian `1.234,56 €`, Polish `1 234,56 €`), so that a number rounds alike in every language and
the English text stays exactly what it was. Words (status words, time units, "to") come from the catalogue.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from kpilot.definitions.model import Kpi, TimeUnit, Unit
from kpilot.goals.status import Status
from kpilot.i18n import DEFAULT, Language, Raw, text, value_text
from kpilot.i18n.numbers import localize, money

EMPTY = "–"
SIGNIFICANT = 3  # digits kept for values below 1
# The English symbols, for XLSX number formats (a file's format stays English, as its values stay raw).
TIME_UNITS = {
    TimeUnit.SECONDS: "s",
    TimeUnit.MINUTES: "min",
    TimeUnit.HOURS: "h",
    TimeUnit.DAYS: "days",
    TimeUnit.WEEKS: "weeks",
}

Number = int | float | Decimal
WIDE = Context(prec=200)  # rounding a Decimal of any size to whole cents never runs out of digits


def format_value(
    value: Any,
    unit: Unit | None,
    currency: str,
    *,
    time_unit: TimeUnit | None = None,
    whole: bool = False,
    language: Language = DEFAULT,
) -> str:
    """A value as a table shows it, by its KPI's unit (None: not a KPI, shown as it is; a date in the language's
    pattern)."""
    if not is_number(value):
        if isinstance(value, date) and language is not DEFAULT:
            return value_text(value, language)  # English keeps Python's ISO text, as it always has
        return EMPTY if _is_empty(value) else str(value)
    if unit is None:
        return str(value)
    if unit is Unit.PERCENT:
        return f"{localize(_percent(value * 100), language)} %"
    if unit is Unit.CURRENCY:
        return money(localize(_money(value), language), currency, language)
    if unit is Unit.DURATION:
        digits = localize(_duration(value), language)
        return f"{digits} {time_unit_text(time_unit, language)}" if time_unit is not None else digits
    return localize(_plain(value, whole=whole), language)


def format_kpi_value(value: Any, kpi: Kpi, currency: str, *, whole: bool = False, language: Language = DEFAULT) -> str:
    """A KPI's value, level or projection, with the KPI's unit and time unit."""
    return format_value(value, kpi.unit, currency, time_unit=kpi.time_unit, whole=whole, language=language)


def time_unit_text(time_unit: TimeUnit, language: Language = DEFAULT) -> str:
    """A duration's unit after its number: `h`, `days`; `giorni`, `dni`, `天`."""
    return text(f"cli.time_unit.{time_unit.value}", language)


def is_count(kpi: Kpi, additive: bool, value: Any) -> bool:
    """Whether a KPI's levels are shown whole: a plain number that adds up (a sum or count) and whose value is whole
    (or missing). Its target of 370.9 leads is shown as 371, as leads come whole; a sum of weights in kg is not a
    count, as its value is not whole."""
    whole = value is None or (is_number(value) and _is_whole(value))
    return additive and kpi.unit is Unit.NUMBER and whole


def format_range(
    low: Any, high: Any, kpi: Kpi, currency: str, *, whole: bool = False, language: Language = DEFAULT
) -> str:
    """A range target: 94,580–98,440 EUR, the unit written once (after the range, or before it where the language
    writes a currency first: €94,580–98,440); with a negative bound -5 to 5 %, as a dash there would read as a
    minus."""
    first = format_kpi_value(low, kpi, currency, whole=whole, language=language)
    second = format_kpi_value(high, kpi, currency, whole=whole, language=language)
    negative = first.startswith(("-", "−")) or second.startswith(("-", "−"))
    unit_after = _UNIT_AFTER.search(second)
    if unit_after and unit_after[0].strip() and first.endswith(unit_after[0]) and _DIGIT.search(first):
        first = first.removesuffix(unit_after[0])
    unit_before = _UNIT_BEFORE.match(second)
    if unit_before and unit_before[0].strip() and first.startswith(unit_before[0]) and _DIGIT.search(second):
        second = second.removeprefix(unit_before[0])
    joint = text("cli.range_to", language) if negative else "–"
    return f"{first}{joint}{second}"


# What follows the last digit (` EUR`, ` %`, ` h`, a non-breaking space and `€`) or comes before the first one (`€`).
_UNIT_AFTER = re.compile(r"(?<=\d)\D+$")
_UNIT_BEFORE = re.compile(r"^[^\d+\-−]+(?=\d)")
_DIGIT = re.compile(r"\d")


def format_change(amount: float | None, kind: str, language: Language = DEFAULT) -> str:
    """A change against an earlier period: in percentage points (`pp`, two decimals) for rates, in percent (one
    decimal) otherwise; a change those decimals would show as zero keeps three significant digits (a CTR going from
    0.0167 % to 0.0133 % moved -0.00340 pp, which is not nothing)."""
    if amount is None or not math.isfinite(amount):
        return EMPTY
    decimals = 2 if kind == "pp" else 1
    if 0 < abs(amount) < 0.5 * 10**-decimals:
        decimals = SIGNIFICANT - 1 - math.floor(math.log10(abs(amount)))
    digits = _signed(amount, decimals) if decimals <= 12 else f"{amount:+.{SIGNIFICANT - 1}e}"
    change = Raw(localize(digits, language))
    return text("cli.change_points" if kind == "pp" else "cli.change_percent", language, change=change)


def format_share(fraction: float | None, language: Language = DEFAULT) -> str:
    """A share shown whole, as attainments are: 0.853 -> 85%."""
    if fraction is None or not math.isfinite(fraction):
        return EMPTY
    return localize(_unsigned_zero(f"{fraction * 100:,.0f}"), language) + "%"


def format_percent(fraction: float, decimals: int, language: Language = DEFAULT) -> str:
    """A rate as Python's `{:.Nf%}` writes it (`83%`, `16.7%`), in the language's digits: back-test rates, bands
    and interval levels."""
    return localize(f"{fraction:.{decimals}%}".removesuffix("%"), language) + "%"


def format_weight(weight: float, language: Language = DEFAULT) -> str:
    """A goal's weight as written in the definitions: 0.5, 30, 1."""
    return localize(f"{weight:g}", language)


def is_number(value: Any) -> bool:
    """A finite int, float or Decimal (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    return math.isfinite(value)


def _is_empty(value: Any) -> bool:
    """Null, and a number that is not one (NaN, infinity): nothing a person could read as a value."""
    return value is None or isinstance(value, float | Decimal)


# ---------------------------------------------------------------------------------------------------- per unit


def _percent(points: Number) -> str:
    size = abs(float(points))
    if size == 0:
        return _fixed(points, 2)
    if size < 1:
        return _significant(points)
    return _fixed(points, 2 if size < 100 else 1)


def _money(amount: Number) -> str:
    size = abs(float(amount))
    if size == 0:
        return _fixed(amount, 2)
    if size < 0.01:
        return _significant(amount)
    return _fixed(amount, 2 if size < 10_000 else 0)


def _duration(amount: Number) -> str:
    size = abs(float(amount))
    if 0 < size < 1:
        return _significant(amount)
    return _fixed(amount, 1 if size < 1000 else 0)


def _plain(value: Number, *, whole: bool) -> str:
    size = abs(float(value))
    if whole or _is_whole(value) or size >= 1000:
        return _fixed(value, 0)
    if size < 1:
        return _significant(value)
    return _fixed(value, 2)


# ---------------------------------------------------------------------------------------------------- digits


def _is_whole(value: Number) -> bool:
    if isinstance(value, int):
        return True
    return value == value.to_integral_value() if isinstance(value, Decimal) else float(value).is_integer()


def _fixed(value: Number, decimals: int) -> str:
    if isinstance(value, Decimal):  # money: half a cent rounds up, as on an invoice (not to the even cent)
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=WIDE)
    return _unsigned_zero(f"{value:,.{decimals}f}")


def _significant(value: Number) -> str:
    """Three significant digits of a value below 1 in size: 0.0139, 0.500, -0.123. Far below (under a billionth) in
    scientific notation, as no fixed number of decimals would be readable."""
    magnitude = math.floor(math.log10(abs(float(value))))
    decimals = SIGNIFICANT - 1 - magnitude
    if decimals > 9:
        return f"{value:.{SIGNIFICANT - 1}e}"
    return _fixed(value, decimals)


def _signed(amount: float, decimals: int) -> str:
    text = f"{amount:+,.{decimals}f}"
    return "+" + text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def _unsigned_zero(text: str) -> str:
    """-0.00 (a tiny negative value rounded away) reads as 0.00."""
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


# ---------------------------------------------------------------------------------------------------- statuses


def status_words(status: Status, language: Language = DEFAULT) -> str:
    """A status as a table shows it: `too_early` is "too early" (the goals' `goals.status_word.<status>`)."""
    return text(f"goals.status_word.{status.value}", language)
