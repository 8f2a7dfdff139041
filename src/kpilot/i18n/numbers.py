"""Numbers in the reader's locale.

Every rule that decides how many digits a person sees (kpilot's, documented in docs/cli.md and docs/i18n.md) first
writes the number the English way, with Python's exact formatting (`1,234.5`); `localize` then rewrites those same
digits with the locale's symbols through Babel (`1.234,5` in Italian, `1 234,5` in Polish, grouping as CLDR says).
Rounding happens once, in the rule, so a number reads the same in every language.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext
from functools import cache

from babel import Locale
from babel.numbers import format_decimal, get_currency_symbol

from kpilot.i18n.languages import Language

Number = int | float | Decimal
_NUMBER = re.compile(r"[#0,.]+")


def fixed(value: Number, decimals: int, language: Language, *, trim: bool = False, signed: bool = False) -> str:
    """`value` with `decimals` decimals (trailing zeros dropped when `trim`), grouped by thousands; -0 reads 0."""
    sign = "+" if signed else ""
    text = f"{value:{sign},.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if not text.strip("+-0.,"):  # rounded to zero: no minus sign on nothing
        text = ("+" if signed else "") + (text.lstrip("+-") or "0")
    return localize(text, language)


def significant(value: Number, digits: int, language: Language, *, trim: bool = False) -> str:
    """`digits` significant digits of a value below 1 in size (0.0139); far below a billionth, scientific."""
    if not math.isfinite(float(value)):  # nan, as Python writes it (a level that is not a number)
        return f"{value:.{digits}g}"
    magnitude = math.floor(math.log10(abs(float(value))))
    decimals = digits - 1 - magnitude
    if decimals > 9:
        return localize(f"{value:.{digits - 1}e}", language)
    return fixed(value, decimals, language, trim=trim)


def localize(text: str, language: Language) -> str:
    """An English-written number (`-1,234.50`, `+0.02`, `1.23e-12`) in the language's symbols."""
    if language is Language.EN or not any(character.isdigit() for character in text):
        return text  # English as written; nan and inf have no digits to rewrite
    sign = text[0] if text[:1] in "+-" else ""
    body = text[len(sign) :].replace(",", "")
    if "e" in body:
        mantissa, _, exponent = body.partition("e")
        return sign + localize(mantissa, language) + "E" + exponent
    whole, _, fraction = body.partition(".")
    pattern = "#,##0" + ("." + "0" * len(fraction) if fraction else "")
    # Babel rounds in the current decimal context: give it room for every digit (a target of 1e28 has 29).
    with localcontext() as context:
        context.prec = max(context.prec, len(whole) + len(fraction) + 2)
        written = format_decimal(Decimal(f"{whole}.{fraction or '0'}"), format=pattern, locale=language.locale)
    return sign.replace("-", _minus(language)) + written


def money(number_text: str, currency: str, language: Language) -> str:
    """An amount already written in the language's digits, with its currency the language's way.

    English keeps the ISO code after the amount (`1,234.56 EUR`), as kpilot always has: `$` alone would not tell US
    from Canadian dollars. Other languages follow their CLDR pattern and symbol: `1.234,56 €`, `1 234,56 €`,
    `€1,234.56`."""
    if language is Language.EN:
        return f"{number_text} {currency}"
    pattern = _currency_pattern(language)
    negative = number_text.startswith(("-", "−"))
    digits = number_text[1:] if negative else number_text
    symbol = get_currency_symbol(currency, locale=language.locale)
    text = _NUMBER.sub(lambda _: digits, pattern, count=1).replace("¤", symbol)
    return (_minus(language) if negative else "") + text


@cache
def _currency_pattern(language: Language) -> str:
    pattern: str = Locale.parse(language.locale).currency_formats["standard"].pattern
    return pattern.split(";")[0]


@cache
def _minus(language: Language) -> str:
    symbols = Locale.parse(language.locale).number_symbols
    return str(symbols.get("latn", symbols).get("minusSign", "-"))


# ---------------------------------------------------------------------------------------------------- sentences


def sentence_number(value: Number, language: Language) -> str:
    """A plain number for a sentence: 1,200,000; 45.8; 0.35."""
    if value == 0:
        return "0"
    size = abs(float(value))
    if size >= 1000 or float(value).is_integer():
        return fixed(value, 0, language)
    if size >= 1:
        return fixed(value, 2, language, trim=True)
    return significant(value, 3, language, trim=True)


def sentence_percent(fraction: Number, language: Language) -> str:
    """A rate for a sentence: 0.021 -> 2.1%; below 1 % three significant digits (0.0139%)."""
    points = float(fraction) * 100
    if 0 < abs(points) < 1:
        return fixed(points, 2 - math.floor(math.log10(abs(points))), language, trim=True) + "%"
    return fixed(points, 1 if abs(float(fraction)) >= 0.1 else 2, language, trim=True) + "%"


def sentence_share(fraction: float, language: Language) -> str:
    """A share of something for a sentence: 0.119 -> 12%, 0.042 -> 4.2%."""
    return fixed(fraction * 100, 0 if abs(fraction) >= 0.1 else 1, language, trim=True) + "%"
