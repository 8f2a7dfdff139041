"""CSV cells a spreadsheet would run as a formula ("CSV injection"), made inert on export and read back on import.

The rule is the one of cli/export_safety.py (OWASP's advice): a text starting with `=`, `+`, `-`, `@`, a tab or a
carriage return gets a leading single quote. `kpilot org import` removes that quote again, so that an exported
file imports unchanged.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def inert(text: str) -> str:
    return TEXT_MARK + text if text.startswith(FORMULA_STARTS) else text


def revived(text: str) -> str:
    return text[1:] if text.startswith(TEXT_MARK) and text[1:].startswith(FORMULA_STARTS) else text
