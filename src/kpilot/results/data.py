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

from kpilot.i18n import Language, Message, render


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


def words(message: Message | None, language: Language) -> str | None:
    """A message as words in `language` (None for none)."""
    return None if message is None else render(message, language)


def code(message: Message | None) -> str | None:
    """A message's stable code (None for none)."""
    return None if message is None else message.code
