"""Turning an error inside a formula into the file:line:col of the character the user should look at."""

from __future__ import annotations

import re

from kpilot.errors import FormulaError, Issue, Location
from kpilot.i18n import Message, Raw

# Control characters (but tab and line feed) and lone surrogates in a formula's text are shown as U+FFFD under which
# the caret can point: printed as they are, they could drive the terminal (U+001B, U+009B start escape sequences),
# and a surrogate cannot even be written out.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def formula_location(base: Location, offset: int) -> Location:
    """`base` points at the formula text's first character; single-line formulas get the exact column."""
    if base.col is None:
        return base
    return Location(base.file, base.line, base.col + offset)


def formula_issue(error: FormulaError, base: Location, what: Message) -> Issue:
    """The formula's problem as an Issue at its character: `what` names the formula (a KPI's, a measure's expr...),
    and the formula itself follows with a caret under that character (the snippet: formula text, never words)."""
    snippet = _INVISIBLE.sub("\ufffd", error.snippet())
    if snippet:
        message = Message("semantic.formula_problem_shown", what=what, problem=error.message, snippet=Raw(snippet))
    else:
        message = Message("semantic.formula_problem", what=what, problem=error.message)
    return Issue(message, formula_location(base, error.offset), hint=error.hint, suggestions=error.suggestions)
