"""Messages to words: the one rendering layer every surface uses (CLI now; the API, pages and e-mails next)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_timedelta

from kpilot.i18n import message as messages
from kpilot.i18n.catalogue import Text
from kpilot.i18n.catalogue import entry as catalogue_entry
from kpilot.i18n.languages import DEFAULT, Language
from kpilot.i18n.message import Amount, Elapsed, Message, Number, Period, Points, Raw, Share
from kpilot.i18n.numbers import (
    fixed,
    localize,
    money,
    sentence_number,
    sentence_percent,
    sentence_share,
    significant,
)

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([a-z_][a-z0-9_]*)\}")


class MessageMissing(LookupError):
    """A code or a value a text needs is missing: a bug in kpilot, caught by the catalogue tests."""


def render(message: Message, language: Language = DEFAULT) -> str:
    """The message in `language`, its values written the language's way."""
    text = _choose(_text(message.code, language), message, language)

    def replace(match: re.Match[str]) -> str:
        if match[0] in ("{{", "}}"):
            return match[0][0]
        name = match[1]
        if name not in message.values:
            raise MessageMissing(f"{message.code}: the text in {language} needs the value {name!r}")
        return value_text(message.values[name], language)

    return _PLACEHOLDER.sub(replace, text)


def text(code: str, language: Language = DEFAULT, /, **values: Any) -> str:
    """`render(Message(code, **values), language)`: for surfaces that write their own headings and labels."""
    return render(Message(code, **values), language)


def value_text(value: Any, language: Language) -> str:
    """One value as the language writes it inside a sentence."""
    if isinstance(value, Message):
        return render(value, language)
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, str):
        return value
    if value is None:
        return "–"
    if isinstance(value, bool):
        return text("value.yes" if value else "value.no", language)
    if isinstance(value, int):
        return fixed(value, 0, language)
    if isinstance(value, float | Decimal):
        return sentence_number(value, language)
    if isinstance(value, Amount):
        return amount_text(value, language)
    if isinstance(value, Share):
        return sentence_share(value.fraction, language)
    if isinstance(value, Points):
        points = fixed(abs(value.fraction) * 100, value.places, language, trim=True)
        return text("value.points", language, points=Raw(points))
    if isinstance(value, Period):
        return period_text(value, language)
    if isinstance(value, Elapsed):
        ago = timedelta(seconds=-max(value.seconds, 1.0))  # never "in 0 seconds": a moment ago is one second ago
        return format_timedelta(ago, add_direction=True, locale=language.locale)
    if isinstance(value, Number):
        return number_text(value, language)
    if isinstance(value, datetime):
        return format_date(value.date(), _text("format.date", language), locale=language.locale) + value.strftime(
            " %H:%M"
        )
    if isinstance(value, date):
        return format_date(value, _text("format.date", language), locale=language.locale)
    if isinstance(value, tuple):
        separator: str = _text("format.list_separator", language)
        return separator.join(value_text(item, language) for item in value)
    return str(value)


def amount_text(amount: Amount, language: Language) -> str:
    """A value in its KPI's unit, for a sentence: 1,200,000 EUR, 2.1%, 45,800, 0.35, 18.8 h."""
    if amount.unit == "percent":
        return sentence_percent(amount.value, language)
    if amount.unit == "duration" and amount.time_unit is not None:
        return _duration_text(amount.value, amount.time_unit, language)
    number = sentence_number(amount.value, language)
    if amount.unit == "currency" and amount.currency:
        return money(number, amount.currency, language)
    return number


def _duration_text(value: float | Decimal, time_unit: str, language: Language) -> str:
    """A duration as the tables write it (kpilot.results.formatting, docs/cli.md "Numbers in tables"): one decimal,
    whole from 1,000, three significant digits below 1; then its time unit in the tables' words (cli.time_unit.*),
    so that a sentence's 18.8 h is the table's."""
    size = abs(float(value))
    digits = significant(value, 3, language) if 0 < size < 1 else fixed(value, 1 if size < 1000 else 0, language)
    return f"{digits} {_text(f'cli.time_unit.{time_unit}', language)}"


def number_text(number: Number, language: Language) -> str:
    """A number by its own format spec (`.4f`, `+.1%`), the digits Python writes, in the language's symbols."""
    written = format(number.value, number.spec)
    if not math.isfinite(number.value):
        return written
    percent = "%" if written.endswith("%") else ""
    return localize(written.removesuffix("%"), language) + percent


def period_text(period: Period, language: Language) -> str:
    """May 2025 / maggio 2025 / maj 2025 / 2025年5月; quarters and years by their names (2025-Q2, 2025)."""
    if period.grain == "month":
        return format_date(period.start, _text("format.month", language), locale=language.locale)
    if period.grain == "day":
        return format_date(period.start, _text("format.day", language), locale=language.locale)
    if period.grain == "week":
        day = format_date(period.start, _text("format.day", language), locale=language.locale)
        return text("format.week", language, day=Raw(day))
    return period.name


def _text(code: str, language: Language) -> Any:
    entry = catalogue_entry(code)
    if entry is None:
        raise MessageMissing(f"no message has the code {code!r}")
    found = entry.get(language, entry.get(DEFAULT))
    if found is None:
        raise MessageMissing(f"{code}: no text in {language} or English")
    return found


def _choose(text: Text, message: Message, language: Language) -> str:
    if isinstance(text, str):
        return text
    count = message.values.get("count")
    tag = _plural(language)(abs(count)) if isinstance(count, int | float | Decimal) else "other"
    return text.get(tag, text["other"])


@cache
def _plural(language: Language) -> Any:
    return Locale.parse(language.locale).plural_form


def localized_number(english_text: str, language: Language) -> str:
    """Re-exported for surfaces that format with their own rules (tables) and localize at the end."""
    return localize(english_text, language)


# `str()` of a Message is its English text: installed here, where the words are, so that message.py imports nothing
# of the rendering (kpilot.i18n imports this module, so every Message anyone holds renders this way).
messages.english = render
