"""What every result's `to_data` shares: JSON-ready values, and messages as words in a language with their codes.

`to_data` returns exactly what `json.loads` gives back for the command's `--format json` output, so its values are
JSON's own: dates as ISO text, lists rather than tuples, text keys, and no NaN or infinity (they become None, as the
command line writes null). A message is rendered in the reader's language; its code sits next to it (`reason` and
`reason_code`) for clients that decide by codes, not words. A field that is still plain text (an area whose
sentences are not yet codes) has the code None.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kpilot.i18n import Language, Message, as_message, render

# `as_message`'s code for plain text: not a stable code, so clients are given None rather than it.
TRANSITIONAL = "text"


def plain_value(value: Any) -> Any:
    """A JSON-ready scalar: dates as ISO text, a Decimal as a float, NaN and infinities as None."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def plain(data: Any) -> Any:
    """Nested data made JSON-ready: mappings as dicts with text keys, sequences as lists, scalars by `plain_value`."""
    if isinstance(data, Mapping):
        return {str(key): plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [plain(value) for value in data]
    return plain_value(data)


def words(message: Message | str | None, language: Language) -> str | None:
    """A message (or text that is not yet one) as words in `language`."""
    found = as_message(message)
    return None if found is None else render(found, language)


def code(message: Message | str | None) -> str | None:
    """A message's stable code, or None for no message and for plain text."""
    if isinstance(message, Message) and message.code != TRANSITIONAL:
        return message.code
    return None
