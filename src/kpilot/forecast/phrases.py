"""Pieces the forecast descriptions share: sentences in a row, and a percentage with three significant digits.

A description is several sentences (the method, the interval, the back-test); each is its own message, and
`sentences` puts them one after another as the language does (a space between them; none in Chinese).
"""

from __future__ import annotations

from kpilot.i18n import Message, Number


def sentences(first: Message, *more: Message | None) -> Message:
    """`first` followed by each of `more` that is not None."""
    text = first
    for part in more:
        if part is not None:
            text = Message("forecast.then", first=text, then=part)
    return text


def percent(fraction: float) -> Message:
    """A share for a description, three significant digits: 0.4 -> 40 %, 0.12345 -> 12.3 %."""
    return Message("forecast.percent", number=Number(fraction * 100, ".3g"))


def number(value: float) -> Number:
    """A value for a description: six significant digits, whole from a million (1,234.57; 12,345,678)."""
    return Number(value, ",.6g" if abs(value) < 1e6 else ",.0f")
