"""Codes and values to words, in English, Italian, Polish and Chinese (docs/i18n.md).

The lowest layer of kpilot: it imports nothing of kpilot's. Domain code builds `Message` values; surfaces call
`render` with the reader's `Language`.
"""

from kpilot.i18n.languages import DEFAULT, ENVIRONMENT_VARIABLE, Language, choose_language
from kpilot.i18n.message import Amount, Elapsed, Message, Number, Period, Points, Raw, Share
from kpilot.i18n.render import MessageMissing, render, text, value_text

__all__ = [
    "DEFAULT",
    "ENVIRONMENT_VARIABLE",
    "Amount",
    "Elapsed",
    "Language",
    "Message",
    "MessageMissing",
    "Number",
    "Period",
    "Points",
    "Raw",
    "Share",
    "choose_language",
    "render",
    "text",
    "value_text",
]
