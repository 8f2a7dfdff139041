"""Text cells a spreadsheet would run as a formula ("CSV injection"), made inert for every export format.

A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` as a formula, and some also one that starts with a
tab or a carriage return; a formula can fetch URLs (`=HYPERLINK(...)`, `=WEBSERVICE(...)`) or, on old setups, start
programs (`+cmd|' /C calc'!A0`). Dimension values come from the data and labels from definitions, so any of them can
be such a text. Following OWASP's advice, such a text gets a leading single quote, which spreadsheets read as "this
is text" and do not show. Numbers are never text cells: -3.5 stays -3.5.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def neutralised(text: str) -> str:
    """`text` as a cell a spreadsheet shows as text rather than evaluates."""
    return TEXT_MARK + text if text.startswith(FORMULA_STARTS) else text
