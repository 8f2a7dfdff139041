"""Turning an error inside a formula into the file:line:col of the character the user should look at."""

from __future__ import annotations

from kpilot.errors import FormulaError, Issue, Location


def formula_location(base: Location, offset: int) -> Location:
    """`base` points at the formula text's first character; single-line formulas get the exact column."""
    if base.col is None:
        return base
    return Location(base.file, base.line, base.col + offset)


def formula_issue(error: FormulaError, base: Location, what: str) -> Issue:
    snippet = error.snippet()
    message = f"{what}: {error.message}" + (f"\n{snippet}" if snippet else "")
    return Issue(message, formula_location(base, error.offset), hint=error.hint)
